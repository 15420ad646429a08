package io.footfall.simulator;

import java.time.Instant;
import java.util.Objects;

/**
 * Everything that determines a simulation. The same configuration (including {@link #seed()}) always produces
 * byte-identical output.
 *
 * <p>Start from {@link #defaults()} or {@link #builder()}; change a copy with {@link #toBuilder()}.
 *
 * @param seed                   seed of every random draw
 * @param users                  number of simulated shoppers
 * @param days                   number of simulated days
 * @param start                  instant of the first day's midnight; days are 24 h long, UTC
 * @param products               catalogue size
 * @param categories             number of leaf categories (some hierarchical, like {@code "Shoes/Running"})
 * @param brands                 number of brands
 * @param clusters               number of planted taste clusters (K); needs {@code categories ≥ clusters}
 * @param clusterAffinity        probability that a browsing round picks one of the user's cluster categories
 *                               (otherwise any category, uniformly)
 * @param brandBoost             popularity multiplier of the cluster's preferred brands within a category
 * @param coPurchasePairs        number of planted (A, B) co-purchase pairs
 * @param coPurchaseProbability  probability that adding A to the cart also adds B (so P(B in order | A in
 *                               order) is at least this)
 * @param identifyFraction       fraction of users who have an account and log in ({@code identify}) at some point
 * @param sessionsPerUserPerDay  mean number of sessions per active user and day (per-user rates vary around it)
 * @param hazard                 planted churn model
 * @param newcomerFraction       share of users who are new customers arriving during the run: each arrives on a
 *                               day drawn uniformly from {@code 1..days-1}, emits nothing before it, and has an
 *                               account created that day (tenure 0); the others exist from day 0 (default 0:
 *                               everyone exists from day 0, the output of earlier versions)
 * @param churnDrivers           how churn is driven: {@link ChurnDrivers#STATIC} (default: {@link #hazard()}, static
 *                               covariates, byte-identical to earlier versions) or {@link ChurnDrivers#OBSERVABLE}
 *                               ({@link #observableHazard()}: deliveries and support tickets are emitted as events and
 *                               the hazard follows them)
 * @param observableHazard       the churn model of {@link ChurnDrivers#OBSERVABLE} (ignored otherwise)
 */
