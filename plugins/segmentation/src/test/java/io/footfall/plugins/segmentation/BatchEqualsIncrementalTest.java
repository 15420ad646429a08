package io.footfall.plugins.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.Product;
import io.footfall.api.plugin.PositionedEvent;
import io.footfall.api.result.SegmentMembership;
import io.footfall.simulator.SimulatorConfig;
import io.footfall.testkit.PluginHarness;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Evaluating every rule segment over the whole population in batch — here by an independent evaluator that reads
 * the raw events, not the plugin's state — gives exactly the membership the plugin reached incrementally.
 */
class BatchEqualsIncrementalTest {

    static final long DAY = 86_400_000L;
    static final long GAP = 30 * 60_000L;

    static final String RULES = """
            {"segments": [
              {"id": "running-fans", "when": {"event": "Product Viewed", "where": {"category": "Shoes"}, "atLeast": 3, "within": "P3D"}},
              {"id": "carted-today", "when": {"event": "Product Added", "within": "P1D"}},
              {"id": "searchers", "when": {"event": "Products Searched", "atLeast": 2, "within": "PT36H"}},
              {"id": "buyers", "when": {"all": [{"profile": "orders", "op": ">=", "value": 2}, {"profile": "revenue", "op": ">", "value": 100}]}},
              {"id": "quiet", "when": {"profile": "daysSinceLastSeen", "op": ">", "value": 2}},
              {"id": "regulars", "when": {"profile": "sessions", "op": ">=", "value": 4}},
              {"id": "mixed", "when": {"any": [{"segment": "running-fans"}, {"all": [{"segment": "buyers"}, {"not": {"segment": "quiet"}}]}]}}
            ]}""";

    @Test
    void batchEvaluationOverThePopulationEqualsTheIncrementalMembership() {
        SimulatorConfig sim = SimulatorConfig.builder().seed(3).users(150).days(21).build();
        try (PluginHarness h = PluginHarness.of(new SegmentationPlugin()).config(SegmentationPlugin.RULES, RULES).batchSize(97).open()) {
            h.feedSimulation(sim);
            Map<String, Set<String>> incremental = new TreeMap<>();
            for (SegmentMembership m : h.results().latest(SegmentMembership.class).values()) {
                if (m.member()) {
                    incremental.computeIfAbsent(m.userId(), u -> new TreeSet<>()).add(m.segment());
                }
            }
            Map<String, Set<String>> batch = batch(h.fedEvents());
            int memberships = batch.values().stream().mapToInt(Set::size).sum();
            Map<String, Integer> sizes = new TreeMap<>();
            batch.values().forEach(s -> s.forEach(seg -> sizes.merge(seg, 1, Integer::sum)));
            System.out.println("batch = incremental over " + batch.size() + " users, " + memberships + " memberships: " + sizes);
            assertTrue(sizes.size() == 7 && sizes.values().stream().allMatch(n -> n >= 2), "every segment has members: " + sizes);
            assertEquals(batch, incremental);
        }
    }

    /** Per user (user id once identified), the rule segments at the latest event time, from the raw events. */
    static Map<String, Set<String>> batch(List<PositionedEvent> fed) {
        Map<String, String> linked = new HashMap<>();
        long now = Long.MIN_VALUE;
        for (PositionedEvent p : fed) {
            BehaviorEvent e = p.event();
            now = Math.max(now, e.occurredAt().toEpochMilli());
            if (e.userId() != null && e.anonymousId() != null) {
                linked.putIfAbsent(e.anonymousId(), e.userId());
            }
        }
        Map<String, List<BehaviorEvent>> byUser = new TreeMap<>();
        for (PositionedEvent p : fed) {
            BehaviorEvent e = p.event();
            String key = e.userId() != null ? e.userId() : linked.getOrDefault(e.anonymousId(), e.anonymousId());
            byUser.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
        }
        Map<String, Set<String>> out = new TreeMap<>();
        for (Map.Entry<String, List<BehaviorEvent>> u : byUser.entrySet()) {
            List<BehaviorEvent> events = u.getValue();
            long lastSeen = Long.MIN_VALUE;
            long sessions = 0;
            long orders = 0;
            double revenue = 0;
            for (BehaviorEvent e : events) {
                long t = e.occurredAt().toEpochMilli();
                if (lastSeen == Long.MIN_VALUE || t - lastSeen > GAP) {
                    sessions++;
                }
                lastSeen = Math.max(lastSeen, t);
                if ("Order Completed".equals(e.typeLabel())) {
                    orders++;
                    revenue += e.order() == null ? 0 : e.order().revenueOrDerived().doubleValue();
                }
            }
            boolean runningFans = count(events, "Product Viewed", "Shoes", now, 3 * DAY) >= 3;
            boolean cartedToday = count(events, "Product Added", null, now, DAY) >= 1;
            boolean searchers = count(events, "Products Searched", null, now, 36 * 3_600_000L) >= 2;
            boolean buyers = orders >= 2 && revenue > 100;
            boolean quiet = (double) (now - lastSeen) / DAY > 2;
            boolean regulars = sessions >= 4;
            boolean mixed = runningFans || (buyers && !quiet);
            Set<String> in = new TreeSet<>();
            if (runningFans) {
                in.add("running-fans");
            }
            if (cartedToday) {
                in.add("carted-today");
            }
            if (searchers) {
                in.add("searchers");
            }
            if (buyers) {
                in.add("buyers");
            }
            if (quiet) {
                in.add("quiet");
            }
            if (regulars) {
                in.add("regulars");
            }
            if (mixed) {
                in.add("mixed");
            }
            if (!in.isEmpty()) {
                out.put(u.getKey(), in);
            }
        }
        return out;
    }

    private static int count(List<BehaviorEvent> events, String type, String category, long now, long within) {
        int n = 0;
        for (BehaviorEvent e : events) {
            long t = e.occurredAt().toEpochMilli();
            if (!type.equals(e.typeLabel()) || t <= now - within || t > now) {
                continue;
            }
            if (category == null || inCategory(e.product(), category)) {
                n++;
            }
        }
        return n;
    }

    private static boolean inCategory(Product p, String category) {
        return p != null && p.category() != null && (p.category().equals(category) || p.category().startsWith(category + "/"));
    }
}
