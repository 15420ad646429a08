package io.footfall.plugins.churn;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes the {@link Feature}s of one {@link UserHistory} as of a cutoff, from the events before the cutoff only.
 *
 * <p>Point in time, at day resolution: only the day buckets of UTC days before the cutoff's day are read. At a
 * midnight cutoff (training cutoffs are midnights) that is exactly "the events before the cutoff"; at any other
 * instant the cutoff's own, partial day is left out. Either way adding events at or after the cutoff never changes
 * a feature. Live scores are computed at the midnight that ends the day of the latest event, so that the current
 * day counts: "as of the end of today".
 *
 * <p>Windows of W days are the W UTC days before the cutoff's day; recencies are measured from the cutoff itself.
 */
final class FeatureExtractor {

    private static final long DAY_MS = 86_400_000L;
    private static final double DAY = DAY_MS;

    private FeatureExtractor() {
    }

    /** The features as of {@code cutoff}, indexed by {@link Feature#ordinal()}; NaN where undefined. */
    static float[] extract(UserHistory history, Instant cutoff) {
        long cutoffMs = cutoff.toEpochMilli();
        int cutoffDay = (int) Math.floorDiv(cutoffMs, DAY_MS);
        int reference = cutoffDay - 1;

        List<Integer> dayKeys = new ArrayList<>();
        List<UserHistory.Day> included = new ArrayList<>();
        for (Map.Entry<Integer, UserHistory.Day> e : history.days().headMap(cutoffDay, false).entrySet()) {
            dayKeys.add(e.getKey());
            included.add(e.getValue());
        }

        float[] f = new float[Feature.COUNT];
        java.util.Arrays.fill(f, Float.NaN);
        service(history, cutoffMs, cutoffDay, f);
        Window w7 = new Window(reference - 6);
        Window w30 = new Window(reference - 29);
        Window prev30 = new Window(reference - 59);
        Window w90 = new Window(reference - 89);
        Set<Integer> categories90 = new HashSet<>();
        Set<Integer> brands90 = new HashSet<>();
        int ordersAll = 0;
        int discountedAll = 0;
        List<Integer> orderDays = new ArrayList<>();
        long lastOrderMs = Long.MIN_VALUE;
        int searchNoPurchaseDays = 0;
        int addDays = 0;
        int abandonedDays = 0;
        for (int i = 0; i < included.size(); i++) {
            int day = dayKeys.get(i);
            UserHistory.Day d = included.get(i);
            w7.add(day, d);
            w90.add(day, d);
            if (day >= w30.from) {
                w30.add(day, d);
            } else if (day >= prev30.from) {
                prev30.add(day, d);
            }
            ordersAll += d.orders;
            discountedAll += d.discountedOrders;
            if (d.orders > 0) {
                orderDays.add(day);
                if (d.lastOrderMs >= 0) {
                    lastOrderMs = day * DAY_MS + d.lastOrderMs;
                }
            }
            if (day >= w90.from) {
                for (int c : d.categories) {
                    categories90.add(c);
                }
                for (int b : d.brands) {
                    brands90.add(b);
                }
                if (d.searches > 0 && d.orders == 0) {
                    searchNoPurchaseDays++;
                }
                if (d.adds > 0) {
                    addDays++;
                    if (d.orders == 0) {
                        abandonedDays++;
                    }
                }
            }
        }
        if (included.isEmpty()) {
            // nothing known before the cutoff: only counts of zero are defined
            for (Feature z : new Feature[] {Feature.ACTIVE_DAYS_7, Feature.ACTIVE_DAYS_30, Feature.ACTIVE_DAYS_90,
                    Feature.SESSIONS_7, Feature.SESSIONS_30, Feature.SESSIONS_90, Feature.EVENTS_30, Feature.PRODUCT_VIEWS_30,
                    Feature.ORDERS_7, Feature.ORDERS_30, Feature.ORDERS_90, Feature.ORDERS_ALL, Feature.REVENUE_30,
                    Feature.REVENUE_90, Feature.CART_REMOVES_90, Feature.CATEGORY_DIVERSITY_90, Feature.BRAND_DIVERSITY_90,
                    Feature.REFUNDS_90, Feature.SEARCHES_30, Feature.SEARCH_NO_PURCHASE_DAYS_90, Feature.WISHLIST_ADDS_90,
                    Feature.REVIEWS_90, Feature.SESSIONS_TREND, Feature.ORDERS_TREND, Feature.REVENUE_TREND}) {
                f[z.ordinal()] = 0;
            }
            return f;
        }
        UserHistory.Day first = included.get(0);
        UserHistory.Day last = included.get(included.size() - 1);
        long firstMs = dayKeys.get(0) * DAY_MS + first.firstMs;
        long lastMs = dayKeys.get(dayKeys.size() - 1) * DAY_MS + last.lastMs;

        set(f, Feature.DAYS_SINCE_LAST_VISIT, (cutoffMs - lastMs) / DAY);
        if (lastOrderMs != Long.MIN_VALUE) {
            set(f, Feature.DAYS_SINCE_LAST_PURCHASE, (cutoffMs - lastOrderMs) / DAY);
        }
        set(f, Feature.DAYS_SINCE_FIRST_SEEN, (cutoffMs - firstMs) / DAY);
        long created = history.accountCreatedDayKnownBefore(cutoffDay * DAY_MS);
        if (created != Long.MIN_VALUE) {
            set(f, Feature.ACCOUNT_AGE_DAYS, Math.max(0, cutoffMs / DAY - created));
        }
        set(f, Feature.ACTIVE_DAYS_7, w7.activeDays);
        set(f, Feature.ACTIVE_DAYS_30, w30.activeDays);
        set(f, Feature.ACTIVE_DAYS_90, w90.activeDays);
        set(f, Feature.SESSIONS_7, w7.sessions);
        set(f, Feature.SESSIONS_30, w30.sessions);
        set(f, Feature.SESSIONS_90, w90.sessions);
        set(f, Feature.SESSIONS_TREND, trend(w30.sessions, prev30.sessions));
        if (w30.sessions > 0) {
            set(f, Feature.AVG_SESSION_MINUTES_30, w30.sessionSeconds / 60.0 / w30.sessions);
        }
        set(f, Feature.EVENTS_30, w30.events);
        set(f, Feature.PRODUCT_VIEWS_30, w30.views);
        set(f, Feature.ORDERS_7, w7.orders);
        set(f, Feature.ORDERS_30, w30.orders);
        set(f, Feature.ORDERS_90, w90.orders);
        set(f, Feature.ORDERS_TREND, trend(w30.orders, prev30.orders));
        set(f, Feature.ORDERS_ALL, ordersAll);
        set(f, Feature.REVENUE_30, w30.revenue);
        set(f, Feature.REVENUE_90, w90.revenue);
        set(f, Feature.REVENUE_TREND, trend(w30.revenue, prev30.revenue));
        if (w90.orders > 0) {
            set(f, Feature.AVG_ORDER_VALUE_90, w90.revenue / w90.orders);
            set(f, Feature.DISCOUNT_SHARE_90, w90.revenue + w90.discount > 0 ? w90.discount / (w90.revenue + w90.discount) : 0);
        }
        if (w90.views > 0) {
            set(f, Feature.VIEW_TO_CART_90, (double) w90.adds / w90.views);
        }
        if (w90.adds > 0) {
            set(f, Feature.CART_TO_PURCHASE_90, (double) w90.orders / w90.adds);
        }
        if (addDays > 0) {
            set(f, Feature.CART_ABANDONMENT_90, (double) abandonedDays / addDays);
        }
        if (w90.checkouts > 0) {
            set(f, Feature.CHECKOUT_ABANDONMENT_90, Math.max(0, (double) (w90.checkouts - w90.orders) / w90.checkouts));
            set(f, Feature.COUPON_RATE_90, Math.min(1.0, (double) w90.coupons / w90.checkouts));
        }
        set(f, Feature.CART_REMOVES_90, w90.removes);
        set(f, Feature.CATEGORY_DIVERSITY_90, categories90.size());
        set(f, Feature.BRAND_DIVERSITY_90, brands90.size());
        if (orderDays.size() >= 2) {
            double[] gaps = new double[orderDays.size() - 1];
            double sum = 0;
            for (int i = 1; i < orderDays.size(); i++) {
                gaps[i - 1] = orderDays.get(i) - orderDays.get(i - 1);
                sum += gaps[i - 1];
            }
            double mean = sum / gaps.length;
            set(f, Feature.INTERPURCHASE_DAYS, mean);
            set(f, Feature.PURCHASE_OVERDUE, (cutoffMs - lastOrderMs) / DAY / mean);
            if (gaps.length >= 2) {
                double ss = 0;
                for (double g : gaps) {
                    ss += (g - mean) * (g - mean);
                }
                set(f, Feature.INTERPURCHASE_CV, Math.sqrt(ss / (gaps.length - 1)) / mean);
            }
        }
        if (ordersAll > 0) {
            set(f, Feature.DISCOUNTED_ORDERS_SHARE, (double) discountedAll / ordersAll);
        }
        set(f, Feature.REFUNDS_90, w90.refunds);
        set(f, Feature.SEARCHES_30, w30.searches);
        set(f, Feature.SEARCH_NO_PURCHASE_DAYS_90, searchNoPurchaseDays);
        set(f, Feature.WISHLIST_ADDS_90, w90.wishlist);
        set(f, Feature.REVIEWS_90, w90.reviews);
        return f;
    }

