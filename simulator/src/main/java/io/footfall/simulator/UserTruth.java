package io.footfall.simulator;

import java.time.Instant;

/**
 * What the simulator planted for, and recorded about, one user.
 *
 * @param index          user number, 0-based
 * @param cluster        taste cluster, see {@link GroundTruth#clusters()}
 * @param anonymousId    the device id on every one of the user's messages
 * @param userId         {@code u-000123} for an account holder, {@code null} for a guest-only user
 * @param identifiedAt   instant of the user's {@code identify} call, or {@code null} if it never happened
 *                       (guest, or churned first); messages before it carry no {@code userId}, messages from
 *                       it on carry both ids
 * @param churned        whether the user churned within the simulated period
 * @param churnDay       day index (≥ 1) of churn, or -1
 * @param churnInstant   start of the churn day, or {@code null}; the user has no message at or after it
 * @param features       the churn covariates
 * @param dailyHazard    {@code min(1, base × exp(β · x))} of the static model, see {@link HazardModel} (with
 *                       {@link ChurnDrivers#OBSERVABLE} the hazard changes daily: see {@link #driverTerms()})
 * @param sessionsPerDay the user's mean sessions per active day
 * @param events         number of messages emitted for this user
 * @param arrivalDay     first simulated day of the user: 0, or a newcomer's arrival day (see
 *                       {@link SimulatorConfig#newcomerFraction()}); nothing is emitted before it, and churn can
 *                       happen from the next day on
 * @param dominantDriver the planted driver that dominated a churner's hazard on the churn day (one of
 *                       {@link ObservableHazard#DRIVERS}: the largest term above its reference), or {@code null}: not
 *                       churned, no term above its reference, or {@link ChurnDrivers#STATIC} drivers
 * @param driverTerms    a churner's hazard terms {@code β_j × x_j} on the churn day by driver
 *                       ({@link ChurnDrivers#OBSERVABLE} only; empty otherwise)
 * @param lateDeliveries late {@code Order Delivered} events emitted for this user (observable drivers only)
 * @param supportTickets {@code Support Ticket Opened} events emitted for this user (observable drivers only)
 * @param lateDeliveryTimes the instants of those late deliveries, in order
 * @param ticketTimes    the instants of those support tickets, in order
 */
public record UserTruth(int index, int cluster, String anonymousId, String userId, Instant identifiedAt,
                        boolean churned, int churnDay, Instant churnInstant, ChurnFeatures features,
                        double dailyHazard, double sessionsPerDay, long events, int arrivalDay,
                        String dominantDriver, java.util.Map<String, Double> driverTerms, int lateDeliveries,
                        int supportTickets, java.util.List<Instant> lateDeliveryTimes, java.util.List<Instant> ticketTimes) {

    /** Copies the lists. */
    public UserTruth {
        driverTerms = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(driverTerms));
        lateDeliveryTimes = java.util.List.copyOf(lateDeliveryTimes);
        ticketTimes = java.util.List.copyOf(ticketTimes);
    }

    /**
     * The hazard terms of {@link ObservableHazard#terms} for this user at {@code instant} (a midnight after their
     * arrival): what drove their hazard then, from the late deliveries and tickets of the 30 days before it.
     */
    public double[] driverTermsAt(ObservableHazard model, Instant instant, Instant start) {
        return driverTermsAt(model, instant, start, instant);
    }

    /**
     * The hazard terms at {@code instant} counting only the late deliveries and tickets before {@code knownBy}: the
     * drivers as they stood at {@code instant} had nothing happened after {@code knownBy}.
     */
    public double[] driverTermsAt(ObservableHazard model, Instant instant, Instant start, Instant knownBy) {
        Instant from = instant.minus(java.time.Duration.ofDays(ObservableHazard.WINDOW_DAYS));
        Instant to = knownBy.isBefore(instant) ? knownBy : instant;
        int late = (int) lateDeliveryTimes.stream().filter(t -> !t.isBefore(from) && t.isBefore(to)).count();
        int tickets = (int) ticketTimes.stream().filter(t -> !t.isBefore(from) && t.isBefore(to)).count();
        int day = (int) java.time.Duration.between(start, instant).toDays();
        return model.terms(features.discountSensitivity(), late, tickets, features.tenureDays() + day - arrivalDay);
    }

    /**
     * The dominant driver ({@link ObservableHazard#dominant}) of the hazard terms averaged over the {@code days} days
     * from {@code cutoff} on, from what had happened by the cutoff: the driver a prediction made at the cutoff for
     * that horizon should name. A late delivery of 25 days before the cutoff counts for the horizon's first 5 days
     * only.
     */
    public String dominantDriverOver(ObservableHazard model, Instant cutoff, int days, Instant start) {
        double[] mean = new double[ObservableHazard.DRIVERS.size()];
        for (int k = 0; k < days; k++) {
            double[] t = driverTermsAt(model, cutoff.plus(java.time.Duration.ofDays(k)), start, cutoff);
            for (int j = 0; j < mean.length; j++) {
                mean[j] += t[j] / days;
            }
        }
        return model.dominant(mean);
    }
}
