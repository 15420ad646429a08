package io.footfall.core.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The balancer's decision, free of I/O: which processor segments (if any) this instance should hand over now. A unit is
 * one segment of a processor ({@link #unit}); most processors have one.
 *
 * <p>Two rules, the first that gives something wins:
 * <ol>
 *   <li><b>Counts.</b> Take the live {@code process} instance holding the fewest units; when it holds at least two fewer
 *       than this one, hand over half the difference (rounded down), choosing only processors it runs, least important
 *       first (so the profile projection is the last to move), one unit per processor and round, its highest segment
 *       first (segment 0, whose holder replays and trains the processor, moves last).</li>
 *   <li><b>A processor's segments.</b> A processor folding on several segments is split to spread its work: no instance
 *       should hold more than its share, {@code ceil(segments / instances running it)}. Rule 1 gives no unit that would
 *       put the receiver over a share, and an instance over a share hands over one segment of that processor (its
 *       highest) per round, to the instances under theirs.</li>
 * </ol>
 * Nothing is handed over while a unit is unclaimed: a hand-over is in flight, and counting it again would give away
 * more than evens the load. Counts converge to a spread of at most one between instances that run the same processors.
 */
final class Rebalance {

    private Rebalance() {
    }

    /**
     * Another live instance and what it could take.
     *
     * @param node     its name
     * @param runs     the processors it runs (it can claim only those)
     * @param held     how many units of the balanced processors it holds now
     * @param segments how many segments of each processor it holds now (processors it holds none of may be absent)
     */
    record Peer(String node, Set<String> runs, int held, Map<String, Integer> segments) {
        Peer {
            segments = Map.copyOf(segments);
        }

        /** A peer without per-processor counts (every processor on one segment). */
        Peer(String node, Set<String> runs, int held) {
            this(node, runs, held, Map.of());
        }

        int holds(String processor) {
            return segments.getOrDefault(processor, 0);
        }
    }

    /**
     * @param mine      the units this instance holds, least important processor first
     * @param peers     the other live {@code process} instances
     * @param unclaimed units of balanced processors nobody holds right now
     * @param segments  how many segments each processor has (a processor absent has one)
     * @return the units to release now, possibly none
     */
    static List<String> choose(List<String> mine, Collection<Peer> peers, Collection<String> unclaimed, Map<String, Integer> segments) {
        if (!unclaimed.isEmpty() || peers.isEmpty()) {
            return List.of();
        }
        Peer least = peers.stream().min(java.util.Comparator.comparingInt(Peer::held).thenComparing(Peer::node)).orElseThrow();
        int give = Math.max(0, (mine.size() - least.held()) / 2);
        Map<String, java.util.Deque<String>> byProcessor = new java.util.LinkedHashMap<>();
        for (String unit : mine) {
            byProcessor.computeIfAbsent(processor(unit), p -> new java.util.ArrayDeque<>()).add(unit);
        }
        // rule 1: counts, one unit per processor and round, never putting the receiver over its share of a processor
        Map<String, Integer> receiverHolds = new java.util.HashMap<>();
        Map<String, java.util.Deque<String>> candidates = new java.util.LinkedHashMap<>();
        byProcessor.forEach((processor, units) -> {
            if (least.runs().contains(processor)) {
                candidates.put(processor, new java.util.ArrayDeque<>(units));
                receiverHolds.put(processor, least.holds(processor));
            }
        });
        List<String> release = new java.util.ArrayList<>();
        while (release.size() < give && !candidates.isEmpty()) {
            for (var it = candidates.entrySet().iterator(); it.hasNext() && release.size() < give; ) {
                var entry = it.next();
                String processor = entry.getKey();
                if (receiverHolds.get(processor) >= share(processor, peers, segments)) {
                    it.remove();
                    continue;
                }
                release.add(entry.getValue().pollLast());
                receiverHolds.merge(processor, 1, Integer::sum);
                if (entry.getValue().isEmpty()) {
                    it.remove();
                }
            }
        }
        if (!release.isEmpty()) {
            return release;
        }
        // rule 2: over its share of a processor's segments, hand one over to an instance under its share
        byProcessor.forEach((processor, units) -> {
            int share = share(processor, peers, segments);
            boolean someoneUnder = peers.stream().anyMatch(p -> p.runs().contains(processor) && p.holds(processor) < share);
            if (units.size() > share && someoneUnder) {
                release.add(units.peekLast());
            }
        });
        return release;
    }

    /** The most segments of a processor one instance should hold: its segments over the instances that run it, rounded up. */
    private static int share(String processor, Collection<Peer> peers, Map<String, Integer> segments) {
        int total = segments.getOrDefault(processor, 1);
        long running = 1 + peers.stream().filter(p -> p.runs().contains(processor)).count();
        return (int) ((total + running - 1) / running);
    }

    /** The unit the balancer moves: one segment of a processor, {@code name#segment}. */
    static String unit(String processor, int segment) {
        return processor + "#" + segment;
    }

    /** The processor of a unit (a bare processor name is a unit of its own). */
    static String processor(String unit) {
        int hash = unit.lastIndexOf('#');
        return hash < 0 ? unit : unit.substring(0, hash);
    }

    /** The segment of a unit (0 for a bare processor name). */
    static int segment(String unit) {
        int hash = unit.lastIndexOf('#');
        return hash < 0 ? 0 : Integer.parseInt(unit.substring(hash + 1));
    }
}
