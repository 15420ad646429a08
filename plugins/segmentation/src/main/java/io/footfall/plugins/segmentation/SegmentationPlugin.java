package io.footfall.plugins.segmentation;

import io.footfall.api.config.ConfigProperty;
import io.footfall.api.config.ConfigSpec;
import io.footfall.api.config.ConfigType;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.Product;
import io.footfall.api.event.StandardEvent;
import io.footfall.api.plugin.DerivedEvent;
import io.footfall.api.plugin.EventBatch;
import io.footfall.api.plugin.MiningPlugin;
import io.footfall.api.plugin.PluginContext;
import io.footfall.api.plugin.PluginDescriptor;
import io.footfall.api.plugin.PositionedEvent;
import io.footfall.api.plugin.SpiVersion;
import io.footfall.api.plugin.Timer;
import io.footfall.api.plugin.TimerBatch;
import io.footfall.api.plugin.TrainingContext;
import io.footfall.api.plugin.TrainingReport;
import io.footfall.api.plugin.UserRef;
import io.footfall.api.result.ReportTable;
import io.footfall.api.result.Result;
import io.footfall.api.result.ResultType;
import io.footfall.api.result.SegmentMembership;
import io.footfall.api.result.UserScore;
import io.footfall.api.store.StateStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Segments users three ways and keeps the segments current: RFM quintile scores and the eleven named RFM segments
 * (recomputed on training, updated on purchases), real-time rule segments in a small JSON condition language
 * (evaluated on every event, windows expiring as event time passes), and k-means++ behavioural clusters
 * (on training). See {@code docs/plugins/segmentation.md}.
 *
 * <p>Results: a {@link SegmentMembership} per user and segment whose membership changed — {@code member = true}
 * after a "Segment Entered" event in the log, {@code false} after a "Segment Exited" one; a {@link UserScore}
 * {@value #RFM_SCORE} with the R, F and M scores; the {@link ReportTable}s {@value #DEFINITIONS_TABLE} (every
 * segment) and {@value #ERRORS_TABLE} (why the configured rules were rejected, empty when they were accepted). A
 * user's membership history is the {@code Segment Entered}/{@code Segment Exited} events in the log. A batch publishes
 * one membership per user and segment whose membership it changed (entering and leaving within one batch publish
 * nothing), but emits an event for every transition.
 *
 * <p>Per batch the plugin reads the state of all the batch's users with one {@link StateStore#getAll} and, per event,
 * evaluates only the rule segments the event can change (by its type, the counters it matches and the segments whose
 * membership it changed, {@link Rules.Triggers}); a user whose scheduled expiry is due is evaluated in full.
 *
 * <p>Time: "now" is the latest event time seen (deterministic under replay), moved on by training to
 * {@code min(cutoff, clock)} when that is later, so windows expire even when no event arrives.
 *
 * @since 0.1
 */
public final class SegmentationPlugin implements MiningPlugin {

    /** The plugin id. */
    public static final String ID = "segmentation";
    /** The plugin version. */
    public static final String VERSION = "0.5.0";
    /** Config property: the rule segment definitions (JSON). */
    public static final String RULES = "rules";
    /** Config property: the inactivity gap that ends a session. */
    public static final String SESSION_GAP = "session-gap";
    /** Config property: the smallest k tried. */
    public static final String MIN_K = "clusters.min-k";
    /** Config property: the largest k tried. */
    public static final String MAX_K = "clusters.max-k";
    /** Config property: the clustering seed. */
    public static final String SEED = "clusters.seed";
    /** Config property: the product views and cart adds a user needs to be clustered. */
    public static final String MIN_PRODUCT_EVENTS = "clusters.min-product-events";
    /** Config property: the users k-means is fitted on. */
    public static final String FIT_SAMPLE = "clusters.fit-sample";
    /** Config property: the users the silhouette is measured on. */
    public static final String SILHOUETTE_SAMPLE = "clusters.silhouette-sample";
    /** Name of the RFM user score. */
    public static final String RFM_SCORE = "rfm";
    /** Name of the table of segment definitions. */
    public static final String DEFINITIONS_TABLE = "segment-definitions";
    /** Name of the table of rule definition errors. */
    public static final String ERRORS_TABLE = "segment-definition-errors";
    /** Name of the event a user's entering a segment is logged as. */
    public static final String SEGMENT_ENTERED = "Segment Entered";
    /** Name of the event a user's leaving a segment is logged as. */
    public static final String SEGMENT_EXITED = "Segment Exited";
    /** Default rule definitions: none. */
    public static final String NO_RULES = "{\"segments\":[]}";

    static final String USER = "u/";
    /** Keys of the expiry index of versions before 0.4 (read until empty, never written: timers replaced it). */
    static final String EXPIRY = "x/";
    /** Keys of the per-user history tables of versions before 0.2 (no longer written; a replay clears them). */
    static final String HISTORY = "h/";
    static final String META = "g/meta";
    /**
     * Per part ({@link StateStore#partKey}): the log's event time the part's batches reached and the hash of the
     * definitions they evaluated with, written by every batch (the plugin-wide {@link #META} only in sole batches).
     */
    static final String PART_NOW = "g/now";
    static final String ACTIVE_RULES = "g/rules";
    static final String CLUSTERS = "g/clusters";
    /** Users re-evaluated per batch while a definitions change is swept over the population. */
    static final int SWEEP_CHUNK = 500;
    /**
     * "Every key" for {@link StateStore#keys}: not {@link Integer#MAX_VALUE}, which the host adds its pending writes to
     * (an int overflow into a negative SQL LIMIT).
     */
    static final int ALL_KEYS = Integer.MAX_VALUE / 2;

    private static final Set<String> RFM_IDS;

    static {
        Set<String> ids = new TreeSet<>();
        Rfm.SEGMENTS.forEach(s -> ids.add(Rfm.segmentId(s)));
        RFM_IDS = Collections.unmodifiableSet(ids);
    }

    private static final PluginDescriptor DESCRIPTOR = new PluginDescriptor(
            ID,
            VERSION,
            SpiVersion.CURRENT,
            "Segmentation",
            "Segments users by RFM (quintile scores and the eleven named segments), by operator-defined rules evaluated "
                    + "in real time (event counts in time windows, profile comparisons, other segments, AND/OR/NOT), and "
                    + "by k-means++ behavioural clusters described in words.",
            Set.of(),
            Set.of(ResultType.SEGMENT_MEMBERSHIP, ResultType.USER_SCORE, ResultType.REPORT_TABLE),
            ConfigSpec.of(
                    ConfigProperty.of(RULES, ConfigType.STRING, NO_RULES,
                            "Rule segment definitions as a JSON document {\"segments\": [...]} (see docs/plugins/segmentation.md); "
                                    + "an invalid document is refused and the previous definitions stay in force."),
                    ConfigProperty.bounded(SESSION_GAP, ConfigType.DURATION, "PT30M", "PT1M", "P1D",
                            "Inactivity (event time) after which the next event starts a new session."),
                    ConfigProperty.bounded(MIN_K, ConfigType.INT, "2", "2", "30", "Smallest number of behavioural clusters tried."),
                    ConfigProperty.bounded(MAX_K, ConfigType.INT, "8", "2", "30", "Largest number of behavioural clusters tried."),
                    ConfigProperty.of(SEED, ConfigType.LONG, "42", "Seed of k-means++ and of the samples, for reproducible clusters."),
                    ConfigProperty.bounded(MIN_PRODUCT_EVENTS, ConfigType.INT, "5", "1", "10000",
                            "Product views plus cart adds a user needs to be clustered."),
                    ConfigProperty.bounded(FIT_SAMPLE, ConfigType.INT, "20000", "100", "10000000",
                            "Users (a seeded sample) that k-means++ is fitted on; everyone is then assigned to the nearest centroid."),
                    ConfigProperty.bounded(SILHOUETTE_SAMPLE, ConfigType.INT, "1500", "100", "20000",
                            "Users (a seeded sample) the silhouette that chooses k is measured on.")),
            Set.of()).partitionedBy(io.footfall.api.plugin.Partitioning.BY_PERSON);

    private final Object lock = new Object();
    private PluginContext context;
    private volatile Rules rules = Rules.empty();
    /** A hash of the definitions in force (the configured ones, or the previous ones when those were rejected). */
    private volatile long rulesHash = rulesHash("");
    private volatile List<Rules.Error> rulesErrors = List.of();
    private long sessionGap;
    private Clustering.Settings clusterSettings;
    /** Whether the expiry index of versions before 0.4 ({@code x/} keys) may still hold keys; found empty once, it stays so. */
    private volatile boolean legacyExpiry = true;
    /** Sorted user keys of a running sweep (a cache; the cursor is in the meta state; used in sole batches only). */
    private volatile SweepKeys sweepKeys;

    /** The constructor {@link java.util.ServiceLoader} calls. */
    public SegmentationPlugin() {
    }

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    /** Rejects an invalid rules document when an operator sets it, naming each error's JSON pointer. */
    @Override
    public List<io.footfall.api.config.ConfigError> validate(io.footfall.api.config.PluginConfig config) {
        try {
            Rules.parse(config.string(RULES), RFM_IDS);
            return List.of();
        } catch (Rules.InvalidRulesException e) {
            return e.errors().stream()
                    .map(error -> new io.footfall.api.config.ConfigError(RULES,
                            (error.pointer().isEmpty() ? "" : error.pointer() + ": ") + error.message()))
                    .toList();
        }
    }

    @Override
    public void open(PluginContext context) {
        this.context = context;
        this.sessionGap = context.config().duration(SESSION_GAP).toMillis();
        int a = context.config().integer(MIN_K);
        int b = context.config().integer(MAX_K);
        this.clusterSettings = new Clustering.Settings(Math.min(a, b), Math.max(a, b), context.config().longValue(SEED),
                context.config().integer(FIT_SAMPLE), context.config().integer(SILHOUETTE_SAMPLE), 100, 3);
        this.sweepKeys = null;
        this.legacyExpiry = true;
        synchronized (lock) {
            StateStore state = context.state();
            String text = context.config().string(RULES);
            String previous = state.get(ACTIVE_RULES).map(v -> new String(v, StandardCharsets.UTF_8)).orElse(null);
            // every pod opens the plugin after a config change, the one folding it or not: only the active definitions
            // (the same text everywhere) are written here; the sweep they need starts with the folding pod's next batch
            try {
                rules = Rules.parse(text, RFM_IDS);
                rulesErrors = List.of();
                rulesHash = rulesHash(text);
                if (!text.equals(previous)) {
                    state.put(ACTIVE_RULES, text.getBytes(StandardCharsets.UTF_8));
                }
            } catch (Rules.InvalidRulesException e) {
                rulesErrors = e.errors();
                context.log().warn("rule definitions rejected (%s errors, first at %s: %s); the previous definitions stay in force",
                        e.errors().size(), e.errors().get(0).pointer(), e.errors().get(0).message());
                rules = previous == null ? Rules.empty() : Rules.parse(previous, RFM_IDS);
                rulesHash = rulesHash(previous == null ? "" : previous);
            }
            // the same instance is reopened after a config change: the gauges read the fields (registered once by the host)
            context.metrics().gauge("rules.segments", () -> rules.segments().size());
            context.metrics().gauge("rules.errors", () -> rulesErrors.size());
            List<Result> out = new ArrayList<>();
            out.add(errorsTable());
            out.add(definitionsTable(Clusters.load(state)));
            context.results().publish(out);
        }
    }

    @Override
    public void onEvents(EventBatch batch) {
        // no monitor: parts run at once (BY_PERSON); the fields read here change only in open, with the processor stopped
        StateStore state = context.state();
        Meta meta = Meta.load(state);
        // what writes plugin-wide keys or other people's states (a sweep, the old expiry index) waits for a sole
        // batch (SPI 1.10): on several segments the other parts' batches are held off in it; on one, every batch is
        Work w = new Work(state, meta);
        // every user of the batch (and every visitor it identifies) in one read
        Set<String> ids = new HashSet<>();
        for (PositionedEvent positioned : batch.events()) {
            BehaviorEvent event = positioned.event();
            ids.add(event.primaryId());
            if (!isBlank(event.userId()) && !isBlank(event.anonymousId())) {
                ids.add(event.anonymousId());
            }
        }
        w.prefetch(ids);
        for (PositionedEvent positioned : batch.events()) {
            BehaviorEvent event = positioned.event();
            String user = event.primaryId();
            String anonymous = event.anonymousId();
            long at = event.occurredAt().toEpochMilli();
            // "now": the log's event time at this event (SPI 1.8), or training's when that is later
            w.now = Math.max(w.now, positioned.watermark().toEpochMilli());
            boolean stitched = false;
            if (!isBlank(event.userId()) && !isBlank(anonymous) && !anonymous.equals(user)) {
                if (w.exists(anonymous)) {
                    expireDue(w, anonymous, w.user(anonymous), w.now);
                }
                if (w.exists(user)) {
                    expireDue(w, user, w.user(user), w.now);
                }
                stitched = w.stitch(anonymous, user);
            }
            UserState s = w.user(user);
            // what the log's time passed before this event comes first, wherever the batch ends (its timer would
            // have fired at the end of an earlier batch)
            expireDue(w, user, s, w.now);
            s.anonymous = isBlank(event.userId());
            Set<String> matched = new HashSet<>();
            boolean ordered = apply(s, event, matched);
            Set<String> changed = new HashSet<>();
            if (ordered || w.absorbedOrders(user)) {
                changed = rescore(w, user, s, w.now, Math.min(at, w.now));
            }
            // a new user or a merged visitor: every segment; otherwise those the event can change
            boolean full = stitched || s.events == 1;
            Rules.Touch touch = full ? null : new Rules.Touch(matched, event.typeLabel(), event.standardEvent().orElse(null), changed);
            evaluate(w, user, s, w.now, Math.min(at, w.now), touch);
        }
        endCall(w, batch.part());
        context.metrics().count("events", batch.events().size());
    }

    /**
     * The end of a batch call (events or timers): the sole batch's work, the call's writes and results, where the part
     * stands, the meta entry when the sole work changed it, and the call's counts.
     */
    private void endCall(Work w, int part) {
        boolean metaChanged = soleWork(w);
        w.commit();
        w.state.put(StateStore.partKey(PART_NOW, part), new PartNow(w.now, rulesHash).encode());
        if (metaChanged) {
            w.meta.store(w.state);
        }
        context.metrics().count("transitions", w.transitions);
        context.metrics().count("evaluations", w.evaluations);
        context.metrics().count("timed-evaluations", w.timedEvaluations);
    }

    /**
     * What only a sole batch may do (SPI 1.10): a chunk of a sweep over every user, the expiry index of versions before
     * 0.4. Outside one, asks for one when there is such work. True when the meta entry changed.
     */
    private boolean soleWork(Work w) {
        if (!context.soleBatch()) {
            if (sweepPending(w.meta) || legacyExpiryPending(w.state)) {
                context.requestSoleBatch();
            }
            return false;
        }
        context.metrics().count("sole-batches", 1);
        boolean changed = restartSweepOnNewDefinitions(w.state, w.meta);
        expireIndexedBefore04(w);
        return sweep(w) || changed;
    }

    /** Whether the users still need re-evaluating with the definitions in force, or whether that was never recorded. */
    private boolean sweepPending(Meta meta) {
        return meta.rulesHash == null || meta.rulesHash != rulesHash || meta.sweepCursor != null;
    }

    /** Whether the expiry index of versions before 0.4 may still hold keys (it is read in sole batches). */
    private boolean legacyExpiryPending(StateStore state) {
        if (legacyExpiry && state.keys(EXPIRY, 1).isEmpty()) {
            legacyExpiry = false;
        }
        return legacyExpiry;
    }

    /** Where a part's batches stand ({@link #PART_NOW}): the log's event time reached and the definitions evaluated with. */
    record PartNow(long now, long rulesHash) {
        byte[] encode() {
            return java.nio.ByteBuffer.allocate(16).putLong(now).putLong(rulesHash).array();
        }

        static PartNow decode(byte[] bytes) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            return new PartNow(b.getLong(), b.getLong());
        }

        /** Every part's entry. */
        static List<PartNow> all(StateStore state) {
            return state.parts(PART_NOW).values().stream().map(PartNow::decode).toList();
        }
    }

    /** "Now" as the stored state says: the latest of training's and the event time any part's batches reached. */
    static long storedNow(StateStore state) {
        return Math.max(Meta.load(state).watermark, partsNow(state));
    }

    /** The latest event time any part's batches reached (Long.MIN_VALUE before any). */
    private static long partsNow(StateStore state) {
        return PartNow.all(state).stream().mapToLong(PartNow::now).max().orElse(Long.MIN_VALUE);
    }

    /**
     * Re-scores RFM over every user with an order, clusters the users with enough product activity, re-evaluates
     * every rule segment at the new "now" and publishes the changes.
     */
    @Override
    public TrainingReport train(TrainingContext training) {
        StateStore state = context.state();
        // the meta entry and the users' states are the batches' too: rewritten only with the batches held off (SPI 1.4)
        java.util.concurrent.atomic.AtomicReference<TrainingStart> start = new java.util.concurrent.atomic.AtomicReference<>();
        training.exclusively(() -> {
            synchronized (lock) {
                Meta meta = Meta.load(state);
                long until = Math.min(training.cutoff().toEpochMilli(), context.clock().millis());
                // the log's time as the batches of every part reached it, or training's when later
                meta.watermark = Math.max(Math.max(meta.watermark, partsNow(state)), until);
                meta.store(state);
                start.set(new TrainingStart(meta.watermark, state.keys(USER, ALL_KEYS)));
            }
        });
        long now = start.get().now();
        List<String> keys = start.get().userKeys();
        training.progress(0.0, "reading " + keys.size() + " users");
        // 1. read the measures (outside the lock: batches go on; their users are re-read when applying)
        int n = keys.size();
        double[] recency = new double[n];
        double[] frequency = new double[n];
        double[] monetary = new double[n];
        int buyers = 0;
        Map<String, Long> categoryTotals = new HashMap<>();
        List<String> clusterUsers = new ArrayList<>();
        List<UserState> clusterStates = new ArrayList<>();
        int minProduct = context.config().integer(MIN_PRODUCT_EVENTS);
        for (int i = 0; i < n; i++) {
            if (i % 5_000 == 0 && training.cancelled()) {
                return TrainingReport.nothing("cancelled while reading users");
            }
            UserState s = state.get(keys.get(i)).map(UserState::decode).orElse(null);
            if (s == null) {
                continue;
            }
            if (s.orders > 0) {
                recency[buyers] = Math.max(0, now - s.lastOrderAt) / (double) Rules.DAY;
                frequency[buyers] = s.orders;
                monetary[buyers] = s.revenue;
                buyers++;
            }
            if (s.productViews + s.cartAdds >= minProduct) {
                clusterUsers.add(keys.get(i).substring(USER.length()));
                clusterStates.add(s);
                s.categories.forEach((c, v) -> categoryTotals.merge(c, v, Long::sum));
            }
        }
        Rfm.CutPoints cuts = Rfm.CutPoints.of(Arrays.copyOf(recency, buyers), Arrays.copyOf(frequency, buyers), Arrays.copyOf(monetary, buyers));
        training.progress(0.3, "clustering " + clusterUsers.size() + " users");
        // 2. clusters
        List<String> categories = new ArrayList<>(categoryTotals.keySet());
        categories.sort((x, y) -> {
            int c = Long.compare(categoryTotals.get(y), categoryTotals.get(x));
            return c != 0 ? c : x.compareTo(y);
        });
        if (categories.size() > 50) {
            categories = new ArrayList<>(categories.subList(0, 50));
        }
        List<String> names = Clustering.featureNames(categories);
        double[][] raw = new double[clusterStates.size()][];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = Clustering.features(clusterStates.get(i), now, categories);
        }
        clusterStates.clear();
        long started = System.nanoTime();
        Clustering.Outcome outcome = Clustering.run(clusterUsers.toArray(new String[0]), raw, names, clusterSettings);
        double clusterSeconds = (System.nanoTime() - started) / 1e9;
        Map<String, double[]> assignment = new HashMap<>();
        if (outcome != null) {
            for (int i = 0; i < outcome.users().length; i++) {
                assignment.put(outcome.users()[i], new double[] {outcome.cluster()[i], outcome.score()[i]});
            }
        }
        training.progress(0.7, "applying to " + n + " users");
        // 3. apply, a chunk of users at a time, each with the batches held off and committed at once
        int[] changed = {0};
        for (int chunk = 0; chunk < n; chunk += 1_000) {
            int from = chunk;
            training.exclusively(() -> applyChunk(state, keys, from, Math.min(n, from + 1_000), cuts, assignment, changed));
        }
        training.exclusively(() -> {
            synchronized (lock) {
                Clusters clusters = outcome == null ? new Clusters(List.of()) : new Clusters(outcome.clusters());
                clusters.store(state);
                context.results().publish(definitionsTable(clusters));
            }
        });
        training.progress(1.0, "done");
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("users", (double) n);
        metrics.put("rfmScored", (double) buyers);
        metrics.put("clustered", (double) clusterUsers.size());
        metrics.put("k", outcome == null ? 0.0 : outcome.k());
        metrics.put("silhouette", outcome == null ? 0.0 : outcome.silhouette());
        metrics.put("clusterSeconds", clusterSeconds);
        metrics.put("transitions", (double) changed[0]);
        return new TrainingReport(null, metrics, String.format(Locale.ROOT,
                "%d users, %d RFM-scored, %d clustered into k=%d (silhouette %.3f), %d segment transitions",
                n, buyers, clusterUsers.size(), outcome == null ? 0 : outcome.k(), outcome == null ? 0.0 : outcome.silhouette(), changed[0]));
    }

    @Override
    public void close() {
        context = null;
        sweepKeys = null;
    }

    // ------------------------------------------------------------------ folding and evaluation

    /** Folds one event into the user's state, adding the keys of the counters it matched; true when it was an order. */
    private boolean apply(UserState s, BehaviorEvent e, Set<String> matched) {
        long t = e.occurredAt().toEpochMilli();
        if (s.isEmpty()) {
            s.firstSeen = t;
            s.lastSeen = t;
            s.sessions = 1;
            s.sessionStart = t;
        } else if (t - s.lastSeen > sessionGap) {
            s.sessions++;
            s.sessionStart = t;
        } else if (t > s.lastSeen) {
            s.sessionMillis += t - s.lastSeen;
        }
        s.sessionEvents++;
        s.firstSeen = Math.min(s.firstSeen, t);
        s.lastSeen = Math.max(s.lastSeen, t);
        s.events++;
        boolean order = false;
        StandardEvent type = e.standardEvent().orElse(null);
        if (type == StandardEvent.PRODUCT_VIEWED) {
            s.productViews++;
            category(s, e.product());
        } else if (type == StandardEvent.PRODUCT_ADDED) {
            s.cartAdds++;
            category(s, e.product());
        } else if (type == StandardEvent.CHECKOUT_STARTED) {
            s.checkouts++;
        } else if (type == StandardEvent.ORDER_COMPLETED) {
            order = true;
            s.orders++;
            s.lastOrderAt = Math.max(s.lastOrderAt, t);
            if (e.order() != null) {
                s.revenue += e.order().revenueOrDerived().doubleValue();
                for (Product p : e.order().products()) {
                    category(s, p);
                }
            }
        }
        for (Rules.Counter c : rules.countersOf(e.typeLabel())) {
            if (c.matchesProducts(e)) {
                s.count(c.key(), t, c.cap());
                matched.add(c.key());
            }
        }
        return order;
    }

    private static void category(UserState s, Product p) {
        if (p != null && !isBlank(p.category())) {
            s.category(p.category().trim(), 1);
        }
    }

    /** Re-scores a buyer's RFM with the stored cut points and moves the user's RFM segment; returns the RFM segments left or entered. */
    private Set<String> rescore(Work w, String user, UserState s, long now, long at) {
        Set<String> changed = new HashSet<>();
        Rfm.CutPoints cuts = w.meta.cuts;
        int r = 0;
        int f = 0;
        int m = 0;
        String segment = null;
        if (cuts != null && s.orders > 0) {
            r = cuts.r(Math.max(0, now - s.lastOrderAt) / (double) Rules.DAY);
            f = cuts.f(s.orders);
            m = cuts.m(s.revenue);
            segment = Rfm.segmentId(Rfm.segment(r, f, m));
        }
        for (String seg : new ArrayList<>(s.memberships.keySet())) {
            if (seg.startsWith("rfm:") && !seg.equals(segment)) {
                w.transition(user, s, seg, false, 0, at);
                changed.add(seg);
            }
        }
        double score = (r + f + m) / 15.0;
        if (segment != null && !s.memberships.containsKey(segment)) {
            w.transition(user, s, segment, true, score, at);
            changed.add(segment);
        } else if (segment != null) {
            s.memberships.put(segment, score);
        }
        if (r != s.r || f != s.f || m != s.m) {
            s.r = r;
            s.f = f;
            s.m = m;
            if (segment != null) {
                w.results.add(new UserScore(user, RFM_SCORE, 100 * r + 10 * f + m, Rfm.segment(r, f, m), List.of(
                        new UserScore.Reason("recency", r, String.format(Locale.ROOT, "R %d: last order %.0f days ago", r,
                                Math.floor(Math.max(0, now - s.lastOrderAt) / (double) Rules.DAY))),
                        new UserScore.Reason("frequency", f, "F " + f + ": " + s.orders + (s.orders == 1 ? " order" : " orders")),
                        new UserScore.Reason("monetary", m, String.format(Locale.ROOT, "M %d: revenue %.2f", m, s.revenue)))));
            }
        }
        return changed;
    }

    /** Evaluates every rule segment for a user at {@code now}, publishes transitions and reschedules expiry. */
    private void evaluate(Work w, String user, UserState s, long now, long at) {
        evaluate(w, user, s, now, at, null);
    }

    /**
     * Evaluates a user's rule segments at {@code now} — all of them when {@code touch} is null, else those the event
     * can change (the others keep their value: time changes them only at the scheduled expiry, which is not due) —
     * publishes transitions and reschedules the expiry.
     */
    private void evaluate(Work w, String user, UserState s, long now, long at, Rules.Touch touch) {
        Map<String, Boolean> result = rules.evaluate(s, now, s.memberships::containsKey, touch);
        w.evaluations += result.size();
        for (Map.Entry<String, Boolean> e : result.entrySet()) {
            boolean was = s.memberships.containsKey(e.getKey());
            if (was != e.getValue()) {
                w.transition(user, s, e.getKey(), e.getValue(), e.getValue() ? 1.0 : 0.0, at);
            }
        }
        for (String seg : new ArrayList<>(s.memberships.keySet())) {
            if (!seg.startsWith("rfm:") && !seg.startsWith("cluster:") && !rules.has(seg)) {
                w.transition(user, s, seg, false, 0, at); // the definition was removed
            }
        }
        if (touch == null) {
            Set<String> live = new HashSet<>();
            for (Rules.Counter c : rules.counters()) {
                live.add(c.key());
                s.prune(c.key(), now, c.within());
            }
            s.windows.keySet().retainAll(live);
            w.schedule(user, s, rules.nextChange(s, now));
        } else {
            for (Rules.Counter c : rules.countersOf(touch.label())) {
                if (touch.counters().contains(c.key())) {
                    s.prune(c.key(), now, c.within());
                }
            }
            // the segments not evaluated keep their next change, which is not before the scheduled one (not due)
            w.schedule(user, s, Math.min(s.expiryAt, rules.nextChange(s, now, result.keySet())));
        }
    }

    /**
     * Re-evaluates the users whose timers came due (plugin SPI 1.9): a window of theirs ran out or a time comparison
     * changed by the log's event time, which also becomes "now".
     */
    @Override
    public void onTimers(TimerBatch timers) {
        StateStore state = context.state();
        Meta meta = Meta.load(state);
        Work w = new Work(state, meta);
        w.now = Math.max(w.now, timers.watermark().toEpochMilli());
        w.prefetch(timers.due().stream().map(t -> t.user().id()).toList());
        for (Timer timer : timers.due()) {
            String user = timer.user().id();
            if (!w.exists(user)) {
                continue; // stitched into a known user meanwhile (its timer was cleared then) or never stored
            }
            UserState s = w.user(user);
            if (s.expiryAt > w.now && s.expiryAt != Long.MAX_VALUE) {
                // not this state's due time (a visitor who became a user has one timer, under the other kind)
                w.rescheduled.put(user, s);
                continue;
            }
            expireDue(w, user, s, w.now);
        }
        endCall(w, timers.part());
        context.metrics().count("timers", timers.due().size());
    }

    /**
     * Re-evaluates the users whose expiry versions before 0.4 indexed under {@code x/} in the state and that is due: read,
     * never written again (timers replaced the index). An index key whose user has moved its expiry since is dropped.
     * Stops looking once the index is empty.
     */
    private void expireIndexedBefore04(Work w) {
        if (!legacyExpiry) {
            return;
        }
        while (true) {
            List<String> due = w.state.keys(EXPIRY, 256);
            boolean more = false;
            List<String> dueUsers = new ArrayList<>();
            for (String key : due) {
                if (Long.parseLong(key.substring(EXPIRY.length(), EXPIRY.length() + 15)) <= w.now) {
                    dueUsers.add(key.substring(EXPIRY.length() + 16));
                }
            }
            w.prefetch(dueUsers);
            if (due.isEmpty()) {
                legacyExpiry = false;
                return;
            }
            for (String key : due) {
                long at = Long.parseLong(key.substring(EXPIRY.length(), EXPIRY.length() + 15));
                if (at > w.now) {
                    return;
                }
                String user = key.substring(EXPIRY.length() + 16);
                w.state.delete(key);
                more = true;
                if (!w.exists(user) || w.user(user).expiryAt != at) {
                    continue; // the user's expiry moved since (a timer holds it now) or the user is gone
                }
                expireDue(w, user, w.user(user), w.now);
            }
            if (!more || due.size() < 256) {
                return;
            }
        }
    }

    /**
     * Re-evaluates the user at each of its scheduled changes up to {@code now}, in time order, each as of its own time:
     * a window running out at T leaves the segment at T whether the log's time passed T in this batch or an earlier one,
     * so the fold does not depend on where batches end.
     */
    private void expireDue(Work w, String user, UserState s, long now) {
        while (s.expiryAt <= now) {
            long at = s.expiryAt;
            w.schedule(user, s, Long.MAX_VALUE); // evaluate sets the next one
            long before = w.evaluations;
            evaluate(w, user, s, at, at);
            w.timedEvaluations += w.evaluations - before;
            w.evaluations = before;
            if (s.expiryAt <= at) {
                // the rules name no later change (cannot happen: nextChange is after "now"); never loop on one time
                w.schedule(user, s, Long.MAX_VALUE);
                return;
            }
        }
    }

    /** Where a training run starts: its "now" (the moved watermark) and the users known then. */
    private record TrainingStart(long now, List<String> userKeys) {
    }

    /** Training's step 3 for users {@code keys[from, to)}: RFM with the new cut points, the new clusters, the rules. */
    private void applyChunk(StateStore state, List<String> keys, int from, int to, Rfm.CutPoints cuts,
                            Map<String, double[]> assignment, int[] changed) {
        synchronized (lock) {
            Meta meta = Meta.load(state);
            // the batches of every part may have moved the log's time on since the run started
            meta.watermark = Math.max(meta.watermark, partsNow(state));
            meta.cuts = cuts;
            meta.sweepCursor = null;
            sweepKeys = null;
            Work w = new Work(state, meta);
            w.prefetch(keys.subList(from, to).stream().map(k -> k.substring(USER.length())).toList());
            for (int i = from; i < to; i++) {
                String user = keys.get(i).substring(USER.length());
                if (!w.exists(user)) {
                    continue;
                }
                UserState s = w.user(user);
                expireDue(w, user, s, meta.watermark);
                rescore(w, user, s, meta.watermark, meta.watermark);
                double[] a = assignment.get(user);
                String cluster = a == null ? null : "cluster:" + (int) a[0];
                for (String seg : new ArrayList<>(s.memberships.keySet())) {
                    if (seg.startsWith("cluster:") && !seg.equals(cluster)) {
                        w.transition(user, s, seg, false, 0, meta.watermark);
                    }
                }
                if (cluster != null) {
                    Double old = s.memberships.get(cluster);
                    if (old == null) {
                        w.transition(user, s, cluster, true, a[1], meta.watermark);
                    } else {
                        s.memberships.put(cluster, a[1]);
                    }
                }
                evaluate(w, user, s, meta.watermark, meta.watermark);
            }
            changed[0] += w.transitions;
            w.commit();
            meta.store(state);
        }
    }

    /**
     * Definitions other than those the users were evaluated with: every known user is re-evaluated, a chunk per sole
     * batch ({@link #sweep}). Decided in a sole batch, which may write the plugin-wide meta entry, rather than in
     * {@link #open}, which every pod runs. True when the meta entry changed.
     *
     * <p>Before any definitions were recorded (a new plugin, or one folded on several segments whose first batches were
     * not sole), the users need a sweep only when some part's batches evaluated other definitions than those in force.
     */
    private boolean restartSweepOnNewDefinitions(StateStore state, Meta meta) {
        if (meta.rulesHash != null && meta.rulesHash == rulesHash) {
            return false;
        }
        // 0.4 and earlier recorded definitions in the meta entry from the first batch: none means no user yet
        boolean stale = meta.rulesHash != null || PartNow.all(state).stream().anyMatch(p -> p.rulesHash() != rulesHash);
        if (stale && !state.keys(USER, 1).isEmpty()) {
            meta.sweepCursor = "";
            sweepKeys = null;
        }
        meta.rulesHash = rulesHash;
        return true;
    }

    private static long rulesHash(String text) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return java.nio.ByteBuffer.wrap(digest).getLong();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** After a definitions change: re-evaluates the next chunk of users; true when the cursor moved. */
    private boolean sweep(Work w) {
        if (w.meta.sweepCursor == null) {
            return false;
        }
        // the keys this JVM listed are used only where its own previous chunk ended: the chunk before may have run on
        // another instance (sole batches come where the plugin's next events do), with users added since
        SweepKeys cached = sweepKeys;
        List<String> keys = cached != null && cached.rulesHash() == w.meta.rulesHash && cached.after().equals(w.meta.sweepCursor)
                ? cached.keys() : w.state.keys(USER, ALL_KEYS);
        int start = Collections.binarySearch(keys, USER + w.meta.sweepCursor);
        start = start >= 0 ? start + 1 : -start - 1;
        if (w.meta.sweepCursor.isEmpty()) {
            start = 0;
        }
        int end = Math.min(keys.size(), start + SWEEP_CHUNK);
        w.prefetch(keys.subList(start, end).stream().map(k -> k.substring(USER.length())).toList());
        for (int i = start; i < end; i++) {
            String user = keys.get(i).substring(USER.length());
            if (w.exists(user)) {
                expireDue(w, user, w.user(user), w.now);
                evaluate(w, user, w.user(user), w.now, w.now);
            }
            w.meta.sweepCursor = user;
        }
        if (end >= keys.size()) {
            w.meta.sweepCursor = null;
            sweepKeys = null;
        } else {
            sweepKeys = new SweepKeys(w.meta.rulesHash, w.meta.sweepCursor, keys);
        }
        return true;
    }

    /** The sorted user keys a sweep listed, for its next chunk on this JVM: the definitions and where the chunk ended. */
    private record SweepKeys(long rulesHash, String after, List<String> keys) {
    }

    // ------------------------------------------------------------------ tables

    private ReportTable errorsTable() {
        List<List<Object>> rows = new ArrayList<>();
        for (Rules.Error e : rulesErrors) {
            rows.add(List.of(e.pointer().isEmpty() ? "/" : e.pointer(), e.message()));
        }
        return new ReportTable(ERRORS_TABLE, List.of("pointer", "message"), rows);
    }

    private ReportTable definitionsTable(Clusters clusters) {
        List<List<Object>> rows = new ArrayList<>();
        for (String name : Rfm.SEGMENTS) {
            rows.add(List.of(Rfm.segmentId(name), "rfm", name, "RFM segment " + name + " (quintile scores, see the segmentation guide)"));
        }
        for (Rules.Segment s : rules.segments()) {
            rows.add(List.of(s.id(), "rule", s.name(), s.description()));
        }
        for (Clustering.ClusterInfo c : clusters.infos()) {
            rows.add(List.of("cluster:" + c.number(), "cluster", "Cluster " + c.number() + " (" + c.size() + " users)", c.description()));
        }
        return new ReportTable(DEFINITIONS_TABLE, List.of("segment", "kind", "name", "description"), rows);
    }

    // ------------------------------------------------------------------ the state of one batch

    /**
     * Users read at most once per batch (all of a batch's with one {@link #prefetch}), changed in memory, written back
     * at the end; results in order, memberships coalesced per user and segment.
     */
    private final class Work {
        final StateStore state;
        final Meta meta;
        final Map<String, UserState> users = new LinkedHashMap<>();
        final Set<String> missing = new HashSet<>();
        final Set<String> deleted = new TreeSet<>();
        final Set<String> absorbedBuyers = new HashSet<>();
        final List<Result> results = new ArrayList<>();
        /** user + NUL + segment → the latest membership of the batch. */
        final Map<String, SegmentMembership> memberships = new LinkedHashMap<>();
        final List<DerivedEvent> derived = new ArrayList<>();
        int transitions;
        /** Users whose next scheduled change moved in this call: their timers are set at commit. */
        final Map<String, UserState> rescheduled = new LinkedHashMap<>();
        /** Segments evaluated for events, sweeps and training. */
        long evaluations;
        /** Segments evaluated at users' scheduled changes (windows running out, time comparisons). */
        long timedEvaluations;

        /** "Now" of the call: the log's event time as it reaches each event, or training's when that is later. */
        long now;

        Work(StateStore state, Meta meta) {
            this.state = state;
            this.meta = meta;
            this.now = meta.watermark;
        }

        /** Reads the states of the users not read yet, with one query. */
        void prefetch(java.util.Collection<String> ids) {
            Map<String, String> keys = new HashMap<>();
            for (String user : ids) {
                if (!users.containsKey(user) && !missing.contains(user)) {
                    keys.put(USER + user, user);
                }
            }
            if (keys.isEmpty()) {
                return;
            }
            Map<String, byte[]> found = state.getAll(keys.keySet());
            keys.forEach((key, user) -> {
                byte[] bytes = found.get(key);
                if (bytes == null) {
                    missing.add(user);
                } else {
                    users.put(user, UserState.decode(bytes));
                }
            });
        }

        boolean exists(String user) {
            return users.containsKey(user) || (!missing.contains(user) && load(user) != null);
        }

        UserState user(String user) {
            UserState s = users.get(user);
            if (s == null) {
                s = missing.contains(user) ? null : load(user);
                if (s == null) {
                    s = new UserState();
                }
                users.put(user, s);
                deleted.remove(user);
            }
            return s;
        }

        private UserState load(String user) {
            UserState s = state.get(USER + user).map(UserState::decode).orElse(null);
            if (s == null) {
                missing.add(user);
            } else {
                users.put(user, s);
            }
            return s;
        }

        boolean absorbedOrders(String user) {
            return absorbedBuyers.remove(user);
        }

        /** The anonymous visitor's history joins the user; the visitor leaves its segments. True when there was one. */
        boolean stitch(String anonymous, String user) {
            if (!exists(anonymous)) {
                return false;
            }
            UserState visitor = user(anonymous);
            if (visitor.isEmpty()) {
                return false;
            }
            UserState target = user(user);
            target.absorb(visitor);
            if (visitor.orders > 0) {
                absorbedBuyers.add(user);
            }
            for (String seg : new ArrayList<>(visitor.memberships.keySet())) {
                transition(anonymous, visitor, seg, false, 0, now);
            }
            schedule(anonymous, visitor, Long.MAX_VALUE);
            users.remove(anonymous);
            missing.add(anonymous);
            deleted.add(anonymous);
            return true;
        }

        void transition(String user, UserState s, String segment, boolean member, double score, long at) {
            String coalesced = user + '\u0000' + segment;
            if (member) {
                s.memberships.put(segment, score);
            } else {
                s.memberships.remove(segment);
            }
            transitions++;
            memberships.put(coalesced, new SegmentMembership(user, segment, member, score));
            String change = member ? "entered" : "exited";
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("segmentId", segment);
            properties.put("segmentName", segmentName(segment));
            properties.put("segmentKind", segment.startsWith("rfm:") ? "rfm" : segment.startsWith("cluster:") ? "cluster" : "rule");
            if (member) {
                properties.put("score", score);
            }
            // the key names the fact: replaying the plugin emits the same keys, which the log appends only once; a
            // second transition of the same kind within the same millisecond (enter, leave, enter again) is numbered
            int repeat = s.repeatAt(segment + "|" + change, at);
            derived.add(new DerivedEvent(derivedKey(segment, change, at, user, repeat), s.anonymous ? null : user, s.anonymous ? user : null,
                    member ? SEGMENT_ENTERED : SEGMENT_EXITED, Instant.ofEpochMilli(at), properties));
        }

        /**
         * Moves the user's next scheduled change to {@code next} ({@link Long#MAX_VALUE}: none); the user's timer (plugin
         * SPI 1.9) follows at {@link #commit}, once per user and call.
         */
        void schedule(String user, UserState s, long next) {
            if (next == s.expiryAt) {
                return;
            }
            s.expiryAt = next;
            rescheduled.put(user, s);
        }

        void commit() {
            if (!rescheduled.isEmpty()) {
                Map<UserRef, java.util.Optional<Instant>> timers = new LinkedHashMap<>();
                rescheduled.forEach((user, s) -> timers.put(s.anonymous ? UserRef.visitor(user) : UserRef.user(user),
                        s.expiryAt == Long.MAX_VALUE ? java.util.Optional.empty() : java.util.Optional.of(Instant.ofEpochMilli(Math.max(0, s.expiryAt)))));
                context.timers().setAll(timers);
            }
            for (String user : deleted) {
                state.delete(USER + user);
            }
            for (Map.Entry<String, UserState> e : users.entrySet()) {
                if (!e.getValue().isEmpty()) {
                    state.put(USER + e.getKey(), e.getValue().encode());
                }
            }
            // one membership per user and segment the call moved, as it ends: also when it entered and left again within
            // the call, so the latest membership published does not depend on where calls end (segments, batch sizes)
            results.addAll(memberships.values());
            if (!results.isEmpty()) {
                context.results().publish(results);
            }
            if (!derived.isEmpty()) {
                context.events().emit(derived);
            }
        }
    }

    /** The display name of a segment id, as the definitions table shows it. */
    private String segmentName(String segment) {
        if (segment.startsWith("rfm:")) {
            for (String name : Rfm.SEGMENTS) {
                if (Rfm.segmentId(name).equals(segment)) {
                    return name;
                }
            }
        } else if (segment.startsWith("cluster:")) {
            return "Cluster " + segment.substring("cluster:".length());
        } else {
            Rules.Segment r = rules.segment(segment);
            if (r != null) {
                return r.name();
            }
        }
        return segment;
    }

    /** The key of a derived Segment Entered/Exited event: segment, change, event time, user, and the repeat within that millisecond. */
    static String derivedKey(String segment, String change, long at, String user, int repeat) {
        return segment + "|" + change + "|" + at + "|" + user + (repeat == 0 ? "" : "|" + repeat);
    }

    static String expiryKey(long at, String user) {
        // zero-padded to 15 digits, as "%015d" would (without a Formatter per call: one per event in a thread dump)
        String digits = Long.toString(Math.max(0, at));
        return EXPIRY + "0".repeat(Math.max(0, 15 - digits.length())) + digits + "/" + user;
    }

    // ------------------------------------------------------------------ global state

    /**
     * The plugin-wide state: "now" as training last moved it (0.4 and earlier: also the batches' event time), the RFM
     * cut points, the definitions the users were evaluated with and a running sweep's cursor. Written by training's
     * exclusive work and by sole batches only.
     */
    static final class Meta {
        long watermark = Long.MIN_VALUE;
        Rfm.CutPoints cuts;
        String sweepCursor;
        /** The hash of the definitions the users were evaluated with, or a sweep started for; null before any. */
        Long rulesHash;

        static Meta load(StateStore state) {
            Meta m = new Meta();
            state.get(META).ifPresent(bytes -> {
                try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                    m.watermark = in.readLong();
                    if (in.readBoolean()) {
                        m.cuts = new Rfm.CutPoints(read(in), read(in), read(in));
                    }
                    if (in.readBoolean()) {
                        m.sweepCursor = in.readUTF();
                    }
                    // added in plugin 0.3.0: absent from entries stored before
                    if (in.available() > 0 && in.readBoolean()) {
                        m.rulesHash = in.readLong();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("corrupt segmentation meta state", e);
                }
            });
            return m;
        }

        private static double[] read(DataInputStream in) throws IOException {
            double[] q = new double[4];
            for (int i = 0; i < 4; i++) {
                q[i] = in.readDouble();
            }
            return q;
        }

        void store(StateStore state) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeLong(watermark);
                out.writeBoolean(cuts != null);
                if (cuts != null) {
                    for (double[] q : new double[][] {cuts.recency(), cuts.frequency(), cuts.monetary()}) {
                        for (double v : q) {
                            out.writeDouble(v);
                        }
                    }
                }
                out.writeBoolean(sweepCursor != null);
                if (sweepCursor != null) {
                    out.writeUTF(sweepCursor);
                }
                out.writeBoolean(rulesHash != null);
                if (rulesHash != null) {
                    out.writeLong(rulesHash);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            state.put(META, bytes.toByteArray());
        }
    }

    /** The descriptions of the latest clusters. */
    record Clusters(List<Clustering.ClusterInfo> infos) {
        static Clusters load(StateStore state) {
            List<Clustering.ClusterInfo> infos = new ArrayList<>();
            state.get(CLUSTERS).ifPresent(bytes -> {
                try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                    int n = in.readInt();
                    for (int i = 0; i < n; i++) {
                        infos.add(new Clustering.ClusterInfo(in.readInt(), in.readInt(), in.readUTF()));
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("corrupt segmentation cluster state", e);
                }
            });
            return new Clusters(infos);
        }

        void store(StateStore state) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(infos.size());
                for (Clustering.ClusterInfo c : infos) {
                    out.writeInt(c.number());
                    out.writeInt(c.size());
                    out.writeUTF(c.description());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            state.put(CLUSTERS, bytes.toByteArray());
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
