package io.footfall.core.plugin;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a plugin's code on a thread of the plugin's own and stops it when it takes too long or
 * allocates too much, so a broken plugin costs at most its own lane. Allocation is measured per
 * thread by the JVM ({@code com.sun.management.ThreadMXBean}).
 *
 * <p>A runaway thread is interrupted; if it ignores that, it is stopped with {@code Thread.stop} where
 * the JDK still has it (up to Java 19) and the host allows it. Where it cannot be stopped (Java 20+,
 * {@code Thread.stop} disabled by configuration, or a thread that survives it, e.g. in native code), the
 * thread is <em>abandoned</em>: it is a daemon, so it never holds up shutdown, the failed call reports
 * {@link PluginCallException#abandoned()} (the runtime quarantines the plugin), and this guard refuses
 * every further call while an abandoned thread is alive, so a plugin can never pile up threads.
 */
final class PluginCallGuard implements AutoCloseable {

    /** Why a call failed. */
    static final class PluginCallException extends Exception {
        private final boolean abandoned;

        PluginCallException(String message, Throwable cause) {
            this(message, cause, false);
        }

        PluginCallException(String message, Throwable cause, boolean abandoned) {
            super(message, cause, false, false);
            this.abandoned = abandoned;
        }

        /** True when the call's thread could not be stopped and still runs (abandoned, as a daemon). */
        boolean abandoned() {
            return abandoned;
        }
    }

    /** True on JDKs that still implement {@code Thread.stop} (it throws UnsupportedOperationException from Java 20). */
    static final boolean JDK_CAN_STOP_THREADS = Runtime.version().feature() < 20;

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** How long a thread gets to end after an interrupt, and again after Thread.stop. */
    private static final long GRACE_MILLIS = 100;

    private final String pluginId;
    private final boolean useThreadStop;
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
/** The threads of the calls running now: several for a plugin folded on several segments (ADR 0021). */
    private final java.util.Set<Thread> workers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<Thread> abandoned = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private final java.util.function.Consumer<Thread> starter;

    /** A guard that uses {@code Thread.stop} where the JDK has it. */
    PluginCallGuard(String pluginId) {
        this(pluginId, true);
    }

    /**
     * @param allowThreadStop whether a runaway thread may be stopped with {@code Thread.stop} (only
     *                        effective on JDKs that have it); false abandons it instead
     */
    PluginCallGuard(String pluginId, boolean allowThreadStop) {
        this(pluginId, allowThreadStop, Thread::start);
    }

    /**
     * @param allowThreadStop whether a runaway thread may be stopped with {@code Thread.stop}
     * @param starter         starts each call's thread (the host starts them at the secondary priority)
     */
    PluginCallGuard(String pluginId, boolean allowThreadStop, java.util.function.Consumer<Thread> starter) {
        this.pluginId = pluginId;
        this.useThreadStop = allowThreadStop && JDK_CAN_STOP_THREADS;
        this.starter = starter;
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    /** Runs the call with a time limit and an allocation budget; the plugin's exception, a timeout or a blown budget all fail it. */
    <T> T call(Callable<T> call, Duration timeout, long allocationBudget) throws PluginCallException {
        if (closed) {
            throw new PluginCallException("plugin " + pluginId + " is closed", null);
        }
        int alive = abandonedAlive();
        if (alive > 0) {
            throw new PluginCallException("refused: " + alive + " abandoned thread(s) of an earlier call still running", null, true);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "plugin-" + pluginId);
        thread.setDaemon(true);
        workers.add(thread);
        long start = System.nanoTime();
        starter.accept(thread);
        long allocatedAtStart = allocated(thread);
        try {
            while (true) {
                try {
                    return result.get(POLL_NANOS, TimeUnit.NANOSECONDS);
                } catch (TimeoutException stillRunning) {
                    long elapsed = System.nanoTime() - start;
                    long allocated = allocated(thread) - allocatedAtStart;
                    if (allocated > allocationBudget) {
                        throw stopped(thread, "allocated more than " + allocationBudget / (1024 * 1024) + " MB in one call");
                    }
                    if (elapsed > timeout.toNanos()) {
                        throw stopped(thread, "did not finish within " + timeout.toMillis() + " ms");
                    }
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new PluginCallException(cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw stopped(thread, "interrupted");
        } finally {
            workers.remove(thread);
        }
    }

    /** Stops the thread; the exception says whether it is gone or had to be abandoned. */
    private PluginCallException stopped(Thread thread, String why) {
        if (kill(thread)) {
            return new PluginCallException(why, null);
        }
        abandoned.add(thread);
        return new PluginCallException(why + "; its thread could not be stopped"
                + (useThreadStop ? "" : JDK_CAN_STOP_THREADS ? " (Thread.stop disabled)" : " (this JDK has no Thread.stop)")
                + " and was abandoned", null, true);
    }

    /** Number of abandoned threads still running plugin code. */
    int abandonedAlive() {
        abandoned.removeIf(t -> !t.isAlive());
        return abandoned.size();
    }

    private long allocated(Thread thread) {
        long bytes = threads.getThreadAllocatedBytes(thread.getId());
        return Math.max(bytes, 0);
    }

    /**
     * Interrupts a runaway plugin thread, then stops it where allowed; its partial work is discarded by the caller.
     * Returns true when the thread has ended.
     */
    @SuppressWarnings({"deprecation", "removal"})
    private boolean kill(Thread thread) {
        thread.interrupt();
        if (ended(thread)) {
            return true;
        }
        if (useThreadStop) {
            try {
                thread.stop();
            } catch (UnsupportedOperationException newerJdk) {
                return false;
            }
            return ended(thread);
        }
        return false;
    }

    private static boolean ended(Thread thread) {
        try {
            thread.join(GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    @Override
    public void close() {
        closed = true;
        for (Thread running : workers) {
            if (!kill(running)) {
                abandoned.add(running);
            }
        }
    }
}
