package io.footfall.plugins.basket;

import io.footfall.api.config.ConfigProperty;
import io.footfall.api.config.ConfigSpec;
import io.footfall.api.config.ConfigType;
import io.footfall.api.config.PluginConfig;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.Product;
import io.footfall.api.event.StandardEvent;
import io.footfall.api.plugin.EventBatch;
import io.footfall.api.plugin.MiningPlugin;
import io.footfall.api.plugin.Partitioning;
import io.footfall.api.plugin.PluginContext;
import io.footfall.api.plugin.PluginDescriptor;
import io.footfall.api.plugin.PositionedEvent;
import io.footfall.api.plugin.SpiVersion;
import io.footfall.api.plugin.TrainingContext;
import io.footfall.api.plugin.TrainingReport;
import io.footfall.api.result.AssociationRule;
import io.footfall.api.result.ResultType;
import io.footfall.api.store.ModelArtifact;
import io.footfall.api.store.ModelVersion;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;

/**
 * Frequently bought together: association rules mined from order baskets with exact FP-Growth.
 *
 * <p>Every {@code Order Completed} is one basket: the distinct {@code product_id}s of its products (the
 * {@code sku} when a line has no product id; lines with quantity 0 are left out). Baskets are appended to the
 * plugin's state as events arrive ({@link BasketLog}); nothing is published per batch.
 *
 * <p>{@link #train} reads the baskets of orders completed before the cutoff (one basket per order id, the latest
 * one winning), mines the frequent itemsets with {@link FpGrowth} and the rules with one item on the right-hand
 * side with {@link RuleMiner}, and publishes the best {@code max-rules} rules as {@link AssociationRule} results
 * (support, confidence, lift), ranked by confidence, then lift. A rule published by the previous training that no
 * longer holds is withdrawn: it is published again with support, confidence and lift 0, so that the serving view
 * (latest result per key) never keeps a stale rule. Each run saves the rule set as a model version with its
 * metrics and promotes it.
 *
 * <p>Configuration: {@value #MIN_SUPPORT} (default 0.001), {@value #MIN_COUNT} (3), {@value #MIN_CONFIDENCE} (0.1),
 * {@value #MIN_LIFT} (1.0), {@value #MAX_ITEMSET_SIZE} (3), {@value #MAX_RULES} (1000); mining stops (and the run
 * publishes nothing) beyond {@value #MAX_ITEMSETS} frequent itemsets.
 *
 * @since 0.1
 */
public final class BasketRulesPlugin implements MiningPlugin {

    /** The plugin id. */
    public static final String ID = "basket-rules";
    /** The plugin version. */
    public static final String VERSION = "0.1.0";
    /** Config property: smallest support (share of baskets) of a frequent itemset. */
    public static final String MIN_SUPPORT = "min-support";
    /** Config property: smallest number of baskets of a frequent itemset, whatever the support. */
    public static final String MIN_COUNT = "min-count";
    /** Config property: smallest confidence of a published rule. */
    public static final String MIN_CONFIDENCE = "min-confidence";
    /** Config property: smallest lift of a published rule. */
    public static final String MIN_LIFT = "min-lift";
    /** Config property: most items in a rule (both sides). */
    public static final String MAX_ITEMSET_SIZE = "max-itemset-size";
    /** Config property: most rules published. */
    public static final String MAX_RULES = "max-rules";
    /** Mining stops beyond this many frequent itemsets (the thresholds are too low for the data). */
    public static final long MAX_ITEMSETS = 5_000_000;

    private static final byte MODEL_FORMAT = 1;

    private static final PluginDescriptor DESCRIPTOR = new PluginDescriptor(
            ID,
            VERSION,
            SpiVersion.CURRENT,
            "Frequently bought together",
            "Association rules between products bought in the same order (exact FP-Growth over order baskets): "
                    + "support, confidence and lift, one product on the right-hand side; mined on training.",
            Set.of(StandardEvent.ORDER_COMPLETED.eventName()),
            Set.of(ResultType.ASSOCIATION_RULE),
            ConfigSpec.of(
                    ConfigProperty.bounded(MIN_SUPPORT, ConfigType.DOUBLE, "0.001", "0.000001", "1",
                            "Smallest share of orders that must contain an itemset for it to be frequent."),
                    ConfigProperty.bounded(MIN_COUNT, ConfigType.INT, "3", "1", "1000000",
                            "Smallest number of orders that must contain an itemset, whatever the support (guards small histories)."),
                    ConfigProperty.bounded(MIN_CONFIDENCE, ConfigType.DOUBLE, "0.1", "0", "1",
                            "Smallest confidence (share of the orders with the left-hand side that also hold the right-hand side) of a rule."),
                    ConfigProperty.bounded(MIN_LIFT, ConfigType.DOUBLE, "1.0", "0", "1000000",
                            "Smallest lift (confidence divided by the right-hand side's support) of a rule."),
                    ConfigProperty.bounded(MAX_ITEMSET_SIZE, ConfigType.INT, "3", "2", "10",
                            "Most products in a rule, both sides together."),
                    ConfigProperty.bounded(MAX_RULES, ConfigType.INT, "1000", "1", "100000",
                            "Most rules published, the best by confidence then lift.")),
            Set.of()).partitionedBy(Partitioning.BY_PERSON);

