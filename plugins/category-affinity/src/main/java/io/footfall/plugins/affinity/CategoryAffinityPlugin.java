package io.footfall.plugins.affinity;

import io.footfall.api.config.ConfigProperty;
import io.footfall.api.config.ConfigSpec;
import io.footfall.api.config.ConfigType;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.Product;
import io.footfall.api.event.StandardEvent;
import io.footfall.api.plugin.EventBatch;
import io.footfall.api.plugin.Partitioning;
import io.footfall.api.plugin.MiningPlugin;
import io.footfall.api.plugin.PluginContext;
import io.footfall.api.plugin.PluginDescriptor;
import io.footfall.api.plugin.PositionedEvent;
import io.footfall.api.plugin.SpiVersion;
import io.footfall.api.plugin.TrainingContext;
import io.footfall.api.plugin.TrainingReport;
import io.footfall.api.result.RankedItems;
import io.footfall.api.result.ReportTable;
import io.footfall.api.result.Result;
import io.footfall.api.result.ResultType;
import io.footfall.api.store.StateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Per user, a time-decayed affinity score per product category.
 *
 * <p>Each consumed event adds a weight to the categories it concerns: {@value #VIEW_WEIGHT} for a
 * {@code Product Viewed}, {@value #ADD_WEIGHT} for a {@code Product Added}, and {@value #PURCHASE_WEIGHT} × quantity
 * for each line of an {@code Order Completed}. Scores halve every {@code half-life} of event time
 * ({@link BehaviorEvent#occurredAt()}), so the result depends only on the events, not on when they are processed.
 * Events without a product category are ignored.
 *
 * <p>Users are keyed by {@link BehaviorEvent#primaryId()}: the user id when known, otherwise the anonymous id. The
 * first consumed event that carries both ids moves the anonymous visitor's scores to the user and publishes an
 * empty list for the anonymous id.
 *
 * <p>Results: after each batch, a {@link RankedItems} list {@value #LIST} for every user the batch touched, with
 * the {@code top-n} categories and their scores as of the user's latest event. {@link #train} publishes the
 * {@link ReportTable} {@value #SUMMARY_TABLE}: for each category, how many users have it as their top category
 * (columns {@code category}, {@code users}, {@code share}); it reads the state only, saves no model, and ignores
 * the training cutoff.
 *
 * <p>Configuration: {@value #HALF_LIFE} (duration, default P14D, P1D..P365D), {@value #TOP_N} (int, default 5,
 * 1..50). State: one entry per user ({@code user/<id>}), in a compact binary form.
 *
 * @since 0.1
 */
public final class CategoryAffinityPlugin implements MiningPlugin {

    /** The plugin id. */
    public static final String ID = "category-affinity";
    /** The plugin version. */
    public static final String VERSION = "0.1.0";
    /** Name of the published ranked lists. */
    public static final String LIST = "category-affinity";
    /** Name of the summary report table. */
    public static final String SUMMARY_TABLE = "category-affinity-summary";
    /** Config property: how long it takes a contribution to lose half its weight. */
    public static final String HALF_LIFE = "half-life";
    /** Config property: how many categories each list holds. */
    public static final String TOP_N = "top-n";
    /** Weight of a product view. */
    public static final double VIEW_WEIGHT = 1;
    /** Weight of a cart add. */
    public static final double ADD_WEIGHT = 3;
    /** Weight of a purchased unit. */
    public static final double PURCHASE_WEIGHT = 5;

    /** Prefix of the state keys: {@code user/<primary id>}. */
    static final String KEY_PREFIX = "user/";

    // by person (SPI 1.6): every state key is one person's id, and onEvents changes no field, so segments may fold
    // people apart and at once
    private static final PluginDescriptor DESCRIPTOR = new PluginDescriptor(
            ID,
            VERSION,
            SpiVersion.CURRENT,
            "Category affinity",
            "Ranks, for every user, the product categories they are most drawn to, from views (1), cart adds (3) "
                    + "and purchases (5 per unit), with older behaviour fading by a half-life.",
            Set.of(StandardEvent.PRODUCT_VIEWED.eventName(), StandardEvent.PRODUCT_ADDED.eventName(),
                    StandardEvent.ORDER_COMPLETED.eventName()),
            Set.of(ResultType.RANKED_ITEMS, ResultType.REPORT_TABLE),
            ConfigSpec.of(
                    ConfigProperty.bounded(HALF_LIFE, ConfigType.DURATION, "P14D", "P1D", "P365D",
                            "Time for a view, cart add or purchase to lose half its weight (event time)."),
                    ConfigProperty.bounded(TOP_N, ConfigType.INT, "5", "1", "50",
                            "Number of categories in each user's ranked list.")),
            Set.of()).partitionedBy(Partitioning.BY_PERSON);

    private PluginContext context;
    private Duration halfLife;
    private int topN;

    /** The constructor {@link java.util.ServiceLoader} calls. */
    public CategoryAffinityPlugin() {
    }

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void open(PluginContext context) {
        this.context = context;
        this.halfLife = context.config().duration(HALF_LIFE);
        this.topN = context.config().integer(TOP_N);
        context.log().info("half-life %s, top %s categories", halfLife, topN);
    }

    @Override
    public void onEvents(EventBatch batch) {
        // every id the batch's events carry, read with one query (SPI 1.4) instead of one get per user the fold reads;
        // an id it does not read costs only its share of that query
        Set<String> keys = new HashSet<>();
        for (PositionedEvent positioned : batch.events()) {
            BehaviorEvent event = positioned.event();
            keys.add(KEY_PREFIX + event.primaryId());
            if (!isBlank(event.anonymousId())) {
                keys.add(KEY_PREFIX + event.anonymousId());
            }
        }
        Batch work = new Batch(io.footfall.api.store.PrefetchedState.of(context.state(), keys));
        long scored = 0;
        for (PositionedEvent positioned : batch.events()) {
            BehaviorEvent event = positioned.event();
            String user = event.primaryId();
            String anonymous = event.anonymousId();
            if (!isBlank(event.userId()) && !isBlank(anonymous) && !anonymous.equals(user)) {
                work.stitch(anonymous, user, halfLife);
            }
            List<Contribution> contributions = contributions(event);
            if (contributions.isEmpty()) {
                continue;
            }
            CategoryScores scores = work.scores(user);
            for (Contribution c : contributions) {
                scores.add(c.category(), c.weight(), event.occurredAt(), halfLife);
            }
            scored++;
        }
        List<Result> results = work.commit(this::ranked);
        if (!results.isEmpty()) {
            context.results().publish(results);
        }
        context.metrics().count("events.scored", scored);
        context.metrics().count("users.updated", work.touched.size());
    }

    /**
     * Publishes the summary table computed from the state. Saves no model; the cutoff does not apply, since the
     * state reflects every event processed so far.
     */
    @Override
    public TrainingReport train(TrainingContext training) {
        StateStore state = context.state();
        List<String> keys = state.keys(KEY_PREFIX, Integer.MAX_VALUE);
        Map<String, Long> topUsers = new TreeMap<>();
        Set<String> categories = new TreeSet<>();
        long users = 0;
        for (int i = 0; i < keys.size(); i++) {
            if (i % 1_000 == 0) {
                if (training.cancelled()) {
                    return TrainingReport.nothing("cancelled after " + i + " of " + keys.size() + " users");
                }
                training.progress((double) i / keys.size(), "summarising users");
            }
            byte[] bytes = state.get(keys.get(i)).orElse(null);
            if (bytes == null) {
                continue;
            }
            CategoryScores scores = CategoryScores.decode(bytes);
            if (scores.isEmpty()) {
                continue;
            }
            users++;
            categories.addAll(scores.scores().keySet());
            topUsers.merge(scores.top(1).get(0).getKey(), 1L, Long::sum);
        }
        List<Map.Entry<String, Long>> ranked = new ArrayList<>(topUsers.entrySet());
        ranked.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        List<List<Object>> rows = new ArrayList<>(ranked.size());
        for (Map.Entry<String, Long> e : ranked) {
            rows.add(List.of(e.getKey(), e.getValue(), (double) e.getValue() / users));
        }
        context.results().publish(new ReportTable(SUMMARY_TABLE, List.of("category", "users", "share"), rows));
        training.progress(1.0, "done");
        return new TrainingReport(null, Map.of("users", (double) users, "categories", (double) categories.size()),
                users + " users over " + categories.size() + " categories; " + ranked.size() + " categories lead for someone");
    }

    @Override
    public void close() {
        context = null;
    }

    private RankedItems ranked(String user, CategoryScores scores) {
        List<RankedItems.ScoredItem> items = new ArrayList<>(topN);
        for (Map.Entry<String, Double> e : scores.top(topN)) {
            items.add(new RankedItems.ScoredItem(e.getKey(), e.getValue()));
        }
        return new RankedItems(LIST, user, null, items);
    }

    /**
     * The scores one batch works on: each user's stored scores are read at most once, changed in memory, and
     * written back (or deleted) at the end, so the outcome does not depend on where batches start and end.
     */
    private static final class Batch {
        private final StateStore state;
        private final Map<String, CategoryScores> touched = new LinkedHashMap<>();
        private final Set<String> read = new HashSet<>();
        private final Set<String> absorbed = new TreeSet<>();

        Batch(StateStore state) {
            this.state = state;
        }

        /** The scores of a user, read from the state the first time. */
        CategoryScores scores(String user) {
            CategoryScores scores = touched.get(user);
            if (scores == null) {
                scores = read.add(user) ? load(user) : null;
                scores = scores == null ? new CategoryScores() : scores;
                touched.put(user, scores);
            }
            return scores;
        }

        /** Moves an anonymous visitor's scores to the identified user. */
        void stitch(String anonymous, String user, Duration halfLife) {
            CategoryScores visitor = touched.remove(anonymous);
            if (visitor == null && read.add(anonymous)) {
                visitor = load(anonymous);
            }
            if (visitor != null && !visitor.isEmpty()) {
                scores(user).absorb(visitor, halfLife);
                absorbed.add(anonymous);
            }
        }

        /** Writes the state back and returns the lists to publish. */
        List<Result> commit(java.util.function.BiFunction<String, CategoryScores, RankedItems> ranked) {
            List<Result> results = new ArrayList<>(touched.size() + absorbed.size());
            for (String visitor : absorbed) {
                if (!touched.containsKey(visitor)) {
                    state.delete(KEY_PREFIX + visitor);
                    results.add(new RankedItems(LIST, visitor, null, List.of()));
                }
            }
            for (Map.Entry<String, CategoryScores> e : touched.entrySet()) {
                CategoryScores scores = e.getValue();
                if (scores.isEmpty()) {
                    state.delete(KEY_PREFIX + e.getKey());
                } else {
                    state.put(KEY_PREFIX + e.getKey(), scores.encode());
                }
                results.add(ranked.apply(e.getKey(), scores));
            }
            return results;
        }

        private CategoryScores load(String user) {
            return state.get(KEY_PREFIX + user).map(CategoryScores::decode).orElse(null);
        }
    }

    /** A weight for a category. */
    private record Contribution(String category, double weight) {
    }

    private static List<Contribution> contributions(BehaviorEvent event) {
        StandardEvent type = event.standardEvent().orElse(null);
        if (type == null) {
            return List.of();
        }
        switch (type) {
            case PRODUCT_VIEWED:
                return single(event.product(), VIEW_WEIGHT);
            case PRODUCT_ADDED:
                return single(event.product(), ADD_WEIGHT);
            case ORDER_COMPLETED:
                if (event.order() == null) {
                    return List.of();
                }
                List<Contribution> lines = new ArrayList<>();
                for (Product p : event.order().products()) {
                    String category = category(p);
                    int quantity = p.quantityOrOne();
                    if (category != null && quantity > 0) {
                        lines.add(new Contribution(category, PURCHASE_WEIGHT * quantity));
                    }
                }
                return lines;
            default:
                return List.of();
        }
    }

    private static List<Contribution> single(Product product, double weight) {
        String category = category(product);
        return category == null ? List.of() : List.of(new Contribution(category, weight));
    }

    private static String category(Product product) {
        if (product == null || isBlank(product.category())) {
            return null;
        }
        return product.category().trim();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
