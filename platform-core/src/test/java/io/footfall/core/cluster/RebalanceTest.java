package io.footfall.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RebalanceTest {

    private static final List<String> ALL = List.of("plugin:a", "plugin:b", "plugin:c", "plugin:d", "plugin:e",
            "reporting", "profiles");

    @Test
    void aNewcomerGetsHalfTheDifferenceLeastImportantFirst() {
        List<String> release = Rebalance.choose(ALL, List.of(new Rebalance.Peer("b", Set.copyOf(ALL), 0)), List.of());
        assertEquals(List.of("plugin:a", "plugin:b", "plugin:c"), release);
    }

    @Test
    void nothingMovesWithinOneOrWhileAHandOverIsInFlight() {
        assertEquals(List.of(), Rebalance.choose(ALL.subList(0, 4), List.of(new Rebalance.Peer("b", Set.copyOf(ALL), 3)), List.of()));
        assertEquals(List.of(), Rebalance.choose(ALL, List.of(new Rebalance.Peer("b", Set.copyOf(ALL), 0)), List.of("plugin:z")));
        assertEquals(List.of(), Rebalance.choose(ALL, List.of(), List.of()));
    }

    @Test
    void onlyWhatTheLeastLoadedPeerRunsIsHandedToIt() {
        List<String> release = Rebalance.choose(ALL, List.of(new Rebalance.Peer("b", Set.of("reporting", "profiles"), 0)), List.of());
        assertEquals(List.of("reporting", "profiles"), release);
    }

    @Test
    void theSegmentsOfOneProcessorAreUnitsOfTheirOwn() {
        List<String> mine = List.of(Rebalance.unit("reporting", 0), Rebalance.unit("profiles", 0), Rebalance.unit("profiles", 1),
                Rebalance.unit("profiles", 2));
        List<String> release = Rebalance.choose(mine, List.of(new Rebalance.Peer("b", Set.of("reporting", "profiles"), 0)), List.of());
        assertEquals(List.of("reporting#0", "profiles#0"), release);
        assertEquals("profiles", Rebalance.processor(release.get(1)));
        assertEquals(0, Rebalance.segment(release.get(1)));
        assertEquals(2, Rebalance.segment("plugin:a#b#2"));
        assertEquals("plugin:a#b", Rebalance.processor("plugin:a#b#2"));
        // a peer that does not run the processor takes none of its segments
        assertEquals(List.of(), Rebalance.choose(mine.subList(1, 4), List.of(new Rebalance.Peer("b", Set.of("reporting"), 0)), List.of()));
        // a segment in hand-over (unclaimed) holds every other move back
        assertEquals(List.of(), Rebalance.choose(mine, List.of(new Rebalance.Peer("b", Set.of("profiles"), 0)), List.of("profiles#1")));
    }

    /** Instances that each run every processor, balanced round after round with hand-overs landing in between. */
    @Test
    void repeatedRoundsConvergeToASpreadOfAtMostOne() {
        for (int instances = 2; instances <= 5; instances++) {
            Map<String, List<String>> holds = new HashMap<>();
            for (int i = 0; i < instances; i++) {
                holds.put("n" + i, new ArrayList<>());
            }
            holds.get("n0").addAll(ALL);
            for (int round = 0; round < 20; round++) {
                for (String self : List.copyOf(holds.keySet())) {
                    List<Rebalance.Peer> peers = new ArrayList<>();
                    holds.forEach((node, held) -> {
                        if (!node.equals(self)) {
                            peers.add(new Rebalance.Peer(node, Set.copyOf(ALL), held.size()));
                        }
                    });
                    List<String> mine = ALL.stream().filter(holds.get(self)::contains).toList();
                    List<String> release = Rebalance.choose(mine, peers, List.of());
                    holds.get(self).removeAll(release);
                    // the least loaded peer claims them before the next round
                    String least = peers.stream().min(java.util.Comparator.comparingInt(Rebalance.Peer::held)
                            .thenComparing(Rebalance.Peer::node)).map(Rebalance.Peer::node).orElseThrow();
                    holds.get(least).addAll(release);
                }
            }
            int max = holds.values().stream().mapToInt(List::size).max().orElseThrow();
            int min = holds.values().stream().mapToInt(List::size).min().orElseThrow();
            assertEquals(ALL.size(), holds.values().stream().mapToInt(List::size).sum(), "nothing lost or doubled");
            assertEquals(true, max - min <= 1, instances + " instances: " + holds);
            assertEquals(true, holds.values().stream().flatMap(List::stream).distinct().count() == ALL.size());
        }
    }
}
