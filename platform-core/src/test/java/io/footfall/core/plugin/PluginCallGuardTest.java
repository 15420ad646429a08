package io.footfall.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The guard's limits, including the path that does not depend on {@code Thread.stop} (what every JDK from 20
 * on does): a thread that ignores interrupts is abandoned as a daemon and the guard refuses further calls
 * until it has ended, so a plugin cannot pile up threads.
 */
class PluginCallGuardTest {

    private static final Duration SHORT = Duration.ofMillis(200);

    /** Ignores interrupts until released; records its thread. */
    private static Object stubborn(AtomicBoolean release, AtomicReference<Thread> thread, CountDownLatch started) {
        thread.set(Thread.currentThread());
        started.countDown();
        while (!release.get()) {
            Thread.interrupted();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return null;
    }

    @Test
    void aThreadThatCannotBeStoppedIsAbandonedAsADaemonAndFurtherCallsAreRefused() throws Exception {
        try (PluginCallGuard guard = new PluginCallGuard("no-stop", false)) {
            AtomicBoolean release = new AtomicBoolean();
            AtomicReference<Thread> thread = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            PluginCallGuard.PluginCallException e = assertThrows(PluginCallGuard.PluginCallException.class,
                    () -> guard.call(() -> stubborn(release, thread, started), SHORT, Long.MAX_VALUE));
            assertTrue(started.await(5, TimeUnit.SECONDS));
            assertTrue(e.abandoned(), e.getMessage());
            assertTrue(e.getMessage().contains("did not finish within 200 ms") && e.getMessage().contains("abandoned"), e.getMessage());
            assertTrue(thread.get().isAlive(), "the thread still runs");
            assertTrue(thread.get().isDaemon(), "an abandoned thread never holds up shutdown");
            assertEquals(1, guard.abandonedAlive());

            AtomicBoolean ran = new AtomicBoolean();
            PluginCallGuard.PluginCallException refused = assertThrows(PluginCallGuard.PluginCallException.class,
                    () -> guard.call(() -> ran.getAndSet(true), SHORT, Long.MAX_VALUE));
            assertTrue(refused.abandoned() && refused.getMessage().contains("abandoned thread"), refused.getMessage());
            assertFalse(ran.get(), "no new thread was started while the abandoned one runs");

            release.set(true);
            thread.get().join(5_000);
            assertEquals(0, guard.abandonedAlive());
            assertEquals("ok", guard.call(() -> "ok", SHORT, Long.MAX_VALUE), "calls are accepted again once it ended");
        }
    }

    @Test
    void anInterruptibleCallIsStoppedWithoutThreadStop() throws Exception {
        try (PluginCallGuard guard = new PluginCallGuard("interruptible", false)) {
            AtomicReference<Thread> thread = new AtomicReference<>();
            PluginCallGuard.PluginCallException e = assertThrows(PluginCallGuard.PluginCallException.class,
                    () -> guard.call(() -> {
                        thread.set(Thread.currentThread());
                        new java.util.concurrent.CountDownLatch(1).await(); // hangs until interrupted
                        return null;
                    }, SHORT, Long.MAX_VALUE));
            assertFalse(e.abandoned(), e.getMessage());
            assertFalse(thread.get().isAlive());
            assertEquals(0, guard.abandonedAlive());
        }
    }

    @Test
    void anAllocationOverTheBudgetFailsTheCall() throws Exception {
        try (PluginCallGuard guard = new PluginCallGuard("allocating", false)) {
            PluginCallGuard.PluginCallException e = assertThrows(PluginCallGuard.PluginCallException.class,
                    () -> guard.call(() -> {
                        java.util.List<byte[]> kept = new java.util.ArrayList<>();
                        while (true) {
                            kept.add(new byte[64 * 1024]);
                            if (kept.size() > 4096) {
                                kept.clear();
                            }
                            if (Thread.interrupted()) { // interruptible, so no Thread.stop is needed
                                throw new InterruptedException();
                            }
                        }
                    }, Duration.ofSeconds(30), 8L * 1024 * 1024));
            assertTrue(e.getMessage().contains("allocated more than 8 MB"), e.getMessage());
        }
    }

    @Test
    void onJava17ThreadStopEndsAThreadThatIgnoresInterrupts() throws Exception {
        assumeTrue(PluginCallGuard.JDK_CAN_STOP_THREADS, "this JDK has no Thread.stop");
        try (PluginCallGuard guard = new PluginCallGuard("stoppable", true)) {
            AtomicReference<Thread> thread = new AtomicReference<>();
            PluginCallGuard.PluginCallException e = assertThrows(PluginCallGuard.PluginCallException.class,
                    () -> guard.call(() -> stubborn(new AtomicBoolean(), thread, new CountDownLatch(1)), SHORT, Long.MAX_VALUE));
            assertFalse(e.abandoned(), e.getMessage());
            assertFalse(thread.get().isAlive());
            assertEquals("ok", guard.call(() -> "ok", SHORT, Long.MAX_VALUE));
        }
    }

    @Test
    void onNewerJdksTheDefaultGuardAbandonsInsteadOfFailing() throws Exception {
        assumeTrue(!PluginCallGuard.JDK_CAN_STOP_THREADS, "this JDK still has Thread.stop");
        try (PluginCallGuard guard = new PluginCallGuard("default", true)) {
            AtomicBoolean release = new AtomicBoolean();
            AtomicReference<Thread> thread = new AtomicReference<>();
            PluginCallGuard.PluginCallException e = assertThrows(PluginCallGuard.PluginCallException.class,
                    () -> guard.call(() -> stubborn(release, thread, new CountDownLatch(1)), SHORT, Long.MAX_VALUE));
            assertTrue(e.abandoned() && e.getMessage().contains("this JDK has no Thread.stop"), e.getMessage());
            release.set(true);
            thread.get().join(5_000);
        }
    }
}
