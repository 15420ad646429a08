package io.footfall.plugins.basket;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.config.ConfigError;
import io.footfall.api.config.InvalidConfigException;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.Product;
import io.footfall.api.plugin.TrainingReport;
import io.footfall.api.result.AssociationRule;
import io.footfall.testkit.Fixtures;
import io.footfall.testkit.InMemoryStateStore;
import io.footfall.testkit.PluginHarness;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The plugin in the test kit's harness: baskets from orders, training, publication, withdrawal, bad input. */
class BasketRulesPluginTest {

    /** Loose thresholds for small hand-made histories. */
    private static final Map<String, String> SMALL = Map.of(BasketRulesPlugin.MIN_COUNT, "1", BasketRulesPlugin.MIN_CONFIDENCE, "0",
            BasketRulesPlugin.MIN_LIFT, "0");

    private static PluginHarness open(Map<String, String> config) {
        return PluginHarness.of(new BasketRulesPlugin()).config(config).open();
    }

    private static BehaviorEvent order(String id, int day, String... items) {
        return Fixtures.orderCompleted("u-" + id, id, Fixtures.day(day),
                Arrays.stream(items).map(i -> Fixtures.product(i, null)).toArray(Product[]::new));
    }

    /** Current (not withdrawn) rules, by key. */
    private static Map<String, AssociationRule> live(PluginHarness h) {
        Map<String, AssociationRule> live = new LinkedHashMap<>();
        h.results().latest(AssociationRule.class).forEach((k, r) -> {
            if (r.confidence() > 0) {
                live.put(k, r);
            }
        });
        return live;
    }

