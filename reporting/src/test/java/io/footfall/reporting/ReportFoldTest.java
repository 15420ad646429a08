package io.footfall.reporting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventContext;
import io.footfall.api.event.EventKind;
import io.footfall.api.event.Order;
import io.footfall.api.event.Product;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The in-memory fold of the reporting read models, without a database. */
class ReportFoldTest {

    private static final Instant T = Instant.parse("2026-03-02T10:00:00Z");
    private static final LocalDate DAY = LocalDate.parse("2026-03-02");
    private int ids;

    private BehaviorEvent track(String user, String name, Instant at, Product product, Order order, String query, Map<String, Object> props) {
        return new BehaviorEvent("e" + ids++, "m" + ids, EventKind.TRACK, name, user, null, null, null, at, at, null, null, "src",
                product, order, query, EventContext.empty(), props, Map.of());
    }

    private BehaviorEvent page(String anon, Instant at) {
        return new BehaviorEvent("e" + ids++, "m" + ids, EventKind.PAGE, null, null, anon, null, null, at, at, null, null, "src",
                null, null, null, EventContext.empty(), Map.of(), Map.of());
    }

    private static Product product(String id, String category, String brand) {
        return new Product(id, null, "Name " + id, category, brand, null, BigDecimal.TEN, "EUR", null, null, null);
    }

    @Test
    void countsEventsSessionsAndFirstSeenPerPerson() {
        ReportFold fold = new ReportFold(id -> null);
        fold.fold(page("a1", T));
        fold.fold(page("a1", T.plusSeconds(60)));
        // 31 minutes later: a second session
        fold.fold(page("a1", T.plusSeconds(60 + 31 * 60)));
        fold.fold(track("u1", "Product Viewed", T, product("p1", "Shoes", "Acme"), null, null, Map.of()));

        ReportFold.Activity a = fold.activity.get(new ReportFold.PersonDay("anon:a1", DAY));
        assertEquals(3, a.events);
        assertEquals(2, a.sessions);
        assertEquals(1, fold.activity.get(new ReportFold.PersonDay("user:u1", DAY)).sessions);
        assertEquals(3L, fold.counters.get(new ReportFold.CounterKey(DAY, ReportFold.TYPE, "page")));
        assertEquals(1L, fold.counters.get(new ReportFold.CounterKey(DAY, ReportFold.TYPE, "Product Viewed")));
        ReportFold.Step s = fold.steps.get(new ReportFold.PersonStep("anon:a1", "page", DAY));
        assertEquals(T, s.first);
        assertEquals(T.plusSeconds(60 + 31 * 60), s.last);
        assertEquals(3, s.count);
        assertEquals(DAY, fold.persons().get("anon:a1").firstDay);
    }

    @Test
    void continuesAStoredPersonsSessionAndKeepsTheEarliestFirstSeen() {
        Map<String, ReportFold.Person> stored = new HashMap<>();
        stored.put("user:u1", new ReportFold.Person("user:u1", DAY, T, T.plusSeconds(600), null, null, null));
        ReportFold fold = new ReportFold(stored::get);
        fold.fold(track("u1", "Cart Viewed", T.plusSeconds(900), null, null, null, Map.of()));
        assertEquals(0, fold.activity.get(new ReportFold.PersonDay("user:u1", DAY)).sessions, "within 30 minutes of the stored last event");
        // a late event from the day before moves first seen back
        fold.fold(track("u1", "Cart Viewed", T.minusSeconds(86_400), null, null, null, Map.of()));
        assertEquals(DAY.minusDays(1), fold.persons().get("user:u1").firstDay);
        assertEquals(T.plusSeconds(900), fold.persons().get("user:u1").lastAt);
    }

