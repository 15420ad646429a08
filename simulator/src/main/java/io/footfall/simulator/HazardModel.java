package io.footfall.simulator;

/**
 * The planted proportional-hazards churn model.
 *
 * <p>Each day {@code d ≥ 1}, a user who has not churned yet churns with probability
 * <pre>
 *   h = min(1, base × exp(β · x))
 *   β · x = betaDiscountSensitivity × discountSensitivity
 *         + betaDeliveryDelayDays   × deliveryDelayDays
 *         + betaSupportTickets      × supportTickets
 *         + betaTenureDays          × tenureDays
 * </pre>
 * A user who churns on day {@code d} churns at the start of that day and emits no event from then on.
 *
 * <p>{@link #DEFAULT}: base 0.004/day, β = (1.6, 0.30, 0.35, −0.0012). With the default feature distributions
 * (see {@link ChurnFeatures}) the median user's hazard is about 0.009/day (mean 0.014), so about 29% of users
 * churn within 30 days; the top discount-sensitivity quartile churns about 2.5 times as often as the bottom one
 * (42% vs 17%), the shortest-tenure quartile about twice as often as the longest (40% vs 18%).
 *
 * @param base                    baseline daily hazard (at x = 0)
 * @param betaDiscountSensitivity coefficient of {@code discountSensitivity} (per unit, range 0..1)
 * @param betaDeliveryDelayDays   coefficient of {@code deliveryDelayDays} (per day of delay)
 * @param betaSupportTickets      coefficient of {@code supportTickets} (per ticket)
 * @param betaTenureDays          coefficient of {@code tenureDays} (per day of tenure; negative: loyal users stay)
 */
public record HazardModel(double base, double betaDiscountSensitivity, double betaDeliveryDelayDays,
                          double betaSupportTickets, double betaTenureDays) {

    /** The default coefficients, documented above. */
    public static final HazardModel DEFAULT = new HazardModel(0.004, 1.6, 0.30, 0.35, -0.0012);

    /** A model in which nobody churns. */
    public static final HazardModel NONE = new HazardModel(0.0, 0.0, 0.0, 0.0, 0.0);

    public HazardModel {
        if (!(base >= 0.0 && base <= 1.0)) {
            throw new IllegalArgumentException("base hazard must be in [0, 1]: " + base);
        }
    }

    /** The coefficients as a vector, ordered as {@link ChurnFeatures#NAMES}. */
    public double[] coefficients() {
        return new double[] {betaDiscountSensitivity, betaDeliveryDelayDays, betaSupportTickets, betaTenureDays};
    }

    /** The linear predictor {@code β · x}. */
    public double linearPredictor(ChurnFeatures x) {
        return betaDiscountSensitivity * x.discountSensitivity()
                + betaDeliveryDelayDays * x.deliveryDelayDays()
                + betaSupportTickets * x.supportTickets()
                + betaTenureDays * x.tenureDays();
    }

    /** The daily churn probability {@code min(1, base × exp(β · x))}. */
    public double dailyHazard(ChurnFeatures x) {
        return Math.min(1.0, base * Math.exp(linearPredictor(x)));
    }
}
