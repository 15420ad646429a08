package io.footfall.plugins.basket;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Association rules with one item on the right-hand side, from the frequent itemsets of {@link FpGrowth}.
 *
 * <p>For every frequent itemset {@code I} of two or more items and every item {@code y ∈ I}, the rule
 * {@code I∖{y} ⇒ {y}} has
 * <ul>
 *   <li>support = count(I) / N,</li>
 *   <li>confidence = count(I) / count(I∖{y}),</li>
 *   <li>lift = confidence / (count({y}) / N),</li>
 * </ul>
 * where N is the number of baskets. The counts are exact, so every rule with enough support, confidence and lift
 * is found. Rules with an empty left-hand side are not generated. A rule is kept when its confidence ≥
 * {@code minConfidence} and its lift ≥ {@code minLift}.
 *
 * <p>The minimum count of an itemset is {@code max(minCount, ⌈minSupport · N⌉)} (computed in decimal, so
 * {@code 0.01 · 1000} is exactly 10), as arules does.
 *
 * <p>Rules are ranked by {@link #RANKING}: confidence, then lift, then support (all descending), then the shorter
 * left-hand side, then the items by name, so that the order is the same on every run.
 *
 * @since 0.1
 */
public final class RuleMiner {

    private RuleMiner() {
    }

    /**
     * What to mine.
     *
     * @param minSupport    smallest support of a frequent itemset (share of baskets), in (0, 1]
     * @param minCount      smallest count of a frequent itemset, whatever the support (at least 1)
     * @param minConfidence smallest confidence of a rule
     * @param minLift       smallest lift of a rule
     * @param maxSize       largest itemset (left- and right-hand side together)
     * @param maxRules      most rules kept, the best by {@link #RANKING}
     * @param maxItemsets   mining stops with {@link FpGrowth.TooManyItemsets} beyond this many frequent itemsets
     */
    public record Settings(double minSupport, int minCount, double minConfidence, double minLift, int maxSize, int maxRules,
                           long maxItemsets) {

        /** Checks the ranges. */
        public Settings {
            if (!(minSupport > 0 && minSupport <= 1)) {
                throw new IllegalArgumentException("minSupport must be in (0, 1]: " + minSupport);
            }
            if (minCount < 1 || maxSize < 1 || maxRules < 0 || maxItemsets < 1) {
                throw new IllegalArgumentException("minCount, maxSize and maxItemsets must be positive, maxRules not negative");
            }
        }

        /** Support and confidence as arules takes them: no lift filter, itemsets of up to 10 items, every rule. */
        public static Settings arules(double minSupport, double minConfidence) {
            return new Settings(minSupport, 1, minConfidence, 0, 10, Integer.MAX_VALUE, Long.MAX_VALUE);
        }
    }

    /**
     * One rule {@code antecedent ⇒ consequent}.
     *
     * @param antecedent the left-hand side, item names sorted
     * @param consequent the right-hand side item
     * @param count      number of baskets holding both sides
     * @param support    count / N
     * @param confidence count / count(antecedent)
     * @param lift       confidence / support(consequent)
     */
    public record Rule(List<String> antecedent, String consequent, int count, double support, double confidence, double lift) {

        /** Copies the left-hand side. */
        public Rule {
            antecedent = List.copyOf(antecedent);
        }
    }

    /**
     * The outcome of {@link #mine}.
     *
     * @param baskets    number of baskets N
     * @param items      distinct items over all baskets
     * @param minCount   the minimum count applied
     * @param itemsets   the frequent itemsets
     * @param rules      the kept rules, best first, at most {@code maxRules}
     * @param totalRules number of rules that passed the confidence and lift thresholds before the limit
     */
    public record Mined(int baskets, int items, int minCount, FrequentItemsets itemsets, List<Rule> rules, int totalRules) {
    }

    /** Best rule first: confidence, lift, support descending; shorter left-hand side; names. */
    public static final Comparator<Rule> RANKING = Comparator.comparingDouble(Rule::confidence).reversed()
            .thenComparing(Comparator.comparingDouble(Rule::lift).reversed())
            .thenComparing(Comparator.comparingDouble(Rule::support).reversed())
            .thenComparingInt(r -> r.antecedent().size())
            .thenComparing(r -> String.join("\u0000", r.antecedent()))
            .thenComparing(Rule::consequent);

    /** {@code max(floor, ⌈minSupport · baskets⌉)}, at least 1. */
    public static int minCount(double minSupport, int baskets, int floor) {
        BigDecimal exact = BigDecimal.valueOf(minSupport).multiply(BigDecimal.valueOf(baskets)).setScale(0, RoundingMode.CEILING);
        long bySupport = exact.min(BigDecimal.valueOf(Integer.MAX_VALUE)).longValue();
        return (int) Math.max(1, Math.max(floor, bySupport));
    }

    /** Frequent itemsets and rules. */
    public static Mined mine(Baskets baskets, Settings settings) {
        return mine(baskets, settings, () -> false);
    }

    /** Frequent itemsets and rules; {@code cancelled} is polled while mining. */
    public static Mined mine(Baskets baskets, Settings settings, BooleanSupplier cancelled) {
        int minCount = minCount(settings.minSupport(), baskets.size(), settings.minCount());
        FrequentItemsets itemsets = FpGrowth.mine(baskets, minCount, settings.maxSize(), settings.maxItemsets(), cancelled);
        List<Rule> rules = rules(itemsets, settings.minConfidence(), settings.minLift());
        int total = rules.size();
        if (rules.size() > settings.maxRules()) {
            rules = new ArrayList<>(rules.subList(0, settings.maxRules()));
        }
        return new Mined(baskets.size(), baskets.itemCount(), minCount, itemsets, List.copyOf(rules), total);
    }

    /** Every rule of the itemsets with confidence ≥ {@code minConfidence} and lift ≥ {@code minLift}, ranked. */
    public static List<Rule> rules(FrequentItemsets itemsets, double minConfidence, double minLift) {
        double n = itemsets.baskets().size();
        List<Rule> rules = new ArrayList<>();
        int[] subset = new int[Math.max(1, itemsets.maxSize())];
        for (int i = 0; i < itemsets.size(); i++) {
            int len = itemsets.length(i);
            if (len < 2) {
                continue;
            }
            int count = itemsets.count(i);
            int s = itemsets.start(i);
            for (int drop = 0; drop < len; drop++) {
                int k = 0;
                for (int j = 0; j < len; j++) {
                    if (j != drop) {
                        subset[k++] = itemsets.rankAt(s + j);
                    }
                }
                int a = itemsets.find(subset, 0, k);
                if (a < 0) {
                    throw new IllegalStateException("a subset of a frequent itemset is missing: the search is not exact");
                }
                double confidence = (double) count / itemsets.count(a);
                if (confidence < minConfidence) {
                    continue;
                }
                int consequent = itemsets.rankAt(s + drop);
                double lift = confidence / (itemsets.rankCount(consequent) / n);
                if (lift < minLift) {
                    continue;
                }
                List<String> lhs = new ArrayList<>(k);
                for (int j = 0; j < k; j++) {
                    lhs.add(itemsets.baskets().item(itemsets.itemOfRank(subset[j])));
                }
                lhs.sort(null);
                rules.add(new Rule(lhs, itemsets.baskets().item(itemsets.itemOfRank(consequent)), count, count / n, confidence, lift));
            }
        }
        rules.sort(RANKING);
        return rules;
    }
}
