package io.footfall.core.store;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named threads for Footfall's own background work (the profile projection, the store's reader, schedules), so
 * thread dumps, profilers and the benchmark's per-thread CPU figures say what each thread does.
 */
public final class ProcessingThreads {

    private ProcessingThreads() {
    }

    /** A factory of threads named {@code name-N}. */
    public static ThreadFactory named(String name, boolean daemon) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.getAndIncrement());
            thread.setDaemon(daemon);
            return thread;
        };
    }

    /**
     * Runs {@code task} on a daemon thread named {@code name}, {@code period} after start and then {@code period} after
     * each run ended. A run that throws is logged at debug level as "{@code what} skipped this round" and the next
     * runs as planned.
     */
    public static ScheduledExecutorService every(String name, Duration period, Runnable task, org.jboss.logging.Logger log,
            String what) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(named(name, true));
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.debugf("%s skipped this round: %s", what, io.footfall.core.config.SafeErrors.describe(e));
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return scheduler;
    }
}
