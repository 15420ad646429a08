package io.footfall.core.ingest;

/**
 * What one request's events became once committed.
 *
 * @param stored     events newly appended to the log
 * @param duplicates events already in the log (or repeated within the request), not appended again
 * @param failed     events kept in the failed-events store
 */
public record IngestOutcome(int stored, int duplicates, int failed) {
}
