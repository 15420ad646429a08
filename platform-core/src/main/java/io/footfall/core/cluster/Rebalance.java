package io.footfall.core.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The balancer's decision, free of I/O: which processor segments (if any) this instance should hand over now. A unit is
 * one segment of a processor ({@link #unit}); most processors have one.
 *
 * <p>Rule: take the live {@code process} instance holding the fewest units; when it holds at least two fewer than
 * this one, hand over half the difference (rounded down), choosing only processors it runs, least important first (so
 * the profile projection is the last to move). Nothing is handed over while a processor is unclaimed: a hand-over is in
 * flight, and counting it again would give away more than evens the load. Counts converge to a spread of at most one
 * between instances that run the same processors.
 */
final class Rebalance {

    private Rebalance() {
    }

    /**
     * Another live instance and what it could take.
     *
     * @param node its name
     * @param runs the processors it runs (it can claim only those)
     * @param held how many units of the balanced processors it holds now
     */
    record Peer(String node, Set<String> runs, int held) {
    }

    /**
     * @param mine      the units this instance holds, least important processor first
     * @param peers     the other live {@code process} instances
     * @param unclaimed units of balanced processors nobody holds right now
     * @return the units to release now, possibly none
     */
    static List<String> choose(List<String> mine, Collection<Peer> peers, Collection<String> unclaimed) {
        if (!unclaimed.isEmpty() || peers.isEmpty()) {
            return List.of();
        }
        Peer least = peers.stream().min(java.util.Comparator.comparingInt(Peer::held).thenComparing(Peer::node)).orElseThrow();
        int give = (mine.size() - least.held()) / 2;
        return mine.stream().filter(unit -> least.runs().contains(processor(unit))).limit(Math.max(0, give)).toList();
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
