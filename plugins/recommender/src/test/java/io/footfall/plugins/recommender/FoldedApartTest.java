package io.footfall.plugins.recommender;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.plugin.PositionedEvent;
import io.footfall.api.result.RankedItems;
import io.footfall.api.store.StateStore;
import io.footfall.simulator.CoPurchasePair;
import io.footfall.simulator.GroundTruth;
import io.footfall.testkit.People;
import io.footfall.testkit.PluginHarness;
import io.footfall.testkit.Simulations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The recommender folded by person on three parts, as the host folds it with {@code footfall.processing.segments.plugins=3}:
 * the simulation's people split over the parts, their events fed in chunks that alternate between the parts, against
 * the same simulation folded in log order on one. What adds up (item statistics, co-visitation weights) must be the
 * in-order figure; what each part ranks on its own share (co-visitation neighbours, popular lists) is measured against
 * the in-order lists, and the planted structure must be recovered as in order.
 */
class FoldedApartTest {

    static final int PARTS = 3;
    static final Duration HALF_LIFE = Duration.ofDays(7);

    static GroundTruth truth;
    static PluginHarness inOrder;
    static PluginHarness apart;

    @BeforeAll
    static void foldBothWays() {
        Simulations.Simulation sim = Simulations.run(SimulatorData.config(1000, 30));
        truth = sim.truth();
        inOrder = PluginHarness.of(new RecommenderPlugin()).open();
        inOrder.feed(sim.events());
        apart = PluginHarness.of(new RecommenderPlugin()).open();
        List<List<PositionedEvent>> parts = People.split(inOrder.fedEvents(), PARTS, PositionedEvent::event);
        int chunk = 150;
        int[] next = new int[PARTS];
        boolean more = true;
        while (more) {
            more = false;
            for (int part = 0; part < PARTS; part++) {
                List<PositionedEvent> own = parts.get(part);
                if (next[part] < own.size()) {
                    apart.feedSegment(part, own.subList(next[part], Math.min(own.size(), next[part] + chunk)));
                    next[part] += chunk;
                    more = true;
                }
            }
        }
    }

    @AfterAll
    static void close() {
        inOrder.close();
        apart.close();
    }

    private static Set<String> items() {
        Set<String> items = new TreeSet<>();
        for (String key : inOrder.state().snapshot().keySet()) {
            if (key.startsWith("item/")) {
                items.add(key.substring("item/".length(), key.lastIndexOf(StateStore.PART_MARK)));
            }
        }
        return items;
    }

    private static List<String> ids(List<Map.Entry<String, Double>> list, int n) {
        return list.subList(0, Math.min(n, list.size())).stream().map(Map.Entry::getKey).toList();
    }

    private static List<String> ids(Optional<RankedItems> list, int n) {
        List<String> ids = list.orElseThrow().items().stream().map(RankedItems.ScoredItem::itemId).toList();
        return ids.subList(0, Math.min(n, ids.size()));
    }

    /** |a ∩ b| / max(|a|, |b|), 1 for two empty lists. */
    private static double overlap(List<String> a, List<String> b) {
        if (a.isEmpty() && b.isEmpty()) {
            return 1;
        }
        Set<String> common = new HashSet<>(a);
        common.retainAll(b);
        return (double) common.size() / Math.max(a.size(), b.size());
    }

    @Test
    void everyPartWritesSharesOfItsOwnAndTheSharesAddUpToTheInOrderStatistics() {
        Map<String, byte[]> state = apart.state().snapshot();
        for (int part = 0; part < PARTS; part++) {
            assertTrue(state.containsKey(StateStore.partKey("parts", part)), "part " + part + " marked");
        }
        for (String key : state.keySet()) {
            assertTrue(key.startsWith("user/") || key.startsWith("rec/") || key.contains(StateStore.PART_MARK), "a figure of every person without part: " + key);
        }
        RecommenderPlugin.Work a = RecommenderPlugin.Work.reading(apart.state(), HALF_LIFE);
        RecommenderPlugin.Work o = RecommenderPlugin.Work.reading(inOrder.state(), HALF_LIFE);
        Set<String> items = items();
        assertTrue(items.size() > 300, items.size() + " items");
        int shared = 0;
        for (String item : items) {
            ItemStats x = o.item(item);
            ItemStats y = a.item(item);
            assertEquals(x.total, y.total, item);
            assertEquals(x.category, y.category, item);
            assertEquals(x.popularity.at(), y.popularity.at(), item);
            assertEquals(x.popularity.value(), y.popularity.value(), 1e-9 * x.popularity.value(), item);
            assertEquals(x.recent.value(), y.recent.value(), 1e-9 * x.recent.value() + 1e-12, item);
            long parts = java.util.stream.IntStream.range(0, PARTS)
                    .filter(p -> apart.state().get(StateStore.partKey("item/" + item, p)).isPresent()).count();
            shared += parts > 1 ? 1 : 0;
        }
        assertTrue(shared > items.size() / 2, shared + " of " + items.size() + " items touched on several parts");
    }

