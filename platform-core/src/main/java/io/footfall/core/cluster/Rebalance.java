package io.footfall.core.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The balancer's decision, free of I/O: which processors (if any) this instance should hand over now.
 *
 * <p>Rule: take the live {@code process} instance holding the fewest processors; when it holds at least two fewer than
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
     * @param held how many of the balanced processors it holds now
     */
    record Peer(String node, Set<String> runs, int held) {
    }

    /**
     * @param mine      the processors this instance holds, least important first
     * @param peers     the other live {@code process} instances
     * @param unclaimed balanced processors nobody holds right now
     * @return the processors to release now, possibly none
     */
    static List<String> choose(List<String> mine, Collection<Peer> peers, Collection<String> unclaimed) {
        if (!unclaimed.isEmpty() || peers.isEmpty()) {
            return List.of();
        }
        Peer least = peers.stream().min(java.util.Comparator.comparingInt(Peer::held).thenComparing(Peer::node)).orElseThrow();
        int give = (mine.size() - least.held()) / 2;
        return mine.stream().filter(least.runs()::contains).limit(Math.max(0, give)).toList();
    }
}
