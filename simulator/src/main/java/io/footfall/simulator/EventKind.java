package io.footfall.simulator;

/**
 * The Segment messages the simulator emits: the two non-track calls ({@code page}, {@code identify}) and the
 * track events of the Segment e-commerce spec v2 that a storefront session produces; with
 * {@link ChurnDrivers#OBSERVABLE} also two custom track events of the shop's backend (deliveries, support tickets).
 */
public enum EventKind {
    PAGE("page", "page"),
    IDENTIFY("identify", "identify"),
    PRODUCTS_SEARCHED("track", "Products Searched"),
    PRODUCT_LIST_VIEWED("track", "Product List Viewed"),
    PRODUCT_CLICKED("track", "Product Clicked"),
    PRODUCT_VIEWED("track", "Product Viewed"),
    PRODUCT_ADDED("track", "Product Added"),
    PRODUCT_REMOVED("track", "Product Removed"),
    PRODUCT_ADDED_TO_WISHLIST("track", "Product Added to Wishlist"),
    PRODUCT_REVIEWED("track", "Product Reviewed"),
    CART_VIEWED("track", "Cart Viewed"),
    CHECKOUT_STARTED("track", "Checkout Started"),
    COUPON_APPLIED("track", "Coupon Applied"),
    ORDER_COMPLETED("track", "Order Completed"),
    /**
     * A delivery outcome ({@code delivery_days}, {@code delay_days}, {@code late}); only with
     * {@link ChurnDrivers#OBSERVABLE}. Not in the e-commerce spec: a custom event a shop's backend would send.
     */
    ORDER_DELIVERED("track", "Order Delivered"),
    /** A support contact ({@code ticket_id}, {@code channel}, {@code topic}); only with {@link ChurnDrivers#OBSERVABLE}. */
    SUPPORT_TICKET_OPENED("track", "Support Ticket Opened");

    private final String type;
    private final String label;

    EventKind(String type, String label) {
        this.type = type;
        this.label = label;
    }

    /** The Segment message {@code type}: {@code "track"}, {@code "page"} or {@code "identify"}. */
    public String type() {
        return type;
    }

    /**
     * The name used in event counts: the track {@code event} name (e.g. {@code "Order Completed"}), or the
     * message type for {@code page} and {@code identify}.
     */
    public String label() {
        return label;
    }

    /** Whether this is a {@code track} call (and so carries an {@code event} name). */
    public boolean isTrack() {
        return "track".equals(type);
    }
}