    @Test
    void coVisitationNeighboursAgreeWithTheInOrderOnesAndThePlantedPairsComeFirst() {
        RecommenderPlugin.Work a = RecommenderPlugin.Work.reading(apart.state(), HALF_LIFE);
        RecommenderPlugin.Work o = RecommenderPlugin.Work.reading(inOrder.state(), HALF_LIFE);
        double sum = 0;
        double worst = 1;
        int compared = 0;
        for (String item : items()) {
            double x = overlap(ids(RecommenderPlugin.covisitSims(o, item, 10), 10), ids(RecommenderPlugin.covisitSims(a, item, 10), 10));
            sum += x;
            worst = Math.min(worst, x);
            compared++;
        }
        double mean = sum / compared;
        System.out.printf("co-visitation top-10 overlap, 3 parts vs in order: mean %.4f, worst %.2f over %d items%n", mean, worst, compared);
        assertTrue(mean >= 0.95, "mean top-10 overlap " + mean);
        for (CoPurchasePair pair : truth.coPurchasePairs()) {
            List<String> covisit = ids(apart.results().latest(RankedItems.class, "covisit:context:" + pair.antecedent()), 1);
            assertEquals(List.of(pair.consequent()), covisit, "planted " + pair.consequent() + " first in " + pair.antecedent() + "'s list");
        }
    }

    @Test
    void popularListsAreTheInOrderOnes() {
        List<String> contexts = new ArrayList<>(List.of("all"));
        truth.catalogue().products().stream().map(p -> "category:" + p.category()).distinct().forEach(contexts::add);
        double sum = 0;
        for (String context : contexts) {
            List<String> x = ids(inOrder.results().latest(RankedItems.class, "popular:context:" + context), 20);
            List<String> y = ids(apart.results().latest(RankedItems.class, "popular:context:" + context), 20);
            sum += overlap(x, y);
        }
        double mean = sum / contexts.size();
        System.out.printf("popular top-20 overlap, 3 parts vs in order: mean %.4f over %d lists%n", mean, contexts.size());
        assertTrue(mean >= 0.95, "mean top-20 overlap " + mean);
    }

    @Test
    void trainedOnThePartsTheRecommendationsAreTheInOrderOnes() {
        inOrder.train();
        apart.train();
        double sum = 0;
        int users = 0;
        for (RankedItems x : inOrder.results().latest(RankedItems.class).values()) {
            if (x.list().equals(RecommenderPlugin.RECOMMENDED) && x.items().size() >= 10) {
                List<String> mine = x.items().stream().map(RankedItems.ScoredItem::itemId).toList().subList(0, 10);
                sum += overlap(mine, ids(apart.results().latest(RankedItems.class, "recommended:user:" + x.userId()), 10));
                users++;
            }
        }
        double mean = sum / users;
        System.out.printf("trained recommendations top-10 overlap, 3 parts vs in order: mean %.4f over %d users%n", mean, users);
        assertTrue(users > 500, users + " users");
        assertTrue(mean >= 0.95, "mean top-10 overlap " + mean);
        int top3 = 0;
        for (CoPurchasePair pair : truth.coPurchasePairs()) {
            top3 += ids(apart.results().latest(RankedItems.class, "similar:context:" + pair.antecedent()), 3).contains(pair.consequent()) ? 1 : 0;
        }
        assertTrue(top3 >= truth.coPurchasePairs().size() - 1, top3 + " of " + truth.coPurchasePairs().size() + " planted pairs in the top 3");
    }

    @Test
    void theRecordsOfPlugin01WithoutPartAreReadAsOneMoreShare() {
        try (PluginHarness h = PluginHarness.of(new RecommenderPlugin()).open()) {
            // what plugin 0.1 left: statistics, co-visitation and popularity without part
            ItemStats old = new ItemStats();
            old.category = "Books";
            old.add(7, io.footfall.testkit.Fixtures.T0.toEpochMilli(), HALF_LIFE);
            h.state().put("item/p-1", old.encode());
            ScoredList co = new ScoredList(100);
            co.add("p-2", 4);
            h.state().put("co/p-1", co.encode());
            ScoredList pop = new ScoredList(200);
            pop.set("p-1", old.popularityRank(HALF_LIFE));
            h.state().put("pop/all", pop.encode());
            // u1 views p-2 then p-1 on part 0: p-1 gets 1 and the pair (p-1, p-2) 1 more
            h.feed(io.footfall.testkit.Fixtures.productViewed("u1", "p-2", "Books", io.footfall.testkit.Fixtures.day(1)),
                    io.footfall.testkit.Fixtures.productViewed("u1", "p-1", "Books", io.footfall.testkit.Fixtures.day(1).plusSeconds(60)));
            RecommenderPlugin.Work w = RecommenderPlugin.Work.reading(h.state(), HALF_LIFE);
            assertEquals(8.0, w.item("p-1").total);
            assertEquals(5.0, w.merged("co/p-1", ScoredList.Merge.SUM).scores.get("p-2"));
            assertTrue(h.state().get("item/p-1#part0").isPresent(), "new figures go to part 0's share");
            assertArrayEquals(old.encode(), h.state().get("item/p-1").orElseThrow(), "the old record is not written");
            RankedItems popular = h.results().latest(RankedItems.class, "popular:context:all").orElseThrow();
            assertEquals("p-1", popular.items().get(0).itemId(), popular.toString());
        }
    }
}
