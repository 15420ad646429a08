package io.footfall.collector.segment;

/** Why a tracking-API message was rejected. */
public enum ViolationReason {
    /** Not parseable: broken JSON, invalid UTF-8, broken gzip. */
    MALFORMED,
    /** Parseable but a field is missing, of the wrong type or out of range. */
    SCHEMA_VIOLATION,
    /** Over the per-event size limit. */
    SIZE,
    /** The {@code type} is not one of the tracking API's calls. */
    UNKNOWN_TYPE
}