    private final long maxItemsets;
    private PluginContext context;
    private RuleMiner.Settings settings;

    /** The constructor {@link java.util.ServiceLoader} calls. */
    public BasketRulesPlugin() {
        this(MAX_ITEMSETS);
    }

    /** With another limit on frequent itemsets (tests). */
    BasketRulesPlugin(long maxItemsets) {
        this.maxItemsets = maxItemsets;
    }

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void open(PluginContext context) {
        this.context = context;
        this.settings = settings(context.config(), maxItemsets);
        context.log().info("min support %s, min count %s, min confidence %s, min lift %s, max itemset size %s, max rules %s",
                settings.minSupport(), settings.minCount(), settings.minConfidence(), settings.minLift(), settings.maxSize(),
                settings.maxRules());
    }

    /** The mining settings of a validated configuration. */
    static RuleMiner.Settings settings(PluginConfig config, long maxItemsets) {
        return new RuleMiner.Settings(config.decimal(MIN_SUPPORT), config.integer(MIN_COUNT), config.decimal(MIN_CONFIDENCE),
                config.decimal(MIN_LIFT), config.integer(MAX_ITEMSET_SIZE), config.integer(MAX_RULES), maxItemsets);
    }

    @Override
    public void onEvents(EventBatch batch) {
        List<BasketLog.Basket> baskets = new ArrayList<>();
        for (PositionedEvent positioned : batch.events()) {
            BasketLog.Basket b = basket(positioned.event());
            if (b != null) {
                baskets.add(b);
            }
        }
        new BasketLog(context.state(), batch.part()).append(baskets);
        context.metrics().count("baskets.stored", baskets.size());
    }

    /** The basket of an order event, or null when it is not an order or has no product. */
    static BasketLog.Basket basket(BehaviorEvent event) {
        if (!event.is(StandardEvent.ORDER_COMPLETED) || event.order() == null) {
            return null;
        }
        Set<String> items = new LinkedHashSet<>();
        for (Product p : event.order().products()) {
            String item = itemId(p);
            if (item != null && p.quantityOrOne() > 0) {
                items.add(item);
            }
        }
        if (items.isEmpty()) {
            return null;
        }
        String orderId = event.order().orderId();
        String key = orderId == null || orderId.isBlank() ? "event:" + event.eventId() : "order:" + orderId.trim();
        return new BasketLog.Basket(key, event.occurredAt(), List.copyOf(items));
    }

    private static String itemId(Product p) {
        if (p == null) {
            return null;
        }
        String id = p.productId() != null && !p.productId().isBlank() ? p.productId() : p.sku();
        return id == null || id.isBlank() ? null : id.trim();
    }

