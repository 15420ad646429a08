package io.footfall.plugins.churn;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains the churn (and propensity) models by replaying history over several cutoffs.
 *
 * <p>Cutoffs are midnights: the latest is the last midnight at least {@code horizon} days before the run's
 * cutoff (so that its labels are complete), then every {@code step} days back, while at least {@code min-history}
 * days of log precede them. At each cutoff every user seen in the {@code active-window} before it is a row: the
 * features as of the cutoff, the label from the {@code horizon} days after it.
 *
 * <p>Time-based split: the latest {@code validation-cutoffs} cutoffs are the test set. Training uses only cutoffs
 * whose label window ends before the first test cutoff, so no label the model learns from overlaps a test label.
 * Within the training rows a fifth of the users (by a hash of the id) is the tuning set: early stopping watches its
 * log-loss (smoother than its ROC-AUC on few rows), and the decision threshold is the F1-best on it. The metrics are computed on the test set only.
 */
final class Trainer {

    /** Name of the churn target. */
    static final String CHURN = "churn";
    /** Name of the purchase-propensity target. */
    static final String PROPENSITY = "propensity";

    private static final long DAY_MS = 86_400_000L;

    /** Training could not produce a sound model; the message says why, for operators. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    /** Rows of one split. */
    record Rows(List<String> users, List<float[]> features, List<boolean[]> labels) {
        Rows() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }

        int size() {
            return features.size();
        }

        float[][] x() {
            return features.toArray(float[][]::new);
        }

        boolean[] y(int target) {
            boolean[] y = new boolean[labels.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = labels.get(i)[target];
            }
            return y;
        }

