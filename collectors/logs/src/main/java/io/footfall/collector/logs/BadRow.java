package io.footfall.collector.logs;

/** A row or line that cannot be turned into an event; the message says why (never the row's values). */
final class BadRow extends Exception {
    BadRow(String reason) {
        super(reason, null, false, false);
    }
}
