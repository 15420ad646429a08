package io.footfall.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The planted co-purchase pairs are what a plain pair-count / lift analysis of the orders finds first. */
class CoPurchaseTest {

    private static final int MIN_SUPPORT = 5;

    private record Scored(String pair, long together, double lift) {
    }

    @Test
    void plantedPairsTopTheLiftRanking() {
        LargeRun run = LargeRun.get();
        List<CoPurchasePair> planted = run.truth.coPurchasePairs();
        assertEquals(LargeRun.CONFIG.coPurchasePairs(), planted.size());
        List<Scored> ranking = liftRanking(run.orders);
        Set<String> plantedKeys = new HashSet<>();
        for (CoPurchasePair p : planted) {
            plantedKeys.add(key(p.antecedent(), p.consequent()));
        }
        List<String> top = ranking.stream().limit(planted.size()).map(Scored::pair).toList();
        assertEquals(plantedKeys, new HashSet<>(top), () -> "top of ranking: " + ranking.subList(0,
                Math.min(ranking.size(), 2 * planted.size())));
        double weakestPlanted = ranking.get(planted.size() - 1).lift();
        double strongestOther = ranking.get(planted.size()).lift();
        assertTrue(weakestPlanted > 2 * strongestOther,
                "planted lift " + weakestPlanted + " not far above the best other pair " + strongestOther);
    }

    @Test
    void consequentFollowsAntecedentWithThePlantedProbability() {
        LargeRun run = LargeRun.get();
        long allWithA = 0;
        long allWithBoth = 0;
        double q = LargeRun.CONFIG.coPurchaseProbability();
        for (CoPurchasePair p : run.truth.coPurchasePairs()) {
            assertEquals(q, p.probability());
            long withA = 0;
            long withBoth = 0;
            for (List<String> order : run.orders) {
                if (order.contains(p.antecedent())) {
                    withA++;
                    withBoth += order.contains(p.consequent()) ? 1 : 0;
                }
            }
            assertTrue(withA >= MIN_SUPPORT, "antecedent too rare: " + p + " in " + withA + " orders");
            assertTrue(withBoth >= 0.4 * withA, p + ": B in " + withBoth + " of " + withA + " orders with A");
            allWithA += withA;
            allWithBoth += withBoth;
        }
        double confidence = (double) allWithBoth / allWithA;
        assertTrue(confidence >= q - 0.08 && confidence <= q + 0.15,
                "pooled P(B|A) = " + confidence + " over " + allWithA + " orders, planted " + q);
    }

    private static List<Scored> liftRanking(List<List<String>> orders) {
        Map<String, Long> single = new HashMap<>();
        Map<String, Long> pairs = new HashMap<>();
        for (List<String> order : orders) {
            for (int i = 0; i < order.size(); i++) {
                single.merge(order.get(i), 1L, Long::sum);
                for (int j = i + 1; j < order.size(); j++) {
                    pairs.merge(key(order.get(i), order.get(j)), 1L, Long::sum);
                }
            }
        }
        double n = orders.size();
        List<Scored> scored = new ArrayList<>();
        pairs.forEach((pair, together) -> {
            if (together >= MIN_SUPPORT) {
                String[] ab = pair.split("\\|");
                double lift = together * n / (single.get(ab[0]) * (double) single.get(ab[1]));
                scored.add(new Scored(pair, together, lift));
            }
        });
        scored.sort(Comparator.comparingDouble(Scored::lift).reversed().thenComparing(Scored::pair));
        return scored;
    }

    private static String key(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }
}
