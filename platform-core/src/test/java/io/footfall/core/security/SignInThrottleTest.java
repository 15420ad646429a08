package io.footfall.core.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The throttle's rule; its shared store (PostgreSQL) is exercised by the app's SignInTest and ClusterFailoverIT. */
class SignInThrottleTest {

    private static final Instant T0 = Instant.parse("2026-12-03T06:00:00Z");

    @Test
    void tenFailuresAreFreeThenTheWaitDoublesUpToFiveMinutes() {
        SignInThrottle.Failures f = new SignInThrottle.Failures(0, null, null);
        assertEquals(0, f.waitSeconds(T0), "a pair without failures");
        for (int i = 1; i < SignInThrottle.FREE_FAILURES; i++) {
            f = f.next(T0, SignInThrottle.FREE_FAILURES);
            assertEquals(0, f.waitSeconds(T0), "failure " + i);
        }
        f = f.next(T0, SignInThrottle.FREE_FAILURES);
        assertEquals(5, f.waitSeconds(T0));
        assertEquals(1, f.waitSeconds(T0.plusMillis(4_500)), "a part of a second counts as one");
        assertEquals(0, f.waitSeconds(T0.plusSeconds(5)));
        f = f.next(T0.plusSeconds(5), SignInThrottle.FREE_FAILURES);
        assertEquals(10, f.waitSeconds(T0.plusSeconds(5)));
        for (int i = 0; i < 20; i++) {
            f = f.next(T0.plusSeconds(6), SignInThrottle.FREE_FAILURES);
        }
        assertEquals(300, f.waitSeconds(T0.plusSeconds(6)), "at most five minutes");
    }

    @Test
    void aPairQuietForFifteenMinutesStartsOver() {
        SignInThrottle.Failures f = new SignInThrottle.Failures(0, null, null);
        for (int i = 1; i < SignInThrottle.FREE_FAILURES; i++) {
            f = f.next(T0, SignInThrottle.FREE_FAILURES);
        }
        f = f.next(T0.plus(SignInThrottle.FORGET).plusSeconds(1), SignInThrottle.FREE_FAILURES);
        assertEquals(1, f.count());
        assertEquals(0, f.waitSeconds(T0.plus(SignInThrottle.FORGET).plusSeconds(1)));
    }

    @Test
    void anAddressWaitsOnlyAfterFiftyFailuresOverAllItsAccounts() {
        SignInThrottle.Failures f = new SignInThrottle.Failures(0, null, null);
        for (int i = 1; i < SignInThrottle.FREE_ADDRESS_FAILURES; i++) {
            f = f.next(T0, SignInThrottle.FREE_ADDRESS_FAILURES);
            assertEquals(0, f.waitSeconds(T0), "failure " + i);
        }
        f = f.next(T0, SignInThrottle.FREE_ADDRESS_FAILURES);
        assertEquals(5, f.waitSeconds(T0));
    }

    @Test
    void thePairIsKeptAsAHashOfTheAccountInAnyCaseAndTheAddress() {
        assertArrayEquals(SignInThrottle.pair("Admin", "10.0.0.1"), SignInThrottle.pair("admin", "10.0.0.1"));
        assertFalse(Arrays.equals(SignInThrottle.pair("admin", "10.0.0.1"), SignInThrottle.pair("admin", "10.0.0.2")));
        assertFalse(Arrays.equals(SignInThrottle.pair("admin", "10.0.0.1"), SignInThrottle.pair("alice", "10.0.0.1")));
        assertEquals(32, SignInThrottle.pair("admin", "10.0.0.1").length);
        assertFalse(Arrays.equals(SignInThrottle.address("10.0.0.1"), SignInThrottle.pair("admin", "10.0.0.1")));
        assertFalse(Arrays.equals(SignInThrottle.address("10.0.0.1"), SignInThrottle.address("10.0.0.2")));
    }
}
