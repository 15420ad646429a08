package io.footfall.sdk;

/**
 * What {@link FootfallClient#enqueue} does when the queue is full (the server is slower than the
 * storefront, or unreachable, for long enough to fill it).
 */
public enum OverflowPolicy {
    /**
     * Refuse the new message at once: {@code enqueue} returns false and {@code dropped} is counted.
     * The caller (a storefront request thread) is never held up. The default.
     */
    DROP_NEWEST,
    /**
     * Wait up to the client's {@code enqueueTimeout} for room, then refuse the message as
     * {@link #DROP_NEWEST} does. Slows the caller down to the rate the server accepts; use it for
     * batch jobs, not on request threads.
     */
    BLOCK
}
