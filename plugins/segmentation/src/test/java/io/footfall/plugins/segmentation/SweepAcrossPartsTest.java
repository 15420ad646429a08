package io.footfall.plugins.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.plugin.PositionedEvent;
import io.footfall.simulator.SimulatorConfig;
import io.footfall.testkit.People;
import io.footfall.testkit.PluginHarness;
import io.footfall.testkit.Simulations;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Folded by person on two parts (SPI 1.10): after a change of definitions every user is re-evaluated — those who send
 * nothing afterwards too — in sole batches only, whichever part's batch asked for them.
 */
class SweepAcrossPartsTest {

    static final String WITH_SEEN = RulesTest.EXAMPLE.replace("{\"segments\": [",
            "{\"segments\": [{\"id\": \"seen\", \"when\": {\"profile\": \"sessions\", \"op\": \">=\", \"value\": 1}},");

    @Test
    void newDefinitionsReachEveryUserOfEveryPartThroughSoleBatches() {
        List<io.footfall.api.event.BehaviorEvent> events = Simulations.run(SimulatorConfig.builder().seed(5).users(1600).days(5).build()).events();
        try (PluginHarness log = PluginHarness.of(new SegmentationPlugin()).open()) {
            log.feed(events); // positions and the log's event time, as the host's segments read them
            List<PositionedEvent> all = log.fedEvents();
            int half = all.size() / 2;
            List<List<PositionedEvent>> first = People.split(all.subList(0, half), 2, PositionedEvent::event);
            List<List<PositionedEvent>> second = People.split(all.subList(half, all.size()), 2, PositionedEvent::event);
            PluginHarness before = PluginHarness.of(new SegmentationPlugin()).config(SegmentationPlugin.RULES, RulesTest.EXAMPLE)
                    .batchSize(50).open();
            alternate(before, first);
            long known = before.state().snapshot().keySet().stream().filter(k -> k.startsWith(SegmentationPlugin.USER)).count();
            assertTrue(known > SegmentationPlugin.SWEEP_CHUNK, "a sweep of more than one chunk: " + known + " users");
            Set<String> activeLater = new TreeSet<>();
            second.forEach(part -> part.forEach(p -> activeLater.add(p.event().primaryId())));
            // the operator adds a segment every user belongs to: every pod reopens the plugin with it
            try (PluginHarness after = before.onAnotherInstance(new SegmentationPlugin()).config(SegmentationPlugin.RULES, WITH_SEEN).open()) {
                before.close();
                alternate(after, second);
                Map<String, UserState> users = new TreeMap<>();
                after.state().snapshot().forEach((key, value) -> {
                    if (key.startsWith(SegmentationPlugin.USER)) {
                        users.put(key.substring(SegmentationPlugin.USER.length()), UserState.decode(value));
                    }
                });
                long inactive = users.keySet().stream().filter(u -> !activeLater.contains(u)).count();
                assertTrue(inactive > 20, "users with no event after the change: " + inactive);
                // every user, active after the change or not, entered the new segment, and its stored memberships are
                // what the new definitions give at the stored "now"
                Rules rules = Rules.parse(WITH_SEEN, Set.of("rfm:lost", "rfm:champions"));
                long now = SegmentationPlugin.storedNow(after.state());
                users.forEach((user, s) -> {
                    assertTrue(s.memberships.containsKey("seen"), () -> user + " is not in the new segment: " + s.memberships.keySet());
                    Set<String> stored = new TreeSet<>(s.memberships.keySet());
                    stored.removeIf(k -> !rules.has(k));
                    assertEquals(RulesTest.members(rules, s, now), stored, user);
                });
                SegmentationPlugin.Meta meta = SegmentationPlugin.Meta.load(after.state());
                assertNull(meta.sweepCursor, "the sweep ended");
                long sole = after.metrics().counter("sole-batches");
                System.out.printf("sweep across parts: %d users (%d inactive after the change), %d sole batches of %d%n",
                        users.size(), inactive, sole, after.deliveredBatches().size());
                assertTrue(sole >= 2 && sole < after.deliveredBatches().size() / 2, "sole batches: " + sole);
            }
        }
    }

    /** Feeds each part its people's events in chunks that alternate between the parts; each part then reaches the log's end. */
    private static void alternate(PluginHarness h, List<List<PositionedEvent>> parts) {
        int[] next = new int[parts.size()];
        boolean more = true;
        while (more) {
            more = false;
            for (int part = 0; part < parts.size(); part++) {
                List<PositionedEvent> own = parts.get(part);
                if (next[part] < own.size()) {
                    h.feedSegment(part, own.subList(next[part], Math.min(own.size(), next[part] + 120)));
                    next[part] = Math.min(own.size(), next[part] + 120);
                    more = true;
                }
            }
        }
        java.time.Instant end = parts.stream().flatMap(List::stream).map(PositionedEvent::watermark).max(java.util.Comparator.naturalOrder()).orElseThrow();
        for (int part = 0; part < parts.size(); part++) {
            h.logTimeReached(part, end);
        }
    }
}
