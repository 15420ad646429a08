package io.footfall.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FunnelTest {

    private static final Map<String, Long> counts = new HashMap<>();
    private static final Map<String, Set<String>> cartProducts = new HashMap<>();
    private static final Map<String, String> cartOfOrder = new HashMap<>();
    private static final Set<String> completedOrders = new HashSet<>();
    private static final Map<String, Instant> lastSeen = new HashMap<>();
    private static long withinSessionGaps;
    private static long betweenSessionGaps;
    private static long ambiguousGaps;
    private static long ordersWithUnaddedItems;
    private static long ordersWithoutCheckout;
    private static long multiItemOrders;
    private static GroundTruth truth;

    @BeforeAll
    static void simulate() {
        truth = Simulator.run(SimulatorConfig.builder().users(1_500).days(21).seed(11).build(), FunnelTest::observe);
    }

    private static void observe(ObjectNode m) {
        String label = m.has("event") ? m.get("event").asText() : m.get("type").asText();
        counts.merge(label, 1L, Long::sum);
        String user = m.get("anonymousId").asText();
        Instant t = Instant.parse(m.get("timestamp").asText());
        Instant previous = lastSeen.put(user, t);
        if (previous != null) {
            Duration gap = Duration.between(previous, t);
            if (gap.compareTo(Duration.ofMinutes(5)) <= 0) {
                withinSessionGaps++;
            } else if (gap.compareTo(Duration.ofMinutes(45)) >= 0) {
                betweenSessionGaps++;
            } else {
                ambiguousGaps++;
            }
        }
        JsonNode p = m.path("properties");
        switch (label) {
            case "Product Added" -> cartProducts.computeIfAbsent(p.get("cart_id").asText(), k -> new HashSet<>())
                    .add(p.get("product_id").asText());
            case "Checkout Started" -> cartOfOrder.put(p.get("order_id").asText(), p.get("cart_id").asText());
            case "Order Completed" -> {
                String orderId = p.get("order_id").asText();
                completedOrders.add(orderId);
                if (!cartOfOrder.containsKey(orderId)) {
                    ordersWithoutCheckout++;
                }
                Set<String> added = cartProducts.getOrDefault(cartOfOrder.get(orderId), Set.of());
                for (JsonNode item : p.get("products")) {
                    if (!added.contains(item.get("product_id").asText())) {
                        ordersWithUnaddedItems++;
                    }
                }
                if (p.get("products").size() > 1) {
                    multiItemOrders++;
                }
            }
            default -> {
            }
        }
    }

    private static long count(String label) {
        return counts.getOrDefault(label, 0L);
    }

    @Test
    void funnelNarrowsAtEveryStep() {
        long lists = count("Product List Viewed");
        long views = count("Product Viewed");
        long adds = count("Product Added");
        long carts = count("Cart Viewed");
        long checkouts = count("Checkout Started");
        long orders = count("Order Completed");
        assertTrue(views >= lists && lists > 0, counts::toString);
        assertTrue(views >= adds && adds >= checkouts && checkouts >= orders && orders > 0, counts::toString);
        assertTrue(carts >= orders, counts::toString);
        assertBetween("add-to-cart rate", (double) adds / views, 0.08, 0.35);
        assertBetween("checkout per add", (double) checkouts / adds, 0.15, 0.6);
        assertBetween("order per checkout", (double) orders / checkouts, 0.6, 0.9);
        assertBetween("removals per add", (double) count("Product Removed") / adds, 0.01, 0.2);
        assertTrue(count("Products Searched") > 0 && count("Coupon Applied") > 0
                && count("Product Added to Wishlist") > 0 && count("Product Reviewed") > 0, counts::toString);
        assertTrue(multiItemOrders > orders / 20, "few multi-item orders: " + multiItemOrders);
    }

    @Test
    void countsMatchGroundTruth() {
        for (EventKind kind : EventKind.values()) {
            assertEquals(truth.count(kind), count(kind.label()), kind::label);
        }
    }

    @Test
    void sessionsAreSeparatedByMoreThanHalfAnHour() {
        assertEquals(0, ambiguousGaps, "gaps between 5 and 45 minutes");
        assertTrue(betweenSessionGaps > 1_000, "too few repeat sessions: " + betweenSessionGaps);
        assertTrue(withinSessionGaps > 5 * betweenSessionGaps, "sessions look too short");
    }

    @Test
    void ordersFollowCheckoutAndContainOnlyAddedProducts() {
        assertEquals(0, ordersWithoutCheckout);
        assertEquals(0, ordersWithUnaddedItems);
    }

    @Test
    void usersComeBackToBuyAgain() {
        Map<String, Integer> ordersPerUser = new HashMap<>();
        for (String orderId : completedOrders) {
            ordersPerUser.merge(orderId.substring(0, 8), 1, Integer::sum);
        }
        long repeat = ordersPerUser.values().stream().filter(n -> n > 1).count();
        assertTrue(repeat > 50, "too few repeat buyers: " + repeat);
    }

    private static void assertBetween(String what, double value, double low, double high) {
        assertTrue(value >= low && value <= high, what + " = " + value + " not in [" + low + ", " + high + "]");
    }
}
