package io.footfall.core.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SignInThrottleTest {

    private static final long S = 1_000_000_000L;

    @Test
    void tenFailuresAreFreeThenTheWaitDoublesUpToFiveMinutes() {
        SignInThrottle throttle = new SignInThrottle();
        long now = 1_000 * S;
        for (int i = 1; i < SignInThrottle.FREE_FAILURES; i++) {
            throttle.failed("Admin", "10.0.0.1", now);
            assertEquals(0, throttle.waitSeconds("admin", "10.0.0.1", now), "failure " + i);
        }
        throttle.failed("admin", "10.0.0.1", now);
        assertEquals(5, throttle.waitSeconds("ADMIN", "10.0.0.1", now), "the same account in any case");
        assertEquals(0, throttle.waitSeconds("admin", "10.0.0.2", now), "another address is not slowed");
        assertEquals(0, throttle.waitSeconds("alice", "10.0.0.1", now), "nor another account");
        assertEquals(0, throttle.waitSeconds("admin", "10.0.0.1", now + 5 * S));
        throttle.failed("admin", "10.0.0.1", now + 5 * S);
        assertEquals(10, throttle.waitSeconds("admin", "10.0.0.1", now + 5 * S));
        for (int i = 0; i < 20; i++) {
            throttle.failed("admin", "10.0.0.1", now + 6 * S);
        }
        assertEquals(300, throttle.waitSeconds("admin", "10.0.0.1", now + 6 * S), "at most five minutes");
        // a correct password starts over
        throttle.succeeded("admin", "10.0.0.1");
        assertEquals(0, throttle.waitSeconds("admin", "10.0.0.1", now + 6 * S));
    }

    @Test
    void aPairQuietForFifteenMinutesStartsOver() {
        SignInThrottle throttle = new SignInThrottle();
        long now = 1_000 * S;
        for (int i = 1; i < SignInThrottle.FREE_FAILURES; i++) {
            throttle.failed("bob", "10.0.0.9", now);
        }
        throttle.failed("bob", "10.0.0.9", now + 901 * S);
        assertEquals(0, throttle.waitSeconds("bob", "10.0.0.9", now + 901 * S));
    }
}
