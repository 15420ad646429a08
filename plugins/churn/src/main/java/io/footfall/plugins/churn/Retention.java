package io.footfall.plugins.churn;

import io.footfall.api.result.UserScore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The retention rule table: from the reasons of a churn score and the customer's value to an action.
 *
 * <p>A rule is {@code group:tier:action}. {@code group} is a reason group ({@link #group(String)}: {@code inactivity},
 * {@code purchase-lapse}, {@code discount}, {@code friction}, {@code tenure}, {@code engagement}) or {@code *};
 * {@code tier} is {@code high} (revenue of the last 90 days at or above the high-value line), {@code low}, or
 * {@code *}; {@code action} is free text for operators ({@code coupon}, {@code recommendations},
 * {@code customer-care}, …). The reasons are tried strongest first, and for each the rules in order; the first match
 * wins. A rule with group {@code *} matches a score without reasons too.
 *
 * @param rules the rules, in order
 */
record Retention(List<Rule> rules) {

    /** The default table, as the {@code retention-rules} property spells it. */
    static final String DEFAULT = "discount:*:coupon,delivery:*:customer-care,support:*:customer-care,"
            + "inactivity:high:customer-care,inactivity:*:recommendations,"
            + "purchase-lapse:high:customer-care,purchase-lapse:*:coupon,friction:*:customer-care,tenure:*:onboarding,"
            + "*:high:customer-care,*:*:recommendations";

    private static final List<String> GROUPS = List.of("inactivity", "purchase-lapse", "discount", "friction", "delivery",
            "support", "tenure", "session", "engagement", "*");

    /**
     * One rule.
     *
     * @param group  reason group or {@code *}
     * @param tier   {@code high}, {@code low} or {@code *}
     * @param action the action
     */
    record Rule(String group, String tier, String action) {
    }

    /**
     * Parses the rules.
     *
     * @throws IllegalArgumentException naming the first bad rule
     */
    static Retention parse(List<String> texts) {
        List<Rule> rules = new ArrayList<>();
        for (String text : texts) {
            String[] parts = text.trim().split(":");
            if (parts.length != 3 || !GROUPS.contains(parts[0].trim()) || !List.of("high", "low", "*").contains(parts[1].trim())
                    || parts[2].isBlank()) {
                throw new IllegalArgumentException("retention rule '" + text.trim() + "' is not group:tier:action with group one of "
                        + GROUPS + " and tier high, low or *");
            }
            rules.add(new Rule(parts[0].trim(), parts[1].trim(), parts[2].trim().toLowerCase(Locale.ROOT)));
        }
        return new Retention(List.copyOf(rules));
    }

    /** The action for these reasons (strongest first) and tier, or {@code none} when no rule matches. */
    String action(List<UserScore.Reason> reasons, boolean highValue) {
        for (UserScore.Reason r : reasons) {
            String group = group(r.feature());
            for (Rule rule : rules) {
                if (rule.group().equals(group) && tierMatches(rule, highValue)) {
                    return rule.action();
                }
            }
        }
        for (Rule rule : rules) {
            if (rule.group().equals("*") && tierMatches(rule, highValue)) {
                return rule.action();
            }
        }
        return "none";
    }

    private static boolean tierMatches(Rule rule, boolean highValue) {
        return rule.tier().equals("*") || rule.tier().equals(highValue ? "high" : "low");
    }

    /** The reason group of a feature column. */
    static String group(String column) {
        return switch (column) {
            case "days_since_last_visit", "active_days_7", "active_days_30", "active_days_90", "sessions_7", "sessions_30",
                 "sessions_90", "sessions_trend", "events_30" -> "inactivity";
            case "days_since_last_purchase", "purchase_overdue", "orders_7", "orders_30", "orders_90", "orders_trend",
                 "orders_all", "revenue_30", "revenue_90", "revenue_trend", "interpurchase_days", "interpurchase_cv",
                 "avg_order_value_90" -> "purchase-lapse";
            case "coupon_rate_90", "discount_share_90", "discounted_orders_share" -> "discount";
            case "cart_abandonment_90", "checkout_abandonment_90", "cart_to_purchase_90", "refunds_90",
                 "search_no_purchase_days_90", "cart_removes_90" -> "friction";
            case "late_deliveries_7", "late_deliveries_30", "late_deliveries_90", "late_delivery_share_90",
                 "days_since_late_delivery" -> "delivery";
            case "support_tickets_7", "support_tickets_30", "support_tickets_90", "days_since_support_ticket" -> "support";
            case "account_age_days", "days_since_first_seen" -> "tenure";
            case "session_events", "session_product_views", "session_cart_adds", "session_checkouts", "session_searches",
                 "session_minutes" -> "session";
            default -> "engagement";
        };
    }
}
