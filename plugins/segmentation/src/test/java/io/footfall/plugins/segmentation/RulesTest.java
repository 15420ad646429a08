package io.footfall.plugins.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.result.ReportTable;
import io.footfall.api.result.SegmentMembership;
import io.footfall.testkit.Fixtures;
import io.footfall.testkit.PluginHarness;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The condition language: validation, entering and leaving once per transition, window expiry. */
class RulesTest {

    /** One segment of each kind of condition. */
    static final String EXAMPLE = """
            {"segments": [
              {"id": "shoe-browsers", "name": "Shoe browsers", "description": "viewed Shoes 3 times in 7 days",
               "when": {"event": "Product Viewed", "where": {"category": "Shoes"}, "atLeast": 3, "within": "P7D"}},
              {"id": "big-spenders", "when": {"profile": "revenue", "op": ">", "value": 500}},
              {"id": "lapsing", "when": {"all": [{"profile": "orders", "op": ">=", "value": 1},
                                                  {"profile": "daysSinceLastSeen", "op": ">", "value": 3}]}},
              {"id": "champions-not-big", "when": {"all": [{"segment": "rfm:champions"}, {"not": {"segment": "big-spenders"}}]}},
              {"id": "engaged", "when": {"any": [{"segment": "shoe-browsers"},
                                                 {"event": "Product Added", "within": "P1D"},
                                                 {"profile": "sessions", "op": ">=", "value": 5}]}}
            ]}""";

    static final String SHOES = """
            {"segments": [{"id": "shoe-browsers",
              "when": {"event": "Product Viewed", "where": {"category": "Shoes"}, "atLeast": 3, "within": "P7D"}}]}""";

    @Test
    void errorsPointAtTheBadPart() {
        Rules.InvalidRulesException e = assertThrows(Rules.InvalidRulesException.class, () -> Rules.parse("""
                {"segments": [
                  {"id": "a", "when": {"event": "Product Viewed", "within": "7 days"}},
                  {"id": "b", "when": {"all": [{"profile": "revenu", "op": ">", "value": 1}]}},
                  {"id": "c", "when": {"segment": "nope"}},
                  {"id": "a", "when": {"not": {"event": "page", "within": "P1D", "atLeast": 0}}},
                  {"id": "d", "when": {"any": [{"segment": "e"}]}},
                  {"id": "e", "when": {"segment": "d"}, "colour": "red"}
                ]}""", Set.of()));
        List<String> pointers = e.errors().stream().map(Rules.Error::pointer).toList();
        assertTrue(pointers.contains("/segments/0/when/within"), pointers.toString());
        assertTrue(pointers.contains("/segments/1/when/all/0/profile"), pointers.toString());
        assertTrue(pointers.contains("/segments/2/when"), pointers.toString());
        assertTrue(pointers.contains("/segments/3/id"), pointers.toString());
        assertTrue(pointers.contains("/segments/3/when/not/atLeast"), pointers.toString());
        assertTrue(pointers.contains("/segments/5/colour"), pointers.toString());
        assertEquals(6, pointers.size(), e.errors().toString());

        Rules.InvalidRulesException cycle = assertThrows(Rules.InvalidRulesException.class, () -> Rules.parse("""
                {"segments": [{"id": "d", "when": {"segment": "e"}}, {"id": "e", "when": {"not": {"segment": "d"}}}]}""", Set.of()));
        assertTrue(cycle.errors().get(0).message().contains("refers to itself"), cycle.errors().toString());

        Rules.InvalidRulesException cluster = assertThrows(Rules.InvalidRulesException.class, () -> Rules.parse("""
                {"segments": [{"id": "c", "when": {"segment": "cluster:abc"}}, {"id": "d", "when": {"segment": "cluster:12"}}]}""", Set.of()));
        assertEquals(List.of("/segments/0/when"), cluster.errors().stream().map(Rules.Error::pointer).toList(), cluster.errors().toString());
        assertTrue(cluster.errors().get(0).message().contains("cluster:<n>"), cluster.errors().toString());

        Rules.InvalidRulesException syntax = assertThrows(Rules.InvalidRulesException.class, () -> Rules.parse("{\"segments\": [", Set.of()));
        assertEquals("", syntax.errors().get(0).pointer());
        assertEquals(5, Rules.parse(EXAMPLE, Set.of("rfm:champions")).segments().size());
    }

