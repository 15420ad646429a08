package io.footfall.core.profile;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A profile as the API shows it: the folded state plus derived figures.
 *
 * @param personId          Footfall's id of the person ({@code user:…} or {@code anon:…})
 * @param userId            the known user id, if any
 * @param anonymousIds      all anonymous ids stitched into this person
 * @param firstSeen         first event
 * @param lastSeen          latest event
 * @param eventCounts       event type → count
 * @param sessions          sessions (30 minutes of inactivity split them)
 * @param orders            completed orders
 * @param revenue           revenue of completed orders
 * @param averageOrderValue revenue / orders
 * @param rfm               recency, frequency, monetary
 * @param topCategories     categories by weight (view 1, cart 3, purchase 5 per unit), normalised to sum 1
 * @param topBrands         brands by the same weights
 * @param recentlyViewed    product ids, most recent first
 * @param cart              the current cart
 * @param device            latest device type
 * @param os                latest operating system
 * @param locale            latest locale
 * @param timezone          latest time zone
 * @param traits            latest traits
 * @param asOf              the instant the profile describes (now for the live profile)
 */
public record ProfileView(
        String personId,
        String userId,
        Set<String> anonymousIds,
        Instant firstSeen,
        Instant lastSeen,
        Map<String, Long> eventCounts,
        long sessions,
        long orders,
        BigDecimal revenue,
        BigDecimal averageOrderValue,
        Rfm rfm,
        List<Weighted> topCategories,
        List<Weighted> topBrands,
        List<String> recentlyViewed,
        List<ProfileState.CartLine> cart,
        String device,
        String os,
        String locale,
        String timezone,
        Map<String, Object> traits,
        Instant asOf) {

    private static final int TOP = 10;

    /**
     * Recency, frequency and monetary value.
     *
     * @param recencyDays days since the last order (null without orders)
     * @param frequency   number of orders
     * @param monetary    revenue
     */
    public record Rfm(Long recencyDays, long frequency, BigDecimal monetary) {
    }

    /**
     * A name with its share of the total weight.
     *
     * @param name   category or brand
     * @param weight share in [0, 1]
     */
    public record Weighted(String name, double weight) {
    }

    /** Builds the view of a state at the given instant. */
    public static ProfileView of(ProfileState s, Instant asOf) {
        BigDecimal aov = s.orders == 0 ? BigDecimal.ZERO
                : s.revenue.divide(BigDecimal.valueOf(s.orders), 2, RoundingMode.HALF_UP);
        Long recency = s.lastOrderAt == null ? null : Duration.between(s.lastOrderAt, asOf).toDays();
        return new ProfileView(s.personId, s.userId, Set.copyOf(s.anonymousIds), s.firstSeen, s.lastSeen,
                Map.copyOf(s.eventCounts), s.sessions, s.orders, s.revenue, aov,
                new Rfm(recency, s.orders, s.revenue), top(s.categoryWeights), top(s.brandWeights),
                List.copyOf(s.recentlyViewed), List.copyOf(s.cart.values()), s.device, s.os, s.locale, s.timezone,
                Map.copyOf(s.traits), asOf);
    }

    private static List<Weighted> top(Map<String, Double> weights) {
        double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        if (total <= 0) {
            return List.of();
        }
        return weights.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP)
                .map(en -> new Weighted(en.getKey(), Math.round(en.getValue() / total * 10_000) / 10_000.0))
                .toList();
    }
}
