package io.footfall.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Users of a planted taste cluster mostly view that cluster's categories. */
class TasteClusterTest {

    @Test
    void clustersPartitionTheCategories() {
        GroundTruth truth = LargeRun.get().truth;
        Set<String> seen = new HashSet<>();
        for (TasteCluster c : truth.clusters()) {
            assertTrue(!c.categories().isEmpty() && !c.brands().isEmpty(), c::toString);
            for (String category : c.categories()) {
                assertTrue(seen.add(category), "category in two clusters: " + category);
            }
        }
        assertEquals(new HashSet<>(truth.catalogue().categories()), seen);
    }

    @Test
    void membersViewMostlyTheirClustersCategories() {
        LargeRun run = LargeRun.get();
        List<TasteCluster> clusters = run.truth.clusters();
        int k = clusters.size();
        long[][] views = new long[k][k];
        long[] totals = new long[k];
        for (UserTruth u : run.truth.users()) {
            Map<String, Integer> byCategory = run.viewedCategories.getOrDefault(u.anonymousId(), Map.of());
            for (Map.Entry<String, Integer> e : byCategory.entrySet()) {
                for (TasteCluster c : clusters) {
                    if (c.categories().contains(e.getKey())) {
                        views[u.cluster()][c.index()] += e.getValue();
                    }
                }
                totals[u.cluster()] += e.getValue();
            }
        }
        for (int member = 0; member < k; member++) {
            assertTrue(totals[member] > 1_000, "cluster " + member + " has few views: " + totals[member]);
            double own = (double) views[member][member] / totals[member];
            assertTrue(own > 0.6, "cluster " + member + " views its own categories only " + own);
            for (int other = 0; other < k; other++) {
                if (other != member) {
                    double share = (double) views[member][other] / totals[member];
                    assertTrue(share < own / 4, "cluster " + member + " views cluster " + other + "'s categories "
                            + share + " vs own " + own);
                }
            }
        }
    }

    @Test
    void aUsersDominantCategoryRevealsTheirCluster() {
        LargeRun run = LargeRun.get();
        int active = 0;
        int recovered = 0;
        for (UserTruth u : run.truth.users()) {
            Map<String, Integer> byCategory = run.viewedCategories.get(u.anonymousId());
            if (byCategory == null || byCategory.values().stream().mapToInt(Integer::intValue).sum() < 10) {
                continue;
            }
            active++;
            String top = byCategory.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue()
                    .thenComparing(Map.Entry.comparingByKey())).orElseThrow().getKey();
            if (run.truth.clusters().get(u.cluster()).categories().contains(top)) {
                recovered++;
            }
        }
        assertTrue(active > 500, "too few active users: " + active);
        assertTrue(recovered > 0.9 * active, "dominant category matched the cluster for " + recovered + "/" + active);
    }
}
