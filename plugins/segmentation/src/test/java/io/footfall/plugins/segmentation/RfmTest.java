package io.footfall.plugins.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.footfall.api.result.SegmentMembership;
import io.footfall.api.result.UserScore;
import io.footfall.testkit.Fixtures;
import io.footfall.testkit.PluginHarness;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** RFM scores and segments against a fixture computed by hand (see the comments). */
class RfmTest {

    static final Instant NOW = Fixtures.day(30);

    private static io.footfall.api.event.BehaviorEvent order(String user, int day, String amount) {
        return Fixtures.orderCompleted(user, user + "-o" + day, Fixtures.day(day), Fixtures.product("p-" + day, "Books", amount, 1));
    }

    /**
     * Buyers (days before day 30, orders, revenue): u1 (1, 2, 500), u2 (10, 1, 50), u3 (3, 3, 300), u4 (25, 1, 20),
     * u5 (28, 2, 2000). Nearest-rank quintile cut points: recency [1, 3, 10, 25], frequency [1, 1, 2, 2], monetary
     * [20, 50, 300, 500]. Scores R F M: u1 5 3 4, u2 3 1 2, u3 4 5 3, u4 2 1 1, u5 1 3 5; FM = ⌈(F+M)/2⌉ = 4, 2, 4, 1, 4;
     * segments: Champions, Need Attention, Champions, Hibernating, Can't Lose Them.
     */
    @Test
    void scoresAndSegmentsMatchTheHandComputedFixture() {
        try (PluginHarness h = PluginHarness.of(new SegmentationPlugin()).clock(NOW).open()) {
            h.feed(order("u5", 1, "1000"), order("u5", 2, "1000"), order("u4", 5, "20"), order("u2", 20, "50"),
                    order("u3", 25, "100"), order("u3", 26, "100"), order("u3", 27, "100"),
                    order("u1", 28, "200"), order("u1", 29, "300"));
            h.train(NOW);

            assertEquals(Map.of("u1", 534.0, "u2", 312.0, "u3", 453.0, "u4", 211.0, "u5", 135.0), rfmScores(h));
            assertEquals(Map.of("u1", "rfm:champions", "u2", "rfm:need-attention", "u3", "rfm:champions",
                    "u4", "rfm:hibernating", "u5", "rfm:cant-lose-them"), rfmSegments(h));
            assertEquals("Champions", h.results().latest(UserScore.class, "rfm:u1").orElseThrow().band());

            // a purchase moves u4 at once with the stored cut points: recency 0 → R 5, 2 orders → F 3, 100 → M 3, FM 3
            h.feed(order("u4", 30, "80"));
            assertEquals("rfm:potential-loyalists", rfmSegments(h).get("u4"));
            assertEquals(533.0, rfmScores(h).get("u4"));
            assertEquals(List.of(
                    List.of("rfm:hibernating", "Segment Entered", NOW.toString()),
                    List.of("rfm:hibernating", "Segment Exited", NOW.toString()),
                    List.of("rfm:potential-loyalists", "Segment Entered", NOW.toString())), RulesTest.history(h, "u4"));
        }
    }

    @Test
    void quintilesUseTheNearestRank() {
        assertArrayEquals(new double[] {1, 3, 10, 25}, Rfm.quintiles(new double[] {28, 10, 1, 25, 3}));
        assertArrayEquals(new double[] {2, 4, 6, 8}, Rfm.quintiles(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
    }

    @Test
    void everyScoreHasExactlyOneOfTheElevenSegments() {
        Set<String> seen = new HashSet<>();
        for (int r = 1; r <= 5; r++) {
            for (int f = 1; f <= 5; f++) {
                for (int m = 1; m <= 5; m++) {
                    seen.add(Rfm.segment(r, f, m));
                }
            }
        }
        assertEquals(Set.copyOf(Rfm.SEGMENTS), seen);
        assertEquals("Champions", Rfm.segment(5, 5, 5));
        assertEquals("Lost", Rfm.segment(1, 1, 1));
        assertEquals("New Customers", Rfm.segment(5, 1, 1));
        assertEquals("Can't Lose Them", Rfm.segment(1, 5, 5));
        assertEquals("rfm:cant-lose-them", Rfm.segmentId("Can't Lose Them"));
    }

    static Map<String, Double> rfmScores(PluginHarness h) {
        Map<String, Double> out = new TreeMap<>();
        h.results().latest(UserScore.class).values().forEach(s -> out.put(s.userId(), s.score()));
        return out;
    }

    static Map<String, String> rfmSegments(PluginHarness h) {
        Map<String, String> out = new TreeMap<>();
        for (SegmentMembership m : h.results().latest(SegmentMembership.class).values()) {
            if (m.member() && m.segment().startsWith("rfm:")) {
                out.put(m.userId(), m.segment());
            }
        }
        return out;
    }
}
