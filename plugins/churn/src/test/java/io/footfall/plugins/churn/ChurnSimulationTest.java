package io.footfall.plugins.churn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.result.UserScore;
import io.footfall.simulator.SimulatorConfig;
import io.footfall.simulator.UserTruth;
import io.footfall.testkit.Simulations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On simulated traffic with a planted churn hazard (see docs/simulator.md): 1,500 users over 75 days, about 430,000
 * events, of whom about half churn. The hazard rises with {@code discountSensitivity} (seen in the events as coupon
 * use at checkout) and falls with {@code tenureDays} (seen as the identify trait {@code createdAt}); two more drivers
 * (delivery delay, support tickets) are not observable. The model is trained with the default configuration
 * (14-day no-visit label, weekly cutoffs) and evaluated on the latest cutoff, held out in time.
 */
class ChurnSimulationTest {

    static final SimulatorConfig SIMULATION = SimulatorConfig.builder().seed(Long.getLong("churn.sim.seed", 3)).users(1500).days(75).build();
    static final Instant END = SIMULATION.start().plus(Duration.ofDays(SIMULATION.days()));
    /** The features through which the planted drivers show. */
    static final Set<String> DISCOUNT_FEATURES = Set.of("coupon_rate_90", "discount_share_90", "discounted_orders_share");
    static final String TENURE_FEATURE = "account_age_days";

    /**
     * Least mean log-odds the discount features add for the most over the least discount-sensitive quarter. Measured
     * +0.157 (seed 3), +0.079 (seed 1), +0.081 (seed 7) with the earlier hyper-parameters; with the current ones
     * (lambda 5) +0.168, +0.071, +0.044: the bound was half the smallest of the first three.
     */
    static final double MIN_DISCOUNT_GAP = 0.04;
    /**
     * Least mean log-odds the account age adds for accounts younger than 275 days over those older than 820. Measured
     * +0.844 (seed 3), +0.630 (seed 1), +0.522 (seed 7) with the earlier hyper-parameters; with the current ones
     * +0.640, +0.629, +0.428: the bound is about half the smallest.
     */
    static final double MIN_TENURE_GAP = 0.25;

    static Simulations.Simulation simulation;
    static Histories book;
    static Trainer.Outcome outcome;
    static double trainSeconds;

    @BeforeAll
    static void train() throws Exception {
        simulation = Simulations.run(SIMULATION);
        book = new Histories(id -> null);
        for (BehaviorEvent e : simulation.events()) {
            book.add(e);
        }
        long started = System.nanoTime();
        outcome = Trainer.train(book.touched(), END, TrainingSettings.defaults(), () -> false);
        trainSeconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("churn simulation: %d events, %d people, training %.1f s (%s); %s%n", simulation.events().size(),
                book.touched().size(), trainSeconds, outcome.cutoffs(), outcome.metrics());
    }

    private static boolean planted(UserScore.Reason r) {
        return DISCOUNT_FEATURES.contains(r.feature()) || r.feature().equals(TENURE_FEATURE);
    }

    private static int column(String name) {
        return java.util.Arrays.asList(Feature.columns()).indexOf(name);
    }

    private static double metric(String name) {
        return outcome.metrics().get(name);
    }

    /**
     * Measured (seed 3, 975 test rows at one held-out cutoff): churn ROC-AUC 0.865 vs 0.849 for the logistic
     * baseline; PR-AUC 0.763 vs 0.740 at a positive rate of 0.294; top-decile lift 3.09; Brier 0.127 (base rate:
     * 0.208). Other seeds ({@code -Dchurn.sim.seed=}): 0.857 vs 0.845 (seed 1), 0.842 vs 0.832 (seed 7). The issue
     * asks for ROC-AUC ≥ 0.80 on later cutoffs; the lift bound is what a useful at-risk list needs (bound 2.5).
     * Training and data are seeded, so these numbers repeat exactly.
     */
    @Test
    void churnIsPredictedOnLaterCutoffsBetterThanTheBaseline() {
        assertTrue(metric("churn.roc_auc") >= 0.80, "ROC-AUC " + metric("churn.roc_auc"));
        assertTrue(metric("churn.roc_auc") > metric("churn.baseline.roc_auc"),
                "XGBoost " + metric("churn.roc_auc") + " vs baseline " + metric("churn.baseline.roc_auc"));
        assertTrue(metric("churn.pr_auc") > 2 * metric("churn.positive_rate_test"), "PR-AUC " + metric("churn.pr_auc"));
        assertTrue(metric("churn.lift_top_decile") >= 2.5, "lift " + metric("churn.lift_top_decile"));
        assertTrue(metric("churn.brier") < metric("churn.positive_rate_test") * (1 - metric("churn.positive_rate_test")),
                "calibrated probabilities beat the base rate's Brier score");
        assertTrue(metric("rows_test") >= 500 && metric("cutoffs_train") >= 3, outcome.metrics().toString());
    }