    @Test
    void rejectedDefinitionsAreReportedAndThePreviousOnesStay() {
        try (PluginHarness first = PluginHarness.of(new SegmentationPlugin()).config(SegmentationPlugin.RULES, SHOES).open()) {
            first.feed(views("u1", Fixtures.T0, 3));
            assertEquals(Set.of("shoe-browsers"), members(first, "u1"));
        }
        // through the harness's own state: reopen with a bad document over the state written with SHOES
        PluginHarness h = PluginHarness.of(new SegmentationPlugin()).config(SegmentationPlugin.RULES, SHOES).open();
        h.feed(views("u1", Fixtures.T0, 3));
        h.close();
        io.footfall.testkit.InMemoryStateStore state = h.state();
        var ctx = io.footfall.testkit.TestPluginContext.forDescriptor(new SegmentationPlugin().descriptor(),
                java.util.Map.of(SegmentationPlugin.RULES, "{\"segments\": [{\"id\": \"x\", \"when\": {\"profile\": \"revenue\"}}]}"));
        copy(state, ctx.state());
        SegmentationPlugin reopened = new SegmentationPlugin();
        reopened.open(ctx);
        ReportTable errors = ctx.results().reportTable(SegmentationPlugin.ERRORS_TABLE).orElseThrow();
        assertEquals(List.of(List.of("/segments/0/when/op", "required"), List.of("/segments/0/when/value", "required")), errors.rows());
        ReportTable definitions = ctx.results().reportTable(SegmentationPlugin.DEFINITIONS_TABLE).orElseThrow();
        assertTrue(definitions.rows().stream().anyMatch(r -> r.get(0).equals("shoe-browsers")), "the previous rules stay in force");
        reopened.close();
    }

    private static void copy(io.footfall.testkit.InMemoryStateStore from, io.footfall.testkit.InMemoryStateStore to) {
        from.snapshot().forEach(to.hostView()::put); // as the host's database holds it, timers included
    }

    @Test
    void entersOnceLeavesOnceAndTheWindowExpiresAsEventTimePasses() {
        try (PluginHarness h = PluginHarness.of(new SegmentationPlugin()).config(SegmentationPlugin.RULES, SHOES).batchSize(2).open()) {
            h.feed(views("u1", Fixtures.T0, 5));                       // enters at the 3rd view, stays for the 4th and 5th
            h.feed(Fixtures.productViewed("u2", "p-9", "Books", Fixtures.day(6)));
            assertEquals(List.of(true), transitions(h, "u1"));
            // u1's 3rd view (T0 + 2 h) leaves the window at day 7 + 2 h; another user's event moves time on
            h.feed(Fixtures.productViewed("u2", "p-9", "Books", Fixtures.day(7).plusSeconds(2 * 3600 - 1)));
            assertEquals(List.of(true), transitions(h, "u1"));
            h.feed(Fixtures.productViewed("u2", "p-9", "Books", Fixtures.day(7).plusSeconds(2 * 3600)));
            assertEquals(List.of(true, false), transitions(h, "u1"));
            // the history is the Segment Entered/Exited events, at their event time
            assertEquals(List.of(List.of("shoe-browsers", "Segment Entered", Fixtures.T0.plusSeconds(2 * 3600).toString()),
                    List.of("shoe-browsers", "Segment Exited", Fixtures.day(7).plusSeconds(2 * 3600).toString())), history(h, "u1"));
            // re-entering needs three new views
            h.feed(views("u1", Fixtures.day(8), 2));
            assertEquals(List.of(true, false), transitions(h, "u1"));
            h.feed(views("u1", Fixtures.day(9), 1));
            assertEquals(List.of(true, false, true), transitions(h, "u1"));
        }
    }

