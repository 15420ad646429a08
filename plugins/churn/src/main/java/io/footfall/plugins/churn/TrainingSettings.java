package io.footfall.plugins.churn;

/**
 * What a training run does, from the plugin's configuration (see {@link ChurnPlugin} for the properties).
 *
 * @param churnLabel        {@code no-visit} or {@code no-purchase}
 * @param horizonDays       N of "in the next N days"
 * @param stepDays          days between two training cutoffs
 * @param cutoffs           how many historical cutoffs at most
 * @param validationCutoffs how many of the latest cutoffs are held out for evaluation
 * @param activeWindowDays  a user is scored at a cutoff when seen in this many days before it
 * @param minHistoryDays    a cutoff needs this many days of log before it
 * @param propensity        also train the purchase-propensity model
 * @param classWeighting    weight positives by negatives/positives (scale_pos_weight), then recalibrate
 * @param threshold         decision threshold; 0 chooses the F1-best threshold on the tuning rows
 * @param maxDepth          XGBoost max_depth
 * @param eta               XGBoost learning rate
 * @param rounds            boosting rounds at most
 * @param earlyStopping     rounds without improvement of the tuning AUC before stopping
 * @param minChildWeight    XGBoost min_child_weight
 * @param subsample         XGBoost subsample
 * @param colsample         XGBoost colsample_bytree
 * @param lambda            XGBoost L2 regularisation
 * @param threads           XGBoost nthread
 * @param seed              XGBoost seed
 * @param coldStartDays     a row first seen fewer days than this before its cutoff counts towards the cold-start priors
 * @param propensityLabel   {@code next-days} (an order in the next N days) or {@code session} (an order during the
 *                          visit of a day, predicted from the history before that day)
 * @param boostFromBaseline boost the trees from the logistic baseline's log-odds (XGBoost {@code base_margin})
 */
record TrainingSettings(String churnLabel, int horizonDays, int stepDays, int cutoffs, int validationCutoffs,
                        int activeWindowDays, int minHistoryDays, boolean propensity, boolean classWeighting,
                        double threshold, int maxDepth, double eta, int rounds, int earlyStopping, double minChildWeight,
                        double subsample, double colsample, double lambda, int threads, int seed, int coldStartDays,
                        String propensityLabel, boolean boostFromBaseline) {

    /** Propensity label: an order in the next N days. */
    static final String NEXT_DAYS = "next-days";
    /** Propensity label: an order during the current session (the visit of a day). */
    static final String SESSION = "session";

    /** True when propensity is "an order during the current session". */
    boolean sessionPropensity() {
        return SESSION.equals(propensityLabel);
    }

    /** A copy with another propensity label. */
    TrainingSettings withPropensityLabel(String label) {
        return new TrainingSettings(churnLabel, horizonDays, stepDays, cutoffs, validationCutoffs, activeWindowDays, minHistoryDays,
                propensity, classWeighting, threshold, maxDepth, eta, rounds, earlyStopping, minChildWeight, subsample, colsample,
                lambda, threads, seed, coldStartDays, label, boostFromBaseline);
    }

    /** A copy with or without boosting from the baseline. */
    TrainingSettings withBoostFromBaseline(boolean boost) {
        return new TrainingSettings(churnLabel, horizonDays, stepDays, cutoffs, validationCutoffs, activeWindowDays, minHistoryDays,
                propensity, classWeighting, threshold, maxDepth, eta, rounds, earlyStopping, minChildWeight, subsample, colsample,
                lambda, threads, seed, coldStartDays, propensityLabel, boost);
    }

    /** The defaults of the config spec. */
    static TrainingSettings defaults() {
        return new TrainingSettings("no-visit", 14, 7, 8, 1, 30, 14, true, true, 0, 3, 0.05, 300, 50, 5, 0.8, 0.8, 5, 2, 42, 7, NEXT_DAYS, false);
    }

    /** A copy with other cutoff settings. */
    TrainingSettings withCutoffs(int horizon, int step, int count, int validation, int minHistory) {
        return new TrainingSettings(churnLabel, horizon, step, count, validation, activeWindowDays, minHistory, propensity,
                classWeighting, threshold, maxDepth, eta, rounds, earlyStopping, minChildWeight, subsample, colsample, lambda,
                threads, seed, coldStartDays, propensityLabel, boostFromBaseline);
    }
}
