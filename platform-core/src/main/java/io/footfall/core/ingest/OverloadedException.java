package io.footfall.core.ingest;

/** The ingest queue is full: the client should retry after a pause (HTTP 429). */
public class OverloadedException extends RuntimeException {
    public OverloadedException(String message) {
        super(message);
    }
}
