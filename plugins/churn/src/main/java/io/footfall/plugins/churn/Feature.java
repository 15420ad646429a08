package io.footfall.plugins.churn;

/**
 * The features of the churn and propensity models, in model column order. Every feature is computed by
 * {@link FeatureExtractor} from the events before a cutoff only; windows are the whole UTC days before the
 * cutoff's day ("30-day" = the 30 days before), plus the cutoff's own day when all its events precede the cutoff.
 * A feature that cannot be defined (no purchase yet, no checkout to rate) is missing ({@code NaN}), which XGBoost
 * handles natively and the logistic baseline imputes. {@code docs/plugins/churn.md} documents each one.
 */
enum Feature {
    DAYS_SINCE_LAST_VISIT("days_since_last_visit", "days since the latest event"),
    DAYS_SINCE_LAST_PURCHASE("days_since_last_purchase", "days since the latest order (missing: never bought)"),
    DAYS_SINCE_FIRST_SEEN("days_since_first_seen", "days since the first event kept"),
    ACCOUNT_AGE_DAYS("account_age_days", "days since the account was created (identify trait createdAt; missing: unknown)"),
    ACTIVE_DAYS_7("active_days_7", "days with any event, last 7 days"),
    ACTIVE_DAYS_30("active_days_30", "days with any event, last 30 days"),
    ACTIVE_DAYS_90("active_days_90", "days with any event, last 90 days"),
    SESSIONS_7("sessions_7", "sessions, last 7 days"),
    SESSIONS_30("sessions_30", "sessions, last 30 days"),
    SESSIONS_90("sessions_90", "sessions, last 90 days"),
    SESSIONS_TREND("sessions_trend", "relative change of sessions, last 30 days vs the 30 before: (now − before) / max(before, 1)"),
    AVG_SESSION_MINUTES_30("avg_session_minutes_30", "mean session length in minutes, last 30 days (missing: no session)"),
    EVENTS_30("events_30", "events, last 30 days"),
    PRODUCT_VIEWS_30("product_views_30", "product views, last 30 days"),
    ORDERS_7("orders_7", "orders, last 7 days"),
    ORDERS_30("orders_30", "orders, last 30 days"),
    ORDERS_90("orders_90", "orders, last 90 days"),
    ORDERS_TREND("orders_trend", "relative change of orders, last 30 days vs the 30 before"),
    ORDERS_ALL("orders_all", "orders over the whole kept history (up to 400 days)"),
    REVENUE_30("revenue_30", "revenue, last 30 days"),
    REVENUE_90("revenue_90", "revenue, last 90 days"),
    REVENUE_TREND("revenue_trend", "relative change of revenue, last 30 days vs the 30 before"),
    AVG_ORDER_VALUE_90("avg_order_value_90", "revenue per order, last 90 days (missing: no order)"),
    VIEW_TO_CART_90("view_to_cart_90", "cart adds per product view, last 90 days (missing: no view)"),
    CART_TO_PURCHASE_90("cart_to_purchase_90", "orders per cart add, last 90 days (missing: no add)"),
    CART_ABANDONMENT_90("cart_abandonment_90", "share of days with a cart add but no order, last 90 days (missing: no add)"),
    CHECKOUT_ABANDONMENT_90("checkout_abandonment_90", "share of started checkouts without an order, last 90 days (missing: no checkout)"),
    CART_REMOVES_90("cart_removes_90", "products removed from the cart, last 90 days"),
    CATEGORY_DIVERSITY_90("category_diversity_90", "distinct categories viewed, added or bought, last 90 days"),
    BRAND_DIVERSITY_90("brand_diversity_90", "distinct brands viewed, added or bought, last 90 days"),
    INTERPURCHASE_DAYS("interpurchase_days", "mean days between days with an order (missing: fewer than two)"),
    INTERPURCHASE_CV("interpurchase_cv", "coefficient of variation of those intervals: low = regular (missing: fewer than three)"),
    PURCHASE_OVERDUE("purchase_overdue", "days since the last order divided by the mean interval (missing: fewer than two)"),
    COUPON_RATE_90("coupon_rate_90", "coupons applied per started checkout, last 90 days (missing: no checkout)"),
    DISCOUNT_SHARE_90("discount_share_90", "discount / (revenue + discount), last 90 days (missing: no order)"),
    DISCOUNTED_ORDERS_SHARE("discounted_orders_share", "share of orders with a discount or coupon, whole history (missing: no order)"),
    REFUNDS_90("refunds_90", "orders refunded or cancelled, last 90 days"),
    SEARCHES_30("searches_30", "product searches, last 30 days"),
    SEARCH_NO_PURCHASE_DAYS_90("search_no_purchase_days_90", "days with a search but no order, last 90 days"),
    WISHLIST_ADDS_90("wishlist_adds_90", "products added to a wishlist, last 90 days"),
    REVIEWS_90("reviews_90", "product reviews written, last 90 days"),
    LATE_DELIVERIES_7("late_deliveries_7", "late deliveries (Order Delivered with late or a delay), last 7 days"),
    LATE_DELIVERIES_30("late_deliveries_30", "late deliveries, last 30 days"),
    LATE_DELIVERIES_90("late_deliveries_90", "late deliveries, last 90 days"),
    LATE_DELIVERY_SHARE_90("late_delivery_share_90", "share of deliveries that were late, last 90 days (missing: no delivery)"),
    DAYS_SINCE_LATE_DELIVERY("days_since_late_delivery", "days since the latest late delivery (missing: none kept)"),
    SUPPORT_TICKETS_7("support_tickets_7", "support tickets opened (Support Ticket Opened), last 7 days"),
    SUPPORT_TICKETS_30("support_tickets_30", "support tickets opened, last 30 days"),
    SUPPORT_TICKETS_90("support_tickets_90", "support tickets opened, last 90 days"),
    DAYS_SINCE_SUPPORT_TICKET("days_since_support_ticket", "days since the latest support ticket (missing: none kept)"),
    SESSION_EVENTS("session_events", "events of the current session so far (session propensity only; missing otherwise)"),
    SESSION_PRODUCT_VIEWS("session_product_views", "product views of the current session so far (session propensity only)"),
    SESSION_CART_ADDS("session_cart_adds", "cart adds of the current session so far (session propensity only)"),
    SESSION_CHECKOUTS("session_checkouts", "checkouts started in the current session so far (session propensity only)"),
    SESSION_SEARCHES("session_searches", "searches of the current session so far (session propensity only)"),
    SESSION_MINUTES("session_minutes", "minutes since the current session started (session propensity only)");

    /** Number of features. */
    static final int COUNT = values().length;

    private final String column;
    private final String description;

    Feature(String column, String description) {
        this.column = column;
        this.description = description;
    }

    /** The column name stored with models and shown in reasons. */
    String column() {
        return column;
    }

    /** What the feature measures. */
    String description() {
        return description;
    }

    /** All column names, in order. */
    static String[] columns() {
        Feature[] all = values();
        String[] names = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            names[i] = all[i].column;
        }
        return names;
    }
}
