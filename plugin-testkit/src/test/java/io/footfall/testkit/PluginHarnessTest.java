package io.footfall.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.config.InvalidConfigException;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.plugin.EventBatch;
import io.footfall.api.plugin.MiningPlugin;
import io.footfall.api.plugin.PluginDescriptor;
import io.footfall.api.plugin.PositionedEvent;
import io.footfall.api.plugin.SpiVersion;
import io.footfall.api.plugin.TrainingReport;
import io.footfall.api.result.ReportTable;
import io.footfall.api.result.UserScore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PluginHarnessTest {

    private static List<BehaviorEvent> mixed(int n) {
        List<BehaviorEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant at = Fixtures.T0.plusSeconds(i);
            events.add(i % 3 == 0 ? Fixtures.page("u" + (i % 4), "Home", at)
                    : Fixtures.productViewed("u" + (i % 4), "p-" + i, "Books", at));
        }
        return events;
    }

    @Test
    void deliversOnlyConsumedEventsInBatchesWithIncreasingPositions() {
        try (PluginHarness h = PluginHarness.of(new CountingPlugin()).batchSize(40).open()) {
            List<BehaviorEvent> events = mixed(150);
            h.feed(events);
            long u1Views = events.stream().filter(e -> e.userId().equals("u1") && e.product() != null).count();
            List<EventBatch> batches = h.deliveredBatches();
            assertEquals(List.of(40, 40, 20), batches.stream().map(b -> b.events().size()).toList());
            List<Long> positions = batches.stream().flatMap(b -> b.events().stream()).map(PositionedEvent::position).toList();
            for (int i = 1; i < positions.size(); i++) {
                assertTrue(positions.get(i) > positions.get(i - 1));
            }
            assertTrue(batches.stream().flatMap(b -> b.behaviour().stream()).allMatch(e -> e.typeLabel().equals("Product Viewed")));
            assertFalse(batches.get(0).replay());
            assertEquals(150, h.fedEvents().size());
            assertEquals(u1Views, h.results().latest(UserScore.class, "events:u1").orElseThrow().score());
        }
    }

    /**
     * The log's event time (SPI 1.8): the latest occurredAt of everything fed up to each event, consumed or not (page
     * views are not consumed here), to the millisecond; events that arrive late carry the later time already seen.
     */
    @Test
    void eachEventCarriesTheLatestEventTimeOfTheLogUpToIt() {
        try (PluginHarness h = PluginHarness.of(new CountingPlugin()).batchSize(2).open()) {
            Instant t = Fixtures.T0.plusNanos(1_500_000);
            h.feed(Fixtures.productViewed("u1", "p-1", "Books", t),
                    Fixtures.page("u2", "Home", t.plusSeconds(60)), // not consumed, but the log's time moves on
                    Fixtures.productViewed("u3", "p-2", "Books", t.plusSeconds(10)), // late
                    Fixtures.productViewed("u1", "p-3", "Books", t.plusSeconds(90)));
            List<Instant> watermarks = h.deliveredBatches().stream().flatMap(b -> b.events().stream()).map(PositionedEvent::watermark).toList();
            Instant ms = Fixtures.T0.plusMillis(1);
            assertEquals(List.of(ms, ms.plusSeconds(60), ms.plusSeconds(90)), watermarks);
            assertEquals(ms.plusSeconds(60), h.deliveredBatches().get(0).watermark(), "a batch's: at its last event");
            // a second harness folding some of these people apart keeps the whole log's values
            try (PluginHarness apart = PluginHarness.of(new CountingPlugin()).open()) {
                apart.feedSegment(1, h.fedEvents().subList(2, 3));
                assertEquals(List.of(ms.plusSeconds(60)), apart.deliveredBatches().get(0).events().stream().map(PositionedEvent::watermark).toList());
                assertEquals(1, apart.deliveredBatches().get(0).part());
            }
        }
    }

    @Test
    void aWatermarkBeforeItsEventIsRefused() {
        BehaviorEvent e = Fixtures.productViewed("u1", "p-1", "Books", Fixtures.T0.plusNanos(1_500_000));
        assertEquals(Fixtures.T0.plusMillis(1), new PositionedEvent(1, e).watermark(), "SPI 1.7 callers: its own time, to the ms");
        assertThrows(IllegalArgumentException.class, () -> new PositionedEvent(1, e, Fixtures.T0));
        assertEquals(Fixtures.T0.plusSeconds(5), new PositionedEvent(1, e, Fixtures.T0.plusSeconds(5)).watermark());
    }

    @Test
    void invalidConfigurationFailsBeforeThePluginOpens() {
        PluginHarness h = PluginHarness.of(new CountingPlugin()).config(Map.of("weight", "11", "mode", "medium"));
        InvalidConfigException e = assertThrows(InvalidConfigException.class, h::open);
        assertEquals(Set.of("weight", "mode"), Set.copyOf(e.errors().stream().map(x -> x.property()).toList()));
        assertFalse(h.isOpen());
        assertThrows(IllegalStateException.class, () -> h.feed(mixed(1)));
    }

    @Test
    void aFailedBatchKeepsNeitherItsStateNorItsResults() {
        class FailsOnP7 extends CountingPlugin {
            @Override
            public void onEvents(EventBatch batch) {
                super.onEvents(batch);
                if (batch.behaviour().stream().anyMatch(e -> "p-7".equals(e.product().productId()))) {
                    throw new IllegalStateException("boom");
                }
            }
        }
        List<BehaviorEvent> events = mixed(12).stream().filter(e -> e.product() != null).toList();
        try (PluginHarness h = PluginHarness.of(new FailsOnP7()).batchSize(2).open()) {
            PluginInvocationException e = assertThrows(PluginInvocationException.class, () -> h.feed(events));
            assertEquals(PluginInvocationException.Phase.ON_EVENTS, e.phase());
            assertEquals(1, h.deadLetters().size());
            assertEquals(4, h.results().size(), "the two batches before the failure");
        }
        try (PluginHarness h = PluginHarness.of(new FailsOnP7()).batchSize(2).failFast(false).open()) {
            h.feed(events);
            assertEquals(1, h.deadLetters().size());
            assertEquals(6, h.results().size(), "every batch but the failed one");
            assertEquals(4, h.state().size());
        }
    }

    @Test
    void replayClearsStateAndRedeliversWithTheReplayFlag() {
        try (PluginHarness h = PluginHarness.of(new CountingPlugin()).config("weight", "2").open()) {
            h.feed(mixed(30));
            Map<ResultKey, ?> before = h.results().latest();
            Map<String, byte[]> state = h.state().snapshot();
            h.replay();
            assertTrue(h.isOpen());
            assertEquals(before, h.results().latest());
            assertTrue(InMemoryStateStore.sameContent(state, h.state().snapshot()), "counts were not doubled");
            List<EventBatch> batches = h.deliveredBatches();
            assertTrue(batches.get(batches.size() - 1).replay());
            assertEquals(batches.get(0).events().get(0).position(), batches.get(batches.size() - 1).events().get(0).position());
        }
    }

    @Test
    void trainingStreamsTheConsumedEventsOfTheRequestedRange() {
        List<BehaviorEvent> events = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            events.add(Fixtures.productViewed("u1", "p-" + d, "Books", Fixtures.day(d)));
            events.add(Fixtures.page("u1", "Home", Fixtures.day(d)));
        }
        try (PluginHarness h = PluginHarness.of(new CountingPlugin()).open()) {
            h.feed(events);
            TrainingReport report = h.train(Fixtures.day(5));
            assertEquals(5.0, report.metrics().get("events"), "days 0..4, views only");
            assertEquals(List.of(new TrainingProgress(1.0, "counted")), h.trainingProgress());
            assertEquals(List.of(List.<Object>of(5L)), h.results().reportTable("counts").map(ReportTable::rows).orElseThrow());
            assertEquals(10.0, h.train().metrics().get("events"), "train() trains on everything fed");
        }
    }

    /** As in the host: a cancelled run that gives up keeps nothing it wrote, one that finishes anyway commits. */
    @Test
    void aCancelledRunThatGivesUpKeepsNothingItWrote() {
        class GivesUpWhenCancelled extends CountingPlugin {
            @Override
            public TrainingReport train(io.footfall.api.plugin.TrainingContext training) {
                TrainingReport report = super.train(training);
                return training.cancelled() ? TrainingReport.nothing("cancelled") : report;
            }
        }
        try (PluginHarness h = PluginHarness.of(new GivesUpWhenCancelled()).cancelTraining(true).open()) {
            h.feed(Fixtures.productViewed("u1", "p-1", "Books", Fixtures.T0));
            int results = h.results().size();
            assertEquals("cancelled", h.train().summary());
            assertEquals(results, h.results().size(), "the report table published before giving up was dropped");
        }
        try (PluginHarness h = PluginHarness.of(new CountingPlugin()).cancelTraining(true).open()) {
            h.feed(Fixtures.productViewed("u1", "p-1", "Books", Fixtures.T0));
            assertEquals(1.0, h.train().metrics().get("events"), "finished without looking at the cancellation");
            assertTrue(h.results().reportTable("counts").isPresent(), "a finished run commits");
        }
    }

    @Test
    void personalDataIsRemovedUnlessAPurposeIsDeclared() {
        class Recorder implements MiningPlugin {
            final Set<String> purposes;
            final List<BehaviorEvent> seen = new ArrayList<>();

            Recorder(Set<String> purposes) {
                this.purposes = purposes;
            }

            @Override
            public PluginDescriptor descriptor() {
                return new PluginDescriptor("recorder", "1.0", SpiVersion.CURRENT, null, null, Set.of(), Set.of(), null, purposes);
            }

            @Override
            public void onEvents(EventBatch batch) {
                seen.addAll(batch.behaviour());
            }
        }
        BehaviorEvent identify = Fixtures.message(io.footfall.api.event.EventKind.IDENTIFY).user("u1").at(Fixtures.T0)
                .trait("email", "a@example.test").trait("plan", "plus").context("ip", "203.0.113.7").build();
        Recorder blind = new Recorder(Set.of());
        try (PluginHarness h = PluginHarness.of(blind).open()) {
            h.feed(identify);
        }
        BehaviorEvent seen = blind.seen.get(0);
        assertEquals(Map.of("plan", "plus"), seen.traits());
        assertNull(seen.context().ip());
        assertEquals("203.0.113.0", seen.context().ipTruncated());
        Recorder personal = new Recorder(Set.of("personalisation"));
        try (PluginHarness h = PluginHarness.of(personal).open()) {
            h.feed(identify);
        }
        assertEquals("a@example.test", personal.seen.get(0).traits().get("email"));
    }

    @Test
    void theClockIsTheTestsAndStampsModels() {
        TestClock clock = new TestClock(Instant.parse("2026-03-01T00:00:00Z"));
        try (PluginHarness h = PluginHarness.of(new CountingPlugin()).clock(clock).open()) {
            clock.advance(Duration.ofDays(1));
            assertEquals(Instant.parse("2026-03-02T00:00:00Z"), h.context().clock().instant());
            h.models().save(new io.footfall.api.store.ModelArtifact(new byte[0], null, null));
            assertEquals(clock.instant(), h.models().versions().get(0).createdAt());
        }
    }

    @Test
    void feedSimulationMapsEverySimulatedMessageInTimeOrder() {
        try (PluginHarness h = PluginHarness.of(new CountingPlugin()).open()) {
            var truth = h.feedSimulation(Simulations.small());
            assertEquals(truth.totalEvents(), h.fedEvents().size());
            List<PositionedEvent> fed = h.fedEvents();
            for (int i = 1; i < fed.size(); i++) {
                assertFalse(fed.get(i).event().occurredAt().isBefore(fed.get(i - 1).event().occurredAt()));
            }
            long views = truth.eventCounts().get("Product Viewed") + truth.eventCounts().get("Order Completed");
            assertEquals(views, h.deliveredBatches().stream().mapToLong(b -> b.events().size()).sum());
        }
    }
}
