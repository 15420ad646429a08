package io.footfall.collector.http;

import io.footfall.core.failed.FailureReason;

/** An event failed validation: which field, why, and of what kind. */
final class Violation extends Exception {
    final String field;
    final FailureReason reason;

    Violation(String field, FailureReason reason, String message) {
        super(message, null, false, false);
        this.field = field;
        this.reason = reason;
    }

    static Violation schema(String field, String message) {
        return new Violation(field, FailureReason.SCHEMA_VIOLATION, message);
    }
}
