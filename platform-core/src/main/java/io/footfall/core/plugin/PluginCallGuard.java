package io.footfall.core.plugin;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a plugin's code on a thread of the plugin's own and stops it when it takes too long or
 * allocates too much, so a broken plugin costs at most its own lane. Allocation is measured per
 * thread by the JVM ({@code com.sun.management.ThreadMXBean}); a runaway thread is stopped and
 * replaced by a fresh one.
 */
final class PluginCallGuard implements AutoCloseable {

    /** Why a call failed. */
    static final class PluginCallException extends Exception {
        PluginCallException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final String pluginId;
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final AtomicReference<Thread> worker = new AtomicReference<>();
    private volatile boolean closed;

    PluginCallGuard(String pluginId) {
        this.pluginId = pluginId;
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    /** Runs the call with a time limit and an allocation budget; the plugin's exception, a timeout or a blown budget all fail it. */
    <T> T call(Callable<T> call, Duration timeout, long allocationBudget) throws PluginCallException {
        if (closed) {
            throw new PluginCallException("plugin " + pluginId + " is closed", null);
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
        worker.set(thread);
        long start = System.nanoTime();
        thread.start();
        long allocatedAtStart = allocated(thread);
        try {
            while (true) {
                try {
                    return result.get(POLL_NANOS, TimeUnit.NANOSECONDS);
                } catch (TimeoutException stillRunning) {
                    long elapsed = System.nanoTime() - start;
                    long allocated = allocated(thread) - allocatedAtStart;
                    if (allocated > allocationBudget) {
                        kill(thread);
                        throw new PluginCallException("allocated more than " + allocationBudget / (1024 * 1024) + " MB in one call", null);
                    }
                    if (elapsed > timeout.toNanos()) {
                        kill(thread);
                        throw new PluginCallException("did not finish within " + timeout.toMillis() + " ms", null);
                    }
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new PluginCallException(cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
        } catch (InterruptedException e) {
            kill(thread);
            Thread.currentThread().interrupt();
            throw new PluginCallException("interrupted", e);
        } finally {
            worker.compareAndSet(thread, null);
        }
    }

    private long allocated(Thread thread) {
        long bytes = threads.getThreadAllocatedBytes(thread.getId());
        return Math.max(bytes, 0);
    }

    /** Stops a runaway plugin thread (Java 17 still honours Thread.stop); its partial work is discarded by the caller. */
    @SuppressWarnings({"deprecation", "removal"})
    private static void kill(Thread thread) {
        thread.interrupt();
        try {
            thread.join(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            try {
                thread.stop();
            } catch (UnsupportedOperationException newerJdk) {
                // on JDKs without Thread.stop the thread is abandoned; it is a daemon
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread running = worker.get();
        if (running != null) {
            kill(running);
        }
    }
}
