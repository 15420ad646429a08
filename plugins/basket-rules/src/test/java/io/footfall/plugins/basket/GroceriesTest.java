package io.footfall.plugins.basket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The mining core on the arules "Groceries" baskets ({@code src/test/resources/groceries.csv}, provenance in
 * {@code groceries.README.md}): the published counts, rule values from the literature, counts checked against a
 * direct scan of the baskets, and the time limit.
 */
class GroceriesTest {

    private static Baskets groceries;

    static Baskets load() throws IOException {
        try (InputStream in = GroceriesTest.class.getResourceAsStream("/groceries.csv")) {
            assertNotNull(in, "groceries.csv is missing from the test resources");
            return Baskets.readCsv(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
    }

    @BeforeAll
    static void read() throws IOException {
        groceries = load();
    }

    @Test
    void theDataIsTheGroceriesSet() {
        assertEquals(9_835, groceries.size());
        assertEquals(169, groceries.itemCount());
        long occurrences = 0;
        for (int i = 0; i < groceries.size(); i++) {
            occurrences += groceries.basket(i).length;
        }
        assertEquals(43_367, occurrences);
    }

    /** The figures of {@code ../shared/data/README.md}: itemsets at a support, rules at a confidence. */
    @ParameterizedTest(name = "minsup {0}: {1} itemsets; confidence {2}: {3} rules")
    @CsvSource({
        "0.001, 13492, 0.8, 410",
        "0.001, 13492, 0.5, 5668",
        "0.006, 747, 0.25, 463",
        "0.01, 333, 0.5, 15",
    })
    void publishedCounts(double minSupport, int itemsets, double minConfidence, int rules) {
        RuleMiner.Mined mined = RuleMiner.mine(groceries, RuleMiner.Settings.arules(minSupport, minConfidence));
        assertEquals(itemsets, mined.itemsets().size(), "frequent itemsets");
        assertEquals(rules, mined.rules().size(), "rules");
        assertEquals(rules, mined.totalRules());
        assertTrue(mined.rules().stream().allMatch(r -> r.antecedent().size() + 1 >= 2), "every rule has at least 2 items");
    }

    @Test
    void theThresholdIsTheCeilingOfSupportTimesBaskets() {
        assertEquals(10, RuleMiner.minCount(0.001, 9_835, 1));
        assertEquals(60, RuleMiner.minCount(0.006, 9_835, 1));
        assertEquals(99, RuleMiner.minCount(0.01, 9_835, 1));
        assertEquals(10, RuleMiner.minCount(0.01, 1_000, 1), "0.01 × 1000 is exactly 10, not 11");
        assertEquals(5, RuleMiner.minCount(0.001, 100, 5), "the count floor wins over a lower support");
    }

    /**
     * Rules as the arules literature prints them (7 significant digits): Hahsler's arules examples and Lantz,
     * "Machine Learning with R", chapter 8.
     */
    @ParameterizedTest(name = "{0} => {1}")
    @CsvSource(delimiter = ';', value = {
        // minsup 0.001, confidence 0.8: the rule of highest lift
        "liquor,red/blush wine; bottled beer; 0.001; 0.001931876; 0.9047619; 11.235269",
        // minsup 0.006, confidence 0.25 (Lantz): the strongest rules by lift
        "herbs; root vegetables; 0.006; 0.007015760; 0.4312500; 3.956477",
        "berries; whipped/sour cream; 0.006; 0.009049314; 0.2721713; 3.796886",
        // minsup 0.01, confidence 0.5
        "citrus fruit,root vegetables; other vegetables; 0.01; 0.01037112; 0.5862069; 3.029608",
    })
    void ruleValuesMatchTheLiterature(String lhs, String rhs, double minSupport, double support, double confidence, double lift) {
        RuleMiner.Mined mined = RuleMiner.mine(groceries, RuleMiner.Settings.arules(minSupport, 0.25));
        List<String> antecedent = Arrays.stream(lhs.split(",")).sorted().toList();
        RuleMiner.Rule rule = mined.rules().stream().filter(r -> r.antecedent().equals(antecedent) && r.consequent().equals(rhs))
                .findFirst().orElseThrow(() -> new AssertionError("no rule " + antecedent + " => " + rhs));
        assertEquals(support, rule.support(), 5e-9);
        assertEquals(confidence, rule.confidence(), 5e-7);
        assertEquals(lift, rule.lift(), 5e-6);
    }

    @Test
    void theHighestLiftRuleAtMinsup0001IsLiquorAndWineToBeer() {
        RuleMiner.Mined mined = RuleMiner.mine(groceries, RuleMiner.Settings.arules(0.001, 0.8));
        RuleMiner.Rule best = mined.rules().stream().max(java.util.Comparator.comparingDouble(RuleMiner.Rule::lift)).orElseThrow();
        assertEquals(List.of("liquor", "red/blush wine"), best.antecedent());
        assertEquals("bottled beer", best.consequent());
        assertEquals(19, best.count());
        assertEquals(19.0 / 9_835, best.support(), 0);
        assertEquals(19.0 / 21, best.confidence(), 0);
    }

    /** Every frequent pair and its count, compared with counting all pairs by brute force. */
    @Test
    void frequentPairsEqualABruteForceCount() {
        int minCount = RuleMiner.minCount(0.001, groceries.size(), 1);
        FrequentItemsets mined = FpGrowth.mine(groceries, minCount, 2);
        Map<String, Integer> pairs = new HashMap<>();
        for (int b = 0; b < groceries.size(); b++) {
            int[] items = groceries.basket(b);
            for (int i = 0; i < items.length; i++) {
                for (int j = i + 1; j < items.length; j++) {
                    pairs.merge(pairKey(groceries.item(items[i]), groceries.item(items[j])), 1, Integer::sum);
                }
            }
        }
        Map<String, Integer> expected = new HashMap<>();
        pairs.forEach((k, v) -> {
            if (v >= minCount) {
                expected.put(k, v);
            }
        });
        Map<String, Integer> actual = new HashMap<>();
        for (int i = 0; i < mined.size(); i++) {
            if (mined.length(i) == 2) {
                List<String> names = mined.names(i);
                actual.put(pairKey(names.get(0), names.get(1)), mined.count(i));
            }
        }
        assertEquals(expected, actual);
        assertEquals(2_981, actual.size());
    }

    /** A random sample of the frequent itemsets of every size, each counted again by scanning the baskets. */
    @Test
    void itemsetCountsEqualADirectScan() {
        FrequentItemsets mined = FpGrowth.mine(groceries, 10, 10);
        Random random = new Random(3);
        for (int n = 0; n < 300; n++) {
            int i = random.nextInt(mined.size());
            List<String> names = mined.names(i);
            assertEquals(scan(names), mined.count(i), () -> "count of " + names);
            assertEquals(mined.count(i), mined.countOf(names));
        }
        // and every itemset of the largest size
        for (int i = 0; i < mined.size(); i++) {
            if (mined.length(i) == 6) {
                List<String> names = mined.names(i);
                assertEquals(scan(names), mined.count(i), () -> "count of " + names);
            }
        }
    }

    /** Itemsets are capped at the maximum size, and the smaller ones are unchanged by the cap. */
    @Test
    void theMaximumSizeCapsItemsets() {
        int[] full = FpGrowth.mine(groceries, 10, 10).sizeHistogram();
        int[] capped = FpGrowth.mine(groceries, 10, 3).sizeHistogram();
        assertEquals(full[1], capped[1]);
        assertEquals(full[2], capped[2]);
        assertEquals(full[3], capped[3]);
        assertEquals(full[1] + full[2] + full[3], Arrays.stream(capped).sum());
    }

    /** The published setting, mined from the parsed baskets: the median of seven runs is well within 2 s. */
    @Test
    void minsup0001IsMinedWithinTwoSeconds() {
        double[] ms = new double[7];
        for (int run = 0; run < ms.length; run++) {
            long t0 = System.nanoTime();
            RuleMiner.Mined mined = RuleMiner.mine(groceries, RuleMiner.Settings.arules(0.001, 0.8));
            ms[run] = (System.nanoTime() - t0) / 1e6;
            assertEquals(410, mined.rules().size());
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "groceries minsup 0.001 conf 0.8: median %.1f ms, first %.1f ms, runs %s%n",
                sorted[ms.length / 2], ms[0], Arrays.toString(ms));
        assertTrue(sorted[ms.length / 2] < 2_000, "median " + sorted[ms.length / 2] + " ms");
        assertTrue(ms[0] < 2_000, "first (cold) run " + ms[0] + " ms");
    }

    private static int scan(List<String> names) {
        TreeSet<String> wanted = new TreeSet<>(names);
        int count = 0;
        for (int b = 0; b < groceries.size(); b++) {
            List<String> items = new ArrayList<>();
            for (int id : groceries.basket(b)) {
                items.add(groceries.item(id));
            }
            if (items.containsAll(wanted)) {
                count++;
            }
        }
        return count;
    }

    private static String pairKey(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }
}
