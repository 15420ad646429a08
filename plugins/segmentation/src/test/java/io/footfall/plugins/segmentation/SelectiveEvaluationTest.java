package io.footfall.plugins.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.result.SegmentMembership;
import io.footfall.simulator.BenchmarkSegments;
import io.footfall.simulator.SimulatorConfig;
import io.footfall.testkit.PluginHarness;
import io.footfall.testkit.Simulations;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Per event the plugin evaluates only the rule segments the event can change; this checks that it never misses one:
 * with the 50 benchmark segments (windows, every profile field, references, NOT, an RFM segment), after a simulation
 * with a training run in the middle, every user's rule memberships equal a full evaluation of every segment over the
 * user's state at the final "now", in the plugin's state and in the published memberships, and it evaluated far fewer
 * segments than 50 per event.
 */
class SelectiveEvaluationTest {

    @Test
    void evaluatingOnlyTheTouchedSegmentsEqualsEvaluatingAllOfThem() {
        String rulesText = BenchmarkSegments.fiftyRules();
        Simulations.Simulation run = Simulations.run(SimulatorConfig.builder().seed(11).users(300).days(21).build());
        List<BehaviorEvent> events = run.events();
        Instant middle = events.get(events.size() / 2).occurredAt();
        try (PluginHarness h = PluginHarness.of(new SegmentationPlugin()).config(SegmentationPlugin.RULES, rulesText)
                .clock(middle).batchSize(97).open()) {
            h.feed(events.subList(0, events.size() / 2));
            h.train(middle); // RFM cut points: later orders move RFM segments, which c0…c9 refer to
            h.feed(events.subList(events.size() / 2, events.size()));

            Rules rules = Rules.parse(rulesText, Set.of("rfm:lost"));
            long now = SegmentationPlugin.storedNow(h.state());
            Map<String, Set<String>> stored = new TreeMap<>();
            Map<String, Set<String>> full = new TreeMap<>();
            int rfm = 0;
            for (Map.Entry<String, byte[]> e : h.state().snapshot().entrySet()) {
                if (!e.getKey().startsWith(SegmentationPlugin.USER)) {
                    continue;
                }
                String user = e.getKey().substring(SegmentationPlugin.USER.length());
                UserState s = UserState.decode(e.getValue());
                rfm += s.memberships.keySet().stream().anyMatch(k -> k.startsWith("rfm:")) ? 1 : 0;
                Set<String> mine = new TreeSet<>(s.memberships.keySet());
                mine.removeIf(k -> !rules.has(k));
                Set<String> all = RulesTest.members(rules, s, now);
                if (!mine.isEmpty()) {
                    stored.put(user, mine);
                }
                if (!all.isEmpty()) {
                    full.put(user, all);
                }
            }
            Map<String, Set<String>> published = new TreeMap<>();
            for (SegmentMembership m : h.results().latest(SegmentMembership.class).values()) {
                if (m.member() && rules.has(m.segment())) {
                    published.computeIfAbsent(m.userId(), u -> new TreeSet<>()).add(m.segment());
                }
            }
            assertTrue(rfm > 20, "RFM-scored users: " + rfm);
            assertTrue(full.values().stream().mapToInt(Set::size).sum() > 500, "memberships: " + full);
            assertEquals(full, stored);
            assertEquals(full, published);
            double perEvent = h.metrics().counter("evaluations") / (double) events.size();
            assertTrue(perEvent < 25, "segments evaluated per event: " + perEvent);
            System.out.printf("selective evaluation: %.1f of 50 segments evaluated per event, %d transitions%n", perEvent,
                    h.metrics().counter("transitions"));
        }
    }
}
