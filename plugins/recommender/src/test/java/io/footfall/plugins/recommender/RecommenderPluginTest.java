package io.footfall.plugins.recommender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.plugin.TrainingReport;
import io.footfall.api.result.RankedItems;
import io.footfall.simulator.CoPurchasePair;
import io.footfall.simulator.GroundTruth;
import io.footfall.simulator.TasteCluster;
import io.footfall.simulator.UserTruth;
import io.footfall.testkit.Fixtures;
import io.footfall.testkit.PluginHarness;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The plugin on simulated traffic: planted structure is recovered, cold start and the business rules hold. */
class RecommenderPluginTest {

    static PluginHarness trained;
    static GroundTruth truth;
    static TrainingReport report;

    @BeforeAll
    static void simulateAndTrain() {
        trained = PluginHarness.of(new RecommenderPlugin()).open();
        truth = trained.feedSimulation(SimulatorData.config(1000, 30));
        report = trained.train();
    }

    private static List<String> ids(RankedItems list) {
        return list.items().stream().map(RankedItems.ScoredItem::itemId).toList();
    }

    private static String category(String item) {
        return truth.catalogue().product(item).category();
    }

    @Test
    void trainingPicksEaseForTheSmallCatalogueAndSavesAModel() {
        assertEquals("ease", report.model().metadata().get("model"), report.summary());
        assertTrue(report.metrics().get("items") > 100, report.metrics().toString());
        assertTrue(trained.models().serving().isPresent());
    }

    @Test
    void plantedCoPurchasePairsAreRecoveredByCoVisitationAndByTheModel() {
        int covisitFirst = 0;
        int similarTop3 = 0;
        for (CoPurchasePair pair : truth.coPurchasePairs()) {
            List<String> covisit = ids(trained.results().latest(RankedItems.class, "covisit:context:" + pair.antecedent()).orElseThrow());
            if (!covisit.isEmpty() && covisit.get(0).equals(pair.consequent())) {
                covisitFirst++;
            }
            List<String> similar = ids(trained.results().latest(RankedItems.class, "similar:context:" + pair.antecedent()).orElseThrow());
            if (similar.subList(0, Math.min(3, similar.size())).contains(pair.consequent())) {
                similarTop3++;
            }
        }
        int pairs = truth.coPurchasePairs().size();
        assertEquals(pairs, covisitFirst, "planted B first in A's co-visitation list");
        assertTrue(similarTop3 >= pairs - 1, similarTop3 + " of " + pairs + " planted B in A's top-3 similar items");
    }

    @Test
    void recommendationsFollowThePlantedTasteClusters() {
        Map<Integer, Set<String>> clusterCategories = new HashMap<>();
        for (TasteCluster c : truth.clusters()) {
            clusterCategories.put(c.index(), new HashSet<>(c.categories()));
        }
        int listed = 0;
        int inCluster = 0;
        int users = 0;
        for (UserTruth u : truth.users()) {
            String id = u.userId() != null ? u.userId() : u.anonymousId();
            Optional<RankedItems> list = trained.results().latest(RankedItems.class, "recommended:user:" + id);
            if (list.isEmpty() || list.get().items().size() < 10) {
                continue;
            }
            users++;
            for (String item : ids(list.get()).subList(0, 10)) {
                listed++;
                inCluster += clusterCategories.get(u.cluster()).contains(category(item)) ? 1 : 0;
            }
        }
        double share = (double) inCluster / listed;
        // a cluster holds 4 of 16 categories: at random 25% of the items would fall in them
        assertTrue(users > 500, users + " users with a list");
        assertTrue(share > 0.7, "share of top-10 items in the user's cluster categories: " + share);
    }

    @Test
    void purchasedItemsAreNeverRecommended() {
        int checked = 0;
        for (RankedItems bought : trained.results().latest(RankedItems.class).values().stream()
                .filter(r -> r.list().equals(RecommenderPlugin.PURCHASED)).toList()) {
            RankedItems rec = trained.results().latest(RankedItems.class, "recommended:user:" + bought.userId()).orElseThrow();
            Set<String> recommended = new HashSet<>(ids(rec));
            for (String item : ids(bought)) {
                assertFalse(recommended.contains(item), bought.userId() + " bought " + item);
                checked++;
            }
        }
        assertTrue(checked > 100, checked + " purchases checked");
    }

    @Test
    void everyItemComesWithAReason() {
        RankedItems any = trained.results().latest(RankedItems.class).values().stream()
                .filter(r -> r.list().equals(RecommenderPlugin.RECOMMENDED) && r.items().size() >= 10).findFirst().orElseThrow();
        String[] reasons = any.context().split("\n");
        assertEquals(RecommenderPlugin.REASONS_HEADER, reasons[0]);
        assertEquals(any.items().size(), reasons.length - 1);
        for (int k = 1; k < reasons.length; k++) {
            assertTrue(reasons[k].startsWith("because you viewed p-") || reasons[k].startsWith("popular in ")
                    || reasons[k].equals("popular right now") || reasons[k].equals("recommended for you"), reasons[k]);
        }
    }

