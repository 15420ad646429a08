package io.footfall.sdk;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try a request again: network errors, timeouts, 5xx and 429 are retried, up to
 * {@code maxAttempts} in all; other 4xx never are. Between attempts the sender waits the server's
 * {@code Retry-After} (capped at {@code maxRetryAfter}) when it gave one, otherwise an exponential
 * backoff with jitter: attempt n waits a random time in [d/2, d] with d = min(maxBackoff,
 * initialBackoff × 2^(n-1)).
 *
 * @param maxAttempts    attempts per batch, ≥ 1
 * @param initialBackoff the first backoff
 * @param maxBackoff     the largest backoff
 * @param maxRetryAfter  the longest {@code Retry-After} honoured
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

    /** Validates the values. */
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("backoffs must be >= 0 and maxBackoff >= initialBackoff");
        }
    }

    /** 10 attempts, 100 ms doubling up to 10 s, {@code Retry-After} up to 60 s: about a minute of outage is bridged. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    /** Whether an HTTP status is worth another attempt. */
    public static boolean retryable(int status) {
        return status == 429 || status >= 500;
    }

    /** The wait before attempt {@code attempt + 1}, after {@code attempt} failed (1-based). */
    public Duration delay(int attempt, Duration retryAfter) {
        if (retryAfter != null) {
            Duration capped = retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
            // a little jitter on top, so clients told the same Retry-After do not come back in lockstep
            long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, Math.min(250, capped.toMillis() / 10 + 1)));
            return capped.plusMillis(jitter);
        }
        long max = maxBackoff.toMillis();
        long d = initialBackoff.toMillis() << Math.min(30, Math.max(0, attempt - 1));
        d = d <= 0 || d > max ? max : d;
        return Duration.ofMillis(d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1));
    }
}
