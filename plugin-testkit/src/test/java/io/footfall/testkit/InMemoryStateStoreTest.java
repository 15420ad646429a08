package io.footfall.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InMemoryStateStoreTest {

    private final InMemoryStateStore store = new InMemoryStateStore();

    @Test
    void keysAreSortedFilteredByPrefixAndLimited() {
        for (String k : List.of("b/2", "a/1", "b/1", "b/3", "c")) {
            store.put(k, new byte[] {1});
        }
        assertEquals(List.of("b/1", "b/2"), store.keys("b/", 2));
        assertEquals(List.of("a/1", "b/1", "b/2", "b/3", "c"), store.keys("", 100));
        store.delete("b/2");
        assertEquals(List.of("b/1", "b/3"), store.keys("b/", 10));
    }

    @Test
    void valuesAreCopiedInAndOut() {
        byte[] v = {1, 2};
        store.put("k", v);
        v[0] = 7;
        byte[] read = store.get("k").orElseThrow();
        assertArrayEquals(new byte[] {1, 2}, read);
        read[1] = 7;
        assertArrayEquals(new byte[] {1, 2}, store.get("k").orElseThrow());
    }

    @Test
    void pendingWritesAreVisibleThenCommittedOrRolledBack() {
        store.put("kept", new byte[] {1});
        store.begin();
        store.put("new", new byte[] {2});
        store.delete("kept");
        assertEquals(Optional.empty(), store.get("kept"));
        assertEquals(List.of("new"), store.keys("", 10));
        store.rollback();
        assertEquals(List.of("kept"), store.keys("", 10));
        store.begin();
        store.put("new", new byte[] {2});
        store.delete("kept");
        store.commit();
        assertEquals(List.of("new"), store.keys("", 10));
        assertTrue(InMemoryStateStore.sameContent(store.snapshot(), java.util.Map.of("new", new byte[] {2})));
    }

    @Test
    void theHostsLimitsApply() {
        assertThrows(IllegalArgumentException.class, () -> store.put("k".repeat(513), new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> store.put("", new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> store.put("k", new byte[InMemoryStateStore.MAX_VALUE_BYTES + 1]));
        store.put("k".repeat(512), new byte[0]);
    }
}
