package io.footfall.core.failed;

import java.time.Instant;

/**
 * A rejected event as kept in the failed-events store.
 *
 * @param sourceId   the source that sent it
 * @param receivedAt when it arrived
 * @param reason     typed reason
 * @param field      the offending field (dotted path), if one
 * @param message    what is wrong, for people
 * @param subject    the person identifier it names, if one could be read (for erasure)
 * @param raw        the raw JSON of the event (or of the request, if it could not be split)
 * @param originKey  where exactly it was read, when the origin can deliver it again (a Kafka record:
 *                   {@code kafka:<source>:<topic>:<partition>:<offset>[:<index in a batch>]}), or null.
 *                   Unique in the store: a failed event whose key is already stored is not stored again,
 *                   so a record read twice (after a crash between append and offset commit) fails once.
 */
public record FailedEvent(String sourceId, Instant receivedAt, FailureReason reason, String field, String message,
                          String subject, String raw, String originKey) {

    /** The longest {@link #originKey()} the store keeps. */
    public static final int MAX_ORIGIN_KEY = 512;

    /** A failed event without an origin key (HTTP requests: a retried request is a new request). */
    public FailedEvent(String sourceId, Instant receivedAt, FailureReason reason, String field, String message,
                       String subject, String raw) {
        this(sourceId, receivedAt, reason, field, message, subject, raw, null);
    }

    /** Replaces NUL characters, which PostgreSQL text cannot hold, so a hostile payload cannot fail a commit. */
    public FailedEvent {
        raw = raw == null ? "" : raw.replace('\u0000', '\uFFFD');
        message = message == null ? "" : message.replace('\u0000', '\uFFFD');
        field = field == null ? null : field.replace('\u0000', '\uFFFD');
        subject = subject == null ? null : subject.replace('\u0000', '\uFFFD');
        if (originKey != null && (originKey.isEmpty() || originKey.length() > MAX_ORIGIN_KEY || originKey.indexOf('\u0000') >= 0)) {
            throw new IllegalArgumentException("an origin key is 1 to " + MAX_ORIGIN_KEY + " characters without NUL");
        }
    }
}