    @Test
    void productsAffinityAndOrders() {
        ReportFold fold = new ReportFold(id -> null);
        fold.fold(track("u1", "Product Viewed", T, product("p1", "Shoes", "Acme"), null, null, Map.of()));
        fold.fold(track("u1", "product_added", T.plusSeconds(5), product("p1", "Shoes", "Acme"), null, null, Map.of()));
        fold.fold(track("u1", "Order Completed", T.plusSeconds(9), null,
                new Order("o1", BigDecimal.TEN, null, "EUR", null, null, null, null,
                        List.of(product("p1", "Shoes", "Acme"), product("p2", "Books", null))), null, Map.of()));
        assertArrayEquals(new long[] {1, 1, 1}, fold.products.get(new ReportFold.DayKey(DAY, "p1")));
        assertArrayEquals(new long[] {0, 0, 1}, fold.products.get(new ReportFold.DayKey(DAY, "p2")));
        assertEquals(3L, fold.affinity.get(new ReportFold.PersonAffinity("user:u1", "c", "Shoes", DAY)));
        assertEquals(1L, fold.affinity.get(new ReportFold.PersonAffinity("user:u1", "c", "Books", DAY)));
        assertNull(fold.affinity.get(new ReportFold.PersonAffinity("user:u1", "b", "", DAY)));
        assertEquals("Name p2", fold.productInfo.get("p2").name());
        assertEquals(1L, fold.counters.get(new ReportFold.CounterKey(DAY, ReportFold.TYPE, "Product Added")), "type label of the standard event");
    }

    @Test
    void productDetailsRememberTheLogPositionThatNamedEachOfThem() {
        ReportFold fold = new ReportFold(id -> null);
        fold.position = 7;
        fold.fold(track("u1", "Product Viewed", T, product("p1", "Shoes", "Acme"), null, null, Map.of()));
        fold.position = 9;
        fold.fold(track("u1", "Product Viewed", T.plusSeconds(1), product("p1", "Boots", null), null, null, Map.of()));
        ReportFold.ProductInfo p1 = fold.productInfo.get("p1");
        assertEquals(new ReportFold.ProductInfo("Name p1", "Boots", "Acme", 9, 9, 7), p1,
                "name and category from the later event, the brand only the first named");
    }

    @Test
    void searchesWithoutResultsAndWithoutClicks() {
        ReportFold fold = new ReportFold(id -> null);
        // clicked: not a no-click search
        fold.fold(track("u1", "Products Searched", T, null, null, "Red  Shoes ", Map.of("query", "Red  Shoes ")));
        fold.fold(track("u1", "Product Clicked", T.plusSeconds(5), product("p1", "Shoes", null), null, null, Map.of()));
        // no result, then a second search in the same session: the first had no click
        fold.fold(track("u1", "Products Searched", T.plusSeconds(10), null, null, "xyzzy", Map.of("results", 0)));
        fold.fold(track("u1", "Products Searched", T.plusSeconds(20), null, null, "blue hat", Map.of("result_count", "12")));
        // still pending: nothing counted yet for "blue hat"
        assertArrayEquals(new long[] {1, 0, 0}, fold.searches.get(new ReportFold.DayKey(DAY, "blue hat")));
        // the next session closes it
        fold.fold(track("u1", "Cart Viewed", T.plusSeconds(20 + 40 * 60), null, null, null, Map.of()));
        assertArrayEquals(new long[] {1, 0, 0}, fold.searches.get(new ReportFold.DayKey(DAY, "red shoes")));
        assertArrayEquals(new long[] {1, 1, 1}, fold.searches.get(new ReportFold.DayKey(DAY, "xyzzy")));
        assertArrayEquals(new long[] {1, 0, 1}, fold.searches.get(new ReportFold.DayKey(DAY, "blue hat")));
        assertNull(fold.persons().get("user:u1").pendingQuery);
    }

    @Test
    void aLateViewFromBeforeTheSearchIsNoClick() {
        ReportFold fold = new ReportFold(id -> null);
        fold.fold(track("u1", "Products Searched", T, null, null, "hats", Map.of()));
        fold.fold(track("u1", "Product Viewed", T.minusSeconds(60), product("p1", "Hats", null), null, null, Map.of()));
        fold.fold(track("u1", "Products Searched", T.plusSeconds(60), null, null, "caps", Map.of()));
        assertArrayEquals(new long[] {1, 0, 1}, fold.searches.get(new ReportFold.DayKey(DAY, "hats")));
        assertEquals(-1, ReportFold.resultCount(Map.of()));
    }