public record SimulatorConfig(
        long seed,
        int users,
        int days,
        Instant start,
        int products,
        int categories,
        int brands,
        int clusters,
        double clusterAffinity,
        double brandBoost,
        int coPurchasePairs,
        double coPurchaseProbability,
        double identifyFraction,
        double sessionsPerUserPerDay,
        HazardModel hazard,
        double newcomerFraction,
        ChurnDrivers churnDrivers,
        ObservableHazard observableHazard) {

    /** Default start: 2026-01-01T00:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    public SimulatorConfig {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(hazard, "hazard");
        Objects.requireNonNull(churnDrivers, "churnDrivers");
        Objects.requireNonNull(observableHazard, "observableHazard");
        positive("users", users);
        positive("days", days);
        positive("categories", categories);
        positive("brands", brands);
        positive("clusters", clusters);
        if (clusters > categories) {
            throw new IllegalArgumentException("need at least as many categories as clusters: " + categories
                    + " < " + clusters);
        }
        if (products < categories) {
            throw new IllegalArgumentException("need at least one product per category: " + products);
        }
        if (coPurchasePairs < 0 || 2 * coPurchasePairs > products / 2) {
            throw new IllegalArgumentException("coPurchasePairs must be in [0, products/4]: " + coPurchasePairs);
        }
        probability("clusterAffinity", clusterAffinity);
        probability("coPurchaseProbability", coPurchaseProbability);
        probability("identifyFraction", identifyFraction);
        probability("newcomerFraction", newcomerFraction);
        if (!(brandBoost >= 1.0)) {
            throw new IllegalArgumentException("brandBoost must be >= 1: " + brandBoost);
        }
        if (!(sessionsPerUserPerDay > 0.0 && sessionsPerUserPerDay <= 6.0)) {
            throw new IllegalArgumentException("sessionsPerUserPerDay must be in (0, 6]: " + sessionsPerUserPerDay);
        }
    }

    /** The default configuration: seed 42, 1,000 users, 30 days, 500 products, 4 clusters, 8 planted pairs. */
    public static SimulatorConfig defaults() {
        return builder().build();
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static void probability(String name, double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(name + " must be in [0, 1]: " + value);
        }
    }

    /** Mutable builder of {@link SimulatorConfig}; every setter returns {@code this}. */
    public static final class Builder {
        private long seed = 42L;
        private int users = 1_000;
        private int days = 30;
        private Instant start = DEFAULT_START;
        private int products = 500;
        private int categories = 16;
        private int brands = 40;
        private int clusters = 4;
        private double clusterAffinity = 0.85;
        private double brandBoost = 2.5;
        private int coPurchasePairs = 8;
        private double coPurchaseProbability = 0.7;
        private double identifyFraction = 0.6;
        private double sessionsPerUserPerDay = 0.3;
        private HazardModel hazard = HazardModel.DEFAULT;
        private double newcomerFraction = 0.0;
        private ChurnDrivers churnDrivers = ChurnDrivers.STATIC;
        private ObservableHazard observableHazard = ObservableHazard.DEFAULT;

        private Builder() {
        }

        private Builder(SimulatorConfig c) {
            seed = c.seed;
            users = c.users;
            days = c.days;
            start = c.start;
            products = c.products;
            categories = c.categories;
            brands = c.brands;
            clusters = c.clusters;
            clusterAffinity = c.clusterAffinity;
            brandBoost = c.brandBoost;
            coPurchasePairs = c.coPurchasePairs;
            coPurchaseProbability = c.coPurchaseProbability;
            identifyFraction = c.identifyFraction;
            sessionsPerUserPerDay = c.sessionsPerUserPerDay;
            hazard = c.hazard;
            newcomerFraction = c.newcomerFraction;
            churnDrivers = c.churnDrivers;
            observableHazard = c.observableHazard;
        }

        public Builder seed(long v) { seed = v; return this; }
        public Builder users(int v) { users = v; return this; }
        public Builder days(int v) { days = v; return this; }
        public Builder start(Instant v) { start = v; return this; }
        public Builder products(int v) { products = v; return this; }
        public Builder categories(int v) { categories = v; return this; }
        public Builder brands(int v) { brands = v; return this; }
        public Builder clusters(int v) { clusters = v; return this; }
        public Builder clusterAffinity(double v) { clusterAffinity = v; return this; }
        public Builder brandBoost(double v) { brandBoost = v; return this; }
        public Builder coPurchasePairs(int v) { coPurchasePairs = v; return this; }
        public Builder coPurchaseProbability(double v) { coPurchaseProbability = v; return this; }
        public Builder identifyFraction(double v) { identifyFraction = v; return this; }
        public Builder sessionsPerUserPerDay(double v) { sessionsPerUserPerDay = v; return this; }
        public Builder hazard(HazardModel v) { hazard = v; return this; }
        public Builder newcomerFraction(double v) { newcomerFraction = v; return this; }
        public Builder churnDrivers(ChurnDrivers v) { churnDrivers = v; return this; }
        public Builder observableHazard(ObservableHazard v) { observableHazard = v; return this; }

        /**
         * Builds and validates the configuration.
         *
         * @throws IllegalArgumentException if a value is out of range
         */
        public SimulatorConfig build() {
            return new SimulatorConfig(seed, users, days, start, products, categories, brands, clusters,
                    clusterAffinity, brandBoost, coPurchasePairs, coPurchaseProbability, identifyFraction,
                    sessionsPerUserPerDay, hazard, newcomerFraction, churnDrivers, observableHazard);
        }
    }
}
