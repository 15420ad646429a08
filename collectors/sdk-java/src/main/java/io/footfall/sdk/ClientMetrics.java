package io.footfall.sdk;

/**
 * A snapshot of a {@link FootfallClient}'s counters since it was built.
 *
 * @param enqueued   messages accepted into the queue
 * @param sent       messages the server acknowledged as committed (stored now or already known)
 * @param duplicates of {@code sent}, those the server already had (same messageId sent before)
 * @param rejected   messages the server refused as invalid (counted in {@code failed} too)
 * @param failed     messages given up: refused (4xx other than 429), out of attempts, or still
 *                   unsent when {@code close} ran out of time
 * @param dropped    messages refused by {@code enqueue} (queue full, or the client closed)
 * @param retries    requests repeated after a network error, timeout, 5xx or 429
 * @param batches    requests that ended (committed or given up)
 * @param queueDepth messages waiting in the queue now
 * @param inFlight   batches being sent now
 */
public record ClientMetrics(long enqueued, long sent, long duplicates, long rejected, long failed, long dropped, long retries,
                            long batches, int queueDepth, int inFlight) {

    /** Messages enqueued but neither sent nor failed yet. */
    public long pending() {
        return enqueued - sent - failed;
    }
}
