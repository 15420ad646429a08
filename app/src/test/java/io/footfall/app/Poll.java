package io.footfall.app;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls with a deadline instead of sleeping a fixed time. */
public final class Poll {
    private Poll() {
    }

    /** Calls {@code probe} until {@code done} accepts its value; fails with the last value at the deadline. */
    public static <T> T until(Duration timeout, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        long pause = 10;
        while (System.nanoTime() < deadline) {
            last = probe.get();
            if (done.test(last)) {
                return last;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(pause).toNanos());
            pause = Math.min(pause * 2, 200);
        }
        throw new AssertionError("condition not met within " + timeout + "; last value: " + last);
    }

    /** A JSON answer that prints itself in full, so that a poll that fails shows the last one. */
    public static io.restassured.path.json.JsonPath json(String body) {
        return new io.restassured.path.json.JsonPath(body) {
            @Override
            public String toString() {
                return prettify();
            }
        };
    }
}
