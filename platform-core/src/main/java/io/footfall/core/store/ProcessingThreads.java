package io.footfall.core.store;

import java.util.concurrent.ThreadFactory;
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
}
