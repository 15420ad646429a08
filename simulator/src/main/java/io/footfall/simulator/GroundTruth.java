package io.footfall.simulator;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a simulation planted and counted, for tests and benchmarks to check mining results against without
 * re-parsing the output: the catalogue, the taste clusters, the co-purchase pairs, the churn model and, per user,
 * cluster, ids, churn outcome and features; plus message counts by type.
 */
public final class GroundTruth {

    private final SimulatorConfig config;
    private final Catalogue catalogue;
    private final List<TasteCluster> clusters;
    private final List<CoPurchasePair> coPurchasePairs;
    private final List<UserTruth> users;
    private final Map<String, Long> eventCounts;
    private final Map<String, UserTruth> byAnonymousId;
    private final long totalEvents;

    GroundTruth(SimulatorConfig config, Catalogue catalogue, List<TasteCluster> clusters,
                List<CoPurchasePair> coPurchasePairs, List<UserTruth> users, Map<String, Long> eventCounts) {
        this.config = config;
        this.catalogue = catalogue;
        this.clusters = List.copyOf(clusters);
        this.coPurchasePairs = List.copyOf(coPurchasePairs);
        this.users = List.copyOf(users);
        this.eventCounts = Collections.unmodifiableMap(new LinkedHashMap<>(eventCounts));
        this.byAnonymousId = new HashMap<>(users.size() * 2);
        for (UserTruth u : users) {
            byAnonymousId.put(u.anonymousId(), u);
        }
        this.totalEvents = eventCounts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The configuration that produced this truth. */
    public SimulatorConfig config() {
        return config;
    }

    /** The simulated assortment. */
    public Catalogue catalogue() {
        return catalogue;
    }

    /** The planted taste clusters, indexed by cluster number. */
    public List<TasteCluster> clusters() {
        return clusters;
    }

    /** Cluster number → preferred category paths. */
    public Map<Integer, List<String>> clusterCategories() {
        Map<Integer, List<String>> out = new LinkedHashMap<>();
        for (TasteCluster c : clusters) {
            out.put(c.index(), c.categories());
        }
        return out;
    }

    /** The planted co-purchase pairs. */
    public List<CoPurchasePair> coPurchasePairs() {
        return coPurchasePairs;
    }

    /** The planted churn model. */
    public HazardModel hazardModel() {
        return config.hazard();
    }

    /** Every user, indexed by {@link UserTruth#index()}. */
    public List<UserTruth> users() {
        return users;
    }

    /** The user with this {@code anonymousId}, or {@code null}. */
    public UserTruth userByAnonymousId(String anonymousId) {
        return byAnonymousId.get(anonymousId);
    }

    /**
     * Messages emitted, by {@link EventKind#label()} (track event name, or {@code "page"}/{@code "identify"}),
     * in {@link EventKind} order; kinds that never occurred count 0.
     */
    public Map<String, Long> eventCounts() {
        return eventCounts;
    }

    /** Messages emitted of one kind. */
    public long count(EventKind kind) {
        return eventCounts.getOrDefault(kind.label(), 0L);
    }

    /** All messages emitted. */
    public long totalEvents() {
        return totalEvents;
    }

    /** Number of users who churned. */
    public long churnedUsers() {
        return users.stream().filter(UserTruth::churned).count();
    }

    /** Number of users who identified. */
    public long identifiedUsers() {
        return users.stream().filter(u -> u.identifiedAt() != null).count();
    }
}