    @Test
    void aColdStartUserGetsItemsOfTheirTasteFromTheProfileAndOneView() {
        // a newcomer whose profile leans to Books/Fiction views one Books/Fiction product
        String category = "Books/Fiction";
        Set<String> clusterOfCategory = truth.clusters().stream().filter(c -> c.categories().contains(category))
                .findFirst().map(c -> Set.copyOf(c.categories())).orElseThrow();
        String seen = truth.catalogue().products().stream().filter(p -> p.category().equals(category)).findFirst().orElseThrow().productId();
        try (PluginHarness h = PluginHarness.of(new RecommenderPlugin()).open()) {
            h.feedSimulation(SimulatorData.config(1000, 30));
            h.profile("newcomer", Fixtures.profile("newcomer", Map.of(category, 10.0)));
            h.feed(Fixtures.productViewed("newcomer", seen, category, Fixtures.day(30)));
            RankedItems list = h.results().latest(RankedItems.class, "recommended:user:newcomer").orElseThrow();
            assertTrue(list.items().size() >= 10, list.toString());
            long inTaste = ids(list).subList(0, 10).stream().filter(i -> clusterOfCategory.contains(category(i))).count();
            long inCategory = ids(list).subList(0, 10).stream().filter(i -> category.equals(category(i))).count();
            assertTrue(inTaste >= 7, inTaste + " of the top 10 in the categories of " + category + "'s cluster: " + list);
            assertTrue(inCategory >= 3, inCategory + " of the top 10 in " + category + ": " + list);
            assertTrue(list.context().contains("popular in " + category), list.context());
            assertTrue(list.context().contains("because you viewed " + seen), list.context());
        }
    }

    @Test
    void aSuddenBurstTrendsAboveSteadySellers() {
        try (PluginHarness h = PluginHarness.of(new RecommenderPlugin()).open()) {
            List<io.footfall.api.event.BehaviorEvent> events = new java.util.ArrayList<>();
            for (int d = 0; d < 28; d++) {           // a steady item: 4 views a day for four weeks
                for (int v = 0; v < 4; v++) {
                    events.add(Fixtures.productViewed("s" + v, "steady", "Books", Fixtures.day(d).plusSeconds(3600L * (v + 1))));
                }
            }
            for (int v = 0; v < 12; v++) {           // a new item: 12 views on the last day
                events.add(Fixtures.productViewed("b" + v, "burst", "Books", Fixtures.day(27).plusSeconds(600L * (v + 1))));
            }
            events.sort(java.util.Comparator.comparing(io.footfall.api.event.BehaviorEvent::occurredAt));
            h.feed(events);
            RankedItems trending = h.results().latest(RankedItems.class, "trending:context:all").orElseThrow();
            assertEquals("burst", trending.items().get(0).itemId(), trending.toString());
            RankedItems popular = h.results().latest(RankedItems.class, "popular:context:all").orElseThrow();
            assertEquals("steady", popular.items().get(0).itemId(), popular.toString());
        }
    }

    @Test
    void trainingWithoutEventsSavesNothing() {
        try (PluginHarness h = PluginHarness.of(new RecommenderPlugin()).open()) {
            TrainingReport r = h.train();
            assertEquals(null, r.model());
            assertTrue(r.summary().contains("nothing to train"), r.summary());
        }
    }

    @Test
    void aSingleItemCatalogueTrainsAndRecommendsNothingBought() {
        try (PluginHarness h = PluginHarness.of(new RecommenderPlugin()).open()) {
            h.feed(Fixtures.productViewed("u1", "p-1", "Books", Fixtures.T0),
                    Fixtures.orderCompleted("u1", "o-1", Fixtures.day(1), Fixtures.product("p-1", "Books", "9.90", 1)),
                    Fixtures.productViewed("u2", "p-1", "Books", Fixtures.day(2)));
            TrainingReport r = h.train();
            assertEquals(1.0, r.metrics().get("items"));
            assertEquals(List.of(), ids(h.results().latest(RankedItems.class, "recommended:user:u1").orElseThrow()));
            assertEquals(List.of("p-1"), ids(h.results().latest(RankedItems.class, "recommended:user:u2").orElseThrow()));
        }
    }

    @Test
    void ialsCanBeChosenAndItsLossFalls() {
        try (PluginHarness h = PluginHarness.of(new RecommenderPlugin()).config(Map.of("model", "ials", "ials-iterations", "5")).open()) {
            h.feedSimulation(SimulatorData.config(200, 14));
            TrainingReport r = h.train();
            assertEquals("ials", r.model().metadata().get("model"));
            assertTrue(r.metrics().get("lossLast") < r.metrics().get("lossFirst"), r.metrics().toString());
        }
    }
}
