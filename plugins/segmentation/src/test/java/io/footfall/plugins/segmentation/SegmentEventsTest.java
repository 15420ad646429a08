package io.footfall.plugins.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.plugin.DerivedEvent;
import io.footfall.testkit.Fixtures;
import io.footfall.testkit.PluginHarness;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Entering and leaving a segment emit {@code Segment Entered} / {@code Segment Exited} events: once per transition. */
class SegmentEventsTest {

    @Test
    void oneEventPerTransitionWithTheEventTimeIncludingWindowExpiry() {
        try (PluginHarness h = PluginHarness.of(new SegmentationPlugin()).config(SegmentationPlugin.RULES, RulesTest.SHOES).batchSize(2).open()) {
            h.feed(RulesTest.views("u1", Fixtures.T0, 5));
            assertEquals(List.of("Segment Entered"), names(h, "u1"));
            DerivedEvent entered = h.events().of("u1").get(0);
            assertEquals("u1", entered.userId());
            assertNull(entered.anonymousId());
            assertEquals(Fixtures.T0.plusSeconds(2 * 3600), entered.occurredAt(), "the 3rd view's event time");
            assertEquals("shoe-browsers", entered.properties().get("segmentId"));
            assertEquals("rule", entered.properties().get("segmentKind"));
            // the window expires as another user's events move time on: one exit, at the expiry instant
            h.feed(Fixtures.productViewed("u2", "p-9", "Books", Fixtures.day(7).plusSeconds(2 * 3600 - 1)));
            assertEquals(List.of("Segment Entered"), names(h, "u1"));
            h.feed(Fixtures.productViewed("u2", "p-9", "Books", Fixtures.day(8)));
            h.feed(Fixtures.productViewed("u2", "p-9", "Books", Fixtures.day(9)));
            assertEquals(List.of("Segment Entered", "Segment Exited"), names(h, "u1"));
            assertEquals(Fixtures.day(7).plusSeconds(2 * 3600), h.events().of("u1").get(1).occurredAt());
            // re-entering is a new transition, a new event
            h.feed(RulesTest.views("u1", Fixtures.day(10), 3));
            assertEquals(List.of("Segment Entered", "Segment Exited", "Segment Entered"), names(h, "u1"));
            assertEquals(List.of(), names(h, "u2"));

            // a replay recomputes the same transitions: their keys are already in the log, nothing new is appended
            int before = h.events().all().size();
            h.replay();
            assertEquals(before, h.events().all().size());
            assertEquals(before, h.events().duplicates());
        }
    }

    @Test
    void trainingExpiryEmitsTheExitOnceAndAnonymousVisitorsKeepTheirAnonymousId() {
        try (PluginHarness h = PluginHarness.of(new SegmentationPlugin()).config(SegmentationPlugin.RULES, RulesTest.SHOES)
                .clock(Fixtures.day(1)).open()) {
            h.feed(RulesTest.views("u1", Fixtures.T0, 3));
            h.clock().set(Fixtures.day(30));
            h.train(Fixtures.day(30));
            h.train(Fixtures.day(31));
            assertEquals(List.of("Segment Entered", "Segment Exited"), names(h, "u1"));
            assertEquals(0, h.events().duplicates(), "the second training emits no second exit");
        }
        try (PluginHarness h = PluginHarness.of(new SegmentationPlugin()).config(SegmentationPlugin.RULES, RulesTest.SHOES).open()) {
            for (int i = 0; i < 3; i++) {
                var view = Fixtures.productViewed("x", "p-" + i, "Shoes", Fixtures.T0.plusSeconds(i));
                h.feed(new io.footfall.api.event.BehaviorEvent(view.eventId(), view.messageId(), view.kind(), view.name(), null, "anon-1",
                        null, null, view.occurredAt(), view.receivedAt(), null, null, view.sourceId(), view.product(), null, null, null,
                        view.properties(), null));
            }
            DerivedEvent entered = h.events().of("anon-1").get(0);
            assertNull(entered.userId());
            assertEquals("anon-1", entered.anonymousId());
            // identified: the visitor leaves its segments (an exit for the anonymous id), the user enters
            h.feed(Fixtures.identify("u9", "anon-1", Fixtures.T0.plusSeconds(10)));
            assertEquals(List.of("Segment Entered", "Segment Exited"), names(h, "anon-1"));
            assertEquals(List.of("Segment Entered"), names(h, "u9"));
        }
    }

    @Test
    void enteringLeavingAndReenteringWithinOneMillisecondAreThreeEventsAndAReplayAddsNone() {
        // events != 2: the 1st event enters, the 2nd leaves, the 3rd enters again, all at T0
        String rules = "{\"segments\":[{\"id\":\"not-two\",\"when\":{\"profile\":\"events\",\"op\":\"!=\",\"value\":2}}]}";
        for (int batch : new int[] {1, 3}) {
            try (PluginHarness h = PluginHarness.of(new SegmentationPlugin()).config(SegmentationPlugin.RULES, rules).batchSize(batch).open()) {
                h.feed(Fixtures.page("u1", "Home", Fixtures.T0), Fixtures.page("u1", "Cart", Fixtures.T0), Fixtures.page("u1", "Shoes", Fixtures.T0));
                assertEquals(List.of("Segment Entered", "Segment Exited", "Segment Entered"), names(h, "u1"), "batches of " + batch);
                assertEquals(0, h.events().duplicates(), "three facts, three keys");
                assertEquals(3, h.events().all().stream().map(DerivedEvent::key).distinct().count());
                assertTrue(h.events().all().stream().allMatch(e -> e.occurredAt().equals(Fixtures.T0)));
                assertTrue(h.results().latest(io.footfall.api.result.SegmentMembership.class).values().stream()
                        .anyMatch(m -> m.userId().equals("u1") && m.segment().equals("not-two") && m.member()), "a member at the end");
                // the membership results of a batch are coalesced: one per change that outlives the batch
                assertEquals(batch == 1 ? 3 : 1, h.results().segmentMemberships().size());

                h.replay();
                assertEquals(3, h.events().all().size(), "a replay derives the same three keys");
                assertEquals(3, h.events().duplicates());
            }
        }
    }

    private static List<String> names(PluginHarness h, String id) {
        return h.events().of(id).stream().map(DerivedEvent::name).toList();
    }
}
