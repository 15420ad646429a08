package io.footfall.core.plugin;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the database work of host services that plugins call (state reads, model store, profiles) on a host thread,
 * never on the plugin's own thread. A plugin call that overruns its timeout is interrupted, or on JDK 17-19 stopped
 * ({@link PluginCallGuard}); stopped in the middle of a JDBC read, the plugin thread would hand a connection back to
 * the pool half-way through the protocol, and the next borrower would read someone else's rows. Here the plugin
 * thread only waits: if it is stopped or interrupted, the host thread still finishes the statement and returns a
 * clean connection.
 */
final class HostIo {

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService IO = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "plugin-host-io-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private HostIo() {
    }

    /** Runs {@code work} on a host thread and waits for it; its exceptions are rethrown unchanged (unchecked). */
    static <R> R call(Callable<R> work) {
        Future<R> result = IO.submit(work);
        try {
            return result.get();
        } catch (InterruptedException e) {
            // the host thread goes on and returns its connection cleanly; the plugin call is being cancelled
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the host read for the plugin", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }
}