    private static List<BehaviorEvent> groceryOrders() throws IOException {
        List<BehaviorEvent> events = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                Objects.requireNonNull(GroceriesTest.class.getResourceAsStream("/groceries.csv")), StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                Product[] products = Arrays.stream(line.split(",")).map(i -> Fixtures.product(i, null)).toArray(Product[]::new);
                events.add(Fixtures.orderCompleted("g-" + (n % 500), "g-" + n, Fixtures.T0.plusSeconds(n), products));
                n++;
            }
        }
        return events;
    }

    @Test
    void groceriesThroughTheHarnessGiveThePublishedCounts() throws IOException {
        try (PluginHarness h = open(Map.of(BasketRulesPlugin.MIN_SUPPORT, "0.001", BasketRulesPlugin.MIN_COUNT, "1",
                BasketRulesPlugin.MIN_CONFIDENCE, "0.8", BasketRulesPlugin.MIN_LIFT, "0", BasketRulesPlugin.MAX_ITEMSET_SIZE, "10",
                BasketRulesPlugin.MAX_RULES, "100000"))) {
            h.feed(groceryOrders());
            TrainingReport report = h.train();
            assertEquals(9_835.0, report.metrics().get("baskets"));
            assertEquals(169.0, report.metrics().get("items"));
            assertEquals(10.0, report.metrics().get("minCount"));
            assertEquals(13_492.0, report.metrics().get("frequentItemsets"));
            assertEquals(410.0, report.metrics().get("rules"));
            List<AssociationRule> rules = h.results().associationRules();
            assertEquals(410, rules.size());
            AssociationRule beer = h.results().latest(AssociationRule.class, "liquor,red/blush wine=>bottled beer").orElseThrow();
            assertEquals(19.0 / 9_835, beer.support(), 1e-15);
            assertEquals(19.0 / 21, beer.confidence(), 1e-15);
            assertEquals(11.235269, beer.lift(), 5e-6);
            for (int i = 1; i < rules.size(); i++) {
                AssociationRule a = rules.get(i - 1);
                AssociationRule b = rules.get(i);
                assertTrue(a.confidence() > b.confidence() || a.confidence() == b.confidence() && a.lift() >= b.lift(),
                        "ranked by confidence then lift at " + i);
            }
            assertTrue(report.model() != null && report.model().serving(), "the rule set is saved and serving");
        }
    }

    @Test
    void aPairBoughtTogetherBecomesARuleWithExactMeasures() {
        try (PluginHarness h = open(SMALL)) {
            h.feed(order("o1", 1, "a", "b"), order("o2", 1, "a", "b"), order("o3", 1, "a", "b", "c"), order("o4", 1, "a"),
                    order("o5", 1, "c"), order("o6", 1, "b"));
            h.train();
            AssociationRule ab = h.results().latest(AssociationRule.class, "a=>b").orElseThrow();
            assertEquals(List.of("a"), ab.antecedent());
            assertEquals(List.of("b"), ab.consequent());
            assertEquals(3.0 / 6, ab.support(), 1e-15);
            assertEquals(3.0 / 4, ab.confidence(), 1e-15);
            assertEquals((3.0 / 4) / (4.0 / 6), ab.lift(), 1e-12);
            AssociationRule abc = h.results().latest(AssociationRule.class, "a,b=>c").orElseThrow();
            assertEquals(1.0 / 3, abc.confidence(), 1e-15);
        }
    }

    @Test
    void anEmptyHistoryTrainsToNoRules() {
        try (PluginHarness h = open(Map.of())) {
            TrainingReport report = assertDoesNotThrow(() -> h.train(Fixtures.day(1)));
            assertEquals(0.0, report.metrics().get("baskets"));
            assertEquals(0.0, report.metrics().get("rules"));
            assertTrue(h.results().all().isEmpty());
            assertTrue(h.deadLetters().isEmpty());
        }
    }

    @Test
    void aSingleItemCatalogueHasNoRulesAndNoError() {
        try (PluginHarness h = open(SMALL)) {
            for (int i = 0; i < 20; i++) {
                h.feed(Fixtures.orderCompleted("u1", "o" + i, Fixtures.day(1), Fixtures.product("only", null, "1.00", 1 + i % 3)));
            }
            TrainingReport report = h.train();
            assertEquals(20.0, report.metrics().get("baskets"));
            assertEquals(1.0, report.metrics().get("items"));
            assertEquals(1.0, report.metrics().get("frequentItemsets"));
            assertEquals(0.0, report.metrics().get("rules"));
            assertTrue(h.results().all().isEmpty());
        }
    }

    @Test
    void ordersWithoutProductsAndOtherEventsAreNotBaskets() {
        try (PluginHarness h = open(SMALL)) {
            h.feed(Fixtures.bare(io.footfall.api.event.StandardEvent.ORDER_COMPLETED, "u1", Fixtures.day(1)),
                    Fixtures.orderCompleted("u1", "o-empty", Fixtures.day(1)),
                    Fixtures.orderCompleted("u1", "o-zero", Fixtures.day(1), Fixtures.product("z", null, "1.00", 0)),
                    Fixtures.productAdded("u1", "p", "Toys", Fixtures.day(1)),
                    order("o1", 1, "a", "b"));
            assertEquals(1.0, h.train().metrics().get("baskets"));
            assertTrue(h.deadLetters().isEmpty());
        }
    }

    @Test
    void anOrderSentTwiceIsOneBasketAndItsLatestVersionCounts() {
        try (PluginHarness h = open(SMALL)) {
            h.feed(order("o1", 1, "a", "b"), order("o1", 2, "a", "c"), order("o2", 2, "a", "c"));
            TrainingReport report = h.train();
            assertEquals(2.0, report.metrics().get("baskets"));
            assertEquals(1.0, h.results().latest(AssociationRule.class, "a=>c").orElseThrow().confidence());
            assertTrue(h.results().latest(AssociationRule.class, "a=>b").isEmpty());
        }
    }

    @Test
    void ordersAtOrAfterTheCutoffAreLeftOut() {
        try (PluginHarness h = open(SMALL)) {
            h.feed(order("o1", 1, "a", "b"), order("o2", 2, "a", "b"), order("o3", 3, "a", "c"));
            TrainingReport report = h.train(Fixtures.day(3));
            assertEquals(2.0, report.metrics().get("baskets"));
            assertEquals(1.0, report.metrics().get("basketsAfterCutoff"));
            assertTrue(h.results().latest(AssociationRule.class, "a=>c").isEmpty());
        }
    }

    @Test
    void aRuleThatNoLongerHoldsIsWithdrawn() {
        try (PluginHarness h = open(Map.of(BasketRulesPlugin.MIN_COUNT, "2", BasketRulesPlugin.MIN_CONFIDENCE, "0.5",
                BasketRulesPlugin.MIN_LIFT, "0"))) {
            h.feed(order("o1", 1, "a", "b"), order("o2", 1, "a", "b"), order("o3", 1, "c", "d"), order("o4", 1, "c", "d"));
            h.train();
            assertEquals(List.of("a=>b", "b=>a", "c=>d", "d=>c"), live(h).keySet().stream().sorted().toList());
            for (int i = 0; i < 4; i++) {
                h.feed(order("x" + i, 2, "a"));
            }
            TrainingReport second = h.train();
            assertEquals(1.0, second.metrics().get("withdrawnRules"));
            AssociationRule ab = h.results().latest(AssociationRule.class, "a=>b").orElseThrow();
            assertEquals(0.0, ab.confidence());
            assertEquals(0.0, ab.support());
            assertEquals(List.of("b=>a", "c=>d", "d=>c"), live(h).keySet().stream().sorted().toList());
            assertEquals(2, h.models().versions().size(), "one model version per training");
        }
    }

    @Test
    void maxRulesKeepsTheBestByConfidenceThenLift() {
        try (PluginHarness h = open(Map.of(BasketRulesPlugin.MIN_COUNT, "1", BasketRulesPlugin.MIN_CONFIDENCE, "0",
                BasketRulesPlugin.MIN_LIFT, "0", BasketRulesPlugin.MAX_RULES, "2"))) {
            h.feed(order("o1", 1, "a", "b"), order("o2", 1, "a", "b"), order("o3", 1, "a", "c"), order("o4", 1, "d"));
            TrainingReport report = h.train();
            assertEquals(2.0, report.metrics().get("rules"));
            assertEquals(4.0, report.metrics().get("rulesAboveThresholds"));
            // b=>a and c=>a have confidence 1; a=>b 2/3 and a=>c 1/3 are cut
            assertEquals(List.of("b=>a", "c=>a"), h.results().associationRules().stream().map(AssociationRule::key).toList());
        }
    }

    @Test
    void theStateDoesNotDependOnBatchBoundaries() {
        List<BehaviorEvent> orders = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            orders.add(order("o" + i, 1 + i % 5, "p" + i % 7, "p" + i % 11));
        }
        try (PluginHarness big = PluginHarness.of(new BasketRulesPlugin()).batchSize(200).open();
             PluginHarness small = PluginHarness.of(new BasketRulesPlugin()).batchSize(7).open()) {
            big.feed(orders);
            small.feed(orders);
            assertTrue(InMemoryStateStore.sameContent(big.state().snapshot(), small.state().snapshot()));
            assertEquals(java.util.Set.of(io.footfall.api.store.StateStore.partKey(BasketLog.META, 0), BasketLog.key(0, 0),
                    BasketLog.key(1, 0), BasketLog.key(2, 0)), big.state().snapshot().keySet(), "2,500 baskets in chunks of 1,000");
            assertEquals(2_500.0, big.train().metrics().get("baskets"));
        }
    }

    @Test
    void eachPartAppendsToItsOwnLogAndTrainingReadsThemAllWithTheLogWrittenBeforeParts() {
        try (PluginHarness h = open(Map.of(BasketRulesPlugin.MIN_COUNT, "1", BasketRulesPlugin.MIN_CONFIDENCE, "0",
                BasketRulesPlugin.MIN_LIFT, "0"))) {
            // a log as SPI 1.6 left it: one basket under the keys without part
            h.state().put(BasketLog.key(0), BasketLog.encode(List.of(BasketRulesPlugin.basket(order("old", 1, "a", "b")))));
            h.state().put(BasketLog.META, BasketLog.encodeMeta(0, 1));
            h.feed(0, List.of(order("o1", 1, "a", "b"), order("o2", 1, "a", "c")));
            h.feed(3, List.of(order("o3", 1, "a", "b"), order("o4", 1, "d", "e")));
            java.util.Set<String> keys = h.state().snapshot().keySet();
            assertTrue(keys.containsAll(java.util.Set.of(BasketLog.key(0, 0), BasketLog.key(0, 3))), keys.toString());
            assertEquals(5.0, h.train().metrics().get("baskets"), "the old log's basket and both parts'");
            AssociationRule ba = h.results().associationRules().stream().filter(r -> r.key().equals("b=>a")).findFirst().orElseThrow();
            assertEquals(3.0 / 5, ba.support(), 1e-9, "a and b together in the old order, o1 and o3");
        }
    }

    @Test
    void tooManyItemsetsStopsTheRunWithAClearReport() {
        // 12 items in one basket at min count 1: 2^12 − 1 = 4,095 itemsets, over a limit of 1,000
        String[] items = new String[12];
        for (int i = 0; i < items.length; i++) {
            items[i] = "i" + i;
        }
        try (PluginHarness h = PluginHarness.of(new BasketRulesPlugin(1_000))
                .config(Map.of(BasketRulesPlugin.MIN_COUNT, "1", BasketRulesPlugin.MAX_ITEMSET_SIZE, "10")).open()) {
            h.feed(order("o1", 1, items));
            TrainingReport report = h.train();
            assertTrue(report.summary().contains("more than 1000 frequent itemsets"), report.summary());
            assertTrue(report.summary().contains("raise min-support"), report.summary());
            assertTrue(h.results().all().isEmpty());
            assertTrue(h.models().versions().isEmpty(), "nothing saved");
        }
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "min-support, 0",
        "min-support, 1.5",
        "min-count, 0",
        "min-confidence, -0.1",
        "min-confidence, 1.01",
        "min-lift, -1",
        "max-itemset-size, 1",
        "max-itemset-size, 11",
        "max-rules, 0",
        "max-rules, 100001",
        "max-rules, many",
    })
    void outOfBoundsConfigIsRefusedNamingTheProperty(String property, String value) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> open(Map.of(property, value)));
        assertTrue(e.errors().stream().map(ConfigError::property).anyMatch(property::equals), e.errors().toString());
    }

    @Test
    void theDefaultsValidate() {
        try (PluginHarness h = open(Map.of())) {
            assertEquals(0.001, h.config().decimal(BasketRulesPlugin.MIN_SUPPORT));
            assertEquals(3, h.config().integer(BasketRulesPlugin.MIN_COUNT));
            assertEquals(3, h.config().integer(BasketRulesPlugin.MAX_ITEMSET_SIZE));
            assertFalse(h.descriptor().config().properties().isEmpty());
        }
    }

    @Test
    void theModelHoldsThePublishedRules() {
        try (PluginHarness h = open(SMALL)) {
            h.feed(order("o1", 1, "a", "b"), order("o2", 1, "a", "b", "c"));
            TrainingReport report = h.train();
            List<AssociationRule> model = BasketRulesPlugin.decodeRules(h.models().load(report.model().version()).orElseThrow().bytes());
            assertEquals(h.results().associationRules(), model);
        }
    }
}
