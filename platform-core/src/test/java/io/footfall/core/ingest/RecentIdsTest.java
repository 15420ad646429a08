package io.footfall.core.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentIdsTest {

    @Test
    void keepsExactlyTheIdsOfTheLastCommits() {
        RecentIds recent = new RecentIds(3);
        for (int commit = 0; commit < 10; commit++) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                ids.add(commit + "/" + i);
            }
            recent.add(ids);
            for (int earlier = 0; earlier <= commit; earlier++) {
                boolean kept = earlier > commit - 3;
                assertEquals(kept, recent.contains(earlier + "/0"), "commit " + earlier + " after " + commit);
                assertEquals(kept, recent.contains(earlier + "/99"), "commit " + earlier + " after " + commit);
            }
            assertEquals(Math.min(commit + 1, 3) * 100, recent.size());
        }
        assertFalse(recent.contains("10/0"));
    }

    @Test
    void emptyCommitsDoNotPushOutRealOnes() {
        RecentIds recent = new RecentIds(1);
        recent.add(List.of("a"));
        recent.add(List.of());
        assertTrue(recent.contains("a"));
        recent.add(List.of("b"));
        assertFalse(recent.contains("a"));
        assertTrue(recent.contains("b"));
    }

    @Test
    void needsRoomForOneCommit() {
        assertThrows(IllegalArgumentException.class, () -> new RecentIds(0));
    }
}