        void add(String user, float[] f, boolean[] labels) {
            users.add(user);
            features.add(f);
            this.labels.add(labels);
        }
    }

    /**
     * A trained bundle with its metrics and the test rows (kept to compare with the serving model).
     *
     * @param bundle   the models
     * @param metrics  test metrics per target ({@code churn.roc_auc}, {@code churn.baseline.roc_auc}, …) and sizes
     * @param test     the test rows
     * @param cutoffs  training cutoffs, then test cutoffs, as text
     */
    record Outcome(ModelBundle bundle, Map<String, Double> metrics, Rows test, String cutoffs, Rows sessionTest) {

        /** The test rows of a target (session propensity has rows of its own). */
        Rows test(String target) {
            return PROPENSITY.equals(target) && sessionTest != null ? sessionTest : test;
        }
    }

    private Trainer() {
    }

    /** The label index of a target in {@link Rows#labels()}. */
    static int labelIndex(String target) {
        return CHURN.equals(target) ? 0 : 1;
    }

    /**
     * Trains on histories folded from the events before {@code cutoff}.
     *
     * @throws Refused when history is too short or a split lacks a class
     */
    static Outcome train(Map<String, UserHistory> histories, Instant cutoff, TrainingSettings s, BooleanSupplier cancelled)
            throws Refused {
        int end = (int) Math.floorDiv(cutoff.toEpochMilli(), DAY_MS);
        int firstDay = Integer.MAX_VALUE;
        for (UserHistory h : histories.values()) {
            if (!h.isEmpty()) {
                firstDay = Math.min(firstDay, h.days().firstKey());
            }
        }
        if (firstDay == Integer.MAX_VALUE) {
            throw new Refused("no history before the cutoff " + cutoff);
        }
        List<Integer> cutoffs = new ArrayList<>();
        for (int k = 0, c = end - s.horizonDays(); k < s.cutoffs() && c - firstDay >= Math.max(1, s.minHistoryDays()); k++, c -= s.stepDays()) {
            cutoffs.add(c);
        }
        if (cutoffs.size() <= s.validationCutoffs()) {
            throw new Refused("too little history: " + (end - firstDay) + " days of log before the cutoff give " + cutoffs.size()
                    + " cutoff(s) with " + s.horizonDays() + "-day labels and " + s.minHistoryDays()
                    + " days of history; " + (s.validationCutoffs() + 1) + " or more are needed");
        }
        List<Integer> testCutoffs = cutoffs.subList(0, s.validationCutoffs());
        int firstTest = testCutoffs.get(testCutoffs.size() - 1);
        List<Integer> trainCutoffs = new ArrayList<>();
        for (int c : cutoffs.subList(s.validationCutoffs(), cutoffs.size())) {
            if (c + s.horizonDays() <= firstTest) {
                trainCutoffs.add(c);
            }
        }
        if (trainCutoffs.isEmpty()) {
            throw new Refused("too little history: no training cutoff has its " + s.horizonDays()
                    + "-day label window before the first validation cutoff " + day(firstTest));
        }
        TreeMap<String, UserHistory> sorted = new TreeMap<>(histories);
        Rows fit = new Rows();
        Rows tune = new Rows();
        Rows test = new Rows();
        for (int c : trainCutoffs) {
            rows(sorted, c, s, fit, tune);
        }
        for (int c : testCutoffs) {
            rows(sorted, c, s, test, test);
        }
        if (cancelled.getAsBoolean()) {
            throw new Refused("cancelled");
        }
        if (tune.size() == 0) {
            // too few users for a separate tuning set: tune on the training rows themselves
            tune = fit;
        }
        Rows sessionFit = null;
        Rows sessionTune = null;
        Rows sessionTest = null;
        if (s.propensity() && s.sessionPropensity()) {
            int days = Math.min(s.stepDays(), s.horizonDays());
            sessionFit = new Rows();
            sessionTune = new Rows();
            sessionTest = new Rows();
            for (int c : trainCutoffs) {
                sessionRows(sorted, c, days, sessionFit, sessionTune);
            }
            for (int c : testCutoffs) {
                sessionRows(sorted, c, days, sessionTest, sessionTest);
            }
            if (sessionTune.size() == 0) {
                sessionTune = sessionFit;
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, ModelBundle.Target> targets = new LinkedHashMap<>();
        List<String> names = s.propensity() ? List.of(CHURN, PROPENSITY) : List.of(CHURN);
        try {
            for (String target : names) {
                boolean session = PROPENSITY.equals(target) && sessionFit != null;
                targets.put(target, session ? trainTarget(target, sessionFit, sessionTune, sessionTest, s, metrics)
                        : trainTarget(target, fit, tune, test, s, metrics));
            }
            if (sessionFit != null) {
                metrics.put("propensity.rows_train", (double) sessionFit.size() + (sessionTune == sessionFit ? 0 : sessionTune.size()));
                metrics.put("propensity.rows_test", (double) sessionTest.size());
            }
        } catch (Refused | RuntimeException e) {
            targets.values().forEach(t -> t.booster().dispose());
            throw e;
        }
        metrics.put("rows_train", (double) fit.size() + (tune == fit ? 0 : tune.size()));
        metrics.put("rows_test", (double) test.size());
        metrics.put("cutoffs_train", (double) trainCutoffs.size());
        metrics.put("cutoffs_test", (double) testCutoffs.size());
        StringBuilder text = new StringBuilder();
        trainCutoffs.forEach(c -> text.append(text.length() == 0 ? "" : ",").append(day(c)));
        text.append(" | ");
        testCutoffs.forEach(c -> text.append(day(c)).append(' '));
        return new Outcome(new ModelBundle(targets), metrics, test, text.toString().trim(), sessionTest);
    }

    private static void rows(Map<String, UserHistory> histories, int cutoffDay, TrainingSettings s, Rows main, Rows tuning) {
        Instant cutoff = Instant.ofEpochMilli(cutoffDay * DAY_MS);
        for (Map.Entry<String, UserHistory> e : histories.entrySet()) {
            UserHistory h = e.getValue();
            if (!FeatureExtractor.activeBetween(h, cutoffDay - s.activeWindowDays(), cutoffDay)) {
                continue;
            }
            float[] f = FeatureExtractor.extract(h, cutoff);
            boolean visited = FeatureExtractor.activeBetween(h, cutoffDay, cutoffDay + s.horizonDays());
            boolean ordered = FeatureExtractor.orderedBetween(h, cutoffDay, cutoffDay + s.horizonDays());
            boolean churned = "no-purchase".equals(s.churnLabel()) ? !ordered : !visited;
            Rows into = Math.floorMod(mix(e.getKey()), 5) == 0 ? tuning : main;
            into.add(e.getKey(), f, new boolean[] {churned, ordered});
        }
    }

    /**
     * Rows of the session propensity label: for each day of {@code [cutoffDay, cutoffDay + days)}, every snapshot of a
     * session that started that day (a prediction point: the session's {@link UserHistory#SNAPSHOT_POINTS k-th} event,
     * before any order), with the features as of the day's midnight plus the session's counts up to the point, and the
     * label "an order later in that session".
     */
    private static void sessionRows(Map<String, UserHistory> histories, int cutoffDay, int days, Rows main, Rows tuning) {
        for (int day = cutoffDay; day < cutoffDay + days; day++) {
            Instant midnight = Instant.ofEpochMilli(day * DAY_MS);
            for (Map.Entry<String, UserHistory> e : histories.entrySet()) {
                UserHistory.Day visit = e.getValue().days().get(day);
                if (visit == null || visit.snapshots.length == 0) {
                    continue;
                }
                float[] f = FeatureExtractor.extract(e.getValue(), midnight);
                Rows into = Math.floorMod(mix(e.getKey()), 5) == 0 ? tuning : main;
                for (int i = 0; i < visit.snapshots.length; i += UserHistory.SNAPSHOT_FIELDS) {
                    boolean ordered = visit.snapshots[i + UserHistory.SNAPSHOT_FIELDS - 1] == 1;
                    into.add(e.getKey(), FeatureExtractor.withSession(f, visit.snapshots, i), new boolean[] {ordered, ordered});
                }
            }
        }
    }

    private static int mix(String id) {
        int h = id.hashCode() * 0x9E3779B1;
        return h ^ (h >>> 15);
    }

    private static ModelBundle.Target trainTarget(String target, Rows fit, Rows tune, Rows test, TrainingSettings s,
                                                  Map<String, Double> metrics) throws Refused {
        int label = labelIndex(target);
        boolean[] yFit = fit.y(label);
        boolean[] yTune = tune.y(label);
        boolean[] yTest = test.y(label);
        int positives = count(yFit);
        if (positives == 0 || positives == yFit.length) {
            throw new Refused("single class: all " + yFit.length + " training rows of " + target + " are "
                    + (positives == 0 ? "negative" : "positive"));
        }
        int testPositives = count(yTest);
        if (testPositives == 0 || testPositives == yTest.length) {
            throw new Refused("single class: all " + yTest.length + " validation rows of " + target + " are "
                    + (testPositives == 0 ? "negative" : "positive"));
        }
        float[][] xFit = fit.x();
        float[][] xTune = tune.x();
        float[][] xTest = test.x();
        double weight = s.classWeighting() ? (double) (yFit.length - positives) / positives : 1.0;
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("eval_metric", "logloss");
        params.put("tree_method", "hist");
        params.put("max_depth", s.maxDepth());
        params.put("eta", s.eta());
        params.put("min_child_weight", s.minChildWeight());
        params.put("subsample", s.subsample());
        params.put("colsample_bytree", s.colsample());
        params.put("lambda", s.lambda());
        params.put("nthread", s.threads());
        params.put("seed", s.seed());
        params.put("scale_pos_weight", weight);
        params.put("verbosity", 0);
        LogisticBaseline baseline = LogisticBaseline.fit(xFit, yFit);
        boolean fromBaseline = s.boostFromBaseline();
        Booster booster;
        int trees;
        try {
            DMatrix dFit = matrix(xFit, yFit);
            DMatrix dTune = matrix(xTune, yTune);
            if (fromBaseline) {
                dFit.setBaseMargin(ModelBundle.baselineMargins(baseline, xFit));
                dTune.setBaseMargin(ModelBundle.baselineMargins(baseline, xTune));
            }
            try {
                Map<String, DMatrix> watches = new LinkedHashMap<>();
                watches.put("tune", dTune);
                float[][] history = new float[1][s.rounds()];
                booster = XGBoost.train(dFit, params, s.rounds(), watches, history, null, null, s.earlyStopping());
                String best = booster.getAttr("best_iteration");
                trees = best == null ? booster.getNumBoostedRound() : Integer.parseInt(best.trim()) + 1;
            } finally {
                dFit.dispose();
                dTune.dispose();
            }
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost training failed: " + e.getMessage(), e);
        }
        ModelBundle.Target provisional = new ModelBundle.Target(booster, trees, Math.log(weight), 0.5, baseline, 0.5, fromBaseline);
        ModelBundle one = new ModelBundle(Map.of(target, provisional));
        double threshold = s.threshold() > 0 ? s.threshold() : Evaluation.bestF1Threshold(one.probabilities(target, xTune), yTune);
        double baselineThreshold = s.threshold() > 0 ? s.threshold()
                : Evaluation.bestF1Threshold(one.baselineProbabilities(target, xTune), yTune);
        ModelBundle.Target t = new ModelBundle.Target(booster, trees, Math.log(weight), threshold, baseline, baselineThreshold,
                fromBaseline);
        // reasons are ranked relative to the mean contributions at the latest held-out cutoff (see Reasons)
        t = t.withReference(new ModelBundle(Map.of(target, t)).meanContributions(target, xTest));
        ModelBundle scored = new ModelBundle(Map.of(target, t));
        Evaluation xgb = Evaluation.of(scored.probabilities(target, xTest), yTest, threshold);
        Evaluation lr = Evaluation.of(scored.baselineProbabilities(target, xTest), yTest, baselineThreshold);
        metrics.putAll(xgb.asMap(target + "."));
        metrics.putAll(lr.asMap(target + ".baseline."));
        metrics.put(target + ".positive_rate_test", xgb.positiveRate());
        metrics.put(target + ".positive_rate_train", (double) positives / yFit.length);
        metrics.put(target + ".scale_pos_weight", weight);
        metrics.put(target + ".trees", (double) trees);
        List<float[]> all = new ArrayList<>(fit.features());
        boolean[] yAll = new boolean[fit.size() + (tune == fit ? 0 : tune.size())];
        System.arraycopy(yFit, 0, yAll, 0, yFit.length);
        if (tune != fit) {
            all.addAll(tune.features());
            System.arraycopy(yTune, 0, yAll, yFit.length, yTune.length);
        }
        ColdStart.measure(target, all, yAll, s.coldStartDays(), metrics);
        return t;
    }

    private static DMatrix matrix(float[][] x, boolean[] y) throws XGBoostError {
        DMatrix m = ModelBundle.matrix(x);
        float[] labels = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            labels[i] = y[i] ? 1 : 0;
        }
        m.setLabel(labels);
        return m;
    }

    private static int count(boolean[] y) {
        int n = 0;
        for (boolean b : y) {
            n += b ? 1 : 0;
        }
        return n;
    }

    private static String day(int epochDay) {
        return java.time.LocalDate.ofEpochDay(epochDay).toString();
    }
}
