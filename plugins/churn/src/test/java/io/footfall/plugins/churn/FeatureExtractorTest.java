package io.footfall.plugins.churn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.StandardEvent;
import io.footfall.testkit.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FeatureExtractorTest {

    private static float value(float[] f, Feature feature) {
        return f[feature.ordinal()];
    }

    private static UserHistory fold(List<BehaviorEvent> events) {
        Histories book = new Histories(id -> null);
        events.stream().sorted(Comparator.comparing(BehaviorEvent::occurredAt)).forEach(book::add);
        return book.touched().values().iterator().next();
    }

    private static Instant at(int day, int hour) {
        return Fixtures.day(day).plus(Duration.ofHours(hour));
    }

    /** A small, hand-checked history of one customer. */
    private static List<BehaviorEvent> customer() {
        List<BehaviorEvent> events = new ArrayList<>();
        events.add(Fixtures.identify("u1", "a1", at(0, 9), Map.of("createdAt", "2025-12-02T00:00:00Z")));
        events.add(Fixtures.productViewed("u1", "p-1", "Books", at(0, 10)));
        events.add(Fixtures.productAdded("u1", "p-1", "Books", at(0, 10).plusSeconds(60)));
        events.add(Fixtures.orderCompleted("u1", "o-1", at(0, 10).plusSeconds(120), Fixtures.product("p-1", "Books", "20.00", 1)));
        events.add(Fixtures.productViewed("u1", "p-2", "Toys", at(10, 12)));
        events.add(Fixtures.productAdded("u1", "p-2", "Toys", at(10, 12).plusSeconds(30)));
        events.add(Fixtures.productViewed("u1", "p-3", "Garden", at(20, 8)));
        events.add(Fixtures.track("Checkout Started").user("u1").at(at(20, 8).plusSeconds(30)).property("order_id", "o-2").build());
        events.add(Fixtures.track("Coupon Applied").user("u1").at(at(20, 8).plusSeconds(40)).property("order_id", "o-2").build());
        events.add(Fixtures.orderCompleted("u1", "o-2", at(20, 8).plusSeconds(60), Fixtures.product("p-3", "Garden", "40.00", 1)));
        events.add(Fixtures.track("Products Searched").user("u1").at(at(25, 18)).property("query", "lamp").build());
        // service signals from the shop's backend: no visits
        events.add(Fixtures.track("Order Delivered").user("u1").at(at(3, 12)).property("order_id", "o-1")
                .property("delay_days", 0).property("late", false).build());
        events.add(Fixtures.track("Order Delivered").user("u1").at(at(24, 12)).property("order_id", "o-2")
                .property("delay_days", 1).property("late", true).build());
        events.add(Fixtures.track("Support Ticket Opened").user("u1").at(at(5, 6)).property("ticket_id", "t-1").build());
        events.add(Fixtures.track("Support Ticket Opened").user("u1").at(at(26, 12)).property("ticket_id", "t-2").build());
        return events;
    }

    @Test
    void featuresOfAKnownHistory() {
        float[] f = FeatureExtractor.extract(fold(customer()), Fixtures.day(30));
        assertEquals(30 - 25.75, value(f, Feature.DAYS_SINCE_LAST_VISIT), 1e-3, "last event on day 25 at 18:00");
        assertEquals(10 - (8 * 3600 + 60) / 86400f, value(f, Feature.DAYS_SINCE_LAST_PURCHASE), 1e-3);
        assertEquals(60, value(f, Feature.ACCOUNT_AGE_DAYS), 1e-6, "created 2025-12-02, 30 days before 2026-01-01");
        assertEquals(4, value(f, Feature.ACTIVE_DAYS_30));
        assertEquals(1, value(f, Feature.ACTIVE_DAYS_7), "day 25 is within the 7 days before day 30");
        assertEquals(5, value(f, Feature.SESSIONS_30), "one per active day, and day 0 has two: login at 9:00, shopping at 10:00");
        assertEquals(2, value(f, Feature.ORDERS_30));
        assertEquals(60, value(f, Feature.REVENUE_30), 1e-4);
        assertEquals(30, value(f, Feature.AVG_ORDER_VALUE_90), 1e-4);
        assertEquals(2 / 3f, value(f, Feature.VIEW_TO_CART_90), 1e-6);
        assertEquals(1f, value(f, Feature.CART_TO_PURCHASE_90), 1e-6);
        assertEquals(0.5f, value(f, Feature.CART_ABANDONMENT_90), 1e-6, "day 10 had an add and no order, day 0 an order");
        assertEquals(1f, value(f, Feature.COUPON_RATE_90), 1e-6);
        assertEquals(3, value(f, Feature.CATEGORY_DIVERSITY_90));
        assertEquals(20, value(f, Feature.INTERPURCHASE_DAYS), 1e-6);
        assertTrue(Float.isNaN(value(f, Feature.INTERPURCHASE_CV)), "two order days give one interval: no deviation");
        assertEquals(1, value(f, Feature.SEARCHES_30));
        assertEquals(1, value(f, Feature.SEARCH_NO_PURCHASE_DAYS_90));
        assertEquals(0, value(f, Feature.REFUNDS_90));
        assertEquals(1, value(f, Feature.LATE_DELIVERIES_7), "day 24 is within the 7 days before day 30");
        assertEquals(1, value(f, Feature.LATE_DELIVERIES_30));
        assertEquals(1, value(f, Feature.LATE_DELIVERIES_90));
        assertEquals(0.5f, value(f, Feature.LATE_DELIVERY_SHARE_90), 1e-6, "one of two deliveries late");
        assertEquals(5.5f, value(f, Feature.DAYS_SINCE_LATE_DELIVERY), 1e-4, "late delivery on day 24 at noon");
        assertEquals(1, value(f, Feature.SUPPORT_TICKETS_7));
        assertEquals(2, value(f, Feature.SUPPORT_TICKETS_30));
        assertEquals(2, value(f, Feature.SUPPORT_TICKETS_90));
        assertEquals(3.5f, value(f, Feature.DAYS_SINCE_SUPPORT_TICKET), 1e-4, "ticket on day 26 at noon");
    }

    @Test
    void deliveriesAndTicketsAreNoVisits() {
        List<BehaviorEvent> visits = customer().stream().filter(e -> !"Order Delivered".equals(e.name())
                && !"Support Ticket Opened".equals(e.name())).toList();
        float[] with = FeatureExtractor.extract(fold(customer()), Fixtures.day(30));
        float[] without = FeatureExtractor.extract(fold(visits), Fixtures.day(30));
        for (Feature feature : Feature.values()) {
            if (Retention.group(feature.column()).equals("delivery") || Retention.group(feature.column()).equals("support")) {
                continue;
            }
            assertEquals(without[feature.ordinal()], with[feature.ordinal()], 0f, feature.column());
        }
        assertEquals(0, value(without, Feature.LATE_DELIVERIES_30));
        assertTrue(Float.isNaN(value(without, Feature.DAYS_SINCE_SUPPORT_TICKET)));
        // a person known only from service signals has no visit to learn from
        UserHistory onlyService = fold(List.of(Fixtures.track("Support Ticket Opened").user("u1").at(at(2, 9)).build()));
        assertTrue(onlyService.isEmpty());
        assertEquals(1, value(FeatureExtractor.extract(onlyService, Fixtures.day(5)), Feature.SUPPORT_TICKETS_7));
        assertTrue(!FeatureExtractor.activeBetween(onlyService, 0, 100_000), "a ticket is no activity for the no-visit label");
    }

    @Test
    void aDeliveryIsLateByItsFlagOrItsDelay() {
        assertTrue(UserHistory.late(Map.of("late", true)));
        assertTrue(!UserHistory.late(Map.of("late", false, "delay_days", 3)), "the flag wins");
        assertTrue(UserHistory.late(Map.of("late", "true")));
        assertTrue(UserHistory.late(Map.of("delay_days", 2)));
        assertTrue(UserHistory.late(Map.of("delayDays", 0.5)));
        assertTrue(UserHistory.late(Map.of("delay_days", "1")));
        assertTrue(!UserHistory.late(Map.of("delay_days", 0)));
        assertTrue(!UserHistory.late(Map.of("delay_days", "soon")));
        assertTrue(!UserHistory.late(Map.of()));
    }

    @Test
    void anEventAfterTheCutoffChangesNothing() {
        UserHistory before = fold(customer());
        List<BehaviorEvent> more = new ArrayList<>(customer());
        more.add(Fixtures.orderCompleted("u1", "o-9", at(30, 0), Fixtures.product("p-9", "Books", "99.00", 1)));
        more.add(Fixtures.productViewed("u1", "p-9", "Shoes", at(31, 5)));
        more.add(Fixtures.track("Order Refunded").user("u1").at(at(40, 5)).property("order_id", "o-1").build());
        more.add(Fixtures.identify("u1", "a1", at(33, 9), Map.of("createdAt", "2020-01-01T00:00:00Z")));
        more.add(Fixtures.track("Order Delivered").user("u1").at(at(30, 0)).property("late", true).build());
        more.add(Fixtures.track("Order Delivered").user("u1").at(at(34, 10)).property("delay_days", 4).build());
        more.add(Fixtures.track("Support Ticket Opened").user("u1").at(at(30, 0)).build());
        more.add(Fixtures.track("Support Ticket Opened").user("u1").at(at(36, 9)).build());
        UserHistory after = fold(more);
        for (Instant cutoff : List.of(Fixtures.day(30), Fixtures.day(30).minusMillis(1), Fixtures.day(21), at(20, 8))) {
            assertArrayEquals(FeatureExtractor.extract(before, cutoff), FeatureExtractor.extract(after, cutoff),
                    "features at " + cutoff + " saw a later event");
        }
        assertEquals(3, value(FeatureExtractor.extract(after, Fixtures.day(31)), Feature.ORDERS_90), "the later order counts once the cutoff passes it");
        assertEquals(2, value(FeatureExtractor.extract(after, Fixtures.day(31)), Feature.LATE_DELIVERIES_30), "so does the later late delivery");
        assertEquals(3, value(FeatureExtractor.extract(after, Fixtures.day(31)), Feature.SUPPORT_TICKETS_30), "and the later ticket");
    }

    /**
     * Property: for random histories and random cutoffs, the features from the whole history equal the features
     * from the events before the cutoff's day alone (at midnights: before the cutoff).
     */
    @Test
    void featuresNeverDependOnEventsAfterTheCutoff() {
        Random random = new Random(4);
        StandardEvent[] kinds = {StandardEvent.PRODUCT_VIEWED, StandardEvent.PRODUCT_ADDED, StandardEvent.ORDER_COMPLETED,
                StandardEvent.CHECKOUT_STARTED, StandardEvent.COUPON_APPLIED, StandardEvent.PRODUCTS_SEARCHED,
                StandardEvent.PRODUCT_REMOVED, StandardEvent.ORDER_REFUNDED};
        for (int trial = 0; trial < 40; trial++) {
            List<BehaviorEvent> events = new ArrayList<>();
            int n = 5 + random.nextInt(120);
            for (int i = 0; i < n; i++) {
                Instant t = Fixtures.T0.plusSeconds(random.nextInt(120 * 86_400));
                int service = random.nextInt(10);
                if (service == 0) {
                    events.add(Fixtures.track("Order Delivered").user("u1").at(t).property("order_id", "o-" + i)
                            .property("delay_days", random.nextInt(3)).build());
                    continue;
                }
                if (service == 1) {
                    events.add(Fixtures.track("Support Ticket Opened").user("u1").at(t).property("ticket_id", "t-" + i).build());
                    continue;
                }
                StandardEvent k = kinds[random.nextInt(kinds.length)];
                events.add(switch (k) {
                    case ORDER_COMPLETED -> Fixtures.orderCompleted("u1", "o-" + i, t,
                            Fixtures.product("p-" + random.nextInt(9), "C" + random.nextInt(5), "10.00", 1));
                    case PRODUCT_VIEWED, PRODUCT_ADDED, PRODUCT_REMOVED -> Fixtures.productEvent(k, "u1",
                            Fixtures.product("p-" + random.nextInt(9), "C" + random.nextInt(5)), t);
                    default -> Fixtures.bare(k, "u1", t);
                });
            }
            UserHistory all = fold(events);
            for (int c = 0; c < 5; c++) {
                Instant cutoff = Fixtures.T0.plusSeconds(random.nextInt(130 * 86_400));
                if (c % 2 == 0) {
                    cutoff = Fixtures.day((int) Duration.between(Fixtures.T0, cutoff).toDays());
                }
                Instant dayStart = Fixtures.day((int) Duration.between(Fixtures.T0, cutoff).toDays());
                List<BehaviorEvent> before = events.stream().filter(e -> e.occurredAt().isBefore(dayStart)).toList();
                float[] expected = before.isEmpty() ? FeatureExtractor.extract(new UserHistory(), cutoff)
                        : FeatureExtractor.extract(fold(before), cutoff);
                assertArrayEquals(expected, FeatureExtractor.extract(all, cutoff), "trial " + trial + " cutoff " + cutoff);
            }
        }
    }

    @Test
    void anonymousHistoryJoinsTheUserAtLogin() {
        List<BehaviorEvent> events = List.of(
                Fixtures.track("Product Viewed").anonymous("a1").at(at(1, 9)).property("product_id", "p-1").property("category", "Books").build(),
                Fixtures.identify("u1", "a1", at(3, 9)),
                Fixtures.productViewed("u1", "p-2", "Toys", at(3, 10)));
        Histories book = new Histories(id -> null);
        events.forEach(book::add);
        assertEquals(List.of("u1"), List.copyOf(book.touched().keySet()));
        assertEquals(List.of("a1"), List.copyOf(book.absorbed()));
        float[] f = FeatureExtractor.extract(book.get("u1"), Fixtures.day(5));
        assertEquals(2, value(f, Feature.CATEGORY_DIVERSITY_90));
        assertEquals(2, value(f, Feature.ACTIVE_DAYS_7));
    }

    @Test
    void aHistoryRoundTripsThroughItsBinaryForm() {
        UserHistory h = fold(customer());
        UserHistory back = UserHistory.decode(h.encode());
        assertArrayEquals(h.encode(), back.encode());
        assertArrayEquals(FeatureExtractor.extract(h, Fixtures.day(40)), FeatureExtractor.extract(back, Fixtures.day(40)));
        assertEquals(2, value(FeatureExtractor.extract(back, Fixtures.day(40)), Feature.SUPPORT_TICKETS_90));
    }

    /** Formats 1 (before service signals) and 2 (before session snapshots) still read. */
    @Test
    void historiesOfEarlierFormatsStillRead() throws Exception {
        for (int format = 1; format <= 2; format++) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
                out.writeByte(format);
                out.writeLong(Fixtures.day(3).toEpochMilli() + 5000);
                out.writeLong(Long.MIN_VALUE);
                out.writeLong(Long.MIN_VALUE);
                out.writeInt(1);
                out.writeInt((int) (Fixtures.day(3).toEpochMilli() / 86_400_000L));
                for (int v : new int[] {3, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 5, 0, 0, 5000, 4000}) {
                    out.writeInt(v); // events … orders … sessions, seconds, discounted, first, last, last order
                }
                out.writeDouble(20.0);
                out.writeDouble(0.0);
                out.writeByte(0);
                out.writeByte(0);
                if (format == 2) {
                    out.writeInt(1);
                    out.writeInt((int) (Fixtures.day(2).toEpochMilli() / 86_400_000L));
                    for (int v : new int[] {1, 1, 0, 3600_000, -1}) {
                        out.writeInt(v);
                    }
                }
            }
            UserHistory h = UserHistory.decode(bytes.toByteArray());
            float[] f = FeatureExtractor.extract(h, Fixtures.day(5));
            assertEquals(1, value(f, Feature.ORDERS_7), "format " + format);
            assertEquals(format == 2 ? 1 : 0, value(f, Feature.LATE_DELIVERIES_7), "format " + format);
            assertArrayEquals(h.encode(), UserHistory.decode(h.encode()).encode());
        }
    }

    /**
     * Session snapshots for in-session propensity: at the session's 5th, 10th and 20th event, its counts so far, and
     * the label "an order later in the session"; none after an order; the next session starts afresh.
     */
    @Test
    void sessionsAreSnapshotAtTheirPredictionPointsAndLabelledByALaterOrder() {
        List<BehaviorEvent> events = new ArrayList<>();
        Instant t = at(2, 10);
        for (int i = 0; i < 11; i++) { // 11 views, then an add and an order: snapshots at 5 and 10, both bought
            events.add(Fixtures.productViewed("u1", "p-" + i, "Books", t.plusSeconds(60L * i)));
        }
        events.add(Fixtures.productAdded("u1", "p-1", "Books", t.plusSeconds(700)));
        events.add(Fixtures.orderCompleted("u1", "o-1", t.plusSeconds(760), Fixtures.product("p-1", "Books", "10.00", 1)));
        events.add(Fixtures.productViewed("u1", "p-9", "Books", t.plusSeconds(800))); // 14th event: no point, and ordered
        Instant u = at(2, 15); // a second session: 6 events, no order: one snapshot at 5, not bought
        events.add(Fixtures.track("Products Searched").user("u1").at(u).property("query", "lamp").build());
        for (int i = 0; i < 4; i++) {
            events.add(Fixtures.productViewed("u1", "p-" + i, "Books", u.plusSeconds(30L * (i + 1))));
        }
        events.add(Fixtures.productAdded("u1", "p-2", "Books", u.plusSeconds(200)));
        Instant v = at(3, 9); // a short session that orders at its 3rd event: no snapshot
        events.add(Fixtures.productViewed("u1", "p-5", "Books", v));
        events.add(Fixtures.productAdded("u1", "p-5", "Books", v.plusSeconds(20)));
        events.add(Fixtures.orderCompleted("u1", "o-2", v.plusSeconds(40), Fixtures.product("p-5", "Books", "10.00", 1)));
        UserHistory h = fold(events);
        int day2 = (int) (Fixtures.day(2).toEpochMilli() / 86_400_000L);
        int[] s = h.days().get(day2).snapshots;
        assertArrayEquals(new int[] {5, 5, 5, 0, 0, 0, 240, 1, 10, 10, 10, 0, 0, 0, 540, 1, 5, 5, 4, 0, 0, 1, 120, 0}, s);
        assertEquals(0, h.days().get(day2 + 1).snapshots.length);
        float[] f = FeatureExtractor.withSession(FeatureExtractor.extract(h, Fixtures.day(2)), s, 8);
        assertEquals(10, value(f, Feature.SESSION_PRODUCT_VIEWS), "the counts up to the point, not the add and order after it");
        assertEquals(0, value(f, Feature.SESSION_CART_ADDS));
        assertEquals(9, value(f, Feature.SESSION_MINUTES), 1e-6);
        assertEquals(0, value(f, Feature.ORDERS_7), "the day's own order is not in the day features");
        assertTrue(Float.isNaN(value(FeatureExtractor.extract(h, Fixtures.day(4)), Feature.SESSION_EVENTS)), "no session features for other rows");
        UserHistory back = UserHistory.decode(h.encode());
        assertArrayEquals(s, back.days().get(day2).snapshots);
        assertArrayEquals(h.currentSession(day2 + 1), back.currentSession(day2 + 1));
        assertEquals(3, h.currentSession(day2 + 1)[0], "the current session: 3 events");
    }

    @Test
    void noEventsBeforeTheCutoffGiveZeroCountsAndMissingRates() {
        float[] f = FeatureExtractor.extract(fold(customer()), Fixtures.day(0));
        assertEquals(0, value(f, Feature.ORDERS_30));
        assertTrue(Float.isNaN(value(f, Feature.DAYS_SINCE_LAST_VISIT)));
        assertTrue(Float.isNaN(value(f, Feature.COUPON_RATE_90)));
        for (Feature feature : Feature.values()) {
            assertTrue(!Float.isInfinite(value(f, feature)), feature.column());
        }
    }
}
