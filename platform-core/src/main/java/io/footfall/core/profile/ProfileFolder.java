package io.footfall.core.profile;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventKind;
import io.footfall.api.event.Order;
import io.footfall.api.event.Product;
import io.footfall.api.event.StandardEvent;
import java.time.Duration;
import java.util.Map;

/**
 * Folds behaviour events into a {@link ProfileState}. Pure and deterministic: the same events in
 * the same order give the same profile, which is what makes replays and as-of profiles exact.
 */
public final class ProfileFolder {

    /** A new session starts after this much inactivity. */
    public static final Duration SESSION_GAP = Duration.ofMinutes(30);
    /** How many recently viewed products a profile keeps. */
    public static final int RECENTLY_VIEWED = 20;

    /** Source id prefix of events derived by mining plugins. */
    public static final String DERIVED_SOURCE_PREFIX = "plugin:";

    private static final double VIEW_WEIGHT = 1.0;
    private static final double CART_WEIGHT = 3.0;
    private static final double PURCHASE_WEIGHT = 5.0;

    private ProfileFolder() {
    }

    /** Applies one event to the state. */
    public static void apply(ProfileState s, BehaviorEvent e) {
        if (e.userId() != null && !e.userId().isBlank()) {
            s.userId = e.userId();
        }
        if (e.anonymousId() != null && !e.anonymousId().isBlank()) {
            s.anonymousIds.add(e.anonymousId());
        }
        if (isDerived(e)) {
            // a plugin's derived event (Segment Entered, …) is in the timeline, but it is not the user's behaviour:
            // no activity, no counts (profiles stay what the user did, whatever plugins run)
            return;
        }
        if (s.lastSeen == null || e.occurredAt().isAfter(s.lastSeen.plus(SESSION_GAP))) {
            s.sessions++;
        }
        if (s.firstSeen == null || e.occurredAt().isBefore(s.firstSeen)) {
            s.firstSeen = e.occurredAt();
        }
        if (s.lastSeen == null || e.occurredAt().isAfter(s.lastSeen)) {
            s.lastSeen = e.occurredAt();
        }
        s.eventCounts.merge(e.typeLabel(), 1L, Long::sum);
        s.eventsFolded++;
        applyContext(s, e);
        if (e.kind() == EventKind.IDENTIFY) {
            s.traits.putAll(e.traits());
        }
        e.standardEvent().ifPresent(standard -> applyCommerce(s, e, standard));
    }

    /** True for an event a mining plugin derived (source {@code plugin:<id>}) rather than one the user caused. */
    public static boolean isDerived(BehaviorEvent e) {
        return e.sourceId() != null && e.sourceId().startsWith(DERIVED_SOURCE_PREFIX);
    }

    private static void applyContext(ProfileState s, BehaviorEvent e) {
        var c = e.context();
        if (c.device() != null) {
            s.device = c.device();
        }
        if (c.os() != null) {
            s.os = c.os();
        }
        if (c.locale() != null) {
            s.locale = c.locale();
        }
        if (c.timezone() != null) {
            s.timezone = c.timezone();
        }
    }

    private static void applyCommerce(ProfileState s, BehaviorEvent e, StandardEvent standard) {
        Product p = e.product();
        switch (standard) {
            case PRODUCT_VIEWED, PRODUCT_CLICKED -> {
                weigh(s, p, VIEW_WEIGHT);
                if (p != null && p.productId() != null) {
                    s.recentlyViewed.remove(p.productId());
                    s.recentlyViewed.add(0, p.productId());
                    while (s.recentlyViewed.size() > RECENTLY_VIEWED) {
                        s.recentlyViewed.remove(s.recentlyViewed.size() - 1);
                    }
                }
            }
            case PRODUCT_ADDED, WISHLIST_PRODUCT_ADDED_TO_CART -> {
                weigh(s, p, CART_WEIGHT);
                if (p != null && p.productId() != null) {
                    s.cart.merge(p.productId(),
                            new ProfileState.CartLine(p.productId(), p.quantityOrOne(), p.price(), p.category()),
                            (a, b) -> new ProfileState.CartLine(a.productId(), a.quantity() + b.quantity(),
                                    b.price() != null ? b.price() : a.price(), a.category()));
                }
            }
            case PRODUCT_REMOVED -> {
                if (p != null && p.productId() != null) {
                    ProfileState.CartLine line = s.cart.get(p.productId());
                    if (line != null) {
                        int left = line.quantity() - p.quantityOrOne();
                        if (left <= 0) {
                            s.cart.remove(p.productId());
                        } else {
                            s.cart.put(p.productId(), new ProfileState.CartLine(line.productId(), left, line.price(), line.category()));
                        }
                    }
                }
            }
            case PRODUCTS_SEARCHED -> {
                if (e.searchQuery() != null) {
                    s.lastSearch = Map.of("query", e.searchQuery(), "at", e.occurredAt().toString());
                }
            }
            case ORDER_COMPLETED -> applyOrder(s, e);
            case ORDER_REFUNDED -> {
                s.refunds++;
                Order o = e.order();
                if (o != null) {
                    s.refundedRevenue = s.refundedRevenue.add(o.revenueOrDerived());
                }
            }
            default -> {
                // other standard events only count
            }
        }
    }

    private static void applyOrder(ProfileState s, BehaviorEvent e) {
        s.orders++;
        if (s.firstOrderAt == null || e.occurredAt().isBefore(s.firstOrderAt)) {
            s.firstOrderAt = e.occurredAt();
        }
        if (s.lastOrderAt == null || e.occurredAt().isAfter(s.lastOrderAt)) {
            s.lastOrderAt = e.occurredAt();
        }
        Order o = e.order();
        if (o == null) {
            return;
        }
        s.revenue = s.revenue.add(o.revenueOrDerived());
        for (Product p : o.products()) {
            weigh(s, p, PURCHASE_WEIGHT * p.quantityOrOne());
            if (p.productId() != null) {
                s.cart.remove(p.productId());
            }
        }
    }

    private static void weigh(ProfileState s, Product p, double weight) {
        if (p == null) {
            return;
        }
        if (p.category() != null && !p.category().isBlank()) {
            s.categoryWeights.merge(p.category(), weight, Double::sum);
        }
        if (p.brand() != null && !p.brand().isBlank()) {
            s.brandWeights.merge(p.brand(), weight, Double::sum);
        }
    }
}
