package io.footfall.collector.segment;


/** An event failed validation: which field (dotted path), why, and of what kind. */
public final class SegmentViolation extends Exception {
    private final String field;
    private final ViolationReason reason;

    /** A violation of the given kind. */
    public SegmentViolation(String field, ViolationReason reason, String message) {
        super(message, null, false, false);
        this.field = field;
        this.reason = reason;
    }

    /** The offending field, e.g. {@code properties.products[2].quantity}. */
    public String field() {
        return field;
    }

    /** The kind of violation. */
    public ViolationReason reason() {
        return reason;
    }

    static SegmentViolation schema(String field, String message) {
        return new SegmentViolation(field, ViolationReason.SCHEMA_VIOLATION, message);
    }
}
