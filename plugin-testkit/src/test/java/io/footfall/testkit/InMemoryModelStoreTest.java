package io.footfall.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.store.ModelArtifact;
import io.footfall.api.store.ModelVersion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InMemoryModelStoreTest {

    private final TestClock clock = new TestClock();
    private final InMemoryModelStore store = new InMemoryModelStore(clock);

    private static ModelArtifact artifact(int b) {
        return new ModelArtifact(new byte[] {(byte) b}, Map.of("auc", 0.5 + b / 100.0), Map.of("n", "" + b));
    }

    @Test
    void savingNumbersVersionsAndNeverChangesWhatServes() {
        ModelVersion v1 = store.save(artifact(1));
        clock.advance(Duration.ofHours(1));
        ModelVersion v2 = store.save(artifact(2));
        assertEquals(1, v1.version());
        assertEquals(2, v2.version());
        assertFalse(v1.serving());
        assertEquals(Optional.empty(), store.serving());
        assertEquals(List.of(2, 1), store.versions().stream().map(ModelVersion::version).toList(), "newest first");
        assertEquals(TestClock.DEFAULT_START.plus(Duration.ofHours(1)), v2.createdAt());
        assertEquals(Map.of("auc", 0.52), v2.metrics());
    }

    @Test
    void promoteServesAVersionAndRollbackReturnsToThePreviousOne() {
        store.save(artifact(1));
        store.save(artifact(2));
        store.save(artifact(3));
        assertEquals(Optional.empty(), store.rollback(), "nothing was promoted before");
        assertTrue(store.promote(1).serving());
        assertEquals(Optional.empty(), store.rollback(), "no earlier promotion to return to");
        assertEquals(1, store.serving().orElseThrow().version(), "a refused rollback changes nothing");
        store.promote(2);
        store.promote(2);
        store.promote(3);
        assertEquals(List.of(true, false, false), store.versions().stream().map(ModelVersion::serving).toList());
        assertEquals(2, store.rollback().orElseThrow().version());
        assertEquals(2, store.serving().orElseThrow().version());
        assertEquals(1, store.rollback().orElseThrow().version(), "promoting 2 twice recorded one step");
        assertEquals(Optional.empty(), store.rollback());
        assertEquals(1, store.serving().orElseThrow().version());
    }

    @Test
    void unknownVersionsAreRefusedOrAbsent() {
        store.save(artifact(1));
        assertThrows(NoSuchElementException.class, () -> store.promote(7));
        assertEquals(Optional.empty(), store.load(7));
    }

    @Test
    void artefactBytesAreCopied() {
        byte[] bytes = {1, 2, 3};
        store.save(new ModelArtifact(bytes, null, null));
        bytes[0] = 9;
        byte[] loaded = store.load(1).orElseThrow().bytes();
        assertArrayEquals(new byte[] {1, 2, 3}, loaded);
        loaded[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, store.load(1).orElseThrow().bytes());
    }
}