    /**
     * Propensity (an order in the next 14 days) is close to linear in these features, and the logistic baseline is
     * strong. With the default hyper-parameters (depth 3, eta 0.05, min_child_weight 5, lambda 5, chosen with
     * {@link TuningExperiment} on seeds 3, 7 and 1) XGBoost beats it on each seed: 0.790 vs 0.788 (seed 3), 0.746 vs
     * 0.742 (seed 1), 0.748 vs 0.738 (seed 7); with lambda 1 seed 1 was a tie the baseline won by 0.00002, with depth 4,
     * eta 0.1, min_child_weight 1 seed 3 was lost (0.778 vs 0.788; docs/plugins/churn.md, Measured).
     */
    @Test
    void purchasePropensityIsPredictedOnLaterCutoffsBetterThanTheBaseline() {
        assertTrue(metric("propensity.roc_auc") >= 0.72, "ROC-AUC " + metric("propensity.roc_auc"));
        assertTrue(metric("propensity.roc_auc") > metric("propensity.baseline.roc_auc"),
                "XGBoost " + metric("propensity.roc_auc") + " vs baseline " + metric("propensity.baseline.roc_auc"));
    }

    /**
     * The reasons (grouped by cause, see {@link Reasons}) follow the planted drivers: among the users scored at the
     * held-out cutoff, a discount feature is
     * among the top three reasons far more often for the most discount-sensitive quarter than for the least, and the
     * account age far more often for the newest accounts than for the oldest, and the contributions behind them (SHAP,
     * log-odds) are larger. Measured (seed 3): a discount reason for 22.9% of the 118 most sensitive vs 7.1% of the 168
     * least sensitive users (seed 1: 4.2% vs 2.2%, seed 7: 15.9% vs 6.8%, so the bound is only "more often"); an
     * account-age reason for 87.0% of 115 accounts younger than 275 days vs 0% of 159 older than 820 days (seeds 1, 7:
     * 25% and 63% vs 0%); these figures are from single-feature reasons with the earlier hyper-parameters. Now, on
     * seed 3: 67.8% vs 23.8% and 100% vs 0%.
     *
     * <p>Planted churners (those who churn in the 14 days after the cutoff): before reasons were taken relative to the
     * current population, the first reason of 29 of the 54 was the days since first seen — the age of the log for
     * everybody in a simulation where everyone exists from day 0, which added the same +0.14 log-odds to every score
     * at the held-out cutoff — and a planted driver came first for 12 (lambda 1). Relative to the population (see
     * {@link Reasons}), lambda 1: a planted driver first for 22 of 54 (seed 3), 20 of 55 (seed 1), 14 of 44 (seed 7),
     * so the bound is a quarter; the days since first seen first for 1, 2 and 0 (bound: a tenth); lambda 5 (now): 21
     * of 54, 20 of 55, 20 of 44, and 3, 0, 1. The issue asks for 70%: not
     * met, and not reachable on this simulator (docs/plugins/churn.md, Measured and
     * Not done yet: even the hidden drivers given to the model as exact features give 24 of 54).
     */
    @Test
    void reasonsNameThePlantedDrivers() {
        int cutoffDay = (int) (END.toEpochMilli() / 86_400_000L) - 14;
        Instant cutoff = Instant.ofEpochMilli(cutoffDay * 86_400_000L);
        int[] discount = new int[4];
        int[] tenure = new int[4];
        int[] futureChurners = new int[4];
        int historyFirst = 0;
        double[] discountShap = new double[2];
        double[] tenureShap = new double[2];
        java.util.Map<String, Integer> firstGroups = new java.util.TreeMap<>();
        for (UserTruth u : simulation.truth().users()) {
            UserHistory h = u.userId() == null ? null : book.touched().get(u.userId());
            if (h == null || !FeatureExtractor.activeBetween(h, cutoffDay - 30, cutoffDay)) {
                continue;
            }
            float[] f = FeatureExtractor.extract(h, cutoff);
            ModelBundle.Prediction p = outcome.bundle().explain(Trainer.CHURN, new float[][] {f}).get(0);
            List<UserScore.Reason> reasons = Reasons.top(f, p.contributions(), outcome.bundle().reference(Trainer.CHURN), 3);
            boolean discountReason = reasons.stream().anyMatch(r -> DISCOUNT_FEATURES.contains(r.feature()));
            boolean tenureReason = reasons.stream().anyMatch(r -> r.feature().equals(TENURE_FEATURE));
            double discountContribution = 0;
            for (String feature : DISCOUNT_FEATURES) {
                discountContribution += p.contributions()[column(feature)];
            }
            double tenureContribution = p.contributions()[column(TENURE_FEATURE)];
            double sensitivity = u.features().discountSensitivity();
            if (sensitivity >= 0.75) {
                discount[0]++;
                discount[1] += discountReason ? 1 : 0;
                discountShap[0] += discountContribution;
            } else if (sensitivity <= 0.25) {
                discount[2]++;
                discount[3] += discountReason ? 1 : 0;
                discountShap[1] += discountContribution;
            }
            if (u.features().tenureDays() <= 274) {
                tenure[0]++;
                tenure[1] += tenureReason ? 1 : 0;
                tenureShap[0] += tenureContribution;
            } else if (u.features().tenureDays() >= 821) {
                tenure[2]++;
                tenure[3] += tenureReason ? 1 : 0;
                tenureShap[1] += tenureContribution;
            }
            if (u.churned() && !u.churnInstant().isBefore(cutoff) && u.churnInstant().isBefore(cutoff.plus(Duration.ofDays(14)))) {
                futureChurners[0]++;
                futureChurners[1] += discountReason || tenureReason ? 1 : 0;
                futureChurners[2] += !reasons.isEmpty() && planted(reasons.get(0)) ? 1 : 0;
                historyFirst += !reasons.isEmpty() && reasons.get(0).feature().equals("days_since_first_seen") ? 1 : 0;
                firstGroups.merge(reasons.isEmpty() ? "none" : reasons.get(0).feature(), 1, Integer::sum);
                List<UserScore.Reason> single = Reasons.topFeatures(f, p.contributions(), 1);
                futureChurners[3] += !single.isEmpty() && planted(single.get(0)) ? 1 : 0;
            }
        }
        double highDiscount = (double) discount[1] / discount[0];
        double lowDiscount = (double) discount[3] / discount[2];
        double newAccounts = (double) tenure[1] / tenure[0];
        double oldAccounts = (double) tenure[3] / tenure[2];
        System.out.printf("churn reasons: discount reason %.3f of %d sensitive vs %.3f of %d insensitive users; account-age reason"
                        + " %.3f of %d new vs %.3f of %d old accounts; planted churners of the next 14 days: a planted driver in the"
                        + " top 3 for %d of %d, first for %d (ungrouped: %d)%n", highDiscount, discount[0], lowDiscount, discount[2], newAccounts,
                tenure[0], oldAccounts, tenure[2], futureChurners[1], futureChurners[0], futureChurners[2], futureChurners[3]);
        System.out.println("churn reasons: first reason of the planted churners " + firstGroups);
        double discountGap = discountShap[0] / discount[0] - discountShap[1] / discount[2];
        double tenureGap = tenureShap[0] / tenure[0] - tenureShap[1] / tenure[2];
        System.out.printf("churn contributions: discount features %+.3f log-odds more for the sensitive quarter; account age"
                + " %+.3f more for the newest accounts%n", discountGap, tenureGap);
        assertTrue(highDiscount > lowDiscount, "discount reasons: " + highDiscount + " vs " + lowDiscount);
        assertTrue(newAccounts > 2 * oldAccounts, "account-age reasons: " + newAccounts + " vs " + oldAccounts);
        assertTrue(discountGap > MIN_DISCOUNT_GAP, "discount contribution gap " + discountGap);
        assertTrue(tenureGap > MIN_TENURE_GAP, "account-age contribution gap " + tenureGap);
        assertTrue(historyFirst * 10 <= futureChurners[0], "days since first seen first for " + historyFirst + " of "
                + futureChurners[0] + " planted churners: a shift every current user shares is no reason");
        assertTrue(futureChurners[2] * 4 >= futureChurners[0], "a planted driver first for " + futureChurners[2] + " of "
                + futureChurners[0] + " planted churners");
    }
}
