package io.footfall.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HostIoTest {

    @Test
    void workRunsOnAHostThreadAndItsResultAndErrorsComeBack() {
        String caller = Thread.currentThread().getName();
        String worker = HostIo.call(() -> Thread.currentThread().getName());
        assertNotEquals(caller, worker);
        assertTrue(worker.startsWith("plugin-host-io-"), worker);
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> HostIo.call(() -> {
                    throw new IllegalArgumentException("bad key");
                }));
        assertEquals("bad key", thrown.getMessage());
    }

    @Test
    void aCancelledPluginThreadLeavesTheHostWorkToFinishCleanly() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> finished = new CompletableFuture<>();
        AtomicReference<Throwable> seenByPlugin = new AtomicReference<>();
        Thread plugin = new Thread(() -> {
            try {
                HostIo.call(() -> {
                    started.countDown();
                    // stands for a JDBC read in progress: it must complete (and return its connection) on its own
                    release.await();
                    finished.complete("closed cleanly");
                    return null;
                });
            } catch (Throwable t) {
                seenByPlugin.set(t);
            }
        }, "plugin-thread");
        plugin.start();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        plugin.interrupt(); // what PluginCallGuard does when a call overruns
        plugin.join(10_000);
        assertTrue(seenByPlugin.get() instanceof IllegalStateException, String.valueOf(seenByPlugin.get()));
        assertTrue(!finished.isDone(), "the host work was not cut short");
        release.countDown();
        assertEquals("closed cleanly", finished.get(10, TimeUnit.SECONDS));
    }
}
