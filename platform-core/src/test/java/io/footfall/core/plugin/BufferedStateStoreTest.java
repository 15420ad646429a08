package io.footfall.core.plugin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link BufferedStateStore#getAll} answers from the lane's pending writes first (a deleted key is absent), and asks
 * the database only for the others (here: none, so no database is needed). The database path runs in the app's
 * segmentation tests, whose plugin reads every batch's users with it.
 */
class BufferedStateStoreTest {

    @Test
    void getAllSeesTheLanesPendingWritesAndDeletes() throws Exception {
        BufferedStateStore state = new BufferedStateStore("p", null);
        Map<String, byte[]> read = Lane.EVENTS.run(() -> {
            state.put("u/a", new byte[] {1});
            state.put("u/b", new byte[] {2});
            state.delete("u/b");
            state.put("u/c", new byte[] {3});
            return state.getAll(List.of("u/a", "u/b", "u/c", "u/a"));
        });
        assertEquals(2, read.size(), read.keySet().toString());
        assertArrayEquals(new byte[] {1}, read.get("u/a"));
        assertArrayEquals(new byte[] {3}, read.get("u/c"));
    }
}
