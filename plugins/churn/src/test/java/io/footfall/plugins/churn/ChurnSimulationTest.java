package io.footfall.plugins.churn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.result.UserScore;
import io.footfall.simulator.ChurnDrivers;
import io.footfall.simulator.ObservableHazard;
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
 * On simulated traffic with planted, observable churn drivers ({@link ChurnDrivers#OBSERVABLE}, docs/simulator.md,
 * Churn): 3,000 users over 75 days at 0.5 sessions a day, about 1.4 million events, of whom about half churn. The daily
 * hazard rises with the late deliveries ({@code Order Delivered} with {@code late}) and support tickets ({@code Support
 * Ticket Opened}) of the last 30 days, with discount sensitivity (seen as coupon use at checkout) and for new accounts
 * (seen as the identify trait {@code createdAt}); the ground truth names the driver that dominated each churner's
 * hazard. The model is trained with the default configuration (14-day no-visit label, weekly cutoffs) and evaluated on
 * the latest cutoff, held out in time. Seed {@code -Dchurn.sim.seed=} (default 3; measured on 3, 1, 7, 11, 5 and 13, the
 * simulator's parameters were chosen on seed 11).
 *
 * <p>Experiment knobs (not for CI): {@code -Dchurn.sim.users=}, {@code -Dchurn.sim.sessions=},
 * {@code -Dchurn.sim.hazard=base,βdiscount,βlate30,βtickets30,βnew[,ticketRate,couponBase,couponSlope]}.
 */
class ChurnSimulationTest {

    static final SimulatorConfig SIMULATION = SimulatorConfig.builder().seed(Long.getLong("churn.sim.seed", 3))
            .users(Integer.getInteger("churn.sim.users", 3000)).days(75)
            .sessionsPerUserPerDay(Double.parseDouble(System.getProperty("churn.sim.sessions", "0.5")))
            .churnDrivers(ChurnDrivers.OBSERVABLE).observableHazard(hazard(System.getProperty("churn.sim.hazard"))).build();

    /** {@code -Dchurn.sim.hazard=…} for experiments; default: the simulator's {@link ObservableHazard#DEFAULT}. */
    static ObservableHazard hazard(String spec) {
        ObservableHazard d = ObservableHazard.DEFAULT;
        if (spec == null || spec.isBlank()) {
            return d;
        }
        double[] v = java.util.Arrays.stream(spec.split(",")).mapToDouble(Double::parseDouble).toArray();
        return new ObservableHazard(v[0], v[1], v[2], v[3], v[4], d.lateProbabilityPerDelayDay(), d.maxLateProbability(),
                v.length > 5 ? v[5] : d.ticketRatePerDay(), v.length > 6 ? v[6] : d.couponBase(),
                v.length > 7 ? v[7] : d.couponPerSensitivity());
    }

    static final Instant END = SIMULATION.start().plus(Duration.ofDays(SIMULATION.days()));
    /** The features through which the planted drivers show. */
    static final Set<String> DISCOUNT_FEATURES = Set.of("coupon_rate_90", "discount_share_90", "discounted_orders_share");
    static final String TENURE_FEATURE = "account_age_days";

    /**
     * Least mean log-odds the discount features add for the most over the least discount-sensitive quarter. Measured
     * +0.157 (seed 3), +0.079 (seed 1), +0.081 (seed 7) with the earlier hyper-parameters; with the current ones
     * (lambda 5) +0.168, +0.071, +0.044: the bound was half the smallest of the first three (static-driver simulation).
     * On the observable-driver simulation: +0.223 (seed 3), +0.137 (1), +0.071 (7), +0.078 (11), +0.197 (5), +0.179 (13).
     */
    static final double MIN_DISCOUNT_GAP = 0.04;
    /**
     * Least mean log-odds the account age adds for accounts younger than 275 days over those older than 820. Measured
     * +0.844 (seed 3), +0.630 (seed 1), +0.522 (seed 7) with the earlier hyper-parameters; with the current ones
     * +0.640, +0.629, +0.428: the bound is about half the smallest (static-driver simulation). On the observable-driver
     * simulation: +0.472 (seed 3), +0.489 (1), +0.408 (7), +0.519 (11), +0.703 (5), +0.698 (13).
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

    /** The reason group through which each planted driver of the simulator shows. */
    static final Map<String, String> DRIVER_GROUPS = Map.of("discountSensitivity", "discount", "lateDeliveries30", "delivery",
            "supportTickets30", "support", "newCustomer", "tenure");

    private static String group(UserScore.Reason r) {
        return Reasons.group(Feature.values()[column(r.feature())]);
    }

    private static boolean planted(UserScore.Reason r) {
        return DRIVER_GROUPS.containsValue(group(r)) && !r.feature().equals("days_since_first_seen");
    }

    private static int column(String name) {
        return java.util.Arrays.asList(Feature.columns()).indexOf(name);
    }

    private static double metric(String name) {
        return outcome.metrics().get(name);
    }

    /**
     * Measured (seed 3, 2,156 test rows at one held-out cutoff): churn ROC-AUC 0.944 vs 0.929 for the logistic
     * baseline; PR-AUC 0.924 vs 0.912 at a positive rate of 0.326; top-decile lift 3.06; Brier 0.077 (base rate:
     * 0.220). Other seeds ({@code -Dchurn.sim.seed=}): 0.947 vs 0.936 (seed 1), 0.945 vs 0.935 (seed 7), 0.945 vs
     * 0.928 (seed 11). (On the static-driver simulation before: 0.865 vs 0.849, seed 3.) The issue
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
     * {@link TuningExperiment} on seeds 3, 7 and 1 of the static-driver simulation) XGBoost beats it on each seed of
     * this one: 0.823 vs 0.803 (seed 3), 0.845 vs 0.825 (seed 1), 0.825 vs 0.813 (seed 7), 0.821 vs 0.803 (seed 11).
     * On the static-driver simulation the margins were 0.002–0.011 (docs/plugins/churn.md, Measured).
     */
    @Test
    void purchasePropensityIsPredictedOnLaterCutoffsBetterThanTheBaseline() {
        assertTrue(metric("propensity.roc_auc") >= 0.72, "ROC-AUC " + metric("propensity.roc_auc"));
        assertTrue(metric("propensity.roc_auc") > metric("propensity.baseline.roc_auc"),
                "XGBoost " + metric("propensity.roc_auc") + " vs baseline " + metric("propensity.baseline.roc_auc"));
    }

    /**
     * Session propensity ({@code propensity-label=session}): an order later in the current session, predicted at the
     * session's 5th, 10th and 20th event from the history before the day plus the session's counts so far. Measured
     * ROC-AUC 0.628 (seed 3), 0.623 (1), 0.628 (7), 0.643 (11), 0.630 (5), 0.635 (13); with day features only it was
     * 0.46–0.53. The logistic baseline is as good (0.628–0.649), so only learnability is asserted.
     */
    @Test
    void sessionPropensityIsLearnedFromTheSessionSoFar() throws Exception {
        Trainer.Outcome session = Trainer.train(book.touched(), END, TrainingSettings.defaults().withPropensityLabel(TrainingSettings.SESSION),
                () -> false);
        try (ModelBundle ignored = session.bundle()) {
            Map<String, Double> m = session.metrics();
            System.out.printf("session propensity: ROC-AUC %.3f (baseline %.3f), PR-AUC %.3f (baseline %.3f), positive rate %.3f, %.0f training"
                            + " / %.0f test rows%n", m.get("propensity.roc_auc"), m.get("propensity.baseline.roc_auc"), m.get("propensity.pr_auc"),
                    m.get("propensity.baseline.pr_auc"), m.get("propensity.positive_rate_test"), m.get("propensity.rows_train"),
                    m.get("propensity.rows_test"));
            assertTrue(m.get("propensity.roc_auc") >= 0.60, "in-session propensity is learnable: " + m);
        }
    }

    /**
     * The reasons (grouped by cause, see {@link Reasons}) follow the planted drivers.
     *
     * <p>Among the users scored at the held-out cutoff, a discount reason is among the top three far more often for the
     * most discount-sensitive quarter than for the least, the account age far more often for the newest accounts than
     * for the oldest, and the contributions behind them (SHAP, log-odds) are larger.
     *
     * <p><b>Planted churners</b> (who churn in the 14 days after the cutoff): the issue asks that a planted driver be the
     * first reason for at least 70 % of them. Asserted two ways (docs/plugins/churn.md, Measured):
     * <ul>
     *   <li>any planted driver (a reason of the groups discount, delivery, support or tenure) first: at least 70 %
     *   (measured 79–86 %);</li>
     *   <li>stricter, the churner's own dominant driver first, from the ground truth: the driver whose hazard term rises
     *   most above its reference, averaged over the 14 days from the cutoff and counting only the late deliveries and
     *   tickets that happened before the cutoff ({@link UserTruth#dominantDriverOver}) — what a prediction made at the
     *   cutoff can know: at least 60 % (measured 70–80 % on seeds 3, 1, 7, 11, 5, 13; seed 7 at 70.1 %, too close to
     *   assert 70 %).</li>
     * </ul>
     * Also printed: the dominant driver on the churn day ({@link UserTruth#dominantDriver()}, which may come from a late
     * delivery after the cutoff) and on the cutoff day.
     */
    @Test
    void reasonsNameThePlantedDrivers() {
        int cutoffDay = (int) (END.toEpochMilli() / 86_400_000L) - 14;
        Instant cutoff = Instant.ofEpochMilli(cutoffDay * 86_400_000L);
        ObservableHazard model = SIMULATION.observableHazard();
        int[] discount = new int[4];
        int[] tenure = new int[4];
        double[] discountShap = new double[2];
        double[] tenureShap = new double[2];
        int churners = 0;
        int anyPlantedFirst = 0;
        int horizonFirst = 0;
        int cutoffDayFirst = 0;
        int churnDayFirst = 0;
        int historyFirst = 0;
        Map<String, Integer> firstReasons = new java.util.TreeMap<>();
        Map<String, Integer> byDriver = new java.util.TreeMap<>();
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
            if (!u.churned() || u.churnInstant().isBefore(cutoff) || !u.churnInstant().isBefore(cutoff.plus(Duration.ofDays(14)))) {
                continue;
            }
            churners++;
            String first = reasons.isEmpty() ? "none" : group(reasons.get(0));
            firstReasons.merge(reasons.isEmpty() ? "none" : reasons.get(0).feature(), 1, Integer::sum);
            anyPlantedFirst += !reasons.isEmpty() && planted(reasons.get(0)) ? 1 : 0;
            historyFirst += first.equals("history") ? 1 : 0;
            String overHorizon = u.dominantDriverOver(model, cutoff, 14, SIMULATION.start());
            String onCutoffDay = model.dominant(u.driverTermsAt(model, cutoff, SIMULATION.start()));
            boolean hit = overHorizon != null && DRIVER_GROUPS.get(overHorizon).equals(first);
            horizonFirst += hit ? 1 : 0;
            cutoffDayFirst += onCutoffDay != null && DRIVER_GROUPS.get(onCutoffDay).equals(first) ? 1 : 0;
            churnDayFirst += u.dominantDriver() != null && DRIVER_GROUPS.get(u.dominantDriver()).equals(first) ? 1 : 0;
            byDriver.merge((overHorizon == null ? "none" : DRIVER_GROUPS.get(overHorizon)) + (hit ? "=" : "->") + first, 1,
                    Integer::sum);
        }
        double highDiscount = (double) discount[1] / discount[0];
        double lowDiscount = (double) discount[3] / discount[2];
        double newAccounts = (double) tenure[1] / tenure[0];
        double oldAccounts = (double) tenure[3] / tenure[2];
        System.out.printf("churn reasons: discount reason %.3f of %d sensitive vs %.3f of %d insensitive users; account-age reason"
                        + " %.3f of %d new vs %.3f of %d old accounts%n", highDiscount, discount[0], lowDiscount, discount[2], newAccounts,
                tenure[0], oldAccounts, tenure[2]);
        System.out.printf("churn reasons: of %d planted churners of the next 14 days, a planted driver is the first reason for %d;"
                        + " their dominant driver over the horizon for %d, on the cutoff day for %d, on the churn day for %d%n",
                churners, anyPlantedFirst, horizonFirst, cutoffDayFirst, churnDayFirst);
        System.out.println("churn reasons: dominant driver over the horizon (=: first reason, ->: the first reason instead) " + byDriver);
        System.out.println("churn reasons: first reason of the planted churners " + firstReasons);
        double discountGap = discountShap[0] / discount[0] - discountShap[1] / discount[2];
        double tenureGap = tenureShap[0] / tenure[0] - tenureShap[1] / tenure[2];
        System.out.printf("churn contributions: discount features %+.3f log-odds more for the sensitive quarter; account age"
                + " %+.3f more for the newest accounts%n", discountGap, tenureGap);
        assertTrue(highDiscount > 2 * lowDiscount, "discount reasons: " + highDiscount + " vs " + lowDiscount);
        assertTrue(newAccounts > 2 * oldAccounts, "account-age reasons: " + newAccounts + " vs " + oldAccounts);
        assertTrue(discountGap > MIN_DISCOUNT_GAP, "discount contribution gap " + discountGap);
        assertTrue(tenureGap > MIN_TENURE_GAP, "account-age contribution gap " + tenureGap);
        assertTrue(churners >= 80, "planted churners " + churners);
        assertTrue(historyFirst * 10 <= churners, "days since first seen first for " + historyFirst + " of " + churners
                + " planted churners: a shift every current user shares is no reason");
        assertTrue(anyPlantedFirst >= 0.70 * churners, "a planted driver first for " + anyPlantedFirst + " of " + churners
                + " planted churners (the issue asks for 70 %)");
        assertTrue(horizonFirst >= 0.60 * churners, "the dominant planted driver first for " + horizonFirst + " of " + churners
                + " planted churners");
    }
}
