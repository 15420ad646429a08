package io.footfall.api.event;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The track event names of Segment's e-commerce specification v2 that Footfall understands.
 * Track events with any other name are kept as custom events with their name unchanged.
 *
 * @since 0.1
 */
public enum StandardEvent {
    PRODUCTS_SEARCHED("Products Searched"),
    PRODUCT_LIST_VIEWED("Product List Viewed"),
    PRODUCT_LIST_FILTERED("Product List Filtered"),
    PROMOTION_VIEWED("Promotion Viewed"),
    PROMOTION_CLICKED("Promotion Clicked"),
    PRODUCT_CLICKED("Product Clicked"),
    PRODUCT_VIEWED("Product Viewed"),
    PRODUCT_ADDED("Product Added"),
    PRODUCT_REMOVED("Product Removed"),
    CART_VIEWED("Cart Viewed"),
    CHECKOUT_STARTED("Checkout Started"),
    CHECKOUT_STEP_VIEWED("Checkout Step Viewed"),
    CHECKOUT_STEP_COMPLETED("Checkout Step Completed"),
    PAYMENT_INFO_ENTERED("Payment Info Entered"),
    ORDER_UPDATED("Order Updated"),
    ORDER_COMPLETED("Order Completed"),
    ORDER_REFUNDED("Order Refunded"),
    ORDER_CANCELLED("Order Cancelled"),
    COUPON_ENTERED("Coupon Entered"),
    COUPON_APPLIED("Coupon Applied"),
    COUPON_DENIED("Coupon Denied"),
    COUPON_REMOVED("Coupon Removed"),
    PRODUCT_ADDED_TO_WISHLIST("Product Added to Wishlist"),
    PRODUCT_REMOVED_FROM_WISHLIST("Product Removed from Wishlist"),
    WISHLIST_PRODUCT_ADDED_TO_CART("Wishlist Product Added to Cart"),
    PRODUCT_SHARED("Product Shared"),
    CART_SHARED("Cart Shared"),
    PRODUCT_REVIEWED("Product Reviewed");

    private static final Map<String, StandardEvent> BY_NAME = new HashMap<>();
    private static final Map<String, StandardEvent> BY_EXACT_NAME = new HashMap<>();

    static {
        for (StandardEvent e : values()) {
            BY_NAME.put(normalise(e.eventName), e);
            BY_EXACT_NAME.put(e.eventName, e);
        }
    }

    private final String eventName;

    StandardEvent(String eventName) {
        this.eventName = eventName;
    }

    /** The name as the specification spells it, e.g. {@code "Order Completed"}. */
    public String eventName() {
        return eventName;
    }

    /**
     * Finds the standard event with this name. Matching ignores case, surrounding blanks and
     * the difference between blanks and underscores ({@code order_completed} matches).
     */
    public static Optional<StandardEvent> fromName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        StandardEvent exact = BY_EXACT_NAME.get(name);
        return exact != null ? Optional.of(exact) : Optional.ofNullable(BY_NAME.get(normalise(name)));
    }

    private static String normalise(String name) {
        StringBuilder out = new StringBuilder(name.length());
        boolean blank = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_' || Character.isWhitespace(c)) {
                blank = out.length() > 0;
            } else {
                if (blank) {
                    out.append(' ');
                    blank = false;
                }
                out.append(Character.toLowerCase(c));
            }
        }
        return out.toString();
    }
}
