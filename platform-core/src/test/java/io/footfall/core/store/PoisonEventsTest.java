package io.footfall.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PoisonEventsTest {

    @Test
    void theBisectionFindsTheFirstFailingPrefixInLogarithmicallyManyDryRuns() {
        for (int n = 1; n <= 500; n++) {
            for (int poison : new int[] {1, n / 3 + 1, n / 2 + 1, n}) {
                if (poison > n) {
                    continue;
                }
                AtomicInteger runs = new AtomicInteger();
                int p = poison;
                int found = PoisonEvents.firstFailing(n, k -> {
                    runs.incrementAndGet();
                    return k >= p;
                });
                assertEquals(poison, found, "n=" + n + " poison=" + poison);
                assertTrue(runs.get() <= 32 - Integer.numberOfLeadingZeros(n), "n=" + n + " runs=" + runs.get());
            }
        }
    }

    @Test
    void failuresThatPassByThemselvesAreRetriedNotParked() {
        assertTrue(PoisonEvents.transientFailure(new IllegalStateException(new SQLException("deadlock", "40P01"))));
        assertTrue(PoisonEvents.transientFailure(new SQLException("connection refused", "08001")));
        assertTrue(PoisonEvents.transientFailure(new RuntimeException(new SQLException("disk full", "53100"))));
        assertTrue(PoisonEvents.transientFailure(new java.sql.SQLTransientConnectionException("pool exhausted")));
        assertTrue(PoisonEvents.transientFailure(new jakarta.persistence.LockTimeoutException("lock")));
        // the data's own faults fail every time
        assertFalse(PoisonEvents.transientFailure(new IllegalStateException(new SQLException("unsupported Unicode escape", "22P05"))));
        assertFalse(PoisonEvents.transientFailure(new SQLException("duplicate key", "23505")));
        assertFalse(PoisonEvents.transientFailure(new ArithmeticException("long overflow")));
        assertFalse(PoisonEvents.transientFailure(new NullPointerException()));
    }
}
