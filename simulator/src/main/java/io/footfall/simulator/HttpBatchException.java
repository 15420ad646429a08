package io.footfall.simulator;

/**
 * A batch could not be delivered by {@link HttpBatchSink}: the server rejected it (a 4xx other than 429), or
 * retries of a 429/5xx or network failure were exhausted.
 */
public final class HttpBatchException extends RuntimeException {

    private final int status;
    private final String responseBody;

    HttpBatchException(String message, int status, String responseBody, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.responseBody = responseBody;
    }

    /** HTTP status of the last response, or -1 if the last attempt got no response. */
    public int status() {
        return status;
    }

    /** Body of the last response ({@code ""} if none). */
    public String responseBody() {
        return responseBody;
    }
}