    @Test
    void recommendationImpressionsAndClicks() {
        ReportFold fold = new ReportFold(id -> null);
        fold.fold(track("u1", "Product List Viewed", T, null, null, null, Map.of("list_id", "recommended-for-you")));
        fold.fold(track("u1", "Product List Viewed", T, null, null, null, Map.of("list_id", "search_results")));
        fold.fold(track("u1", "Product Clicked", T, product("p9", null, null), null, null, Map.of("list_id", "recommended-for-you")));
        assertEquals(1L, fold.counters.get(new ReportFold.CounterKey(DAY, ReportFold.REC_IMPRESSION, "")));
        assertEquals(1L, fold.counters.get(new ReportFold.CounterKey(DAY, ReportFold.REC_CLICK, "p9")));
    }

    @Test
    void aMergeKeptApartByAnUnmergeIsNotMade() {
        BehaviorEvent login = new BehaviorEvent("e" + ids++, "m" + ids, EventKind.IDENTIFY, null, "u1", "a1", null, null,
                T.plusSeconds(120), T.plusSeconds(120), null, null, "src", null, null, null, EventContext.empty(), Map.of(), Map.of());
        ReportFold merged = new ReportFold(id -> null);
        merged.fold(page("a1", T));
        merged.fold(login);
        assertEquals("user:u1", merged.finalLinks().get("anon:a1"));
        assertEquals(List.of("user:u1"), List.copyOf(merged.personIds()));

        ReportFold apart = new ReportFold(id -> null);
        apart.keepApart = (identifier, person) -> identifier.equals("anon:a1") && person.equals("user:u1");
        apart.fold(page("a1", T));
        apart.fold(login);
        apart.fold(page("a1", T.plusSeconds(180)));
        assertEquals(Map.of(), apart.finalLinks());
        assertEquals(List.of("anon:a1", "user:u1"), List.copyOf(apart.personIds()));
        assertEquals(2, apart.activity.get(new ReportFold.PersonDay("anon:a1", DAY)).events);
        assertEquals(1, apart.activity.get(new ReportFold.PersonDay("user:u1", DAY)).events);
    }

    @Test
    void suppressionAndCsv() {
        Reports.Funnel funnel = new Reports.Funnel(List.of(new Reports.FunnelStep("A", 12L, 1.0, 1.0, 0L, null),
                new Reports.FunnelStep("B, =x", 9L, 0.75, 0.75, 3L, null), new Reports.FunnelStep("C", 0L, 0.0, 0.0, 9L, null)), Reports.Funnel.ON_REQUEST);
        String csv = funnel.suppress(5).csv().text();
        assertEquals("step,name,users,conversion_from_previous,conversion_from_start,drop_off,suppressed\n"
                + "1,A,12,1.0,1.0,0,false\n"
                + "2,\"B, =x\",,,,,true\n"
                // C's 0 users and drop-off 9 would give back B's 9 users, and from them B's drop-off of 3
                + "3,C,,,,,true\n", csv);
        // the overview: one small period hides the totals too (its new users, sessions and events are sums)
        Reports.Overview overview = new Reports.Overview("2025-06-01", "2025-06-14", "week", List.of(
                new Reports.Period("2025-06-02", 7L, 7L, 0L, 8L, 35L, java.util.Map.of(), null),
                new Reports.Period("2025-06-09", 3L, 2L, 1L, 3L, 9L, java.util.Map.of(), null)),
                new Reports.Totals(9L, 9L, 0L, 11L, 44L, null));
        Reports.Overview shown = overview.suppress(5);
        assertEquals(Boolean.TRUE, shown.series().get(1).suppressed());
        assertEquals(null, shown.series().get(0).suppressed());
        assertEquals(new Reports.Totals(null, null, null, null, null, true), shown.totals());
        assertEquals(overview.totals(), new Reports.Overview("a", "b", "week", List.of(overview.series().get(0)), overview.totals()).suppress(5).totals(),
                "no period suppressed: the totals stay");
        assertEquals("'=SUM(A1)", Csv.cell("=SUM(A1)"));
    }
}
