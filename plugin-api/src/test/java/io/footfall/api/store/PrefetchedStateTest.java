package io.footfall.api.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PrefetchedStateTest {

    /** A map-backed store that counts the reads it answers. */
    private static final class CountingStore implements StateStore {
        final TreeMap<String, byte[]> data = new TreeMap<>();
        int gets;
        int getAlls;

        @Override
        public Optional<byte[]> get(String key) {
            gets++;
            return Optional.ofNullable(data.get(key));
        }

        @Override
        public Map<String, byte[]> getAll(Collection<String> keys) {
            getAlls++;
            Map<String, byte[]> out = new java.util.HashMap<>();
            keys.forEach(k -> {
                if (data.containsKey(k)) {
                    out.put(k, data.get(k));
                }
            });
            return out;
        }

        @Override
        public void put(String key, byte[] value) {
            data.put(key, value);
        }

        @Override
        public void delete(String key) {
            data.remove(key);
        }

        @Override
        public List<String> keys(String prefix, int limit) {
            List<String> out = new ArrayList<>(data.tailMap(prefix).keySet());
            out.removeIf(k -> !k.startsWith(prefix));
            return out.subList(0, Math.min(limit, out.size()));
        }
    }

    @Test
    void answersPrefetchedKeysFromOneReadAndTheRestFromTheStore() {
        CountingStore store = new CountingStore();
        store.put("u/1", new byte[] {1});
        store.put("u/2", new byte[] {2});
        store.put("other", new byte[] {9});
        PrefetchedState view = PrefetchedState.of(store, List.of("u/1", "u/2", "u/3", "u/1"));
        assertEquals(1, store.getAlls);
        assertArrayEquals(new byte[] {1}, view.get("u/1").orElseThrow());
        assertArrayEquals(new byte[] {2}, view.get("u/2").orElseThrow());
        assertFalse(view.get("u/3").isPresent(), "a prefetched key without a value is absent, without asking again");
        assertEquals(0, store.gets);
        assertArrayEquals(new byte[] {9}, view.get("other").orElseThrow());
        assertEquals(1, store.gets, "a key not prefetched is read from the store");
        assertTrue(view.prefetched("u/3"));
        assertFalse(view.prefetched("other"));
        Map<String, byte[]> some = view.getAll(Set.of("u/1", "u/3", "other"));
        assertEquals(Set.of("u/1", "other"), some.keySet());
        assertEquals(2, store.getAlls, "only the keys not prefetched went to the store");
    }

    @Test
    void readsItsOwnWritesAndWritesGoToTheStore() {
        CountingStore store = new CountingStore();
        store.put("u/1", new byte[] {1});
        PrefetchedState view = PrefetchedState.of(store, List.of("u/1", "u/2"));
        view.put("u/2", new byte[] {2});
        view.delete("u/1");
        view.put("x", new byte[] {3});
        assertArrayEquals(new byte[] {2}, view.get("u/2").orElseThrow());
        assertFalse(view.get("u/1").isPresent());
        assertArrayEquals(new byte[] {3}, view.get("x").orElseThrow());
        assertEquals(Set.of("u/2", "x"), store.data.keySet());
        assertEquals(List.of("u/2"), view.keys("u/", 10));
    }

    @Test
    void nothingToPrefetchReadsNothing() {
        CountingStore store = new CountingStore();
        PrefetchedState view = PrefetchedState.of(store, List.of());
        assertEquals(0, store.getAlls);
        assertFalse(view.get("a").isPresent());
        assertEquals(1, store.gets);
    }
}
