package io.footfall.sdk;

import java.util.List;

/**
 * What became of one batch.
 *
 * @param ok         the server committed it (HTTP 200); {@code rejected} events of it were invalid
 * @param status     the last HTTP status, or -1 when the last attempt got no answer
 * @param stored     events stored now
 * @param duplicates events the server already had (by messageId)
 * @param rejected   events the server rejected as invalid (kept in its failed-events store)
 * @param attempts   requests made
 * @param errors     the server's per-event errors (index in the batch, field, reason)
 * @param failure    why the batch was given up, or null when {@code ok}
 */
public record SendResult(boolean ok, int status, int stored, int duplicates, int rejected, int attempts,
                         List<EventError> errors, String failure) {

    /**
     * One rejected event.
     *
     * @param index  its index in the batch
     * @param field  the offending field, dotted
     * @param reason the server's typed reason ({@code SCHEMA_VIOLATION}, {@code SIZE}, …)
     */
    public record EventError(int index, String field, String reason) {
    }
}
