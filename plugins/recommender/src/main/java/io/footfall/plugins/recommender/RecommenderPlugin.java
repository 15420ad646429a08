package io.footfall.plugins.recommender;

import io.footfall.api.config.ConfigProperty;
import io.footfall.api.config.ConfigSpec;
import io.footfall.api.config.ConfigType;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.Product;
import io.footfall.api.event.StandardEvent;
import io.footfall.api.plugin.EventBatch;
import io.footfall.api.plugin.MiningPlugin;
import io.footfall.api.plugin.PluginContext;
import io.footfall.api.plugin.PluginDescriptor;
import io.footfall.api.plugin.PositionedEvent;
import io.footfall.api.plugin.ProfileReader;
import io.footfall.api.plugin.ProfileSnapshot;
import io.footfall.api.plugin.SpiVersion;
import io.footfall.api.plugin.TrainingContext;
import io.footfall.api.plugin.TrainingReport;
import io.footfall.api.result.RankedItems;
import io.footfall.api.result.Result;
import io.footfall.api.result.ResultType;
import io.footfall.api.store.ModelArtifact;
import io.footfall.api.store.ModelVersion;
import io.footfall.api.store.StateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Personalised recommendations and similar items.
 *
 * <p><b>Real time</b> ({@code onEvents}): every {@code Product Viewed} (weight 1), {@code Product Added} (3) and
 * purchased line of an {@code Order Completed} (5 per unit) updates, in the state,
 * <ul>
 *   <li>the item's statistics ({@code item/<id>}: category, brand, total weight, decayed popularity);</li>
 *   <li>the top lists of popular items, overall and per category ({@code pop/all}, {@code pop/c/<category>});</li>
 *   <li>item-to-item co-visitation ({@code co/<id>}): the event's weight is added to the pair (item, j) in both
 *       directions for every distinct item j the user touched within {@code covisit-window} before;</li>
 *   <li>the user's recent items and purchases ({@code user/<id>}); the first event carrying both ids moves the
 *       anonymous visitor's history to the user.</li>
 * </ul>
 * The item records and lists are kept in one share per part (the segment that folds the batch, {@link EventBatch#part()})
 * and merged when read, so that the plugin may be folded by person on several segments ({@link Work}).
 * After each batch it publishes {@link RankedItems}: {@value #RECOMMENDED} for each touched user (blended by
 * {@link Blender}, reasons in the list's {@code context}), {@value #PURCHASED} for users who bought, {@value #COVISIT}
 * for each touched item (neighbours by {@code C(i,j) / sqrt(W_i · W_j)}), and {@value #POPULAR} overall
 * ({@code context "all"}) and per touched category ({@code context "category:<name>"}), and {@value #TRENDING}.
 *
 * <p><b>Training</b> reads the history before the cutoff (anonymous events joined to the user they were later seen
 * with), trains EASE (catalogue ≤ {@code ease-max-items}) or iALS (or the {@code model} configured), stores each
 * user's best candidates ({@code rec/<id>}), publishes {@value #SIMILAR} per item and {@value #RECOMMENDED} per
 * user, and saves and promotes a model version with its metrics.
 *
 * <p><b>Cold start</b>: a user without trained candidates gets co-visitation of what they touched, popular items
 * of their categories (their own and the live profile's category weights), then overall popularity.
 */
public final class RecommenderPlugin implements MiningPlugin {

    /** The plugin id. */
    public static final String ID = "recommender";
    /** Users training publishes for at a time: their histories, trained lists and profiles are read together. */
    static final int PROFILE_CHUNK = 1_000;
    /** Per-user recommendations. */
    public static final String RECOMMENDED = "recommended";
    /** Per-user purchased items, newest first (score: purchase time, epoch seconds). */
    public static final String PURCHASED = "purchased";
    /** Per-item similar items of the trained model. */
    public static final String SIMILAR = "similar";
    /** Per-item real-time co-visitation neighbours. */
    public static final String COVISIT = "covisit";
    /** Popular items, overall ({@code context "all"}) and per category ({@code "category:<name>"}). */
    public static final String POPULAR = "popular";
    /**
     * Trending items ({@code context "all"}): the ratio of an item's 1-day rate to its long-run rate, as of the item's
     * latest event (see {@link Decayed#trending}).
     */
    public static final String TRENDING = "trending";
    /** First line of a recommended list's context; each further line is the reason of the item at that rank. */
    public static final String REASONS_HEADER = "reasons";

    static final double VIEW = 1;
    static final double CART = 3;
    static final double PURCHASE = 5;

    private static final PluginDescriptor DESCRIPTOR = new PluginDescriptor(ID, "0.2.0", SpiVersion.CURRENT,
            "Recommender",
            "Recommended for you, similar items and popular items: real-time co-visitation and popularity, EASE or "
                    + "implicit ALS trained on demand, category-based cold start, business rules and explanations.",
            Set.of(StandardEvent.PRODUCT_VIEWED.eventName(), StandardEvent.PRODUCT_ADDED.eventName(),
                    StandardEvent.ORDER_COMPLETED.eventName()),
            Set.of(ResultType.RANKED_ITEMS),
            ConfigSpec.of(
                    ConfigProperty.choice("model", "auto", List.of("auto", "ease", "ials"),
                            "Collaborative model trained: auto picks EASE up to ease-max-items items, iALS above."),
                    ConfigProperty.bounded("ease-max-items", ConfigType.INT, "5000", "1", "20000",
                            "Largest catalogue trained with EASE under auto (memory 16·n² bytes)."),
                    ConfigProperty.bounded("ease-lambda", ConfigType.DOUBLE, "400", "0.001", "1000000",
                            "L2 regularisation of EASE."),
                    ConfigProperty.bounded("ials-factors", ConfigType.INT, "32", "1", "256", "Latent factors of iALS."),
                    ConfigProperty.bounded("ials-iterations", ConfigType.INT, "10", "1", "50", "Alternating rounds of iALS."),
                    ConfigProperty.bounded("ials-lambda", ConfigType.DOUBLE, "30", "0.000001", "10000", "L2 regularisation of iALS."),
                    ConfigProperty.bounded("ials-alpha", ConfigType.DOUBLE, "1", "0", "10000",
                            "Confidence scale of iALS (c = 1 + alpha · weight)."),
                    ConfigProperty.bounded("top-n", ConfigType.INT, "50", "1", "100", "Items in each user's list."),
                    ConfigProperty.bounded("similar-n", ConfigType.INT, "20", "1", "100", "Items in each similar-items list."),
                    ConfigProperty.bounded("max-per-category", ConfigType.INT, "10", "1", "100",
                            "Most items of one category in a user's list."),
                    ConfigProperty.bounded("diversity", ConfigType.DOUBLE, "0.1", "0", "1",
                            "Score penalty per item already listed in the same category (0: none)."),
                    ConfigProperty.bounded("covisit-window", ConfigType.DURATION, "P1D", "PT1M", "P30D",
                            "Items a user touches within this time of each other count as visited together."),
                    ConfigProperty.bounded("half-life", ConfigType.DURATION, "P7D", "PT1H", "P365D",
                            "Half-life of popularity (event time)."),
                    ConfigProperty.of("unavailable-items", ConfigType.LIST, "",
                            "Product ids never recommended (comma-separated).")),
            Set.of()).partitionedBy(io.footfall.api.plugin.Partitioning.BY_PERSON);

    private PluginContext context;
    private Settings settings;

    /** The constructor {@link java.util.ServiceLoader} calls. */
    public RecommenderPlugin() {
    }

    /** Validated configuration. */
    record Settings(String model, int easeMaxItems, double easeLambda, int ialsFactors, int ialsIterations,
                    double ialsLambda, double ialsAlpha, int topN, int similarN, int maxPerCategory, double diversity,
                    Duration window, Duration halfLife, Set<String> unavailable) {
    }

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void open(PluginContext context) {
        this.context = context;
        var c = context.config();
        settings = new Settings(c.string("model"), c.integer("ease-max-items"), c.decimal("ease-lambda"),
                c.integer("ials-factors"), c.integer("ials-iterations"), c.decimal("ials-lambda"), c.decimal("ials-alpha"),
                c.integer("top-n"), c.integer("similar-n"), c.integer("max-per-category"), c.decimal("diversity"),
                c.duration("covisit-window"), c.duration("half-life"), new HashSet<>(c.list("unavailable-items")));
    }

    @Override
    public void close() {
        context = null;
    }

    // ------------------------------------------------------------------------------------------------ real time

    @Override
    public void onEvents(EventBatch batch) {
        Work w = Work.forPart(context.state(), batch.part(), settings.halfLife());
        w.prefetchFor(batch.events());
        Set<String> touchedUsers = new TreeSet<>();
        Set<String> buyers = new TreeSet<>();
        Set<String> touchedItems = new TreeSet<>();
        Set<String> touchedCategories = new TreeSet<>();
        long now = Long.MIN_VALUE;
        for (PositionedEvent pe : batch.events()) {
            BehaviorEvent e = pe.event();
            String user = e.primaryId();
            String anon = e.anonymousId();
            if (e.userId() != null && !e.userId().isBlank() && anon != null && !anon.isBlank() && !anon.equals(user)) {
                UserHistory old = w.userIfPresent(anon);
                if (old != null) {
                    w.user(user).merge(old);
                    w.deleteUser(anon);
                    touchedUsers.add(anon);
                }
            }
            long t = e.occurredAt().toEpochMilli();
            now = Math.max(now, t);
            for (Touch touch : touches(e)) {
                touchedUsers.add(user);
                touchedItems.add(touch.item());
                ItemStats share = w.share(touch.item());
                if (touch.category() != null) {
                    share.category = touch.category();
                }
                if (touch.brand() != null) {
                    share.brand = touch.brand();
                }
                share.add(touch.weight(), t, settings.halfLife());
                ItemStats stats = w.item(touch.item());
                double rank = stats.popularityRank(settings.halfLife());
                w.list("pop/all", 200).set(touch.item(), rank);
                w.list("trend/all", 200).set(touch.item(), round(stats.trending(t, settings.halfLife())), Long.toString(t));
                if (stats.category != null) {
                    touchedCategories.add(stats.category);
                    w.list("pop/c/" + stats.category, 100).set(touch.item(), rank);
                }
                UserHistory h = w.user(user);
                for (UserHistory.Entry prior : h.recent) {
                    if (!prior.item().equals(touch.item()) && t - prior.time() <= settings.window().toMillis()) {
                        w.list("co/" + touch.item(), 100).add(prior.item(), touch.weight());
                        w.list("co/" + prior.item(), 100).add(touch.item(), touch.weight());
                        touchedItems.add(prior.item());
                    }
                }
                h.add(touch.item(), stats.category, touch.weight(), t);
                if (touch.weight() == PURCHASE) {
                    h.purchased(touch.item());
                    buyers.add(user);
                }
            }
        }
        w.prefetchForResults(touchedItems, touchedUsers);
        // the profiles of the users whose lists are published (those with a history), with one read
        w.prefetchProfiles(context.profiles(), touchedUsers.stream().filter(u -> w.userIfPresent(u) != null).toList());
        List<Result> results = new ArrayList<>();
        for (String item : touchedItems) {
            results.add(new RankedItems(COVISIT, null, item, covisit(w, item, settings.similarN())));
        }
        for (String user : touchedUsers) {
            UserHistory h = w.userIfPresent(user);
            results.add(h == null ? new RankedItems(RECOMMENDED, user, REASONS_HEADER, List.of()) : recommended(w, user, h));
        }
        for (String user : buyers) {
            results.add(purchased(user, w.user(user)));
        }
        if (!touchedItems.isEmpty()) {
            results.add(popular(w, "pop/all", "all"));
            List<RankedItems.ScoredItem> trending = new ArrayList<>();
            for (Map.Entry<String, Double> e : w.merged("trend/all", ScoredList.Merge.LATEST).top(settings.topN())) {
                trending.add(new RankedItems.ScoredItem(e.getKey(), e.getValue()));
            }
            results.add(new RankedItems(TRENDING, null, "all", trending));
        }
        for (String category : touchedCategories) {
            results.add(popular(w, "pop/c/" + category, "category:" + category));
        }
        w.commit();
        if (!results.isEmpty()) {
            context.results().publish(results);
        }
        context.metrics().count("events", batch.events().size());
        context.metrics().count("users.updated", touchedUsers.size());
    }

    /** An interaction carried by an event. */
    record Touch(String item, String category, String brand, double weight) {
    }

    static List<Touch> touches(BehaviorEvent e) {
        List<Touch> out = new ArrayList<>();
        if ((e.is(StandardEvent.PRODUCT_VIEWED) || e.is(StandardEvent.PRODUCT_ADDED)) && e.product() != null) {
            Product p = e.product();
            String id = id(p);
            if (id != null) {
                out.add(new Touch(id, p.category(), p.brand(), e.is(StandardEvent.PRODUCT_VIEWED) ? VIEW : CART));
            }
        } else if (e.is(StandardEvent.ORDER_COMPLETED) && e.order() != null) {
            for (Product p : e.order().products()) {
                String id = id(p);
                if (id != null && p.quantityOrOne() > 0) {
                    out.add(new Touch(id, p.category(), p.brand(), PURCHASE));
                }
            }
        }
        return out;
    }

    private static String id(Product p) {
        String id = p.productId() != null && !p.productId().isBlank() ? p.productId() : p.sku();
        return id == null || id.isBlank() ? null : id.trim();
    }

    /** Co-visitation neighbours of an item, by {@code C(i,j) / sqrt(W_i · W_j)}, scaled so the best is 1. */
    private List<RankedItems.ScoredItem> covisit(Work w, String item, int n) {
        List<Map.Entry<String, Double>> sims = covisitSims(w, item, n);
        List<RankedItems.ScoredItem> out = new ArrayList<>(sims.size());
        for (Map.Entry<String, Double> s : sims) {
            out.add(new RankedItems.ScoredItem(s.getKey(), round(s.getValue())));
        }
        return out;
    }

    /** Co-visitation neighbours of an item by {@code C(i,j) / sqrt(W_i · W_j)}, scaled so the best is 1, best first. */
    static List<Map.Entry<String, Double>> covisitSims(Work w, String item, int n) {
        ScoredList co = w.merged("co/" + item, ScoredList.Merge.SUM);
        if (co == null) {
            return List.of();
        }
        double wi = Math.max(1e-9, w.item(item).total);
        ScoredList sims = new ScoredList(Integer.MAX_VALUE);
        for (Map.Entry<String, Double> e : co.scores.entrySet()) {
            sims.set(e.getKey(), e.getValue() / Math.sqrt(wi * Math.max(1e-9, w.item(e.getKey()).total)));
        }
        List<Map.Entry<String, Double>> top = sims.top(n);
        double max = top.isEmpty() ? 1 : top.get(0).getValue();
        List<Map.Entry<String, Double>> out = new ArrayList<>();
        for (Map.Entry<String, Double> e : top) {
            out.add(Map.entry(e.getKey(), e.getValue() / max));
        }
        return out;
    }

    private RankedItems popular(Work w, String key, String ctx) {
        ScoredList list = w.merged(key, ScoredList.Merge.MAX);
        List<RankedItems.ScoredItem> items = new ArrayList<>();
        if (list != null) {
            List<Map.Entry<String, Double>> top = list.top(settings.topN());
            double best = top.isEmpty() ? 0 : top.get(0).getValue();
            for (Map.Entry<String, Double> e : top) {
                // ranks are log2 of decayed values: publish the value relative to the best (1 = most popular)
                items.add(new RankedItems.ScoredItem(e.getKey(), round(Math.pow(2, e.getValue() - best))));
            }
        }
        return new RankedItems(POPULAR, null, ctx, items);
    }

    private RankedItems purchased(String user, UserHistory h) {
        List<RankedItems.ScoredItem> items = new ArrayList<>();
        Map<String, Long> times = new HashMap<>();
        for (UserHistory.Entry e : h.recent) {
            times.put(e.item(), e.time());
        }
        for (String p : h.purchased) {
            items.add(new RankedItems.ScoredItem(p, times.getOrDefault(p, 0L) / 1000.0));
        }
        return new RankedItems(PURCHASED, user, null, items);
    }

    /** The blended, filtered list of one user, with reasons in the context. */
    RankedItems recommended(Work w, String user, UserHistory h) {
        Blender b = new Blender();
        ScoredList trained = w.personList("rec/" + user);
        if (trained != null) {
            b.model(trained.scores, trained.notes);
        }
        List<Map.Entry<String, List<Map.Entry<String, Double>>>> neighbours = new ArrayList<>();
        for (int k = 0; k < Math.min(10, h.recent.size()); k++) {
            String item = h.recent.get(k).item();
            neighbours.add(Map.entry(item, covisitSims(w, item, 30)));
        }
        b.covisit(neighbours);
        Map<String, Double> affinity = new HashMap<>(h.categoryWeights());
        Optional<ProfileSnapshot> profile = w.profile(context.profiles(), user);
        profile.ifPresent(p -> {
            if (p.categoryWeights() != null) {
                p.categoryWeights().forEach((c, v) -> affinity.merge(c, v, Double::sum));
            }
        });
        Map<String, List<Map.Entry<String, Double>>> byCategory = new HashMap<>();
        List<Map.Entry<String, Double>> topCategories = new ArrayList<>(affinity.entrySet());
        topCategories.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Double> keptAffinity = new LinkedHashMap<>();
        for (Map.Entry<String, Double> c : topCategories.subList(0, Math.min(3, topCategories.size()))) {
            keptAffinity.put(c.getKey(), c.getValue());
            byCategory.put(c.getKey(), relative(w.merged("pop/c/" + c.getKey(), ScoredList.Merge.MAX), 20));
        }
        b.categories(keptAffinity, byCategory);
        b.popular(relative(w.merged("pop/all", ScoredList.Merge.MAX), 30));
        for (UserHistory.Entry e : h.recent) {
            b.category(e.item(), e.category());
        }
        Set<String> excluded = new HashSet<>(h.purchased);
        excluded.addAll(settings.unavailable());
        List<Blender.Pick> picks = b.pick(settings.topN(), excluded, settings.maxPerCategory(), settings.diversity(),
                item -> w.item(item).category);
        List<RankedItems.ScoredItem> items = new ArrayList<>(picks.size());
        StringBuilder reasons = new StringBuilder(REASONS_HEADER);
        for (Blender.Pick p : picks) {
            items.add(new RankedItems.ScoredItem(p.item(), round(p.score())));
            reasons.append('\n').append(p.reason().replace('\n', ' '));
        }
        return new RankedItems(RECOMMENDED, user, reasons.toString(), items);
    }

    /** A popularity top list as (item, value relative to the best). */
    private static List<Map.Entry<String, Double>> relative(ScoredList list, int n) {
        if (list == null) {
            return List.of();
        }
        List<Map.Entry<String, Double>> top = list.top(n);
        List<Map.Entry<String, Double>> out = new ArrayList<>();
        double best = top.isEmpty() ? 0 : top.get(0).getValue();
        for (Map.Entry<String, Double> e : top) {
            out.add(Map.entry(e.getKey(), Math.pow(2, e.getValue() - best)));
        }
        return out;
    }

    static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    // ------------------------------------------------------------------------------------------------ training

    @Override
    public TrainingReport train(TrainingContext training) {
        long started = System.nanoTime();
        Map<String, String> aliases = new HashMap<>();
        List<String[]> rows = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        Map<String, String> categories = new HashMap<>();
        training.progress(0, "reading history");
        long events = training.history().forEach(null, training.cutoff(), e -> {
            if (e.userId() != null && !e.userId().isBlank() && e.anonymousId() != null && !e.anonymousId().isBlank()) {
                aliases.putIfAbsent(e.anonymousId(), e.userId());
            }
            for (Touch t : touches(e)) {
                rows.add(new String[] {e.primaryId(), t.item()});
                weights.add(t.weight());
                if (t.category() != null) {
                    categories.put(t.item(), t.category());
                }
            }
        });
        if (rows.isEmpty()) {
            return TrainingReport.nothing("no views, cart adds or purchases before " + training.cutoff() + ": nothing to train");
        }
        Interactions.Builder builder = Interactions.builder();
        for (int k = 0; k < rows.size(); k++) {
            builder.add(aliases.getOrDefault(rows.get(k)[0], rows.get(k)[0]), rows.get(k)[1], weights.get(k));
        }
        Interactions data = builder.build();
        String model = settings.model().equals("auto")
                ? (data.itemCount() <= settings.easeMaxItems() ? "ease" : "ials") : settings.model();
        training.progress(0.1, "training " + model + " on " + data.userCount() + " users × " + data.itemCount() + " items");
        Recommender r;
        Ials ials = null;
        Ease ease = null;
        if (model.equals("ease")) {
            ease = new Ease(settings.easeLambda());
            r = ease;
            ease.fit(data.binary());
        } else {
            ials = new Ials(settings.ialsFactors(), settings.ialsLambda(), settings.ialsAlpha(), settings.ialsIterations(), 42)
                    .cancelWhen(training::cancelled);
            r = ials;
            ials.fit(data);
        }
        if (training.cancelled()) {
            return TrainingReport.nothing("cancelled while training " + model);
        }
        long fitMillis = (System.nanoTime() - started) / 1_000_000;
        training.progress(0.6, "scoring users");
        Interactions scoring = model.equals("ease") ? data.binary() : data;
        StateStore state = context.state();
        int candidates = Math.min(100, Math.max(settings.topN(), 1));
        double[] scores = new double[data.itemCount()];
        boolean[] own = new boolean[data.itemCount()];
        List<Result> results = new ArrayList<>();
        for (int u = 0; u < data.userCount(); u++) {
            if (u % 500 == 0 && training.cancelled()) {
                return TrainingReport.nothing("cancelled while scoring users");
            }
            r.scoreUser(scoring, u, scores);
            for (int p = data.rowStart(u); p < data.rowEnd(u); p++) {
                own[data.rowItems()[p]] = true;
            }
            int[] top = TopK.select(scores, candidates, own);
            ScoredList rec = new ScoredList(candidates);
            for (int i : top) {
                if (scores[i] > 0) {
                    rec.set(data.item(i), round(scores[i]));
                    String by = strongestSource(data, u, i, ease, ials);
                    if (by != null) {
                        rec.notes.put(data.item(i), by);
                    }
                }
            }
            for (int p = data.rowStart(u); p < data.rowEnd(u); p++) {
                own[data.rowItems()[p]] = false;
            }
            state.put("rec/" + data.user(u), rec.encode());
        }
        training.progress(0.8, "publishing");
        Work w = Work.reading(state, settings.halfLife());
        for (int i = 0; i < data.itemCount(); i++) {
            if (i % PROFILE_CHUNK == 0) {
                // the next items' co-visitation shares, then their neighbours' statistics, with one read each
                List<String> chunk = new ArrayList<>();
                for (int j = i; j < Math.min(data.itemCount(), i + PROFILE_CHUNK); j++) {
                    chunk.add(data.item(j));
                }
                w.nextItemChunk(chunk);
            }
            results.add(new RankedItems(SIMILAR, null, data.item(i), similar(w, data, i, ease, ials)));
        }
        for (int u = 0; u < data.userCount(); u++) {
            if (u % PROFILE_CHUNK == 0) {
                // the next users' histories, trained lists and live profiles with one read each
                List<String> chunk = new ArrayList<>();
                for (int v = u; v < Math.min(data.userCount(), u + PROFILE_CHUNK); v++) {
                    chunk.add(data.user(v));
                }
                w.nextChunk(context.profiles(), chunk);
            }
            UserHistory h = w.userIfPresent(data.user(u));
            if (h != null) {
                results.add(recommended(w, data.user(u), h));
            }
        }
        context.results().publish(results);
        Map<String, Double> metrics = new TreeMap<>();
        metrics.put("users", (double) data.userCount());
        metrics.put("items", (double) data.itemCount());
        metrics.put("interactions", (double) data.nonZeros());
        metrics.put("events", (double) events);
        metrics.put("trainMillis", (double) fitMillis);
        if (ials != null) {
            double[] losses = ials.losses();
            metrics.put("lossFirst", losses[0]);
            metrics.put("lossLast", losses[losses.length - 1]);
        }
        Map<String, String> metadata = new TreeMap<>(Map.of("model", model, "cutoff", training.cutoff().toString(),
                "categories", String.valueOf(new HashSet<>(categories.values()).size())));
        if (ease != null) {
            metadata.put("inverse", ease.inverse().name().toLowerCase(java.util.Locale.ROOT)); // native LAPACK or EJML
        }
        if (training.cancelled()) {
            return TrainingReport.nothing("cancelled while publishing"); // the host drops the lists and state above
        }
        ModelVersion saved = context.models().save(new ModelArtifact(
                Codec.encode(out -> out.writeUTF(model)), metrics, metadata));
        ModelVersion serving = context.models().promote(saved.version());
        training.progress(1, "done");
        return new TrainingReport(serving, metrics, model + " on " + data.userCount() + " users × " + data.itemCount()
                + " items in " + fitMillis + " ms; published " + results.size() + " lists");
    }

    /** The user's own item that contributes most to item i's score. */
    private static String strongestSource(Interactions data, int u, int i, Ease ease, Ials ials) {
        int best = -1;
        double bestValue = 0;
        for (int p = data.rowStart(u); p < data.rowEnd(u); p++) {
            int j = data.rowItems()[p];
            double v = ease != null ? ease.weight(j, i) : ials.itemCosine(j, i) * data.rowValues()[p];
            if (v > bestValue) {
                best = j;
                bestValue = v;
            }
        }
        return best < 0 ? null : data.item(best);
    }

    /**
     * Item i's most similar items: half the model's item-item weight (EASE's B_ij, or the cosine of the iALS factors)
     * and half co-visitation, each scaled so that its best neighbour is 1.
     */
    private List<RankedItems.ScoredItem> similar(Work w, Interactions data, int i, Ease ease, Ials ials) {
        double[] s = new double[data.itemCount()];
        for (int j = 0; j < s.length; j++) {
            s[j] = ease != null ? ease.weight(i, j) : ials.itemCosine(i, j);
        }
        boolean[] self = new boolean[s.length];
        self[i] = true;
        int[] top = TopK.select(s, 3 * settings.similarN(), self);
        Map<String, Double> blended = new HashMap<>();
        double max = top.length == 0 || s[top[0]] <= 0 ? 1 : s[top[0]];
        for (int j : top) {
            if (s[j] > 0) {
                blended.merge(data.item(j), 0.5 * s[j] / max, Double::sum);
            }
        }
        for (Map.Entry<String, Double> c : covisitSims(w, data.item(i), 3 * settings.similarN())) {
            blended.merge(c.getKey(), 0.5 * c.getValue(), Double::sum);
        }
        List<Map.Entry<String, Double>> ranked = new ArrayList<>(blended.entrySet());
        ranked.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        List<RankedItems.ScoredItem> out = new ArrayList<>();
        for (Map.Entry<String, Double> e : ranked.subList(0, Math.min(settings.similarN(), ranked.size()))) {
            out.add(new RankedItems.ScoredItem(e.getKey(), round(e.getValue())));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ state

    /**
     * The state records one batch reads and writes, written back together. Records are read lazily, but most of those
     * a batch needs are named in advance and read together ({@link #prefetchFor}, {@link #prefetchForResults}): one
     * query per step instead of one per record (the fold of a 72,207-event log read 128,917 records one by one,
     * most of them the item statistics of co-visited neighbours). Nothing is written before {@link #commit}, so a
     * record read in advance is the record a lazy read would have found.
     *
     * <p><b>Shares.</b> What every person's events add to — item statistics, co-visitation, popularity and trending
     * lists — is kept in one share per part ({@code <key>#part<n>}, SPI 1.7): a batch writes only its own part's share
     * and reads the figure as its own share (with the batch's pending changes) together with the others' (committed),
     * so segments folding people apart never overwrite each other. Statistics and co-visitation weights add up
     * exactly; each share of a list keeps its own best entries, so a merged list can miss an entry that no single part
     * ranks high (measured in {@code FoldedApartTest}). Each part that wrote marks itself ({@code parts#part<n>}), so a
     * batch reads the shares of the parts there are with one query per step; the records of plugin 0.1, without part,
     * are read as one more share while {@value #LEGACY_MARK} exists, and no longer written.
     */
    static final class Work {
        /** The part markers' key ({@code parts#part<n>}). */
        static final String PARTS = "parts";
        /** A record every batch of plugin 0.1 wrote: while it exists, the records without part are read as a share. */
        static final String LEGACY_MARK = "pop/all";
        /** The "part" of the records without part. */
        static final int LEGACY = -1;
        /** The part of a work that writes no shares (training). */
        static final int NO_PART = -2;

        private StateStore state;
        /** The part whose shares this work writes, or {@link #NO_PART}. */
        private final int part;
        /** The other shares read: {@link #LEGACY} first when there are records without part, then other parts. */
        private final List<Integer> others;
        /** Whether this part's marker exists. */
        private final boolean marked;
        private final Duration halfLife;
        private final Map<String, UserHistory> users = new HashMap<>();
        /** This part's shares of item statistics, by item. */
        private final Map<String, ItemStats> items = new HashMap<>();
        /** The other parts' item statistics added up, by item (absent: none). */
        private final Map<String, Optional<ItemStats>> otherItems = new HashMap<>();
        /** This part's shares of lists, by key without part (null: none). */
        private final Map<String, ScoredList> lists = new HashMap<>();
        /** The other parts' shares of lists merged, by key without part (empty: none). */
        private final Map<String, Optional<ScoredList>> otherLists = new HashMap<>();
        private final Set<String> deleted = new HashSet<>();
        /** Every state key read or prefetched so far. */
        private final Set<String> fetched = new HashSet<>();
        /** The bytes each record had when read, so that unchanged records are not written back. */
        private final Map<String, byte[]> loaded = new HashMap<>();

        /** Live profiles read for this batch (empty: the user has none). */
        private final Map<String, Optional<ProfileSnapshot>> profiles = new HashMap<>();

        /**
         * Set once a batch's fold is done ({@link #prefetchForResults}): its own shares no longer change, so merged
         * figures are computed once for the results phase, which reads the same lists for many users.
         */
        private boolean folded;
        /** Merged lists of the results phase, by key and merge (null values: no part has one). */
        private final Map<String, ScoredList> mergedAfterFold = new HashMap<>();
        /** Merged item statistics of the results phase, by item. */
        private final Map<String, ItemStats> itemsAfterFold = new HashMap<>();

        /** The store the batch or training run was given, under any prefetched views. */
        private final StateStore base;

        private Work(StateStore state, int part, Duration halfLife) {
            this.state = state;
            this.base = state;
            this.part = part;
            this.halfLife = halfLife;
            List<Integer> shares = new ArrayList<>();
            if (state.get(LEGACY_MARK).isPresent()) {
                shares.add(LEGACY);
            }
            boolean own = false;
            String prefix = PARTS + StateStore.PART_MARK;
            for (String key : state.keys(prefix, 100_000)) {
                String digits = key.substring(prefix.length());
                if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                int n = Integer.parseInt(digits);
                if (n == part) {
                    own = true;
                } else {
                    shares.add(n);
                }
            }
            shares.sort(null);
            this.others = List.copyOf(shares);
            this.marked = own;
        }

        /** The work of a batch that writes the shares of {@code part}. */
        static Work forPart(StateStore state, int part, Duration halfLife) {
            return new Work(state, part, halfLife);
        }

        /** A work that reads every share and writes none (training). */
        static Work reading(StateStore state, Duration halfLife) {
            return new Work(state, NO_PART, halfLife);
        }

        /** The state key of a share: the key itself for {@link #LEGACY}, else the key of that part. */
        static String shareKey(String key, int part) {
            return part == LEGACY ? key : StateStore.partKey(key, part);
        }

        /** The state keys of every share this work reads of {@code key}, its own included. */
        private List<String> shareKeys(String key) {
            List<String> out = new ArrayList<>(others.size() + 1);
            for (int q : others) {
                out.add(shareKey(key, q));
            }
            if (part != NO_PART) {
                out.add(shareKey(key, part));
            }
            return out;
        }

        /**
         * Training's publishing step, a chunk of users at a time: forgets the previous chunk's users and profiles, then
         * reads the chunk's histories and trained lists together, and the live profiles of those with a history. The
         * view of the previous chunk is replaced, not wrapped, so chunks do not nest. Only while nothing is written.
         */
        void nextChunk(ProfileReader reader, List<String> chunk) {
            users.keySet().forEach(id -> {
                loaded.remove("user/" + id);
                fetched.remove("user/" + id);
            });
            users.clear();
            profiles.clear();
            Set<String> keys = new HashSet<>();
            for (String id : chunk) {
                keys.add("user/" + id);
                keys.add("rec/" + id);
            }
            fetched.addAll(keys);
            state = io.footfall.api.store.PrefetchedState.of(base, keys);
            prefetchProfiles(reader, chunk.stream().filter(id -> userIfPresent(id) != null).toList());
        }

        /**
         * Training's similar-items step, a chunk of items at a time: reads together every share of the chunk's
         * co-visitation lists and statistics, then every share of the statistics of the neighbours those lists name,
         * leaving out what was read before. The view of the previous chunk is replaced, not wrapped, so chunks do not
         * nest. Only while nothing is written.
         */
        void nextItemChunk(List<String> chunk) {
            Set<String> keys = new HashSet<>();
            for (String item : chunk) {
                keys.addAll(shareKeys("co/" + item));
                keys.addAll(shareKeys("item/" + item));
            }
            keys.removeAll(fetched);
            fetched.addAll(keys);
            state = io.footfall.api.store.PrefetchedState.of(base, keys);
            Set<String> neighbours = new HashSet<>();
            for (String item : chunk) {
                ScoredList co = merged("co/" + item, ScoredList.Merge.SUM);
                if (co != null) {
                    co.scores.keySet().forEach(j -> neighbours.addAll(shareKeys("item/" + j)));
                }
            }
            prefetch(neighbours);
        }

        /** Reads the profiles of {@code users} not read yet, together (SPI 1.5). */
        void prefetchProfiles(ProfileReader reader, java.util.Collection<String> users) {
            List<String> wanted = users.stream().filter(u -> !profiles.containsKey(u)).toList();
            if (wanted.isEmpty()) {
                return;
            }
            Map<String, ProfileSnapshot> found = reader.profiles(wanted);
            wanted.forEach(u -> profiles.put(u, Optional.ofNullable(found.get(u))));
        }

        /** The live profile of a user: prefetched, or read now. */
        Optional<ProfileSnapshot> profile(ProfileReader reader, String user) {
            return profiles.computeIfAbsent(user, reader::profile);
        }

        private Optional<byte[]> read(String key) {
            fetched.add(key);
            return state.get(key);
        }

        UserHistory user(String id) {
            UserHistory h = userIfPresent(id);
            if (h == null) {
                h = new UserHistory();
                users.put(id, h);
                deleted.remove("user/" + id);
            }
            return h;
        }

        UserHistory userIfPresent(String id) {
            if (users.containsKey(id)) {
                return users.get(id);
            }
            if (deleted.contains("user/" + id)) {
                return null;
            }
            byte[] bytes = read("user/" + id).orElse(null);
            UserHistory h = bytes == null ? null : UserHistory.decode(bytes);
            if (h != null) {
                users.put(id, h);
                loaded.put("user/" + id, bytes);
            }
            return h;
        }

        void deleteUser(String id) {
            users.remove(id);
            deleted.add("user/" + id);
        }

        /** This part's share of an item's statistics, to add to (a work of {@link #NO_PART} has an empty one). */
        ItemStats share(String id) {
            if (folded) {
                throw new IllegalStateException("the fold is done: shares no longer change");
            }
            return ownShare(id);
        }

        private ItemStats ownShare(String id) {
            return items.computeIfAbsent(id, k -> {
                if (part == NO_PART) {
                    return new ItemStats();
                }
                String key = shareKey("item/" + k, part);
                byte[] bytes = read(key).orElse(null);
                if (bytes == null) {
                    return new ItemStats();
                }
                loaded.put(key, bytes);
                return ItemStats.decode(bytes);
            });
        }

        /** An item's statistics: every part's share added up, this part's with the batch's changes. */
        ItemStats item(String id) {
            if (folded) {
                return itemsAfterFold.computeIfAbsent(id, this::mergedItem);
            }
            return mergedItem(id);
        }

        private ItemStats mergedItem(String id) {
            ItemStats own = ownShare(id);
            Optional<ItemStats> rest = otherItems.computeIfAbsent(id, k -> {
                ItemStats sum = null;
                for (int q : others) {
                    byte[] bytes = read(shareKey("item/" + k, q)).orElse(null);
                    if (bytes != null) {
                        ItemStats s = ItemStats.decode(bytes);
                        sum = sum == null ? s : sum.plus(s, halfLife);
                    }
                }
                return Optional.ofNullable(sum);
            });
            return rest.isEmpty() ? own : rest.get().plus(own, halfLife);
        }

        /** This part's share of a list, created when absent (only in a work with a part). */
        ScoredList list(String key, int capacity) {
            if (part == NO_PART || folded) {
                throw new IllegalStateException(folded ? "the fold is done: lists no longer change"
                        : "a work without part writes no list");
            }
            ScoredList l = ownList(key);
            if (l == null) {
                l = new ScoredList(capacity);
                lists.put(key, l);
            }
            return l;
        }

        private ScoredList ownList(String key) {
            if (part == NO_PART) {
                return null;
            }
            if (lists.containsKey(key)) {
                return lists.get(key);
            }
            String stateKey = shareKey(key, part);
            byte[] bytes = read(stateKey).orElse(null);
            ScoredList l = bytes == null ? null : ScoredList.decode(bytes);
            if (bytes != null) {
                loaded.put(stateKey, bytes);
            }
            lists.put(key, l);
            return l;
        }

        /** A list as every part's shares make it, this part's with the batch's changes; null when no part has one. */
        ScoredList merged(String key, ScoredList.Merge how) {
            if (!folded) {
                return mergeShares(key, how);
            }
            String cacheKey = how + " " + key;
            if (!mergedAfterFold.containsKey(cacheKey)) {
                mergedAfterFold.put(cacheKey, mergeShares(key, how));
            }
            return mergedAfterFold.get(cacheKey);
        }

        private ScoredList mergeShares(String key, ScoredList.Merge how) {
            ScoredList own = ownList(key);
            Optional<ScoredList> rest = otherLists.computeIfAbsent(key, k -> {
                List<ScoredList> shares = new ArrayList<>();
                for (int q : others) {
                    read(shareKey(k, q)).ifPresent(bytes -> shares.add(ScoredList.decode(bytes)));
                }
                return shares.isEmpty() ? Optional.empty()
                        : Optional.of(shares.size() == 1 ? shares.get(0) : ScoredList.merge(shares, how));
            });
            if (rest.isEmpty()) {
                return own;
            }
            return own == null ? rest.get() : ScoredList.merge(List.of(rest.get(), own), how);
        }

        /** A list that belongs to one person ({@code rec/<id>}), or null. */
        ScoredList personList(String key) {
            return read(key).map(ScoredList::decode).orElse(null);
        }

        /**
         * Before the fold: the users, items, co-visitation and popularity lists the batch's events name, then the
         * co-visitation lists of the items in those users' recent histories (the fold adds to them).
         */
        void prefetchFor(List<PositionedEvent> events) {
            Set<String> keys = new HashSet<>();
            Set<String> shared = new HashSet<>();
            shared.add("pop/all");
            shared.add("trend/all");
            Set<String> ids = new HashSet<>();
            for (PositionedEvent pe : events) {
                BehaviorEvent e = pe.event();
                // the users the fold reads: who touched an item, and an anonymous id merged into a user
                String anon = e.anonymousId();
                if (e.userId() != null && !e.userId().isBlank() && anon != null && !anon.isBlank() && !anon.equals(e.primaryId())) {
                    ids.add(anon);
                    ids.add(e.primaryId());
                }
                List<Touch> touches = touches(e);
                if (!touches.isEmpty()) {
                    ids.add(e.primaryId());
                }
                for (Touch touch : touches) {
                    shared.add("item/" + touch.item());
                    shared.add("co/" + touch.item());
                    if (touch.category() != null) {
                        shared.add("pop/c/" + touch.category());
                    }
                }
            }
            ids.forEach(id -> keys.add("user/" + id));
            shared.forEach(key -> keys.addAll(shareKeys(key)));
            prefetch(keys);
            Set<String> recent = new HashSet<>();
            for (String id : ids) {
                UserHistory h = userIfPresent(id);
                if (h != null) {
                    h.recent.forEach(entry -> recent.addAll(shareKeys("co/" + entry.item())));
                }
            }
            prefetch(recent);
        }

        /**
         * Before the results: the trained lists of the touched users, the co-visitation lists the results read (the
         * touched items' and those of each user's ten most recent items), then the statistics of every neighbour in
         * those lists. Ends the fold: from here on the shares do not change and merged figures are kept.
         */
        void prefetchForResults(Set<String> touchedItems, Set<String> touchedUsers) {
            folded = true;
            Set<String> keys = new HashSet<>();
            Set<String> coLists = new HashSet<>();
            touchedItems.forEach(item -> coLists.add("co/" + item));
            for (String user : touchedUsers) {
                keys.add("rec/" + user);
                UserHistory h = userIfPresent(user);
                if (h != null) {
                    for (int k = 0; k < Math.min(10, h.recent.size()); k++) {
                        coLists.add("co/" + h.recent.get(k).item());
                    }
                }
            }
            coLists.forEach(key -> keys.addAll(shareKeys(key)));
            prefetch(keys);
            Set<String> neighbours = new HashSet<>();
            for (String key : coLists) {
                ScoredList co = merged(key, ScoredList.Merge.SUM);
                if (co != null) {
                    co.scores.keySet().forEach(item -> neighbours.addAll(shareKeys("item/" + item)));
                }
            }
            prefetch(neighbours);
        }

        /** Reads together the records among {@code keys} that this work has not read yet. */
        private void prefetch(Set<String> keys) {
            keys.removeAll(fetched);
            if (!keys.isEmpty()) {
                fetched.addAll(keys);
                state = io.footfall.api.store.PrefetchedState.of(state, keys);
            }
        }

        /** Writes what changed: users, and this part's shares (and its marker, the first time it writes one). */
        void commit() {
            for (String key : new TreeSet<>(deleted)) {
                state.delete(key);
            }
            new TreeMap<>(users).forEach((id, h) -> write("user/" + id, h.encode()));
            if (part == NO_PART) {
                return;
            }
            boolean[] shares = {false};
            new TreeMap<>(items).forEach((id, s) -> {
                if (s.total > 0) {
                    shares[0] |= write(shareKey("item/" + id, part), s.encode());
                }
            });
            new TreeMap<>(lists).forEach((key, l) -> {
                if (l != null) {
                    shares[0] |= write(shareKey(key, part), l.encode());
                }
            });
            if (shares[0] && !marked) {
                state.put(StateStore.partKey(PARTS, part), new byte[] {1});
            }
        }

        private boolean write(String key, byte[] bytes) {
            if (!java.util.Arrays.equals(loaded.get(key), bytes)) {
                state.put(key, bytes);
                return true;
            }
            return false;
        }
    }
}
