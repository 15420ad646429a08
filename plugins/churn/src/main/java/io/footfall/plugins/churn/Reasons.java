package io.footfall.plugins.churn;

import io.footfall.api.result.UserScore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Turns XGBoost's per-feature contributions ({@code predictContrib}, in log-odds) into the top reasons of a score,
 * phrased for operators from the feature's value ("no purchase for 45 days", "sessions down 60% on the previous
 * month").
 *
 * <p><b>Grouped.</b> Many features measure one thing: recency of visits, active days and sessions over three windows
 * all say "going quiet"; the coupon rate, the discount share and the share of discounted orders all say "buys on
 * discount". TreeSHAP splits the credit of one underlying cause between its correlated features, so that ranking
 * single features favours causes that many features express and hides a cause whose credit is split. Contributions
 * are additive, so a reason is a group of features ({@link #group(Feature)}: inactivity, purchase lapse, discount,
 * friction, delivery, support, tenure, engagement, history) with the sum of their contributions, named and phrased after its strongest
 * risk-raising member. Only groups whose sum pushes the score up are reasons; the strongest come first.
 *
 * <p><b>Relative to the current population.</b> TreeSHAP contributions are relative to the mean prediction over
 * the training rows, which come from several cutoffs. A feature whose value every current user shares but the
 * training rows did not — the days since first seen while the log itself is young, which equal the age of the log
 * for everybody who was there from its start — then adds the same contribution to every user's score, a shift of
 * the base rate between cutoffs and no reason to single out one user. So each contribution is taken relative to the
 * feature's mean contribution over the rows of the latest held-out cutoff ({@link ModelBundle.Target#reference()}):
 * a reason is what makes this user riskier than the users the model currently scores. The reported contribution is
 * that difference, in log-odds.
 */
final class Reasons {

    private Reasons() {
    }

    /** The {@code n} strongest risk-raising reason groups of one row, relative to the training mean (no reference). */
    static List<UserScore.Reason> top(float[] features, float[] contributions, int n) {
        return top(features, contributions, new float[Feature.COUNT], n);
    }

    /**
     * The {@code n} strongest risk-raising reason groups of one row, each named after its strongest member, with
     * contributions taken relative to {@code reference} (the mean contributions of the current population).
     */
    static List<UserScore.Reason> top(float[] features, float[] contributions, float[] reference, int n) {
        Feature[] all = Feature.values();
        java.util.Map<String, double[]> groups = new java.util.LinkedHashMap<>(); // group -> {sum, best member, its contribution}
        for (int j = 0; j < Feature.COUNT; j++) {
            double c = (double) contributions[j] - reference[j];
            double[] g = groups.computeIfAbsent(group(all[j]), k -> new double[] {0, -1, 0});
            g[0] += c;
            if (c > 0 && (g[1] < 0 || c > g[2])) {
                g[1] = j;
                g[2] = c;
            }
        }
        List<double[]> order = new ArrayList<>();
        for (double[] g : groups.values()) {
            if (g[0] > 0 && g[1] >= 0) {
                order.add(g);
            }
        }
        order.sort(Comparator.<double[]>comparingDouble(g -> -g[0]).thenComparingDouble(g -> g[1]));
        List<UserScore.Reason> reasons = new ArrayList<>();
        for (double[] g : order.subList(0, Math.min(n, order.size()))) {
            Feature f = all[(int) g[1]];
            reasons.add(new UserScore.Reason(f.column(), Math.round(g[0] * 1e6) / 1e6, text(f, features[(int) g[1]])));
        }
        return reasons;
    }

    /**
     * The reason group of a feature: its retention group ({@link Retention#group(String)}), except the days since
     * the person was first seen, which measure how long the log has known them (bounded by the age of the
     * deployment), not the customer relationship that the account age measures: a reason of its own.
     */
    static String group(Feature f) {
        return f == Feature.DAYS_SINCE_FIRST_SEEN ? "history" : Retention.group(f.column());
    }

    /** The {@code n} strongest positive contributions of single features (ungrouped; for comparison). */
    static List<UserScore.Reason> topFeatures(float[] features, float[] contributions, int n) {
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < Feature.COUNT; j++) {
            if (contributions[j] > 0) {
                order.add(j);
            }
        }
        order.sort(Comparator.<Integer>comparingDouble(j -> -contributions[j]).thenComparingInt(j -> j));
        List<UserScore.Reason> reasons = new ArrayList<>();
        Feature[] all = Feature.values();
        for (int j : order.subList(0, Math.min(n, order.size()))) {
            Feature f = all[j];
            reasons.add(new UserScore.Reason(f.column(), Math.round(contributions[j] * 1e6) / 1e6, text(f, features[j])));
        }
        return reasons;
    }

    /** A sentence for an operator about a feature's value. */
    static String text(Feature f, float value) {
        boolean missing = Float.isNaN(value);
        double v = value;
        return switch (f) {
            case DAYS_SINCE_LAST_VISIT -> missing ? "never visited" : v < 1 ? "visited in the last day" : "no visit for " + days(v);
            case DAYS_SINCE_LAST_PURCHASE -> missing ? "has never bought" : v < 1 ? "bought in the last day" : "no purchase for " + days(v);
            case DAYS_SINCE_FIRST_SEEN -> missing ? "first visit unknown" : "first seen " + days(v) + " ago";
            case ACCOUNT_AGE_DAYS -> missing ? "account age unknown (guest or no sign-up date)"
                    : v < 90 ? "new customer: account only " + days(v) + " old" : "customer for " + days(v);
            case ACTIVE_DAYS_7 -> "active on " + count(v) + " of the last 7 days";
            case ACTIVE_DAYS_30 -> "active on " + count(v) + " of the last 30 days";
            case ACTIVE_DAYS_90 -> "active on " + count(v) + " of the last 90 days";
            case SESSIONS_7 -> count(v, "session", "sessions") + " in the last 7 days";
            case SESSIONS_30 -> count(v, "session", "sessions") + " in the last 30 days";
            case SESSIONS_90 -> count(v, "session", "sessions") + " in the last 90 days";
            case SESSIONS_TREND -> change("sessions", v);
            case AVG_SESSION_MINUTES_30 -> missing ? "no session in the last 30 days"
                    : String.format(Locale.ROOT, "sessions last %.1f minutes on average", v);
            case EVENTS_30 -> count(v, "interaction", "interactions") + " in the last 30 days";
            case PRODUCT_VIEWS_30 -> count(v, "product view", "product views") + " in the last 30 days";
            case ORDERS_7 -> count(v, "order", "orders") + " in the last 7 days";
            case ORDERS_30 -> count(v, "order", "orders") + " in the last 30 days";
            case ORDERS_90 -> count(v, "order", "orders") + " in the last 90 days";
            case ORDERS_TREND -> change("orders", v);
            case ORDERS_ALL -> count(v, "order", "orders") + " in total";
            case REVENUE_30 -> String.format(Locale.ROOT, "spent %.2f in the last 30 days", v);
            case REVENUE_90 -> String.format(Locale.ROOT, "spent %.2f in the last 90 days", v);
            case REVENUE_TREND -> change("spending", v);
            case AVG_ORDER_VALUE_90 -> missing ? "no order in the last 90 days"
                    : String.format(Locale.ROOT, "average order %.2f", v);
            case VIEW_TO_CART_90 -> missing ? "viewed no product in the last 90 days" : percent(v) + " of product views added to cart";
            case CART_TO_PURCHASE_90 -> missing ? "added nothing to the cart in the last 90 days"
                    : percent(Math.min(1, v)) + " of cart adds bought";
            case CART_ABANDONMENT_90 -> missing ? "no cart in the last 90 days" : "abandoned the cart on " + percent(v) + " of cart days";
            case CHECKOUT_ABANDONMENT_90 -> missing ? "no checkout in the last 90 days" : percent(v) + " of checkouts not completed";
            case CART_REMOVES_90 -> count(v, "product", "products") + " removed from the cart in 90 days";
            case CATEGORY_DIVERSITY_90 -> count(v, "category", "categories") + " browsed in 90 days";
            case BRAND_DIVERSITY_90 -> count(v, "brand", "brands") + " browsed in 90 days";
            case INTERPURCHASE_DAYS -> missing ? "fewer than two purchase days" : "buys every " + days(v) + " on average";
            case INTERPURCHASE_CV -> missing ? "too few purchases to judge regularity"
                    : v > 0.75 ? "irregular buying pattern" : "regular buying pattern";
            case PURCHASE_OVERDUE -> missing ? "no regular purchase rhythm yet"
                    : String.format(Locale.ROOT, "next purchase overdue: %.1f× the usual interval", v);
            case COUPON_RATE_90 -> missing ? "no checkout in the last 90 days" : "used a coupon in " + percent(v) + " of checkouts";
            case DISCOUNT_SHARE_90 -> missing ? "no order in the last 90 days" : percent(v) + " of order value was discount";
            case DISCOUNTED_ORDERS_SHARE -> missing ? "has never bought" : percent(v) + " of orders discounted";
            case REFUNDS_90 -> count(v, "refund or cancellation", "refunds or cancellations") + " in 90 days";
            case SEARCHES_30 -> count(v, "search", "searches") + " in the last 30 days";
            case SEARCH_NO_PURCHASE_DAYS_90 -> count(v, "day", "days") + " of searching without buying in 90 days";
            case WISHLIST_ADDS_90 -> count(v, "wishlist add", "wishlist adds") + " in 90 days";
            case REVIEWS_90 -> count(v, "review", "reviews") + " in 90 days";
            case LATE_DELIVERIES_7 -> count(v, "late delivery", "late deliveries") + " in the last 7 days";
            case LATE_DELIVERIES_30 -> count(v, "late delivery", "late deliveries") + " in the last 30 days";
            case LATE_DELIVERIES_90 -> count(v, "late delivery", "late deliveries") + " in the last 90 days";
            case LATE_DELIVERY_SHARE_90 -> missing ? "no delivery in the last 90 days" : percent(v) + " of deliveries late in 90 days";
            case DAYS_SINCE_LATE_DELIVERY -> missing ? "no late delivery known" : v < 1 ? "a late delivery in the last day"
                    : "last late delivery " + days(v) + " ago";
            case SUPPORT_TICKETS_7 -> count(v, "support ticket", "support tickets") + " in the last 7 days";
            case SUPPORT_TICKETS_30 -> count(v, "support ticket", "support tickets") + " in the last 30 days";
            case SUPPORT_TICKETS_90 -> count(v, "support ticket", "support tickets") + " in the last 90 days";
            case DAYS_SINCE_SUPPORT_TICKET -> missing ? "no support ticket known" : v < 1 ? "a support ticket in the last day"
                    : "last support ticket " + days(v) + " ago";
            case SESSION_EVENTS -> missing ? "no session in progress" : count(v, "interaction", "interactions") + " in this session";
            case SESSION_PRODUCT_VIEWS -> count(v, "product view", "product views") + " in this session";
            case SESSION_CART_ADDS -> count(v, "cart add", "cart adds") + " in this session";
            case SESSION_CHECKOUTS -> v >= 1 ? "started checkout in this session" : "no checkout in this session yet";
            case SESSION_SEARCHES -> count(v, "search", "searches") + " in this session";
            case SESSION_MINUTES -> missing ? "no session in progress"
                    : String.format(Locale.ROOT, "in this session for %.1f minutes", v);
        };
    }

    private static String days(double v) {
        long d = Math.round(Math.floor(v));
        return d == 1 ? "1 day" : d + " days";
    }

    private static String count(double v) {
        return Float.isNaN((float) v) ? "no" : Long.toString(Math.round(v));
    }

    private static String count(double v, String one, String many) {
        return Float.isNaN((float) v) ? "no " + many : Math.round(v) == 1 ? "1 " + one : Math.round(v) + " " + many;
    }

    private static String percent(double v) {
        return Math.round(v * 100) + "%";
    }

    private static String change(String what, double v) {
        if (Double.isNaN(v)) {
            return what + " trend unknown";
        }
        if (v <= -0.995) {
            return "no " + what + " this month, after some the month before";
        }
        long pct = Math.round(Math.abs(v) * 100);
        return what + (v < 0 ? " down " : " up ") + pct + "% on the previous month";
    }
}
