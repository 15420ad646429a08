package io.footfall.simulator;

import java.util.SplittableRandom;

/**
 * One simulated user: fixed latent attributes plus the mutable state the day-by-day simulation advances
 * (identification, churn, counters, recent purchases).
 */
final class Shopper {

    static final long NEVER = Long.MIN_VALUE;

    final int index;
    final int cluster;
    final String anonymousId;
    /** {@code u-000123}, or {@code null} for a user who never logs in. */
    final String userId;
    final String firstName;
    final String lastName;
    final String plan;
    final ChurnFeatures features;
    final double dailyHazard;
    final double sessionRate;
    final String userAgent;
    final String ip;
    final String locale;
    /** Behaviour stream. */
    final SplittableRandom rng;
    /** Churn stream, separate so that the hazard settings do not disturb behaviour before churn. */
    final SplittableRandom churnRng;
    /** Delivery and support stream ({@link ChurnDrivers#OBSERVABLE} only), separate from the others. */
    final SplittableRandom serviceRng;
    /** First day on which the user exists (0, or a newcomer's arrival day); their account is created that day. */
    final int arrivalDay;

    long identifiedAt = NEVER;
    int churnDay = -1;
    long churnAt = NEVER;
    long lastEventAt = NEVER;
    int sessions;
    int checkouts;
    int reviews;
    int seq;
    long events;
    int tickets;
    int lateDeliveries;
    /** Deliveries planned but not yet made: delivery time, checkout number, delay days, identified flag. */
    final java.util.List<long[]> pendingDeliveries = new java.util.ArrayList<>();
    /** Times of the late deliveries and of the support tickets so far (for the 30-day windows of the hazard). */
    final java.util.List<Long> lateTimes = new java.util.ArrayList<>();
    final java.util.List<Long> ticketTimes = new java.util.ArrayList<>();
    /** The hazard terms on the churn day ({@link ObservableHazard#terms}), or null. */
    double[] churnTerms;
    private final int[] recentPurchases = new int[4];
    private int purchaseCount;

    Shopper(int index, int cluster, String anonymousId, String userId, String firstName, String lastName, String plan,
            ChurnFeatures features, double dailyHazard, double sessionRate, String userAgent, String ip,
            String locale, SplittableRandom rng, SplittableRandom churnRng, SplittableRandom serviceRng, int arrivalDay) {
        this.index = index;
        this.cluster = cluster;
        this.anonymousId = anonymousId;
        this.userId = userId;
        this.firstName = firstName;
        this.lastName = lastName;
        this.plan = plan;
        this.features = features;
        this.dailyHazard = dailyHazard;
        this.sessionRate = sessionRate;
        this.userAgent = userAgent;
        this.ip = ip;
        this.locale = locale;
        this.rng = rng;
        this.churnRng = churnRng;
        this.serviceRng = serviceRng;
        this.arrivalDay = arrivalDay;
    }

    boolean identified() {
        return identifiedAt != NEVER;
    }

    boolean churned() {
        return churnDay >= 0;
    }

    String email() {
        return "user" + index + "@example.test";
    }

    void rememberPurchase(int product) {
        recentPurchases[purchaseCount % recentPurchases.length] = product;
        purchaseCount++;
    }

    /** A product this user bought recently, or -1. */
    int recentPurchase(SplittableRandom r) {
        if (purchaseCount == 0) {
            return -1;
        }
        return recentPurchases[r.nextInt(Math.min(purchaseCount, recentPurchases.length))];
    }
}
