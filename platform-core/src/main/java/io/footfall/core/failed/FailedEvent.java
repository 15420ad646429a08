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
 */
public record FailedEvent(String sourceId, Instant receivedAt, FailureReason reason, String field, String message,
                          String subject, String raw) {

    /** Replaces NUL characters, which PostgreSQL text cannot hold, so a hostile payload cannot fail a commit. */
    public FailedEvent {
        raw = raw == null ? "" : raw.replace('\u0000', '\uFFFD');
        message = message == null ? "" : message.replace('\u0000', '\uFFFD');
        field = field == null ? null : field.replace('\u0000', '\uFFFD');
        subject = subject == null ? null : subject.replace('\u0000', '\uFFFD');
    }
}
