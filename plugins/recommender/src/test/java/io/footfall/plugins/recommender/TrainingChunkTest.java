package io.footfall.plugins.recommender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.footfall.api.plugin.ProfileReader;
import io.footfall.api.plugin.ProfileSnapshot;
import io.footfall.testkit.InMemoryStateStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Training publishes a chunk of users at a time, each chunk read with one query per kind of record; and similar items
 * a chunk of items at a time, every part's shares of them read with two queries.
 */
class TrainingChunkTest {

    /** Counts what reaches the store underneath. */
    static final class CountingStore implements io.footfall.api.store.StateStore {
        final InMemoryStateStore store = new InMemoryStateStore();
        int gets;
        int getAlls;

        @Override
        public Optional<byte[]> get(String key) {
            gets++;
            return store.get(key);
        }

        @Override
        public Map<String, byte[]> getAll(Collection<String> keys) {
            getAlls++;
            return store.getAll(keys);
        }

        @Override
        public void put(String key, byte[] value) {
            store.put(key, value);
        }

        @Override
        public void delete(String key) {
            store.delete(key);
        }

        @Override
        public List<String> keys(String prefix, int limit) {
            return store.keys(prefix, limit);
        }
    }

    @Test
    void aChunkOfUsersCostsOneStateReadAndOneProfileReadAndChunksDoNotNest() {
        CountingStore store = new CountingStore();
        for (int u = 0; u < 30; u++) {
            if (u % 3 != 0) { // every third user has no history
                UserHistory h = new UserHistory();
                h.add("item-" + u, "Books", 1, 1_000L * u);
                store.put("user/u" + u, h.encode());
                ScoredList rec = new ScoredList(5);
                rec.set("item-x", 1);
                store.put("rec/u" + u, rec.encode());
            }
        }
        List<Collection<String>> profileReads = new ArrayList<>();
        ProfileReader reader = new ProfileReader() {
            @Override
            public Optional<ProfileSnapshot> profile(String id) {
                throw new AssertionError("one profile read alone: " + id);
            }

            @Override
            public Map<String, ProfileSnapshot> profiles(Collection<String> ids) {
                profileReads.add(List.copyOf(ids));
                return Map.of();
            }
        };
        RecommenderPlugin.Work w = RecommenderPlugin.Work.reading(store, java.time.Duration.ofDays(7));
        int lone = store.gets; // which shares there are: read once per work
        for (int start = 0; start < 30; start += 10) {
            List<String> chunk = new ArrayList<>();
            for (int u = start; u < start + 10; u++) {
                chunk.add("u" + u);
            }
            int getAllsBefore = store.getAlls;
            w.nextChunk(reader, chunk);
            for (int u = start; u < start + 10; u++) {
                if (u % 3 != 0) {
                    assertNotNull(w.userIfPresent("u" + u));
                    assertNotNull(w.personList("rec/u" + u));
                    assertEquals(Optional.empty(), w.profile(reader, "u" + u));
                } else {
                    assertNull(w.userIfPresent("u" + u));
                    assertNull(w.personList("rec/u" + u));
                }
            }
            assertEquals(getAllsBefore + 1, store.getAlls, "one read of the chunk's records");
        }
        assertEquals(lone, store.gets, "no record read alone");
        // each chunk's profiles in one read, only of the users with a history
        assertEquals(3, profileReads.size());
        assertEquals(List.of("u1", "u2", "u4", "u5", "u7", "u8"), profileReads.get(0));
    }

    @Test
    void aChunkOfItemsReadsEveryPartsSharesWithTwoQueries() {
        CountingStore store = new CountingStore();
        java.time.Duration week = java.time.Duration.ofDays(7);
        for (int part = 0; part < 3; part++) {
            store.put(io.footfall.api.store.StateStore.partKey("parts", part), new byte[] {1});
            for (int i = 0; i < 20; i++) {
                ItemStats s = new ItemStats();
                s.add(1 + part, 1_700_000_000_000L + i, week);
                store.put(io.footfall.api.store.StateStore.partKey("item/i" + i, part), s.encode());
                ScoredList co = new ScoredList(100);
                co.add("i" + ((i + 1) % 20), 1 + part);
                co.add("n" + i, 1); // a neighbour outside the chunks
                store.put(io.footfall.api.store.StateStore.partKey("co/i" + i, part), co.encode());
            }
        }
        RecommenderPlugin.Work w = RecommenderPlugin.Work.reading(store, week);
        int lone = store.gets;
        for (int start = 0; start < 20; start += 10) {
            List<String> chunk = new ArrayList<>();
            for (int i = start; i < start + 10; i++) {
                chunk.add("i" + i);
            }
            int getAllsBefore = store.getAlls;
            w.nextItemChunk(chunk);
            for (String item : chunk) {
                List<Map.Entry<String, Double>> sims = RecommenderPlugin.covisitSims(w, item, 10);
                assertEquals(2, sims.size(), item);
                assertEquals(6.0, w.item(item).total, "the three parts' shares added: " + item);
            }
            assertEquals(getAllsBefore + 2, store.getAlls, "two reads per chunk: the chunk's shares, then its neighbours'");
        }
        assertEquals(lone, store.gets, "no record read alone");
    }
}
