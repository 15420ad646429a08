package io.footfall.core.ingest;

/**
 * What one request's events became once committed.
 *
 * @param stored     events newly appended to the log
 * @param duplicates events already in the log (or repeated within the request), not appended again
 * @param failed     failed events newly kept in the failed-events store (one whose origin key is stored already,
 *                   a Kafka record read again, is not counted again)
 */
public record IngestOutcome(int stored, int duplicates, int failed) {
}
