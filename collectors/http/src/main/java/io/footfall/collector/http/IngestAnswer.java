package io.footfall.collector.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The answer to an accepted request.
 *
 * @param success    true when at least the valid events were stored
 * @param stored     events appended to the log
 * @param duplicates events already in the log (same source and messageId), not stored again
 * @param failed     events rejected and kept in the failed-events store
 * @param errors     one entry per rejected event
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record IngestAnswer(boolean success, int stored, int duplicates, int failed, List<EventError> errors) {

    /**
     * Why one event of a request was rejected.
     *
     * @param index   position of the event in the batch (0 for single-event endpoints)
     * @param field   the offending field, dotted
     * @param reason  typed reason: MALFORMED, SCHEMA_VIOLATION, SIZE, UNKNOWN_TYPE
     * @param message what is wrong
     */
    public record EventError(int index, String field, String reason, String message) {
    }
}
