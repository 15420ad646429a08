package io.footfall.sdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Messages in the Segment e-commerce v2 vocabulary. Each returns a {@link Message} that can still be
 * changed (timestamp, context, extra properties) before {@link FootfallClient#enqueue}; the client has
 * shortcuts that enqueue them directly.
 */
public final class Ecommerce {
    private Ecommerce() {
    }

    /** {@code Products Searched}. */
    public static Message productsSearched(Identity who, String query) {
        return Message.track(who, "Products Searched").property("query", query);
    }

    /** {@code Product List Viewed}. */
    public static Message productListViewed(Identity who, String listId, String category, List<Product> products) {
        return list(Message.track(who, "Product List Viewed").property("list_id", listId).property("category", category), products);
    }

    /** {@code Product Clicked}. */
    public static Message productClicked(Identity who, Product product) {
        return product(who, "Product Clicked", product);
    }

    /** {@code Product Viewed}. */
    public static Message productViewed(Identity who, Product product) {
        return product(who, "Product Viewed", product);
    }

    /** {@code Product Added} (to the cart). */
    public static Message productAdded(Identity who, Product product) {
        return product(who, "Product Added", product);
    }

    /** {@code Product Removed} (from the cart). */
    public static Message productRemoved(Identity who, Product product) {
        return product(who, "Product Removed", product);
    }

    /** {@code Product Added to Wishlist}. */
    public static Message productAddedToWishlist(Identity who, Product product) {
        return product(who, "Product Added to Wishlist", product);
    }

    /** {@code Product Reviewed} with {@code rating} and optional {@code review_body}. */
    public static Message productReviewed(Identity who, String productId, Number rating, String reviewBody) {
        Message m = Message.track(who, "Product Reviewed").property("product_id", productId).property("rating", rating);
        return reviewBody == null ? m : m.property("review_body", reviewBody);
    }

    /** {@code Cart Viewed}. */
    public static Message cartViewed(Identity who, String cartId, List<Product> products) {
        Message m = Message.track(who, "Cart Viewed");
        if (cartId != null) {
            m.property("cart_id", cartId);
        }
        return list(m, products);
    }

    /** {@code Checkout Started}. */
    public static Message checkoutStarted(Identity who, Order order) {
        return order(who, "Checkout Started", order);
    }

    /** {@code Order Completed}. */
    public static Message orderCompleted(Identity who, Order order) {
        return order(who, "Order Completed", order);
    }

    /** {@code Order Refunded}. */
    public static Message orderRefunded(Identity who, Order order) {
        return order(who, "Order Refunded", order);
    }

    /** {@code Order Cancelled}. */
    public static Message orderCancelled(Identity who, Order order) {
        return order(who, "Order Cancelled", order);
    }

    /** {@code Coupon Applied}. */
    public static Message couponApplied(Identity who, String orderId, String couponId) {
        return Message.track(who, "Coupon Applied").property("order_id", orderId).property("coupon_id", couponId);
    }

    private static Message product(Identity who, String event, Product product) {
        return Message.track(who, event).properties(product.toMap());
    }

    private static Message order(Identity who, String event, Order order) {
        return Message.track(who, event).properties(order.toMap());
    }

    private static Message list(Message m, List<Product> products) {
        if (products != null && !products.isEmpty()) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (Product p : products) {
                items.add(new LinkedHashMap<>(p.toMap()));
            }
            m.property("products", items);
        }
        return m;
    }
}