    /**
     * The delivery and support features, from the service signals of the days before the cutoff's day (recencies from
     * the cutoff); counts are 0 and recencies and the late share missing when nothing is known.
     */
    private static void service(UserHistory history, long cutoffMs, int cutoffDay, float[] f) {
        int reference = cutoffDay - 1;
        int late7 = 0;
        int late30 = 0;
        int late90 = 0;
        int delivered90 = 0;
        int tickets7 = 0;
        int tickets30 = 0;
        int tickets90 = 0;
        long lastLate = Long.MIN_VALUE;
        long lastTicket = Long.MIN_VALUE;
        for (Map.Entry<Integer, UserHistory.Service> e : history.service().headMap(cutoffDay, false).entrySet()) {
            int day = e.getKey();
            UserHistory.Service s = e.getValue();
            if (s.lastLateMs >= 0) {
                lastLate = day * DAY_MS + s.lastLateMs;
            }
            if (s.lastTicketMs >= 0) {
                lastTicket = day * DAY_MS + s.lastTicketMs;
            }
            if (day < reference - 89) {
                continue;
            }
            late90 += s.lateDeliveries;
            delivered90 += s.deliveries;
            tickets90 += s.tickets;
            if (day >= reference - 29) {
                late30 += s.lateDeliveries;
                tickets30 += s.tickets;
            }
            if (day >= reference - 6) {
                late7 += s.lateDeliveries;
                tickets7 += s.tickets;
            }
        }
        set(f, Feature.LATE_DELIVERIES_7, late7);
        set(f, Feature.LATE_DELIVERIES_30, late30);
        set(f, Feature.LATE_DELIVERIES_90, late90);
        if (delivered90 > 0) {
            set(f, Feature.LATE_DELIVERY_SHARE_90, Math.min(1.0, (double) late90 / delivered90));
        }
        if (lastLate != Long.MIN_VALUE) {
            set(f, Feature.DAYS_SINCE_LATE_DELIVERY, (cutoffMs - lastLate) / DAY);
        }
        set(f, Feature.SUPPORT_TICKETS_7, tickets7);
        set(f, Feature.SUPPORT_TICKETS_30, tickets30);
        set(f, Feature.SUPPORT_TICKETS_90, tickets90);
        if (lastTicket != Long.MIN_VALUE) {
            set(f, Feature.DAYS_SINCE_SUPPORT_TICKET, (cutoffMs - lastTicket) / DAY);
        }
    }

