package io.footfall.testkit;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventKind;
import io.footfall.api.event.Product;
import io.footfall.api.event.StandardEvent;
import io.footfall.api.plugin.ProfileSnapshot;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Small builders of canonical events for tests. Each one writes the Segment message a storefront would send
 * and maps it with the collectors' mapping, so fixtures look exactly like stored events (product and order
 * parsed, {@code properties} kept, ids derived the same way).
 *
 * <pre>{@code
 * feed(Fixtures.productViewed("u1", "p-1", "Books", Fixtures.T0),
 *      Fixtures.orderCompleted("u1", "o-1", Fixtures.T0.plusSeconds(60), Fixtures.product("p-1", "Books", "9.90", 2)));
 * }</pre>
 *
 * @since 0.1
 */
public final class Fixtures {

    /** A convenient origin: 2026-01-01T00:00:00Z, the simulator's default start. */
    public static final Instant T0 = TestClock.DEFAULT_START;

    private Fixtures() {
    }

    /** {@code T0} plus a number of days. */
    public static Instant day(int days) {
        return T0.plus(Duration.ofDays(days));
    }

    /** A builder of a {@code track} event with this name. */
    public static EventBuilder track(String eventName) {
        return new EventBuilder(EventKind.TRACK, eventName);
    }

    /** A builder of any kind of message ({@code page}, {@code identify}, …), without a name. */
    public static EventBuilder message(EventKind kind) {
        return new EventBuilder(kind, null);
    }

    /** {@code Product Viewed} of a product in a category. */
    public static BehaviorEvent productViewed(String user, String productId, String category, Instant at) {
        return productEvent(StandardEvent.PRODUCT_VIEWED, user, product(productId, category), at);
    }

    /** {@code Product Added} (quantity 1) of a product in a category. */
    public static BehaviorEvent productAdded(String user, String productId, String category, Instant at) {
        return productAdded(user, productId, category, 1, at);
    }

    /** {@code Product Added} with a quantity. */
    public static BehaviorEvent productAdded(String user, String productId, String category, int quantity, Instant at) {
        return productEvent(StandardEvent.PRODUCT_ADDED, user, product(productId, category, null, quantity), at);
    }

    /** Any standard product event ({@code Product Clicked}, {@code Product Removed}, …) of a product. */
    public static BehaviorEvent productEvent(StandardEvent event, String user, Product product, Instant at) {
        return track(event.eventName()).user(user).at(at).properties(productProperties(product)).build();
    }

    /** {@code Order Completed} with line items; revenue is the sum of priced lines. */
    public static BehaviorEvent orderCompleted(String user, String orderId, Instant at, Product... products) {
        List<Map<String, Object>> lines = new ArrayList<>();
        BigDecimal revenue = BigDecimal.ZERO;
        for (Product p : products) {
            lines.add(productProperties(p));
            if (p.price() != null) {
                revenue = revenue.add(p.price().multiply(BigDecimal.valueOf(p.quantityOrOne())));
            }
        }
        return track(StandardEvent.ORDER_COMPLETED.eventName()).user(user).at(at)
                .property("order_id", orderId)
                .property("revenue", revenue)
                .property("currency", "EUR")
                .property("products", lines)
                .build();
    }

    /** A {@code page} call with a page name. */
    public static BehaviorEvent page(String user, String name, Instant at) {
        return new EventBuilder(EventKind.PAGE, name).user(user).at(at).build();
    }

    /** An {@code identify} call tying a user id to an anonymous id. */
    public static BehaviorEvent identify(String user, String anonymousId, Instant at) {
        return identify(user, anonymousId, at, Map.of());
    }

    /** An {@code identify} call with traits. */
    public static BehaviorEvent identify(String user, String anonymousId, Instant at, Map<String, ?> traits) {
        EventBuilder b = message(EventKind.IDENTIFY).user(user).anonymous(anonymousId).at(at);
        traits.forEach(b::trait);
        return b.build();
    }

    /** A custom (non-standard) {@code track} event without properties. */
    public static BehaviorEvent custom(String user, String eventName, Instant at) {
        return track(eventName).user(user).at(at).build();
    }

    /** A standard {@code track} event with no properties at all (no product, no order). */
    public static BehaviorEvent bare(StandardEvent event, String user, Instant at) {
        return track(event.eventName()).user(user).at(at).build();
    }

    /**
     * A message of any kind with no properties or traits; {@code alias} gets a {@code previousId} and
     * {@code group} a {@code groupId}, which the collectors require. A {@code track} message is a custom event
     * named {@code Custom Event}.
     */
    public static BehaviorEvent bare(EventKind kind, String user, Instant at) {
        EventBuilder b = kind == EventKind.TRACK ? track("Custom Event") : message(kind);
        b.user(user).at(at);
        if (kind == EventKind.ALIAS) {
            b.field("previousId", "previous-" + user);
        } else if (kind == EventKind.GROUP) {
            b.field("groupId", "group-1");
        }
        return b.build();
    }

    /** A product with an id and a category only. */
    public static Product product(String productId, String category) {
        return new Product(productId, null, null, category, null, null, null, null, null, null, null);
    }

    /** A product line with a price (text, e.g. {@code "9.90"}, or null) and a quantity. */
    public static Product product(String productId, String category, String price, int quantity) {
        return new Product(productId, null, null, category, null, null, price == null ? null : new BigDecimal(price),
                price == null ? null : "EUR", quantity, null, null);
    }

    /**
     * A minimal profile for {@link MapProfileReader}: the given category weights, everything else empty or zero.
     */
    public static ProfileSnapshot profile(String userId, Map<String, Double> categoryWeights) {
        return new ProfileSnapshot(userId, Set.of(), T0, T0, Map.of(), 0, 0, BigDecimal.ZERO, null,
                Map.copyOf(categoryWeights), List.of());
    }

    /** The Segment properties of a product: {@code product_id}, {@code category}, … (nulls left out). */
    static Map<String, Object> productProperties(Product p) {
        Map<String, Object> m = new LinkedHashMap<>();
        putIfSet(m, "product_id", p.productId());
        putIfSet(m, "sku", p.sku());
        putIfSet(m, "name", p.name());
        putIfSet(m, "category", p.category());
        putIfSet(m, "brand", p.brand());
        putIfSet(m, "variant", p.variant());
        putIfSet(m, "price", p.price());
        putIfSet(m, "currency", p.currency());
        putIfSet(m, "quantity", p.quantity());
        putIfSet(m, "position", p.position());
        putIfSet(m, "coupon", p.coupon());
        return m;
    }

    private static void putIfSet(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