    /**
     * Versions before 0.4 kept expiries in an index of their own ({@code x/<time>/<user>}) instead of host timers: a
     * state written so still expires on time, once, and the index empties (read, never written again).
     */
    @Test
    void anExpiryIndexedByAVersionBefore04StillExpiresOnce() {
        try (PluginHarness h = PluginHarness.of(new SegmentationPlugin()).config(SegmentationPlugin.RULES, SHOES).open()) {
            h.feed(views("u1", Fixtures.T0, 3));
            assertEquals(List.of(true), transitions(h, "u1"));
            // the state as 0.3 left it: no timer, an index key at u1's expiry (day 7, when the first view leaves the window)
            var host = h.state().hostView();
            long expiry = Long.parseLong(new String(host.get(io.footfall.api.store.TimersInState.HOST_PREFIX + "u/u/u1").orElseThrow(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(Fixtures.day(7).toEpochMilli(), expiry);
            for (String key : h.state().keys(io.footfall.api.store.TimersInState.HOST_PREFIX, 100)) {
                host.delete(key);
            }
            h.state().put(SegmentationPlugin.expiryKey(expiry, "u1"), new byte[] {1});
            try (PluginHarness upgraded = h.onAnotherInstance(new SegmentationPlugin()).open()) {
                upgraded.feed(Fixtures.productViewed("u2", "p-9", "Books", Fixtures.day(7).minusMillis(1)));
                assertEquals(List.of(), transitions(upgraded, "u1"), "not due yet");
                upgraded.feed(Fixtures.productViewed("u2", "p-9", "Books", Fixtures.day(8)));
                assertEquals(List.of(false), transitions(upgraded, "u1"), "left once, when the indexed expiry came");
                assertEquals(List.of("shoe-browsers", "Segment Exited", Instant.ofEpochMilli(expiry).toString()), history(upgraded, "u1").get(0));
                assertEquals(List.of(), upgraded.state().keys(SegmentationPlugin.EXPIRY, 10), "the old index is empty");
                upgraded.feed(Fixtures.productViewed("u2", "p-9", "Books", Fixtures.day(30)));
                assertEquals(List.of(false), transitions(upgraded, "u1"));
            }
        }
    }

    @Test
    void trainingExpiresWindowsWithoutAnyNewEvent() {
        try (PluginHarness h = PluginHarness.of(new SegmentationPlugin()).config(SegmentationPlugin.RULES, SHOES)
                .clock(Fixtures.day(1)).open()) {
            h.feed(views("u1", Fixtures.T0, 3));
            h.train(Fixtures.day(1));
            assertEquals(List.of(true), transitions(h, "u1"));
            h.clock().set(Fixtures.day(30));
            h.train(Fixtures.day(30));
            assertEquals(List.of(true, false), transitions(h, "u1"));
            h.train(Fixtures.day(31));
            assertEquals(List.of(true, false), transitions(h, "u1"), "no second exit");
        }
    }

    @Test
    void newDefinitionsApplyToTheUsersAlreadyKnown() {
        PluginHarness h = PluginHarness.of(new SegmentationPlugin()).open();
        h.feed(Fixtures.orderCompleted("u1", "o1", Fixtures.T0, Fixtures.product("p1", "Books", "600.00", 1)));
        h.close();
        var ctx = io.footfall.testkit.TestPluginContext.forDescriptor(new SegmentationPlugin().descriptor(),
                java.util.Map.of(SegmentationPlugin.RULES, "{\"segments\": [{\"id\": \"big\", \"when\": {\"profile\": \"revenue\", \"op\": \">\", \"value\": 500}}]}"));
        copy(h.state(), ctx.state());
        byte[] meta = ctx.state().get(SegmentationPlugin.META).orElseThrow();
        SegmentationPlugin plugin = new SegmentationPlugin();
        plugin.open(ctx);
        // opening (which every pod does after a change, folding the plugin or not) leaves the meta entry alone: what the
        // batches of the pod that folds it read and rewrite
        org.junit.jupiter.api.Assertions.assertArrayEquals(meta, ctx.state().get(SegmentationPlugin.META).orElseThrow());
        // the sweep runs with the next batch, whoever it is about
        plugin.onEvents(new io.footfall.api.plugin.EventBatch(List.of(new io.footfall.api.plugin.PositionedEvent(1,
                Fixtures.page("u2", "Home", Fixtures.day(1)))), false));
        assertTrue(ctx.results().segmentMemberships().contains(new SegmentMembership("u1", "big", true, 1.0)));
        plugin.close();
    }

    /** The rule segments a full evaluation of the user at {@code now} puts it in. */
    static java.util.Set<String> members(Rules rules, UserState s, long now) {
        java.util.Set<String> in = new java.util.TreeSet<>();
        rules.evaluate(s, now, s.memberships::containsKey).forEach((id, member) -> {
            if (member) {
                in.add(id);
            }
        });
        return in;
    }

    static BehaviorEvent[] views(String user, Instant from, int n) {
        BehaviorEvent[] out = new BehaviorEvent[n];
        for (int i = 0; i < n; i++) {
            out[i] = Fixtures.productViewed(user, "p-" + i, "Shoes/Running", from.plusSeconds(3600L * i));
        }
        return out;
    }

    /** A user's Segment Entered/Exited events as (segment, event name, event time). */
    static List<List<String>> history(PluginHarness h, String user) {
        return h.events().of(user).stream()
                .map(e -> List.of((String) e.properties().get("segmentId"), e.name(), e.occurredAt().toString())).toList();
    }

    static List<Boolean> transitions(PluginHarness h, String user) {
        return h.results().segmentMemberships().stream()
                .filter(m -> m.userId().equals(user) && m.segment().equals("shoe-browsers"))
                .map(SegmentMembership::member).toList();
    }

    static Set<String> members(PluginHarness h, String user) {
        return h.results().latest(SegmentMembership.class).values().stream()
                .filter(m -> m.userId().equals(user) && m.member()).map(SegmentMembership::segment)
                .collect(java.util.stream.Collectors.toSet());
    }
}