    @Override
    public TrainingReport train(TrainingContext training) {
        long started = System.nanoTime();
        Instant cutoff = training.cutoff();
        training.progress(0, "reading baskets");
        Map<String, BasketLog.Basket> orders = new LinkedHashMap<>();
        long[] late = {0};
        boolean complete = new BasketLog(context.state(), 0).forEach(b -> {
            if (cutoff == null || b.occurredAt().isBefore(cutoff)) {
                orders.put(b.key(), b);
            } else {
                late[0]++;
            }
        }, training::cancelled);
        if (!complete) {
            return TrainingReport.nothing("cancelled while reading baskets");
        }
        Baskets baskets = new Baskets();
        orders.values().forEach(b -> baskets.add(b.items()));
        orders.clear();
        training.progress(0.2, "mining " + baskets.size() + " baskets");

        RuleMiner.Mined mined;
        try {
            mined = RuleMiner.mine(baskets, settings, training::cancelled);
        } catch (FpGrowth.TooManyItemsets e) {
            context.log().warn("training stopped: %s", e.getMessage());
            return TrainingReport.nothing("stopped: " + e.getMessage());
        } catch (CancellationException e) {
            return TrainingReport.nothing("cancelled while mining");
        }
        long minedNanos = System.nanoTime() - started;
        training.progress(0.8, "publishing " + mined.rules().size() + " rules");

        List<AssociationRule> published = new ArrayList<>(mined.rules().size());
        Set<String> keys = new HashSet<>();
        for (RuleMiner.Rule r : mined.rules()) {
            AssociationRule rule = new AssociationRule(r.antecedent(), List.of(r.consequent()), r.support(), r.confidence(), r.lift());
            published.add(rule);
            keys.add(rule.key());
        }
        int withdrawn = 0;
        for (AssociationRule old : previousRules()) {
            if (!keys.contains(old.key())) {
                published.add(withdrawn(old));
                withdrawn++;
            }
        }
        if (!published.isEmpty()) {
            context.results().publish(published);
        }

        Map<String, Double> metrics = new TreeMap<>();
        metrics.put("baskets", (double) mined.baskets());
        metrics.put("items", (double) mined.items());
        metrics.put("minCount", (double) mined.minCount());
        metrics.put("frequentItemsets", (double) mined.itemsets().size());
        metrics.put("rules", (double) mined.rules().size());
        metrics.put("rulesAboveThresholds", (double) mined.totalRules());
        metrics.put("withdrawnRules", (double) withdrawn);
        metrics.put("basketsAfterCutoff", (double) late[0]);
        metrics.put("miningMillis", minedNanos / 1e6);
        Map<String, String> metadata = new TreeMap<>();
        metadata.put("cutoff", String.valueOf(cutoff));
        settingsMetadata(metadata);
        ModelVersion saved = context.models().save(new ModelArtifact(encodeRules(mined.rules()), metrics, metadata));
        ModelVersion serving = context.models().promote(saved.version());
        context.metrics().time("training.mining", Duration.ofNanos(minedNanos));
        context.metrics().count("training.rules", mined.rules().size());
        training.progress(1.0, "done");
        String summary = mined.baskets() + " baskets, " + mined.items() + " items: " + mined.itemsets().size()
                + " frequent itemsets (count >= " + mined.minCount() + "), " + mined.totalRules() + " rules above the thresholds, "
                + mined.rules().size() + " published" + (withdrawn > 0 ? ", " + withdrawn + " withdrawn" : "");
        context.log().info("%s", summary);
        return new TrainingReport(serving, metrics, summary);
    }

    @Override
    public void close() {
        context = null;
    }

    /** A rule that no longer holds, as published to withdraw it: the same key, every measure 0. */
    static AssociationRule withdrawn(AssociationRule rule) {
        return new AssociationRule(rule.antecedent(), rule.consequent(), 0, 0, 0);
    }

    private void settingsMetadata(Map<String, String> metadata) {
        metadata.put(MIN_SUPPORT, String.valueOf(settings.minSupport()));
        metadata.put(MIN_COUNT, String.valueOf(settings.minCount()));
        metadata.put(MIN_CONFIDENCE, String.valueOf(settings.minConfidence()));
        metadata.put(MIN_LIFT, String.valueOf(settings.minLift()));
        metadata.put(MAX_ITEMSET_SIZE, String.valueOf(settings.maxSize()));
        metadata.put(MAX_RULES, String.valueOf(settings.maxRules()));
    }

    /** The rules of the newest saved model: what the previous training published. */
    private List<AssociationRule> previousRules() {
        List<ModelVersion> versions = context.models().versions();
        if (versions.isEmpty()) {
            return List.of();
        }
        Optional<ModelArtifact> artifact = context.models().load(versions.get(0).version());
        return artifact.map(a -> decodeRules(a.bytes())).orElse(List.of());
    }

    /** The model: format byte, count, then per rule the left-hand side, the right-hand side and the three measures. */
    static byte[] encodeRules(List<RuleMiner.Rule> rules) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + rules.size() * 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(MODEL_FORMAT);
            out.writeInt(rules.size());
            for (RuleMiner.Rule r : rules) {
                out.writeInt(r.antecedent().size());
                for (String item : r.antecedent()) {
                    BasketLog.writeString(out, item);
                }
                BasketLog.writeString(out, r.consequent());
                out.writeInt(r.count());
                out.writeDouble(r.support());
                out.writeDouble(r.confidence());
                out.writeDouble(r.lift());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads a model; a model in another format yields no rules (nothing to withdraw). */
    static List<AssociationRule> decodeRules(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (bytes.length == 0 || in.readByte() != MODEL_FORMAT) {
                return List.of();
            }
            int n = in.readInt();
            List<AssociationRule> rules = new ArrayList<>(Math.max(0, Math.min(n, 1 << 20)));
            for (int i = 0; i < n; i++) {
                int k = in.readInt();
                List<String> lhs = new ArrayList<>(k);
                for (int j = 0; j < k; j++) {
                    lhs.add(BasketLog.readString(in));
                }
                String rhs = BasketLog.readString(in);
                in.readInt();
                rules.add(new AssociationRule(lhs, List.of(rhs), in.readDouble(), in.readDouble(), in.readDouble()));
            }
            return rules;
        } catch (IOException e) {
            throw new IllegalStateException("corrupt basket-rules model", e);
        }
    }
}
