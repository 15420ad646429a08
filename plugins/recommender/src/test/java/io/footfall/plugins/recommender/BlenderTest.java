package io.footfall.plugins.recommender;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Blending weights, exclusion, per-category caps, diversity and reasons. */
class BlenderTest {

    private static Blender blender() {
        return new Blender()
                .model(Map.of("a1", 4.0, "a2", 3.0, "a3", 2.0, "b1", 1.0), Map.of("a1", "x", "a2", "x", "a3", "y", "b1", "y"))
                .category("a1", "A").category("a2", "A").category("a3", "A").category("b1", "B");
    }

    @Test
    void scoresAreTheWeightedSumOfScaledSources() {
        List<Blender.Pick> picks = blender().popular(List.of(Map.entry("b1", 10.0), Map.entry("c1", 5.0)))
                .pick(10, Set.of(), 10, 0);
        assertEquals(List.of("a1", "a2", "a3", "b1", "c1"), picks.stream().map(Blender.Pick::item).toList());
        assertEquals(1.0, picks.get(0).score(), 1e-12);
        assertEquals(0.25 + 0.05, picks.get(3).score(), 1e-12);    // model 1/4, popularity 10/10
        assertEquals(0.05 * 0.5, picks.get(4).score(), 1e-12);
        assertEquals("because you viewed x", picks.get(0).reason());
        assertEquals("popular right now", picks.get(4).reason());
    }

    @Test
    void excludedItemsAndCategoryCapsAreEnforced() {
        List<Blender.Pick> picks = blender().pick(10, Set.of("a1"), 1, 0);
        assertEquals(List.of("a2", "b1"), picks.stream().map(Blender.Pick::item).toList());
    }

    @Test
    void diversityPenalisesRepeatsOfACategory() {
        // a3 (0.5) · 0.5² = 0.125 < b1 (0.25): b1 moves above a3 with diversity 0.5, a2 (0.75 · 0.5 = 0.375) stays above b1
        List<Blender.Pick> picks = blender().pick(10, Set.of(), 10, 0.5);
        assertEquals(List.of("a1", "a2", "b1", "a3"), picks.stream().map(Blender.Pick::item).toList());
    }

    @Test
    void categoryPopularityExplainsColdStart() {
        List<Blender.Pick> picks = new Blender().categories(Map.of("Books", 3.0, "Toys", 1.0),
                Map.of("Books", List.of(Map.entry("k1", 8.0), Map.entry("k2", 4.0)), "Toys", List.of(Map.entry("t1", 2.0))))
                .pick(3, Set.of(), 10, 0);
        assertEquals(List.of("k1", "k2", "t1"), picks.stream().map(Blender.Pick::item).toList());
        assertEquals(0.25, picks.get(0).score(), 1e-12);
        assertEquals(0.25 / 3, picks.get(2).score(), 1e-12);
        assertEquals("popular in Books", picks.get(0).reason());
    }
}
