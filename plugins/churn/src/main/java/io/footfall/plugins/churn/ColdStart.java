package io.footfall.plugins.churn;

import io.footfall.api.result.UserScore;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scores for people with too little history for the model: the population rate of their lifecycle stage.
 *
 * <p>A person is cold-start at a cutoff when nothing of theirs is known before it, or when they were first seen
 * fewer than {@code cold-start-history} days before it. Their score is then not the model's output but a prior
 * measured at training time: the share of positive labels among the training rows that were themselves cold-start at
 * their cutoff, per lifecycle stage ({@code new_visitor}: no order yet, {@code new_buyer}: has ordered), stored in the
 * model version's metrics as {@code <target>.prior.<stage>}. A stage with fewer than {@value #MIN_ROWS} such rows
 * falls back to the target's positive rate over all training rows. The score always carries the one reason
 * {@code cold_start}, so that the API and operators can tell it from a model score.
 */
final class ColdStart {

    /** The feature name of the cold-start reason. */
    static final String REASON = "cold_start";
    /** Fewest training rows a lifecycle stage needs for a prior of its own. */
    static final int MIN_ROWS = 20;
    /** The lifecycle stages. */
    static final List<String> STAGES = List.of("new_visitor", "new_buyer");

    private ColdStart() {
    }

    /** True when a row with these features has too little history for the model. */
    static boolean is(float[] features, int coldStartDays) {
        float seen = features[Feature.DAYS_SINCE_FIRST_SEEN.ordinal()];
        return Float.isNaN(seen) || seen < coldStartDays;
    }

    /** The lifecycle stage of a cold-start row. */
    static String stage(float[] features) {
        float orders = features[Feature.ORDERS_ALL.ordinal()];
        return !Float.isNaN(orders) && orders > 0 ? "new_buyer" : "new_visitor";
    }

    /** The metric key of a prior. */
    static String key(String target, String stage) {
        return target + ".prior." + stage;
    }

    /**
     * Adds the priors of one target, measured on training rows, to the metrics: {@code <target>.prior.<stage>} and
     * {@code <target>.prior.<stage>.rows}.
     */
    static void measure(String target, List<float[]> rows, boolean[] labels, int coldStartDays, Map<String, Double> metrics) {
        int all = 0;
        int allPositive = 0;
        int[] n = new int[STAGES.size()];
        int[] positive = new int[STAGES.size()];
        for (int i = 0; i < rows.size(); i++) {
            all++;
            allPositive += labels[i] ? 1 : 0;
            float[] f = rows.get(i);
            if (is(f, coldStartDays)) {
                int s = STAGES.indexOf(stage(f));
                n[s]++;
                positive[s] += labels[i] ? 1 : 0;
            }
        }
        double overall = all == 0 ? 0.5 : (double) allPositive / all;
        for (int s = 0; s < STAGES.size(); s++) {
            metrics.put(key(target, STAGES.get(s)), n[s] >= MIN_ROWS ? (double) positive[s] / n[s] : overall);
            metrics.put(key(target, STAGES.get(s)) + ".rows", (double) n[s]);
        }
    }

    /**
     * The prior of a cold-start row from a model version's metrics; a version trained before priors were measured
     * gives the target's training positive rate, else 0.5.
     */
    static double prior(Map<String, Double> metrics, String target, float[] features) {
        Double p = metrics.get(key(target, stage(features)));
        if (p == null || !Double.isFinite(p)) {
            p = metrics.get(target + ".positive_rate_train");
        }
        return p == null || !Double.isFinite(p) ? 0.5 : p;
    }

    /** The reason of a cold-start score, phrased for operators. */
    static UserScore.Reason reason(float[] features) {
        float seen = features[Feature.DAYS_SINCE_FIRST_SEEN.ordinal()];
        String stage = stage(features).equals("new_buyer") ? "new customers who have bought" : "new visitors who have not bought yet";
        String history = Float.isNaN(seen) ? "no history yet"
                : seen < 1 ? "first seen less than a day ago"
                : String.format(Locale.ROOT, "first seen %d day%s ago", (long) Math.floor(seen), Math.floor(seen) == 1 ? "" : "s");
        return new UserScore.Reason(REASON, 0.0, "too little history (" + history + "): the usual rate of " + stage);
    }
}
