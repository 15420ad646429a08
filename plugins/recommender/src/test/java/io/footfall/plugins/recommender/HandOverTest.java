package io.footfall.plugins.recommender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.result.RankedItems;
import io.footfall.simulator.GroundTruth;
import io.footfall.simulator.SimulatorConfig;
import io.footfall.simulator.TasteCluster;
import io.footfall.simulator.UserTruth;
import io.footfall.testkit.PluginHarness;
import io.footfall.testkit.Simulations;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The processor moves to another pod between trainings (ADR 0018): a new instance over the same stores serves the
 * trained recommendations exactly as the instance that trained, without training itself.
 */
class HandOverTest {

    @Test
    void aNewInstanceServesTheTrainedRecommendationsWithoutRetraining() {
        SimulatorConfig sim = SimulatorData.config(400, 20);
        Simulations.Simulation run = Simulations.run(sim);
        GroundTruth truth = run.truth();
        Instant handOver = sim.start().plus(Duration.ofDays(15));
        List<BehaviorEvent> events = run.events();
        int split = 0;
        while (events.get(split).occurredAt().isBefore(handOver)) {
            split++;
        }
        List<BehaviorEvent> before = events.subList(0, split);
        List<BehaviorEvent> after = events.subList(split, events.size());

        try (PluginHarness a = PluginHarness.of(new RecommenderPlugin()).open()) {
            a.feed(before);
            a.train(handOver);
            assertEquals(1, a.models().versions().size());
            // B: another pod claims the processor; C: the same stores without the trained candidates (a control
            // showing that what B serves comes from the training B did not run)
            try (PluginHarness b = a.onAnotherInstance(new RecommenderPlugin()).open();
                 PluginHarness c = untrained(a.onAnotherInstance(new RecommenderPlugin())).open()) {
                int mark = a.results().size();
                a.feed(after);
                b.feed(after);
                c.feed(after);
                List<RankedItems> fromA = recommended(a.results().all().subList(mark, a.results().size()).stream()
                        .filter(RankedItems.class::isInstance).map(RankedItems.class::cast).toList());
                List<RankedItems> fromB = recommended(b.results().rankedItems());
                List<RankedItems> fromC = recommended(c.results().rankedItems());

                assertTrue(fromA.size() > 200, fromA.size() + " recommended lists after the hand-over");
                assertEquals(fromA, fromB, "B publishes exactly A's recommended lists, in the same order");
                assertEquals(1, b.models().versions().size(), "B trained nothing");
                assertTrue(b.trainingProgress().isEmpty());

                // the planted users' latest lists: the same in A and B, of their taste cluster, and trained
                Map<Integer, Set<String>> clusterCategories = new HashMap<>();
                for (TasteCluster cl : truth.clusters()) {
                    clusterCategories.put(cl.index(), new HashSet<>(cl.categories()));
                }
                int users = 0;
                int differFromUntrained = 0;
                int listed = 0;
                int inCluster = 0;
                for (UserTruth u : truth.users()) {
                    String id = u.userId() != null ? u.userId() : u.anonymousId();
                    String key = "recommended:user:" + id;
                    RankedItems listB = latest(b, key);
                    if (listB == null || listB.items().size() < 10 || a.state().get("rec/" + id).isEmpty()) {
                        continue;
                    }
                    users++;
                    assertEquals(latest(a, key), listB, "planted user " + id);
                    differFromUntrained += listB.equals(latest(c, key)) ? 0 : 1;
                    for (RankedItems.ScoredItem item : listB.items().subList(0, 10)) {
                        listed++;
                        inCluster += clusterCategories.get(u.cluster()).contains(truth.catalogue().product(item.itemId()).category()) ? 1 : 0;
                    }
                }
                double share = listed == 0 ? 0 : (double) inCluster / listed;
                System.out.println("hand-over: " + fromA.size() + " recommended lists after it; " + users + " planted users with trained"
                        + " candidates, " + differFromUntrained + " of their lists differ without them; cluster share " + share);
                assertTrue(users > 100, users + " planted users with trained candidates served after the hand-over");
                assertTrue(differFromUntrained > users * 0.9,
                        differFromUntrained + " of " + users + " lists differ from an instance without the trained candidates");
                assertTrue(share > 0.7, "share of B's top-10 items in the user's planted cluster categories: " + share);
            }
        }
    }

    /** The stores another pod would find had no training run: every trained candidate list removed. */
    private static PluginHarness untrained(PluginHarness h) {
        for (String key : h.state().keys("rec/", Integer.MAX_VALUE)) {
            h.state().delete(key);
        }
        return h;
    }

    private static List<RankedItems> recommended(List<RankedItems> lists) {
        return lists.stream().filter(r -> r.list().equals(RecommenderPlugin.RECOMMENDED)).toList();
    }

    private static RankedItems latest(PluginHarness h, String key) {
        return h.results().latest(RankedItems.class, key).orElse(null);
    }
}