    /**
     * The features of an in-session prediction: {@code dayFeatures} (as of the midnight that starts the session's day,
     * {@link #extract}) with the session features set from a snapshot of {@link UserHistory} (the session's counts up
     * to the prediction point). A copy; {@code snapshot} null leaves them missing.
     */
    static float[] withSession(float[] dayFeatures, int[] snapshot, int offset) {
        float[] f = dayFeatures.clone();
        if (snapshot == null) {
            return f;
        }
        set(f, Feature.SESSION_EVENTS, snapshot[offset + 1]);
        set(f, Feature.SESSION_PRODUCT_VIEWS, snapshot[offset + 2]);
        set(f, Feature.SESSION_CART_ADDS, snapshot[offset + 3]);
        set(f, Feature.SESSION_CHECKOUTS, snapshot[offset + 4]);
        set(f, Feature.SESSION_SEARCHES, snapshot[offset + 5]);
        set(f, Feature.SESSION_MINUTES, snapshot[offset + 6] / 60.0);
        return f;
    }

    /** The midnight (UTC) that ends the day of {@code instant}: the cutoff of live scores. */
    static Instant endOfDay(Instant instant) {
        return Instant.ofEpochMilli((Math.floorDiv(instant.toEpochMilli(), DAY_MS) + 1) * DAY_MS);
    }

    /** The cutoff of scores at {@code instant}: itself when it is a midnight, else the midnight after it. */
    static Instant scoringCutoff(Instant instant) {
        return Math.floorMod(instant.toEpochMilli(), DAY_MS) == 0 ? instant : endOfDay(instant);
    }

    /** True when the history has an event on a day in {@code [fromDay, toDay)}. */
    static boolean activeBetween(UserHistory history, int fromDay, int toDay) {
        return !history.days().subMap(fromDay, true, toDay, false).isEmpty();
    }

    /** True when the history has an order on a day in {@code [fromDay, toDay)}. */
    static boolean orderedBetween(UserHistory history, int fromDay, int toDay) {
        for (UserHistory.Day d : history.days().subMap(fromDay, true, toDay, false).values()) {
            if (d.orders > 0) {
                return true;
            }
        }
        return false;
    }

    private static double trend(double now, double before) {
        return (now - before) / Math.max(before, 1);
    }

    private static void set(float[] f, Feature feature, double value) {
        f[feature.ordinal()] = Double.isFinite(value) ? (float) value : Float.NaN;
    }

    /** Sums over the days from {@code from} on. */
    private static final class Window {
        final int from;
        int activeDays;
        int sessions;
        long sessionSeconds;
        int events;
        int views;
        int adds;
        int removes;
        int checkouts;
        int orders;
        int coupons;
        int refunds;
        int searches;
        int wishlist;
        int reviews;
        double revenue;
        double discount;

        Window(int from) {
            this.from = from;
        }

        void add(int day, UserHistory.Day d) {
            if (day < from) {
                return;
            }
            activeDays++;
            sessions += d.sessions;
            sessionSeconds += d.sessionSeconds;
            events += d.events;
            views += d.views;
            adds += d.adds;
            removes += d.removes;
            checkouts += d.checkouts;
            orders += d.orders;
            coupons += d.coupons;
            refunds += d.refunds;
            searches += d.searches;
            wishlist += d.wishlist;
            reviews += d.reviews;
            revenue += d.revenue;
            discount += d.discount;
        }
    }
}
