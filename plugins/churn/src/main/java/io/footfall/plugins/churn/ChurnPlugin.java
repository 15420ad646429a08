package io.footfall.plugins.churn;

import io.footfall.api.config.ConfigProperty;
import io.footfall.api.config.ConfigSpec;
import io.footfall.api.config.ConfigType;
import io.footfall.api.config.PluginConfig;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.plugin.EventBatch;
import io.footfall.api.plugin.MiningPlugin;
import io.footfall.api.plugin.PluginContext;
import io.footfall.api.plugin.PluginDescriptor;
import io.footfall.api.plugin.PositionedEvent;
import io.footfall.api.plugin.SpiVersion;
import io.footfall.api.plugin.TrainingContext;
import io.footfall.api.plugin.TrainingReport;
import io.footfall.api.result.Result;
import io.footfall.api.result.ResultType;
import io.footfall.api.result.UserScore;
import io.footfall.api.store.ModelArtifact;
import io.footfall.api.store.ModelStore;
import io.footfall.api.store.ModelVersion;
import io.footfall.api.store.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Churn and purchase propensity per user, with XGBoost, explained.
 *
 * <p><b>Incremental features.</b> Every consumed event (all types) is folded into the person's {@link UserHistory}
 * in the state ({@code u/<user id>} for known users, {@code a/<anonymous id>} for visitors, stitched at login).
 * When a model serves, each batch re-scores the known users it touched, each as of the end of the UTC day of the log's
 * event time at their last event ({@link PositionedEvent#watermark()}, the latest event of anyone up to there), so
 * scores depend on the log only — never on the wall clock, batch sizes or how many segments fold it.
 *
 * <p><b>Folded by person</b> ({@code Partitioning.BY_PERSON}, since 0.2): every state key is one person's history.
 *
 * <p><b>Training</b> ({@link #train}) replays the history before the run's cutoff over several historical cutoffs
 * ({@link Trainer}), trains XGBoost (early stopping, class weighting) and the logistic baseline for churn and, unless
 * switched off, purchase propensity, evaluates both on later cutoffs than it trained on, and saves one model version
 * with the metrics. It promotes the version only if {@code auto-promote} is on, the churn ROC-AUC reaches
 * {@code promote-min-auc}, and it beats the serving version on the same test rows by {@code promote-min-gain}. A
 * scheduled run (the host's training schedule) retrains only when the newest version is older than
 * {@code retrain-after}; every run then re-scores all known users with the serving model as of the cutoff, so that
 * scores of users who went quiet rise.
 *
 * <p><b>Results:</b> {@link UserScore}s named {@value #CHURN_SCORE} and {@value #PROPENSITY_SCORE} per known user:
 * the calibrated probability, a band ({@code high}/{@code medium}/{@code low}) and the top reasons from XGBoost's
 * per-feature contributions, phrased for operators; a {@value #RETENTION_SCORE} score whose band is the retention
 * action the rule table ({@link Retention}) picks from the churn reasons and the customer's value ({@code none} for
 * low risk); a {@value #CONTEXT_SCORE} score (customer value, the model version that scored, cold-start marker) for
 * the churn API; and after each training run the {@value #AT_RISK_TABLE} report table of the riskiest users. A user
 * first seen less than {@code cold-start-history} ago gets the population prior of their lifecycle stage instead of
 * the model's output ({@link ColdStart}).
 *
 * <p>Why one plugin for two models: the host loads one plugin per directory, and both models need the same
 * per-user histories; one plugin keeps one copy of the state, one pass over the log and one native XGBoost library.
 * The price is that both models share one model version (they are promoted and rolled back together).
 *
 * @since 0.1
 */
public final class ChurnPlugin implements MiningPlugin {

    /** The plugin id. */
    public static final String ID = "churn";
    /** The plugin version. */
    public static final String VERSION = "0.2.0";
    /** Name of the churn scores. */
    public static final String CHURN_SCORE = "churn";
    /** Name of the purchase-propensity scores. */
    public static final String PROPENSITY_SCORE = "propensity";

    static final String LABEL = "churn-label";
    static final String HORIZON = "horizon";
    static final String CUTOFF_STEP = "cutoff-step";
    static final String CUTOFFS = "training-cutoffs";
    static final String VALIDATION_CUTOFFS = "validation-cutoffs";
    static final String ACTIVE_WINDOW = "active-window";
    static final String MIN_HISTORY = "min-history";
    static final String PROPENSITY = "propensity";
    static final String CLASS_WEIGHTING = "class-weighting";
    static final String THRESHOLD = "decision-threshold";
    static final String MAX_DEPTH = "xgb.max-depth";
    static final String ETA = "xgb.eta";
    static final String ROUNDS = "xgb.rounds";
    static final String EARLY_STOPPING = "xgb.early-stopping-rounds";
    static final String MIN_CHILD_WEIGHT = "xgb.min-child-weight";
    static final String SUBSAMPLE = "xgb.subsample";
    static final String COLSAMPLE = "xgb.colsample-bytree";
    static final String LAMBDA = "xgb.lambda";
    static final String THREADS = "xgb.nthread";
    static final String SEED = "xgb.seed";
    static final String BAND_HIGH = "risk-band-high";
    static final String BAND_MEDIUM = "risk-band-medium";
    static final String REASONS = "reasons";
    static final String AUTO_PROMOTE = "auto-promote";
    static final String PROMOTE_MIN_AUC = "promote-min-auc";
    static final String PROMOTE_MIN_GAIN = "promote-min-gain";
    static final String RETRAIN_AFTER = "retrain-after";
    static final String RETENTION_RULES = "retention-rules";
    static final String HIGH_VALUE = "high-value";
    static final String AT_RISK_SIZE = "at-risk-size";
    static final String COLD_START = "cold-start-history";
    static final String PROPENSITY_LABEL = "propensity-label";
    static final String BOOST_FROM_BASELINE = "boost-from-baseline";
    /** Name of the per-user context score: customer value, model version, cold-start marker. */
    public static final String CONTEXT_SCORE = "churn-context";
    /** Name of the per-user retention action scores. */
    public static final String RETENTION_SCORE = "retention";
    /** Name of the at-risk report table. */
    public static final String AT_RISK_TABLE = "churn-at-risk";

    static final String USER_PREFIX = "u/";
    static final String VISITOR_PREFIX = "a/";
    private static final int MAX_KEY = 512;
    private static final int SCORE_CHUNK = 500;

    private static final PluginDescriptor DESCRIPTOR = new PluginDescriptor(
            ID,
            VERSION,
            SpiVersion.CURRENT,
            "Churn and purchase propensity",
            "Predicts, for every known user, the probability of churning (no visit, or no purchase, in the next N days) "
                    + "and of buying in the next N days, with XGBoost models trained by replay over historical cutoffs, "
                    + "and explains each score with its top reasons.",
            Set.of(),
            Set.of(ResultType.USER_SCORE, ResultType.REPORT_TABLE),
            ConfigSpec.of(
                    ConfigProperty.choice(LABEL, "no-visit", List.of("no-visit", "no-purchase"),
                            "What churn means: no event at all, or no order, in the horizon after the cutoff."),
                    ConfigProperty.bounded(HORIZON, ConfigType.DURATION, "P14D", "P1D", "P180D",
                            "N of 'in the next N days' for both labels (whole days)."),
                    ConfigProperty.bounded(CUTOFF_STEP, ConfigType.DURATION, "P7D", "P1D", "P90D",
                            "Days between two historical training cutoffs (whole days)."),
                    ConfigProperty.bounded(CUTOFFS, ConfigType.INT, "8", "2", "104",
                            "Historical cutoffs replayed per training run, at most (fewer when history is short)."),
                    ConfigProperty.bounded(VALIDATION_CUTOFFS, ConfigType.INT, "1", "1", "26",
                            "How many of the latest cutoffs are held out to evaluate the model."),
                    ConfigProperty.bounded(ACTIVE_WINDOW, ConfigType.DURATION, "P30D", "P1D", "P365D",
                            "A user is a training row at a cutoff when seen in this window before it."),
                    ConfigProperty.bounded(MIN_HISTORY, ConfigType.DURATION, "P14D", "P1D", "P365D",
                            "Days of log a cutoff needs before it."),
                    ConfigProperty.of(PROPENSITY, ConfigType.BOOLEAN, "true",
                            "Also train and publish purchase propensity (an order in the next N days)."),
                    ConfigProperty.choice(PROPENSITY_LABEL, TrainingSettings.NEXT_DAYS, List.of(TrainingSettings.NEXT_DAYS, TrainingSettings.SESSION),
                            "What propensity means: an order in the next N days, or an order during the current session "
                                    + "(the visit of a day, from the history before that day)."),
                    ConfigProperty.of(CLASS_WEIGHTING, ConfigType.BOOLEAN, "true",
                            "Weight positives by negatives/positives (scale_pos_weight); probabilities are recalibrated."),
                    ConfigProperty.bounded(THRESHOLD, ConfigType.DOUBLE, "0.0", "0.0", "1.0",
                            "Decision threshold for the accuracy/precision/recall/F1 metrics; 0 picks the F1-best on the tuning rows."),
                    ConfigProperty.bounded(MAX_DEPTH, ConfigType.INT, "3", "1", "12", "XGBoost max_depth."),
                    ConfigProperty.bounded(ETA, ConfigType.DOUBLE, "0.05", "0.001", "1.0", "XGBoost learning rate (eta)."),
                    ConfigProperty.bounded(ROUNDS, ConfigType.INT, "300", "1", "5000", "XGBoost boosting rounds at most."),
                    ConfigProperty.bounded(EARLY_STOPPING, ConfigType.INT, "50", "1", "500",
                            "Stop after this many rounds without a better log-loss on the tuning rows."),
                    ConfigProperty.bounded(MIN_CHILD_WEIGHT, ConfigType.DOUBLE, "5.0", "0.0", "100.0", "XGBoost min_child_weight."),
                    ConfigProperty.bounded(SUBSAMPLE, ConfigType.DOUBLE, "0.8", "0.1", "1.0", "XGBoost row subsample per tree."),
                    ConfigProperty.bounded(COLSAMPLE, ConfigType.DOUBLE, "0.8", "0.1", "1.0", "XGBoost column subsample per tree."),
                    ConfigProperty.bounded(LAMBDA, ConfigType.DOUBLE, "5.0", "0.0", "1000.0", "XGBoost L2 regularisation (lambda)."),
                    ConfigProperty.bounded(THREADS, ConfigType.INT, "2", "1", "64", "XGBoost threads (nthread) for training."),
                    ConfigProperty.bounded(SEED, ConfigType.INT, "42", "0", "2147483647", "XGBoost random seed."),
                    ConfigProperty.of(BOOST_FROM_BASELINE, ConfigType.BOOLEAN, "false",
                            "Boost the trees from the logistic baseline's log-odds (base margin): XGBoost then learns what the "
                                    + "linear model misses; reasons add the baseline's per-feature share."),
                    ConfigProperty.bounded(BAND_HIGH, ConfigType.DOUBLE, "0.5", "0.0", "1.0",
                            "Probability from which a score's band is 'high'."),
                    ConfigProperty.bounded(BAND_MEDIUM, ConfigType.DOUBLE, "0.2", "0.0", "1.0",
                            "Probability from which a score's band is 'medium' (below: 'low')."),
                    ConfigProperty.bounded(REASONS, ConfigType.INT, "3", "1", "10", "Reasons given with each score."),
                    ConfigProperty.of(AUTO_PROMOTE, ConfigType.BOOLEAN, "true",
                            "Promote a new version when it is good enough and beats the serving one on the same test rows."),
                    ConfigProperty.bounded(PROMOTE_MIN_AUC, ConfigType.DOUBLE, "0.6", "0.5", "1.0",
                            "Churn ROC-AUC on the held-out cutoffs a version needs for automatic promotion."),
                    ConfigProperty.bounded(PROMOTE_MIN_GAIN, ConfigType.DOUBLE, "0.0", "0.0", "0.5",
                            "ROC-AUC a new version must gain over the serving one (same test rows) for automatic promotion."),
                    ConfigProperty.bounded(RETRAIN_AFTER, ConfigType.DURATION, "PT0S", "PT0S", "P365D",
                            "A training run only re-scores when the newest version is younger than this; PT0S always retrains."),
                    new ConfigProperty(RETENTION_RULES, ConfigType.LIST, Retention.DEFAULT, null, null, List.of(),
                            "Retention rules group:tier:action, tried in order for each reason, strongest first (see the plugin docs)."),
                    ConfigProperty.bounded(HIGH_VALUE, ConfigType.DOUBLE, "200.0", "0.0", "1000000000.0",
                            "Revenue of the last 90 days from which a customer is in the 'high' value tier of the retention rules."),
                    ConfigProperty.bounded(AT_RISK_SIZE, ConfigType.INT, "100", "1", "100000",
                            "Users in the at-risk list published after each training run (highest churn probability first)."),
                    ConfigProperty.bounded(COLD_START, ConfigType.DURATION, "P7D", "PT0S", "P90D",
                            "A user first seen less than this before the scoring time gets a cold-start score (the population "
                                    + "rate of new users of the same lifecycle stage) instead of the model's; PT0S: only users "
                                    + "with no history before it.")),
            Set.of()).partitionedBy(io.footfall.api.plugin.Partitioning.BY_PERSON);

    private PluginContext context;
    private TrainingSettings settings;
    private double bandHigh;
    private double bandMedium;
    private int reasons;
    private Retention retention;
    private double highValue;
    /**
     * Guards {@link #serving}: the host runs {@code train} on a thread of its own while batches keep arriving, and a
     * booster must never be freed while another thread predicts with it.
     */
    private final Object modelLock = new Object();
    private ModelBundle serving;
    private Map<String, Double> servingMetrics = Map.of();
    private boolean servingSessionPropensity;
    private volatile int servingVersion = -1;

    /** The constructor {@link java.util.ServiceLoader} calls. */
    public ChurnPlugin() {
    }

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void open(PluginContext context) {
        this.context = context;
        PluginConfig c = context.config();
        this.settings = new TrainingSettings(c.string(LABEL), days(c.duration(HORIZON)), days(c.duration(CUTOFF_STEP)),
                c.integer(CUTOFFS), c.integer(VALIDATION_CUTOFFS), days(c.duration(ACTIVE_WINDOW)), days(c.duration(MIN_HISTORY)),
                c.bool(PROPENSITY), c.bool(CLASS_WEIGHTING), c.decimal(THRESHOLD), c.integer(MAX_DEPTH), c.decimal(ETA),
                c.integer(ROUNDS), c.integer(EARLY_STOPPING), c.decimal(MIN_CHILD_WEIGHT), c.decimal(SUBSAMPLE),
                c.decimal(COLSAMPLE), c.decimal(LAMBDA), c.integer(THREADS), c.integer(SEED),
                (int) c.duration(COLD_START).toDays(), c.string(PROPENSITY_LABEL), c.bool(BOOST_FROM_BASELINE));
        this.bandHigh = c.decimal(BAND_HIGH);
        this.bandMedium = Math.min(c.decimal(BAND_MEDIUM), bandHigh);
        this.reasons = c.integer(REASONS);
        this.retention = Retention.parse(c.list(RETENTION_RULES));
        this.highValue = c.decimal(HIGH_VALUE);
        synchronized (modelLock) {
            refreshServing();
        }
        context.log().info("churn label %s over %s days; serving model version %s", settings.churnLabel(),
                settings.horizonDays(), servingVersion < 0 ? "none" : servingVersion);
    }

    private static int days(Duration d) {
        return (int) Math.max(1, d.toDays());
    }

    @Override
    public void onEvents(EventBatch batch) {
        StateStore state = context.state();
        Set<String> storedAsUser = new HashSet<>();
        // ids this batch uses as anonymous ids are looked up as visitors first: one state read instead of two
        Set<String> anonymous = new HashSet<>();
        for (PositionedEvent positioned : batch.events()) {
            BehaviorEvent e = positioned.event();
            if (e.anonymousId() != null && !e.anonymousId().isBlank()) {
                anonymous.add(e.anonymousId());
            }
        }
        StateStore stored = io.footfall.api.store.PrefetchedState.of(state, keysOf(batch));
        Histories book = new Histories(id -> load(stored, id, storedAsUser, anonymous.contains(id)));
        // each person is scored as of the log's event time at their last event of the batch: a function of the log,
        // whatever the batch sizes and whichever segment folds the person (SPI 1.8)
        Map<String, Instant> asOf = new HashMap<>();
        for (PositionedEvent positioned : batch.events()) {
            BehaviorEvent e = positioned.event();
            if (e.primaryId().length() + USER_PREFIX.length() > MAX_KEY) {
                continue;
            }
            book.add(e);
            asOf.put(e.primaryId(), positioned.watermark());
        }
        for (String visitor : book.absorbed()) {
            state.delete(VISITOR_PREFIX + visitor);
        }
        Map<String, UserHistory> users = new LinkedHashMap<>();
        for (Map.Entry<String, UserHistory> e : book.touched().entrySet()) {
            boolean user = book.identified().contains(e.getKey()) || storedAsUser.contains(e.getKey());
            state.put((user ? USER_PREFIX : VISITOR_PREFIX) + e.getKey(), e.getValue().encode());
            if (user) {
                if (!storedAsUser.contains(e.getKey())) {
                    state.delete(VISITOR_PREFIX + e.getKey()); // an id first seen as anonymous, now a user id
                }
                users.put(e.getKey(), e.getValue());
            }
        }
        context.metrics().count("events.folded", batch.events().size());
        List<Result> scores = new ArrayList<>();
        synchronized (modelLock) {
            refreshServing();
            if (serving != null && !users.isEmpty()) {
                Map<Instant, Map<String, UserHistory>> byDay = new TreeMap<>();
                users.forEach((id, history) -> byDay.computeIfAbsent(
                        FeatureExtractor.endOfDay(asOf.getOrDefault(id, batch.watermark())), d -> new LinkedHashMap<>()).put(id, history));
                byDay.forEach((day, group) -> scores.addAll(score(group, day)));
            }
        }
        if (!scores.isEmpty()) {
            context.results().publish(scores);
            context.metrics().count("users.scored", users.size());
        }
    }

    /**
     * Every key the batch's fold may read: both histories of each id its events name. Read with one
     * {@link StateStore#getAll} before the fold (which writes nothing until it is done), instead of one query per id:
     * the fold of a 72,207-event log read state 79,475 times, one database round trip each.
     */
    private static Set<String> keysOf(EventBatch batch) {
        Set<String> keys = new HashSet<>();
        for (PositionedEvent positioned : batch.events()) {
            BehaviorEvent e = positioned.event();
            for (String id : new String[] {e.primaryId(), e.userId(), e.anonymousId(), e.previousId()}) {
                if (id != null && !id.isBlank() && id.length() + USER_PREFIX.length() <= MAX_KEY) {
                    keys.add(USER_PREFIX + id);
                    keys.add(VISITOR_PREFIX + id);
                }
            }
        }
        return keys;
    }

    private static UserHistory load(StateStore state, String id, Set<String> storedAsUser, boolean visitorFirst) {
        if (visitorFirst) {
            Optional<byte[]> visitor = state.get(VISITOR_PREFIX + id);
            if (visitor.isPresent()) {
                return UserHistory.decode(visitor.get()); // a/ and u/ of one id never coexist: u/ replaces a/
            }
        }
        Optional<byte[]> user = state.get(USER_PREFIX + id);
        if (user.isPresent()) {
            storedAsUser.add(id);
            return UserHistory.decode(user.get());
        }
        return visitorFirst ? null : state.get(VISITOR_PREFIX + id).map(UserHistory::decode).orElse(null);
    }

    /** Scores of these users as of the cutoff, with reasons, and the retention action of each churn score. */
    List<Result> score(Map<String, UserHistory> users, Instant cutoff) {
        return score(users, cutoff, null);
    }

    private List<Result> score(Map<String, UserHistory> users, Instant cutoff, AtRisk atRisk) {
        List<String> ids = new ArrayList<>(users.keySet());
        float[][] rows = new float[ids.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = FeatureExtractor.extract(users.get(ids.get(i)), cutoff);
        }
        boolean[] cold = new boolean[rows.length];
        List<float[]> warm = new ArrayList<>(rows.length);
        for (int i = 0; i < rows.length; i++) {
            cold[i] = ColdStart.is(rows[i], settings.coldStartDays());
            if (!cold[i]) {
                warm.add(rows[i]);
            }
        }
        List<Result> out = new ArrayList<>(rows.length * 4);
        for (String target : List.of(Trainer.CHURN, Trainer.PROPENSITY)) {
            if (!serving.has(target)) {
                continue;
            }
            float[][] x = rows;
            boolean[] coldX = cold;
            List<float[]> warmX = warm;
            if (Trainer.PROPENSITY.equals(target) && servingSessionPropensity) {
                // an order during today's visit: the history before today plus today's latest session so far
                Instant dayStart = cutoff.minus(Duration.ofDays(1));
                x = new float[rows.length][];
                coldX = new boolean[rows.length];
                warmX = new ArrayList<>(rows.length);
                int day = (int) Math.floorDiv(dayStart.toEpochMilli(), 86_400_000L);
                for (int i = 0; i < rows.length; i++) {
                    UserHistory h = users.get(ids.get(i));
                    x[i] = FeatureExtractor.withSession(FeatureExtractor.extract(h, dayStart), h.currentSession(day), 0);
                    coldX[i] = ColdStart.is(x[i], settings.coldStartDays());
                    if (!coldX[i]) {
                        warmX.add(x[i]);
                    }
                }
            }
            List<ModelBundle.Prediction> predictions = serving.explain(target, warmX.toArray(float[][]::new));
            boolean churn = Trainer.CHURN.equals(target);
            float[] reference = serving.reference(target);
            int next = 0;
            for (int i = 0; i < rows.length; i++) {
                double probability;
                List<UserScore.Reason> why;
                if (coldX[i]) {
                    probability = Math.round(ColdStart.prior(servingMetrics, target, x[i]) * 1e6) / 1e6;
                    why = List.of(ColdStart.reason(x[i]));
                } else {
                    ModelBundle.Prediction p = predictions.get(next++);
                    probability = Math.round(p.probability() * 1e6) / 1e6;
                    why = Reasons.top(x[i], p.contributions(), reference, reasons);
                }
                String band = band(probability);
                out.add(new UserScore(ids.get(i), churn ? CHURN_SCORE : PROPENSITY_SCORE, probability, band, why));
                if (churn) {
                    float value = rows[i][Feature.REVENUE_90.ordinal()];
                    String action = band.equals("low") ? "none" : retention.action(why, value >= highValue);
                    List<UserScore.Reason> trigger = action.equals("none") || why.isEmpty() ? List.of() : List.of(why.get(0));
                    out.add(new UserScore(ids.get(i), RETENTION_SCORE, probability, action, trigger));
                    if (atRisk != null) {
                        atRisk.offer(ids.get(i), probability, band, value, why.isEmpty() ? "" : why.get(0).text(), action);
                    }
                }
            }
        }
        for (int i = 0; i < rows.length; i++) {
            out.add(context(ids.get(i), rows[i], cold[i]));
        }
        return out;
    }

    /** The at-risk list being built: the highest churn probabilities, ties by user id. */
    private static final class AtRisk {
        private final int size;
        private final java.util.PriorityQueue<List<Object>> worst = new java.util.PriorityQueue<>(
                java.util.Comparator.<List<Object>>comparingDouble(r -> (Double) r.get(1))
                        .thenComparing(r -> (String) r.get(0), java.util.Comparator.reverseOrder()));

        AtRisk(int size) {
            this.size = size;
        }

        void offer(String user, double probability, String band, double value, String reason, String action) {
            worst.add(List.of(user, probability, band, Double.isNaN(value) ? 0.0 : Math.round(value * 100) / 100.0, reason, action));
            if (worst.size() > size) {
                worst.poll();
            }
        }

        io.footfall.api.result.ReportTable table() {
            List<List<Object>> rows = new ArrayList<>(worst);
            rows.sort(worst.comparator().reversed());
            return new io.footfall.api.result.ReportTable(AT_RISK_TABLE,
                    List.of("user", "churn", "band", "revenue_90", "top_reason", "action"), rows);
        }
    }

    /**
     * The {@value #CONTEXT_SCORE} score of a user: {@code score} = customer value (revenue of the last 90 days, the
     * value of the retention rules), {@code band} = {@code model} or {@code cold-start}, reasons = facts for the API:
     * {@code model_version} (the serving version that computed the scores, as its contribution) and
     * {@code history_days} (days since first seen; absent when nothing is known before the cutoff).
     */
    private UserScore context(String user, float[] row, boolean cold) {
        float value = row[Feature.REVENUE_90.ordinal()];
        double money = Float.isNaN(value) ? 0 : Math.round(value * 100) / 100.0;
        List<UserScore.Reason> facts = new ArrayList<>(2);
        facts.add(new UserScore.Reason("model_version", servingVersion, "scored by model version " + servingVersion));
        float seen = row[Feature.DAYS_SINCE_FIRST_SEEN.ordinal()];
        if (!Float.isNaN(seen)) {
            facts.add(new UserScore.Reason("history_days", Math.round(seen * 1000) / 1000.0,
                    Reasons.text(Feature.DAYS_SINCE_FIRST_SEEN, seen)));
        }
        return new UserScore(user, CONTEXT_SCORE, money, cold ? "cold-start" : "model", facts);
    }

    private String band(double p) {
        return p >= bandHigh ? "high" : p >= bandMedium ? "medium" : "low";
    }

    /**
     * Loads the serving version when it changed; an unreadable artefact leaves nothing serving (logged). Callers hold
     * {@link #modelLock}.
     */
    private void refreshServing() {
        Optional<ModelVersion> current = context.models().serving();
        int version = current.map(ModelVersion::version).orElse(-1);
        if (version == servingVersion) {
            return;
        }
        ModelBundle loaded = null;
        if (current.isPresent()) {
            Optional<ModelArtifact> artifact = context.models().load(version);
            try {
                loaded = ModelBundle.decode(artifact.orElseThrow(() -> new IllegalArgumentException("artefact missing")).bytes());
            } catch (IllegalArgumentException e) {
                context.log().error("serving model version %s cannot be used, no scores until another is promoted: %s",
                        version, e.getMessage());
            }
        }
        if (serving != null) {
            serving.close();
        }
        serving = loaded;
        servingMetrics = loaded == null ? Map.of() : Map.copyOf(current.get().metrics());
        servingSessionPropensity = loaded != null
                && TrainingSettings.SESSION.equals(current.get().metadata().get("propensity_label"));
        servingVersion = version;
    }

    @Override
    public TrainingReport train(TrainingContext training) {
        Instant cutoff = training.cutoff() != null ? training.cutoff() : context.clock().instant();
        ModelStore models = context.models();
        Map<String, Double> metrics = new LinkedHashMap<>();
        ModelVersion saved = null;
        String summary;
        Duration retrainAfter = context.config().duration(RETRAIN_AFTER);
        Optional<ModelVersion> newest = models.versions().stream().findFirst();
        boolean due = retrainAfter.isZero() || newest.isEmpty()
                || !newest.get().createdAt().plus(retrainAfter).isAfter(context.clock().instant());
        if (due) {
            long started = System.nanoTime();
            Histories book = new Histories(id -> null);
            long[] seen = {0};
            training.progress(0, "replaying history");
            training.history().forEach(null, cutoff, e -> {
                if (e.occurredAt().isBefore(cutoff) && e.primaryId().length() + USER_PREFIX.length() <= MAX_KEY) {
                    book.add(e);
                }
                if (++seen[0] % 200_000 == 0) {
                    training.progress(0.05, "replayed " + seen[0] + " events");
                }
            });
            if (training.cancelled()) {
                return TrainingReport.nothing("cancelled");
            }
            training.progress(0.4, "training on " + book.touched().size() + " people");
            try {
                Trainer.Outcome outcome = Trainer.train(book.touched(), cutoff, settings, training::cancelled);
                metrics.putAll(outcome.metrics());
                metrics.put("train_seconds", (System.nanoTime() - started) / 1e9);
                String decision = promotion(outcome, metrics);
                Map<String, String> metadata = new LinkedHashMap<>();
                metadata.put("cutoff", cutoff.toString());
                metadata.put("cutoffs", outcome.cutoffs());
                metadata.put("churn_label", settings.churnLabel());
                metadata.put("horizon_days", Integer.toString(settings.horizonDays()));
                metadata.put("propensity_label", settings.propensityLabel());
                metadata.put("targets", String.join(",", outcome.bundle().targets().keySet()));
                metadata.put("features", String.join(",", Feature.columns()));
                metadata.put("library", "xgboost4j 3.4.0");
                metadata.put("promotion", decision);
                saved = models.save(new ModelArtifact(outcome.bundle().encode(), metrics, metadata));
                outcome.bundle().close();
                if (decision.startsWith("promoted")) {
                    saved = models.promote(saved.version());
                }
                summary = String.format(java.util.Locale.ROOT, "version %d: churn ROC-AUC %.3f (baseline %.3f)%s; %s",
                        saved.version(), metrics.get("churn.roc_auc"), metrics.get("churn.baseline.roc_auc"),
                        metrics.containsKey("propensity.roc_auc") ? String.format(java.util.Locale.ROOT,
                                ", propensity ROC-AUC %.3f (baseline %.3f)", metrics.get("propensity.roc_auc"),
                                metrics.get("propensity.baseline.roc_auc")) : "", decision);
                context.metrics().time("train", Duration.ofNanos(System.nanoTime() - started));
                context.log().info("trained %s", summary);
            } catch (Trainer.Refused refused) {
                summary = "no model trained: " + refused.getMessage();
                context.log().warn("%s", summary);
            }
        } else {
            summary = "no retraining: version " + newest.get().version() + " is younger than " + retrainAfter;
        }
        boolean hasModel;
        synchronized (modelLock) {
            refreshServing();
            hasModel = serving != null;
        }
        if (hasModel && !training.cancelled()) {
            int scored = rescoreAll(FeatureExtractor.scoringCutoff(cutoff), training);
            metrics.put("users_scored", (double) scored);
            summary += "; re-scored " + scored + " users with version " + servingVersion;
        }
        training.progress(1.0, "done");
        return new TrainingReport(saved, metrics, summary);
    }

    /** Decides on automatic promotion, adding the comparison to the metrics. */
    private String promotion(Trainer.Outcome outcome, Map<String, Double> metrics) {
        synchronized (modelLock) {
            return promotionLocked(outcome, metrics);
        }
    }

    private String promotionLocked(Trainer.Outcome outcome, Map<String, Double> metrics) {
        PluginConfig c = context.config();
        double auc = metrics.get("churn.roc_auc");
        if (!c.bool(AUTO_PROMOTE)) {
            return "saved, not promoted (auto-promote is off)";
        }
        if (auc < c.decimal(PROMOTE_MIN_AUC)) {
            return String.format(java.util.Locale.ROOT, "saved, not promoted: churn ROC-AUC %.3f is below %.3f", auc,
                    c.decimal(PROMOTE_MIN_AUC));
        }
        refreshServing();
        if (serving == null) {
            return "promoted: no usable version was serving";
        }
        double newer = 0;
        double older = 0;
        int compared = 0;
        for (String target : outcome.bundle().targets().keySet()) {
            if (!serving.has(target)) {
                continue;
            }
            boolean[] y = outcome.test(target).y(Trainer.labelIndex(target));
            float[][] x = outcome.test(target).x();
            double old = Evaluation.rocAuc(serving.probabilities(target, x), y);
            metrics.put(target + ".serving_roc_auc", old);
            newer += metrics.get(target + ".roc_auc");
            older += old;
            compared++;
        }
        if (compared == 0) {
            return "promoted: the serving version has none of these targets";
        }
        newer /= compared;
        older /= compared;
        if (newer > older + c.decimal(PROMOTE_MIN_GAIN)) {
            return String.format(java.util.Locale.ROOT, "promoted: ROC-AUC %.4f beats the serving version %d (%.4f) on the same test rows",
                    newer, servingVersion, older);
        }
        return String.format(java.util.Locale.ROOT, "saved, not promoted: ROC-AUC %.4f does not beat the serving version %d (%.4f) by %.4f",
                newer, servingVersion, older, c.decimal(PROMOTE_MIN_GAIN));
    }

    /** Re-scores every known user in the state as of the cutoff, then publishes the at-risk list. */
    private int rescoreAll(Instant cutoff, TrainingContext training) {
        StateStore state = context.state();
        List<String> keys = state.keys(USER_PREFIX, Integer.MAX_VALUE);
        AtRisk atRisk = new AtRisk(context.config().integer(AT_RISK_SIZE));
        int scored = 0;
        for (int from = 0; from < keys.size(); from += SCORE_CHUNK) {
            if (training.cancelled()) {
                break;
            }
            Map<String, UserHistory> chunk = new LinkedHashMap<>();
            for (String key : keys.subList(from, Math.min(keys.size(), from + SCORE_CHUNK))) {
                state.get(key).ifPresent(b -> chunk.put(key.substring(USER_PREFIX.length()), UserHistory.decode(b)));
            }
            List<Result> results;
            synchronized (modelLock) {
                if (serving == null) {
                    break;
                }
                results = score(chunk, cutoff, atRisk);
            }
            context.results().publish(results);
            scored += chunk.size();
            training.progress(0.9 + 0.1 * from / Math.max(1, keys.size()), "re-scored " + scored + " users");
        }
        boolean churn;
        synchronized (modelLock) {
            churn = serving != null && serving.has(Trainer.CHURN);
        }
        if (churn && !training.cancelled()) {
            context.results().publish(atRisk.table());
        }
        context.metrics().count("users.rescored", scored);
        return scored;
    }

    @Override
    public void close() {
        synchronized (modelLock) {
            if (serving != null) {
                serving.close();
                serving = null;
            }
            servingVersion = -1;
        }
    }
}
