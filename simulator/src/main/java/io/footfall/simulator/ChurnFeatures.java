package io.footfall.simulator;

import java.util.List;

/**
 * The per-user covariates that drive the planted churn hazard (see {@link HazardModel}).
 *
 * @param discountSensitivity how strongly the user reacts to discounts, in [0, 1]; also raises the user's
 *                            chance of applying a coupon at checkout, so it is partly observable in the events
 * @param deliveryDelayDays   mean delivery delay the user has experienced, in days, in [0, 10]
 * @param supportTickets      number of support tickets the user has filed, 0 or more
 * @param tenureDays          days the account existed before the user's first simulated day (the simulation start,
 *                            or 0 for a newcomer, whose account is created on arrival); observable as the
 *                            {@code createdAt} identify trait
 */
public record ChurnFeatures(double discountSensitivity, double deliveryDelayDays, int supportTickets, int tenureDays) {

    /** Feature names, in the order of {@link #vector()} and of the coefficients in {@link HazardModel}. */
    public static final List<String> NAMES =
            List.of("discountSensitivity", "deliveryDelayDays", "supportTickets", "tenureDays");

    /** The features as a vector, ordered as {@link #NAMES}. */
    public double[] vector() {
        return new double[] {discountSensitivity, deliveryDelayDays, supportTickets, tenureDays};
    }

    /**
     * One feature by name.
     *
     * @throws IllegalArgumentException if {@code name} is not one of {@link #NAMES}
     */
    public double value(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("unknown churn feature: " + name);
        }
        return vector()[i];
    }
}
