package io.footfall.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A secondary thread lowers its own priority, the threads it starts inherit it, and no other thread is touched. */
class ThreadNicenessTest {

    @Test
    void aLoweredThreadAndTheThreadsItStartsRunNicerThanTheRest() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "Linux only");
        int mine = ThreadNiceness.currentThread();
        Assumptions.assumeTrue(mine < 10, "the test runs at nice " + mine + " already");
        CompletableFuture<int[]> seen = new CompletableFuture<>();
        Thread secondary = new Thread(() -> {
            boolean set = ThreadNiceness.lowerCurrentThread(10);
            int own = ThreadNiceness.currentThread();
            int[] child = new int[1];
            Thread started = new Thread(() -> child[0] = ThreadNiceness.currentThread());
            started.start();
            try {
                started.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            seen.complete(new int[] {set ? 1 : 0, own, child[0]});
        });
        secondary.start();
        int[] result = seen.get(30, TimeUnit.SECONDS);
        assertEquals(1, result[0], "renice succeeded");
        assertEquals(10, result[1], "the thread runs at nice 10");
        assertEquals(10, result[2], "a thread it starts (a plugin call) inherits nice 10");
        assertEquals(mine, ThreadNiceness.currentThread(), "the calling thread is untouched");
    }

    @Test
    void callsStartedAsSecondaryRunLoweredWhileTheirCallerDoesNot() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "Linux only");
        int mine = ThreadNiceness.currentThread();
        Assumptions.assumeTrue(mine < 10, "the test runs at nice " + mine + " already");
        ProcessingPriority priority = new ProcessingPriority(java.time.Duration.ofMillis(250), java.time.Duration.ofSeconds(30), () -> true);
        for (int call = 0; call < 3; call++) {
            CompletableFuture<Integer> nice = new CompletableFuture<>();
            priority.startSecondary(new Thread(() -> nice.complete(ThreadNiceness.currentThread())));
            assertEquals(10, nice.get(30, TimeUnit.SECONDS), "a plugin call's thread runs at nice 10 (call " + call + ")");
        }
        assertEquals(mine, ThreadNiceness.currentThread(), "the caller (a plugin's processor thread, which commits) is untouched");
    }

    @Test
    void zeroLeavesTheThreadAlone() {
        assertTrue(!ThreadNiceness.lowerCurrentThread(0));
    }
}
