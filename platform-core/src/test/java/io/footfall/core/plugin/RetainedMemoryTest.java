package io.footfall.core.plugin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RetainedMemoryTest {

    private static final long MB = 1024 * 1024;
    private static final ClassLoader OWN = RetainedMemoryTest.class.getClassLoader();

    /** Stands for a plugin that leaks into a static list and keeps an instance map. */
    static final class Leaky {
        static final List<byte[]> HOARD = new ArrayList<>();
        final Map<String, long[]> perUser = new HashMap<>();
        /** Stands for the host's context: a JDK object other than a collection is not entered. */
        final AtomicReference<byte[]> host = new AtomicReference<>(new byte[(int) (32 * MB)]);
    }

    /** Never initialised by the test: its statics must not be read (that would run its initialiser). */
    static final class NeverUsed {
        static final List<byte[]> BIG;

        static {
            BIG = List.of(new byte[(int) (4 * MB)]);
            System.setProperty("footfall.test.never-used-initialised", "true");
        }
    }

    @Test
    void countsWhatIsReachableFromTheInstanceAndStaticsButNotOpaqueObjects() throws Exception {
        Leaky plugin = new Leaky();
        synchronized (Leaky.HOARD) {
            Leaky.HOARD.clear();
            for (int i = 0; i < 10; i++) {
                Leaky.HOARD.add(new byte[(int) MB]);
            }
        }
        for (int i = 0; i < 1000; i++) {
            plugin.perUser.put("user-" + i, new long[128]);
        }
        Class<?> neverUsed = Class.forName(NeverUsed.class.getName(), false, OWN);
        RetainedMemory.Estimate e = RetainedMemory.measure(plugin, List.of(Leaky.class, neverUsed), OWN, 100 * MB, Duration.ofSeconds(10));
        assertTrue(e.complete());
        assertFalse(e.over());
        // 10 MB hoarded + 1000 × ~1 KB per user; the 32 MB behind the AtomicReference is not entered
        assertTrue(e.bytes() > 11 * MB && e.bytes() < 13 * MB, "estimate " + e);
        assertFalse(Boolean.getBoolean("footfall.test.never-used-initialised"), "the walk initialised a class");
        synchronized (Leaky.HOARD) {
            Leaky.HOARD.clear();
        }
    }

    @Test
    void stopsAsSoonAsTheBudgetIsExceeded() {
        Leaky plugin = new Leaky();
        synchronized (Leaky.HOARD) {
            Leaky.HOARD.clear();
            for (int i = 0; i < 50; i++) {
                Leaky.HOARD.add(new byte[(int) MB]);
            }
        }
        try {
            RetainedMemory.Estimate e = RetainedMemory.measure(plugin, List.of(Leaky.class), OWN, 8 * MB, Duration.ofSeconds(10));
            assertTrue(e.over(), "estimate " + e);
            assertTrue(e.bytes() < 10 * MB, "the walk went on past the budget: " + e);
        } finally {
            synchronized (Leaky.HOARD) {
                Leaky.HOARD.clear();
            }
        }
    }

    @Test
    void cyclesAndSharedArraysAreCountedOnce() {
        Leaky plugin = new Leaky();
        byte[] shared = new byte[(int) (4 * MB)];
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        cycle.add(shared);
        cycle.add(shared);
        plugin.perUser.put("cycle", new long[0]);
        synchronized (Leaky.HOARD) {
            Leaky.HOARD.clear();
            Leaky.HOARD.add(shared);
        }
        try {
            Map<String, Object> holder = new HashMap<>();
            holder.put("a", cycle);
            holder.put("b", cycle);
            RetainedMemory.Estimate e = RetainedMemory.measure(new Object[] {plugin, holder}, List.of(Leaky.class), OWN, 100 * MB,
                    Duration.ofSeconds(10));
            assertTrue(e.complete() && e.bytes() >= 4 * MB && e.bytes() < 5 * MB, "estimate " + e);
        } finally {
            synchronized (Leaky.HOARD) {
                Leaky.HOARD.clear();
            }
        }
    }
}
