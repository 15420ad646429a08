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
        List<String> release = choose(ALL, List.of(new Rebalance.Peer("b", Set.copyOf(ALL), 0)), List.of());
        assertEquals(List.of("plugin:a", "plugin:b", "plugin:c"), release);
    }

    @Test
    void nothingMovesWithinOneOrWhileAHandOverIsInFlight() {
        assertEquals(List.of(), choose(ALL.subList(0, 4), List.of(new Rebalance.Peer("b", Set.copyOf(ALL), 3)), List.of()));
        assertEquals(List.of(), choose(ALL, List.of(new Rebalance.Peer("b", Set.copyOf(ALL), 0)), List.of("plugin:z")));
        assertEquals(List.of(), choose(ALL, List.of(), List.of()));
    }

    @Test
    void onlyWhatTheLeastLoadedPeerRunsIsHandedToIt() {
        List<String> release = choose(ALL, List.of(new Rebalance.Peer("b", Set.of("reporting", "profiles"), 0)), List.of());
        assertEquals(List.of("reporting", "profiles"), release);
    }

    @Test
    void theSegmentsOfOneProcessorAreUnitsOfTheirOwn() {
        List<String> mine = List.of(Rebalance.unit("reporting", 0), Rebalance.unit("profiles", 0), Rebalance.unit("profiles", 1),
                Rebalance.unit("profiles", 2));
        List<String> release = choose(mine, List.of(new Rebalance.Peer("b", Set.of("reporting", "profiles"), 0)), List.of());
        // one segment per processor and round, the highest first: segment 0 (replays, training) stays
        assertEquals(List.of("reporting#0", "profiles#2"), release);
        assertEquals("profiles", Rebalance.processor(release.get(1)));
        assertEquals(2, Rebalance.segment(release.get(1)));
        // two processors on three segments each: a newcomer gets segments of both, not all of the first
        List<String> two = List.of("plugin:a#0", "plugin:a#1", "plugin:a#2", "profiles#0", "profiles#1", "profiles#2");
        assertEquals(List.of("plugin:a#2", "profiles#2", "plugin:a#1"),
                choose(two, List.of(new Rebalance.Peer("b", Set.of("plugin:a", "profiles"), 0)), List.of()));
        assertEquals(2, Rebalance.segment("plugin:a#b#2"));
        assertEquals("plugin:a#b", Rebalance.processor("plugin:a#b#2"));
        // a peer that does not run the processor takes none of its segments
        assertEquals(List.of(), choose(mine.subList(1, 4), List.of(new Rebalance.Peer("b", Set.of("reporting"), 0)), List.of()));
        // a segment in hand-over (unclaimed) holds every other move back
        assertEquals(List.of(), choose(mine, List.of(new Rebalance.Peer("b", Set.of("profiles"), 0)), List.of("profiles#1")));
    }

    @Test
    void anInstanceOverItsShareOfAProcessorsSegmentsHandsOneOverEvenWhenTheCountsAreEven() {
        // here: all three profile segments and one plugin segment; the peer: the other two plugin segments and reporting
        List<String> mine = List.of("plugin:a#0", "profiles#0", "profiles#1", "profiles#2");
        Map<String, Integer> segments = Map.of("plugin:a", 3, "profiles", 3);
        Rebalance.Peer peer = new Rebalance.Peer("b", Set.of("plugin:a", "profiles", "reporting"), 3, Map.of("plugin:a", 2, "reporting", 1));
        assertEquals(List.of("profiles#2"), Rebalance.choose(mine, List.of(peer), List.of(), segments), "share: ceil(3 / 2) = 2");
        // the counts rule never puts the receiver over its share: it holds two plugin segments, so it gets profiles
        Rebalance.Peer empty = new Rebalance.Peer("c", Set.of("plugin:a", "profiles"), 0, Map.of("plugin:a", 2));
        List<String> two = List.of("plugin:a#0", "profiles#0", "profiles#1", "profiles#2");
        assertEquals(List.of("profiles#2", "profiles#1"), Rebalance.choose(two, List.of(empty), List.of(), segments));
        // nobody under its share (the peer does not run profiles): nothing moves
        Rebalance.Peer other = new Rebalance.Peer("b", Set.of("plugin:a"), 3, Map.of("plugin:a", 2));
        assertEquals(List.of(), Rebalance.choose(mine, List.of(other), List.of(), segments));
    }

    /** Two processors on four segments and three on one, over 2 to 5 instances: counts within one, every processor spread. */
    @Test
    void roundsSpreadEverySegmentedProcessor() {
        List<String> units = new ArrayList<>();
        Map<String, Integer> segments = Map.of("plugin:a", 4, "profiles", 4);
        for (int i = 0; i < 4; i++) {
            units.add("plugin:a#" + i);
        }
        units.addAll(List.of("plugin:b#0", "reporting#0"));
        for (int i = 0; i < 4; i++) {
            units.add("profiles#" + i);
        }
        Set<String> processors = Set.of("plugin:a", "plugin:b", "reporting", "profiles");
        for (int instances = 2; instances <= 5; instances++) {
            Map<String, List<String>> holds = new java.util.TreeMap<>();
            for (int i = 0; i < instances; i++) {
                holds.put("n" + i, new ArrayList<>());
            }
            holds.get("n0").addAll(units);
            for (int round = 0; round < 40; round++) {
                for (String self : List.copyOf(holds.keySet())) {
                    List<Rebalance.Peer> peers = new ArrayList<>();
                    holds.forEach((node, held) -> {
                        if (!node.equals(self)) {
                            Map<String, Integer> byProcessor = new HashMap<>();
                            held.forEach(u -> byProcessor.merge(Rebalance.processor(u), 1, Integer::sum));
                            peers.add(new Rebalance.Peer(node, processors, held.size(), byProcessor));
                        }
                    });
                    List<String> mine = units.stream().filter(holds.get(self)::contains).toList();
                    List<String> release = Rebalance.choose(mine, peers, List.of(), segments);
                    holds.get(self).removeAll(release);
                    // each released unit is claimed by the peer holding fewest of its processor (ties: fewest units)
                    for (String unit : release) {
                        String processor = Rebalance.processor(unit);
                        String taker = holds.entrySet().stream().filter(e -> !e.getKey().equals(self))
                                .min(java.util.Comparator.<Map.Entry<String, List<String>>>comparingLong(e -> e.getValue().stream()
                                        .filter(u -> Rebalance.processor(u).equals(processor)).count())
                                        .thenComparingInt(e -> e.getValue().size()).thenComparing(Map.Entry::getKey))
                                .orElseThrow().getKey();
                        holds.get(taker).add(unit);
                    }
                }
            }
            int max = holds.values().stream().mapToInt(List::size).max().orElseThrow();
            int min = holds.values().stream().mapToInt(List::size).min().orElseThrow();
            assertEquals(units.size(), holds.values().stream().mapToInt(List::size).sum(), "nothing lost or doubled");
            assertEquals(true, max - min <= 1, instances + " instances: " + holds);
            for (String processor : segments.keySet()) {
                int share = (segments.get(processor) + instances - 1) / instances;
                for (List<String> held : holds.values()) {
                    long n = held.stream().filter(u -> Rebalance.processor(u).equals(processor)).count();
                    assertEquals(true, n <= share, processor + " over its share of " + share + " with " + instances + " instances: " + holds);
                }
            }
        }
    }

    private static List<String> choose(List<String> mine, java.util.Collection<Rebalance.Peer> peers, java.util.Collection<String> unclaimed) {
        Map<String, Integer> segments = new HashMap<>();
        mine.forEach(u -> segments.merge(Rebalance.processor(u), 1, Integer::sum));
        peers.forEach(p -> p.segments().forEach((processor, n) -> segments.merge(processor, n, Integer::sum)));
        return Rebalance.choose(mine, peers, unclaimed, segments);
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
                    List<String> release = choose(mine, peers, List.of());
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
