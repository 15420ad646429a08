package io.footfall.core.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventContext;
import io.footfall.api.event.EventKind;
import io.footfall.api.event.Order;
import io.footfall.api.event.Product;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileFolderTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private int n;

    private BehaviorEvent track(String name, Instant at, Product product, Order order) {
        return new BehaviorEvent("e" + n, "m" + n++, EventKind.TRACK, name, "u1", null, null, null, at, at, null, null, "s",
                product, order, null, new EventContext(null, null, null, null, "de-DE", null, "mobile", "iOS", null, Map.of(), null),
                Map.of(), Map.of());
    }

    private static Product product(String id, String category, String price, int quantity) {
        return new Product(id, null, null, category, "Acme", null, new BigDecimal(price), "EUR", quantity, null, null);
    }

    @Test
    void sessionsSplitAfterThirtyMinutesOfInactivity() {
        ProfileState s = new ProfileState();
        ProfileFolder.apply(s, track("Product Viewed", T0, null, null));
        ProfileFolder.apply(s, track("Product Viewed", T0.plusSeconds(29 * 60), null, null));
        ProfileFolder.apply(s, track("Product Viewed", T0.plusSeconds(29 * 60 + 30 * 60 + 1), null, null));
        assertEquals(2, s.sessions);
        assertEquals(3L, s.eventCounts.get("Product Viewed"));
        assertEquals("mobile", s.device);
        assertEquals("de-DE", s.locale);
    }

    @Test
    void cartFollowsAddsRemovesAndOrders() {
        ProfileState s = new ProfileState();
        ProfileFolder.apply(s, track("Product Added", T0, product("a", "Shoes", "10", 2), null));
        ProfileFolder.apply(s, track("Product Added", T0.plusSeconds(1), product("b", "Books", "5", 1), null));
        ProfileFolder.apply(s, track("Product Removed", T0.plusSeconds(2), product("a", "Shoes", "10", 1), null));
        assertEquals(1, s.cart.get("a").quantity());
        ProfileFolder.apply(s, track("Order Completed", T0.plusSeconds(3), null,
                new Order("o1", null, null, "EUR", null, null, null, null, List.of(product("a", "Shoes", "10", 1)))));
        assertNull(s.cart.get("a"), "bought products leave the cart");
        assertEquals(1, s.cart.size());
        assertEquals(0, new BigDecimal("10").compareTo(s.revenue), "revenue derived from the lines when not given");
        ProfileView view = ProfileView.of(s, T0.plusSeconds(3 + 86_400 * 3));
        assertEquals(3L, view.rfm().recencyDays());
        assertEquals(1, view.rfm().frequency());
        assertEquals(new BigDecimal("10.00"), view.averageOrderValue());
        assertEquals("Shoes", view.topCategories().get(0).name(), "cart 3×2 + purchase 5 outweigh cart 3");
    }

    @Test
    void foldingIsDeterministic() {
        List<BehaviorEvent> events = List.of(
                track("Product Viewed", T0, product("a", "Shoes", "10", 1), null),
                track("Product Added", T0.plusSeconds(5), product("a", "Shoes", "10", 1), null),
                track("Order Completed", T0.plusSeconds(9), null, new Order("o", new BigDecimal("10"), null, "EUR", null, null, null, null,
                        List.of(product("a", "Shoes", "10", 1)))));
        ProfileState a = new ProfileState();
        ProfileState b = new ProfileState();
        events.forEach(e -> ProfileFolder.apply(a, e));
        events.forEach(e -> ProfileFolder.apply(b, e));
        assertEquals(ProfileView.of(a, T0), ProfileView.of(b, T0));
    }
}
