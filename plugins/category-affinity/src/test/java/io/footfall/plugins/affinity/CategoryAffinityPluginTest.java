package io.footfall.plugins.affinity;

import static io.footfall.plugins.affinity.CategoryAffinityPlugin.LIST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.config.ConfigError;
import io.footfall.api.config.InvalidConfigException;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.plugin.TrainingReport;
import io.footfall.api.result.RankedItems;
import io.footfall.api.result.ReportTable;
import io.footfall.testkit.Fixtures;
import io.footfall.testkit.PluginHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CategoryAffinityPluginTest {

    private static PluginHarness open(Map<String, String> config) {
        return PluginHarness.of(new CategoryAffinityPlugin()).config(config).open();
    }

    private static Map<String, Double> scores(PluginHarness h, String user) {
        RankedItems list = h.results().rankedItemsFor(LIST, user).orElseThrow(() -> new AssertionError("no list for " + user));
        return list.items().stream().collect(Collectors.toMap(RankedItems.ScoredItem::itemId, RankedItems.ScoredItem::score,
                (a, b) -> a, java.util.LinkedHashMap::new));
    }

    private static List<String> ranking(PluginHarness h, String user) {
        return List.copyOf(scores(h, user).keySet());
    }

    @Test
    void viewsAddsAndPurchasesWeigh1And3And5PerUnit() {
        try (PluginHarness h = open(Map.of())) {
            h.feed(Fixtures.productViewed("u1", "p-1", "Books", Fixtures.T0),
                    Fixtures.productAdded("u1", "p-2", "Toys", 4, Fixtures.T0),
                    Fixtures.orderCompleted("u1", "o-1", Fixtures.T0, Fixtures.product("p-3", "Garden", "5.00", 2),
                            Fixtures.product("p-4", null)),
                    Fixtures.page("u1", "Home", Fixtures.T0));
            assertEquals(Map.of("Garden", 10.0, "Toys", 3.0, "Books", 1.0), scores(h, "u1"));
            assertEquals(List.of("Garden", "Toys", "Books"), ranking(h, "u1"));
        }
    }

    @Test
    void anOldViewCountsLessThanARecentOne() {
        try (PluginHarness h = open(Map.of())) {
            h.feed(Fixtures.productViewed("u1", "p-1", "Books", Fixtures.day(0)),
                    Fixtures.productViewed("u1", "p-2", "Toys", Fixtures.day(14)));
            Map<String, Double> s = scores(h, "u1");
            assertEquals(List.of("Toys", "Books"), List.copyOf(s.keySet()));
            assertEquals(1.0, s.get("Toys"), 1e-12);
            assertEquals(0.5, s.get("Books"), 1e-12, "one default half-life (P14D) later, a view is worth half");
        }
    }

    @Test
    void eventTimeNotArrivalOrderDecides() {
        try (PluginHarness a = open(Map.of()); PluginHarness b = open(Map.of())) {
            BehaviorEvent old = Fixtures.productViewed("u1", "p-1", "Books", Fixtures.day(0));
            BehaviorEvent recent = Fixtures.productViewed("u1", "p-2", "Toys", Fixtures.day(7));
            a.feed(old, recent);
            b.feed(recent, old);
            assertEquals(scores(a, "u1").get("Books"), scores(b, "u1").get("Books"), 1e-12);
            assertEquals(Math.pow(0.5, 0.5), scores(b, "u1").get("Books"), 1e-12);
        }
    }

    @Test
    void theHalfLifeDecidesBetweenOldHabitsAndRecentInterest() {
        List<BehaviorEvent> events = List.of(
                Fixtures.productViewed("u1", "p-1", "Books", Fixtures.day(0)),
                Fixtures.productViewed("u1", "p-2", "Books", Fixtures.day(0)),
                Fixtures.productViewed("u1", "p-3", "Books", Fixtures.day(0)),
                Fixtures.productViewed("u1", "p-4", "Toys", Fixtures.day(60)));
        try (PluginHarness shortMemory = open(Map.of("half-life", "P14D"));
             PluginHarness longMemory = open(Map.of("half-life", "P365D"))) {
            shortMemory.feed(events);
            longMemory.feed(events);
            assertEquals("Toys", ranking(shortMemory, "u1").get(0));
            assertEquals("Books", ranking(longMemory, "u1").get(0));
            assertEquals(3 * Math.pow(0.5, 60.0 / 365), scores(longMemory, "u1").get("Books"), 1e-12);
        }
    }

    @Test
    void listsHoldTheTopNCategoriesBestFirstTiesByName() {
        List<BehaviorEvent> events = new ArrayList<>();
        String[] categories = {"G", "F", "E", "D", "C", "B", "A"};
        for (int i = 0; i < categories.length; i++) {
            for (int k = 0; k <= i / 2; k++) {
                events.add(Fixtures.productViewed("u1", "p-" + i + "-" + k, categories[i], Fixtures.T0));
            }
        }
        try (PluginHarness h = open(Map.of("top-n", "3"))) {
            h.feed(events);
            assertEquals(List.of("A", "B", "C"), ranking(h, "u1"), "A has 4 views; B and C 3 each");
        }
        try (PluginHarness h = open(Map.of())) {
            h.feed(events);
            assertEquals(5, ranking(h, "u1").size(), "default top-n is 5");
        }
    }

    @Test
    void anAnonymousVisitorsAffinityMovesToTheUserOnceIdentified() {
        try (PluginHarness h = open(Map.of())) {
            h.feed(Fixtures.track("Product Viewed").anonymous("a1").at(Fixtures.day(0))
                            .property("product_id", "p-1").property("category", "Books").build(),
                    Fixtures.track("Product Viewed").anonymous("a1").at(Fixtures.day(0))
                            .property("product_id", "p-2").property("category", "Books").build());
            assertEquals(Map.of("Books", 2.0), scores(h, "a1"));
            h.feed(Fixtures.identify("u1", "a1", Fixtures.day(1)),
                    Fixtures.track("Product Viewed").user("u1").anonymous("a1").at(Fixtures.day(1))
                            .property("product_id", "p-3").property("category", "Toys").build());
            assertEquals(Map.of("Books", 2 * Math.pow(0.5, 1 / 14.0), "Toys", 1.0), scores(h, "u1"));
            assertEquals(Map.of(), scores(h, "a1"), "the visitor's list is emptied");
            assertEquals(List.of("user/u1"), h.state().keys("", 10));
        }
    }

    @Test
    void theSummaryCountsUsersByTopCategory() {
        try (PluginHarness h = open(Map.of())) {
            h.feed(Fixtures.productViewed("u1", "p-1", "Books", Fixtures.T0),
                    Fixtures.productViewed("u2", "p-1", "Books", Fixtures.T0),
                    Fixtures.productViewed("u3", "p-2", "Toys", Fixtures.T0),
                    Fixtures.productViewed("u3", "p-1", "Books", Fixtures.T0.minus(Duration.ofDays(1))));
            TrainingReport report = h.train();
            assertEquals(Map.of("users", 3.0, "categories", 2.0), report.metrics());
            ReportTable table = h.results().reportTable(CategoryAffinityPlugin.SUMMARY_TABLE).orElseThrow();
            assertEquals(List.of("category", "users", "share"), table.columns());
            assertEquals(List.of(List.of("Books", 2L, 2 / 3.0), List.of("Toys", 1L, 1 / 3.0)), table.rows());
            assertTrue(report.model() == null, "no model is saved");
            assertTrue(h.models().versions().isEmpty());
        }
    }

    @Test
    void trainingStopsWhenCancelled() {
        try (PluginHarness h = open(Map.of()).cancelTraining(true)) {
            h.feed(Fixtures.productViewed("u1", "p-1", "Books", Fixtures.T0));
            assertTrue(h.train().summary().startsWith("cancelled"));
            assertTrue(h.results().reportTables().isEmpty());
        }
    }

    @Test
    void invalidConfigurationNamesTheProperty() {
        for (Map<String, String> bad : List.of(Map.of("half-life", "PT1H"), Map.of("half-life", "P400D"),
                Map.of("half-life", "two weeks"))) {
            assertEquals(List.of("half-life"), refused(bad), bad.toString());
        }
        for (Map<String, String> bad : List.of(Map.of("top-n", "0"), Map.of("top-n", "51"), Map.of("top-n", "five"))) {
            assertEquals(List.of("top-n"), refused(bad), bad.toString());
        }
        assertEquals(List.of("topn"), refused(Map.of("topn", "3")));
    }

    private static List<String> refused(Map<String, String> config) {
        PluginHarness h = PluginHarness.of(new CategoryAffinityPlugin()).config(config);
        InvalidConfigException e = assertThrows(InvalidConfigException.class, h::open);
        assertFalse(h.isOpen());
        return e.errors().stream().map(ConfigError::property).toList();
    }
}
