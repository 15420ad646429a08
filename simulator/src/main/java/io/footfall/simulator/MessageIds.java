package io.footfall.simulator;

import java.util.UUID;

/**
 * Deterministic Segment {@code messageId}s in the format {@code @segment/analytics-node} uses:
 * {@code node-next-<epoch millis>-<uuid v4>}. The UUID is a function of the seed and the message's position in
 * the output, so ids are reproducible; the 64-bit half derived from the position through a bijection keeps
 * them unique within a run (up to the version nibble: 2^60 messages).
 */
final class MessageIds {

    private final long key;
    private long next;

    MessageIds(long seed) {
        this.key = Draws.mix(seed ^ 0x6D657373616765L);
    }

    String next(long epochMillis) {
        long n = next++;
        long msb = Draws.mix(n + key);
        long hi = (msb & 0xFFFFFFFFFFFF0FFFL) | 0x0000000000004000L;
        long lo = (Draws.mix(msb ^ key) & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return "node-next-" + epochMillis + "-" + new UUID(hi, lo);
    }
}
