package io.footfall.simulator;

import java.util.List;

/**
 * The planted churn model of {@link ChurnDrivers#OBSERVABLE}: a daily hazard driven by what the shop's own events
 * show.
 *
 * <p>Each order is delivered {@link #PROMISED_DAYS} days after it was placed, or late: with probability
 * {@code min(maxLateProbability, deliveryDelayDays × lateProbabilityPerDelayDay)} (the user's
 * {@link ChurnFeatures#deliveryDelayDays()}, say where they live) it is 1 + Poisson(1.5) days late. The delivery
 * is an {@code Order Delivered} event. On every day a user exists, they open a support ticket ({@code Support
 * Ticket Opened}) with probability {@code ticketRatePerDay × supportTickets} (the user's
 * {@link ChurnFeatures#supportTickets()}, their disposition to contact support; 0 never does). Discount sensitivity
 * shows more clearly than with static drivers: a coupon is applied at checkout with probability
 * {@code couponBase + couponPerSensitivity × discountSensitivity}. At the start of
 * every day {@code d} after their first, a user who is still active churns with probability
 * <pre>
 *   h = min(1, base × exp(η)),
 *   η = betaDiscountSensitivity × discountSensitivity
 *     + betaLateDeliveries30    × (late deliveries in the 30 days before d)
 *     + betaSupportTickets30    × (support tickets in the 30 days before d)
 *     + betaNewCustomer         × max(0, 1 − tenure on day d / 365)
 * </pre>
 * where the tenure grows by one every day. The terms are the drivers ({@link #DRIVERS}); the one with the largest
 * term above its reference ({@link #REFERENCE}: discount sensitivity 0.5, the others 0) dominates a churner's
 * hazard ({@link UserTruth#dominantDriver()}).
 *
 * <p>{@link #DEFAULT}: base 0.0003/day, β = (1.0, 2.6, 2.4, 2.6), late probability 0.2 per day of
 * {@code deliveryDelayDays} (at most 0.9), ticket rate 0.015 per disposition unit and day, coupon probability 0.02 + 0.8 × discountSensitivity.
 *
 * @param base                       baseline daily hazard (η = 0)
 * @param betaDiscountSensitivity    per unit of discount sensitivity (0..1)
 * @param betaLateDeliveries30       per late delivery in the last 30 days
 * @param betaSupportTickets30       per support ticket in the last 30 days
 * @param betaNewCustomer            per unit of newness {@code max(0, 1 − tenure/365)} (1 on the account's first day)
 * @param lateProbabilityPerDelayDay probability that an order is late, per day of {@code deliveryDelayDays}
 * @param maxLateProbability         cap of that probability
 * @param ticketRatePerDay           daily probability of a support ticket per unit of {@code supportTickets}
 * @param couponBase                 probability of a coupon at checkout at discount sensitivity 0 (static drivers: 0.05)
 * @param couponPerSensitivity       added per unit of discount sensitivity (static drivers: 0.45)
 */
public record ObservableHazard(double base, double betaDiscountSensitivity, double betaLateDeliveries30,
                               double betaSupportTickets30, double betaNewCustomer, double lateProbabilityPerDelayDay,
                               double maxLateProbability, double ticketRatePerDay, double couponBase,
                               double couponPerSensitivity) {

    /** Days from order to an on-time delivery. */
    public static final int PROMISED_DAYS = 3;
    /** The window of the recent-experience drivers, in days. */
    public static final int WINDOW_DAYS = 30;
    /** Driver names, in the order of {@link #terms}. */
    public static final List<String> DRIVERS =
            List.of("discountSensitivity", "lateDeliveries30", "supportTickets30", "newCustomer");
    /** The reference value of each driver from which its term counts as raising the hazard. */
    public static final List<Double> REFERENCE = List.of(0.5, 0.0, 0.0, 0.0);

    /** The default model, documented above. */
    public static final ObservableHazard DEFAULT = new ObservableHazard(0.0003, 1.0, 2.6, 2.4, 2.6, 0.2, 0.9, 0.015, 0.02, 0.8);

    public ObservableHazard {
        if (!(base >= 0.0 && base <= 1.0)) {
            throw new IllegalArgumentException("base hazard must be in [0, 1]: " + base);
        }
        if (!(lateProbabilityPerDelayDay >= 0 && maxLateProbability >= 0 && maxLateProbability <= 1)) {
            throw new IllegalArgumentException("late probabilities must be in [0, 1]");
        }
        if (!(couponBase >= 0 && couponPerSensitivity >= 0 && couponBase + couponPerSensitivity <= 1)) {
            throw new IllegalArgumentException("coupon probabilities must be in [0, 1]: " + couponBase + " + " + couponPerSensitivity);
        }
        if (!(ticketRatePerDay >= 0 && ticketRatePerDay <= 1)) {
            throw new IllegalArgumentException("ticketRatePerDay must be in [0, 1]: " + ticketRatePerDay);
        }
    }

    /** The newness of a customer with this tenure in days: {@code max(0, 1 − tenure / 365)}. */
    public static double newness(int tenureDays) {
        return Math.max(0.0, 1.0 - tenureDays / 365.0);
    }

    /** The probability that one order of a user with this {@code deliveryDelayDays} is late. */
    public double lateProbability(double deliveryDelayDays) {
        return Math.min(maxLateProbability, deliveryDelayDays * lateProbabilityPerDelayDay);
    }

    /** The daily probability that a user with this {@code supportTickets} disposition opens a ticket. */
    public double ticketProbability(int supportTickets) {
        return Math.min(1.0, ticketRatePerDay * supportTickets);
    }

    /** The terms {@code β_j × x_j} of η, in the order of {@link #DRIVERS}. */
    public double[] terms(double discountSensitivity, int lateDeliveries30, int supportTickets30, int tenureDays) {
        return new double[] {betaDiscountSensitivity * discountSensitivity, betaLateDeliveries30 * lateDeliveries30,
                betaSupportTickets30 * supportTickets30, betaNewCustomer * newness(tenureDays)};
    }

    /** The daily churn probability {@code min(1, base × exp(Σ terms))}. */
    public double dailyHazard(double[] terms) {
        double eta = 0;
        for (double t : terms) {
            eta += t;
        }
        return Math.min(1.0, base * Math.exp(eta));
    }

    /**
     * The driver whose term rises most above its reference ({@code β_j × (x_j − reference_j)}), or {@code null} when
     * none rises above it.
     */
    public String dominant(double[] terms) {
        double[] beta = {betaDiscountSensitivity, betaLateDeliveries30, betaSupportTickets30, betaNewCustomer};
        String best = null;
        double max = 0;
        for (int j = 0; j < terms.length; j++) {
            double excess = terms[j] - beta[j] * REFERENCE.get(j);
            if (excess > max) {
                max = excess;
                best = DRIVERS.get(j);
            }
        }
        return best;
    }
}
