package io.footfall.plugins.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.plugin.DerivedEvent;
import io.footfall.simulator.BenchmarkSegments;
import io.footfall.simulator.SimulatorConfig;
import io.footfall.testkit.InMemoryStateStore;
import io.footfall.testkit.PluginHarness;
import io.footfall.testkit.Simulations;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The segmentation fold is a function of the log, not of where batches end (plugin SPI 1.8 and 1.9): a user's scheduled
 * changes (windows running out, time comparisons) are evaluated at their own time and before the user's next event,
 * whether the log's time passed them within a batch (then the event comes first in the batch and the plugin handles
 * them itself) or at a batch's end (then the host fires the user's timer). The 50 benchmark segments over three weeks of
 * simulated traffic, fed in batches of 13 and of 500 events: the same state, the same Segment Entered/Exited events with
 * the same times, the same members as published.
 */
class FoldDependsOnTheLogOnlyTest {

    @Test
    void batchesOf13And500FoldTheSameStateAndTransitions() {
        String rules = BenchmarkSegments.fiftyRules();
        List<BehaviorEvent> events = Simulations.run(SimulatorConfig.builder().seed(17).users(200).days(21).build()).events();
        Fold small = fold(rules, events, 13);
        Fold large = fold(rules, events, 500);
        assertTrue(small.transitions().size() > 5_000, "transitions: " + small.transitions().size());
        assertTrue(InMemoryStateStore.sameContent(small.state(), large.state()), "the same state, timers included");
        assertEquals(small.transitions(), large.transitions());
        assertEquals(small.memberships(), large.memberships());
    }

    private record Fold(Map<String, byte[]> state, Map<String, Integer> transitions, java.util.Set<String> memberships) {
    }

    private static Fold fold(String rules, List<BehaviorEvent> events, int batchSize) {
        try (PluginHarness h = PluginHarness.of(new SegmentationPlugin()).config(SegmentationPlugin.RULES, rules).batchSize(batchSize).open()) {
            h.feed(events);
            // derived events by their key (segment, change, time, user), counted: the order within the log may differ
            Map<String, Integer> transitions = new TreeMap<>();
            for (DerivedEvent e : h.events().all()) {
                transitions.merge(e.key(), 1, Integer::sum);
            }
            // the members as published (a batch publishes only the memberships it changed: entering and leaving within
            // one batch publishes nothing, so the non-members' latest results differ with the batch size)
            java.util.Set<String> memberships = new java.util.TreeSet<>();
            h.results().latest(io.footfall.api.result.SegmentMembership.class).values().stream().filter(m -> m.member())
                    .forEach(m -> memberships.add(m.userId() + "/" + m.segment()));
            return new Fold(h.state().snapshot(), transitions, memberships);
        }
    }
}
