package io.footfall.plugins.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CategoryScoresTest {

    private static final Duration HALF_LIFE = Duration.ofDays(14);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123456789Z");

    @Test
    void theBinaryFormRoundTripsExactly() {
        CategoryScores s = new CategoryScores();
        s.add("Books/Fiction", 1, T0, HALF_LIFE);
        s.add("Ünïcödé", 3, T0.plusSeconds(3600), HALF_LIFE);
        CategoryScores back = CategoryScores.decode(s.encode());
        assertEquals(s.asOf(), back.asOf());
        assertEquals(s.scores(), back.scores());
        assertEquals(List.of(Map.entry("Ünïcödé", 3.0)), back.top(1));
    }

    @Test
    void unknownFormatsAreRefused() {
        byte[] bytes = new CategoryScores().encode();
        bytes[0] = 9;
        assertThrows(IllegalStateException.class, () -> CategoryScores.decode(bytes));
        assertThrows(IllegalStateException.class, () -> CategoryScores.decode(new byte[] {1, 0}));
    }

    @Test
    void negligibleScoresAreDropped() {
        CategoryScores s = new CategoryScores();
        s.add("Old", 1, T0, Duration.ofDays(1));
        s.add("New", 1, T0.plus(Duration.ofDays(30)), Duration.ofDays(1));
        assertEquals(Map.of("New", 1.0), s.scores());
    }

    @Test
    void absorbingDecaysToTheLaterInstant() {
        CategoryScores user = new CategoryScores();
        user.add("A", 1, T0, HALF_LIFE);
        CategoryScores visitor = new CategoryScores();
        visitor.add("B", 2, T0.plus(HALF_LIFE), HALF_LIFE);
        user.absorb(visitor, HALF_LIFE);
        assertEquals(T0.plus(HALF_LIFE), user.asOf());
        assertEquals(0.5, user.scores().get("A"), 1e-12);
        assertEquals(2.0, user.scores().get("B"), 1e-12);
        assertTrue(CategoryScores.decay(Duration.ZERO, HALF_LIFE) == 1.0);
    }
}
