package io.footfall.plugins.recommender;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Blends the sources of one user's list and applies the business rules. Each source is scaled so that its best item
 * scores 1, then
 *
 * <pre>
 *   score(i) = 1.0 · model(i) + 0.6 · covisit(i) + 0.25 · categoryPopularity(i) + 0.05 · popularity(i)
 * </pre>
 *
 * where {@code covisit(i) = Σ_j recency(j) · sim(j, i)} over the user's recent items j ({@code recency = 1/(1 + rank)}),
 * and {@code categoryPopularity(i) = affinity(category(i)) · popularity-in-category(i)}. Excluded items (purchased,
 * unavailable, the items of the context) never appear. The list is then picked greedily: the next item is the one
 * with the best {@code score · (1 − diversity)^(items already picked in its category)}, skipping categories that
 * already hold {@code maxPerCategory} items. Each item's reason is its strongest source: "because you viewed X"
 * (model or co-visitation, X the item that contributed most), "popular in Y", or "popular right now".
 */
public final class Blender {

    /** Weight of the trained model. */
    public static final double MODEL = 1.0;
    /** Weight of real-time co-visitation. */
    public static final double COVISIT = 0.6;
    /** Weight of category popularity (cold start). */
    public static final double CATEGORY = 0.25;
    /** Weight of global popularity (filler). */
    public static final double POPULAR = 0.05;

    private final Map<String, double[]> parts = new HashMap<>();
    private final Map<String, String> because = new HashMap<>();
    private final Map<String, Double> becauseStrength = new HashMap<>();
    private final Map<String, String> categoryOf = new HashMap<>();

    /**
     * One recommended item.
     *
     * @param item   product id
     * @param score  blended score
     * @param reason explanation
     */
    public record Pick(String item, double score, String reason) {
    }

    /** Declares an item's category (for caps, diversity and reasons). */
    public Blender category(String item, String category) {
        if (category != null) {
            categoryOf.putIfAbsent(item, category);
        }
        return this;
    }

    /** Trained candidates: item → score, and the user's item that explains each (may be null). */
    public Blender model(Map<String, Double> scores, Map<String, String> explainedBy) {
        double max = max(scores);
        scores.forEach((item, s) -> {
            if (s > 0) {
                double v = s / max;
                part(item)[0] += v;
                explain(item, explainedBy.get(item), v * MODEL);
            }
        });
        return this;
    }

    /** Co-visitation: for each of the user's recent items (most recent first), its neighbours with similarities. */
    public Blender covisit(List<Map.Entry<String, List<Map.Entry<String, Double>>>> recentNeighbours) {
        Map<String, Double> sum = new HashMap<>();
        Map<String, Map.Entry<String, Double>> best = new HashMap<>();
        for (int rank = 0; rank < recentNeighbours.size(); rank++) {
            double recency = 1.0 / (1 + rank);
            String source = recentNeighbours.get(rank).getKey();
            for (Map.Entry<String, Double> n : recentNeighbours.get(rank).getValue()) {
                double v = recency * n.getValue();
                sum.merge(n.getKey(), v, Double::sum);
                Map.Entry<String, Double> b = best.get(n.getKey());
                if (b == null || v > b.getValue()) {
                    best.put(n.getKey(), Map.entry(source, v));
                }
            }
        }
        double max = max(sum);
        sum.forEach((item, s) -> {
            double v = s / max;
            part(item)[1] += v;
            explain(item, best.get(item).getKey(), v * COVISIT);
        });
        return this;
    }

    /** Category popularity: category → affinity weight, and per category its items with popularity (best first). */
    public Blender categories(Map<String, Double> affinity, Map<String, List<Map.Entry<String, Double>>> popularByCategory) {
        double maxAffinity = max(affinity);
        for (Map.Entry<String, Double> a : new TreeMap<>(affinity).entrySet()) {
            List<Map.Entry<String, Double>> items = popularByCategory.getOrDefault(a.getKey(), List.of());
            double maxPop = items.stream().mapToDouble(Map.Entry::getValue).max().orElse(1);
            for (Map.Entry<String, Double> i : items) {
                double v = a.getValue() / maxAffinity * (i.getValue() / maxPop);
                part(i.getKey())[2] = Math.max(part(i.getKey())[2], v);
                category(i.getKey(), a.getKey());
            }
        }
        return this;
    }

    /** Global popularity, best first. */
    public Blender popular(List<Map.Entry<String, Double>> items) {
        double max = items.stream().mapToDouble(Map.Entry::getValue).max().orElse(1);
        for (Map.Entry<String, Double> i : items) {
            part(i.getKey())[3] = Math.max(part(i.getKey())[3], i.getValue() / max);
        }
        return this;
    }

    /**
     * The final list.
     *
     * @param n              length
     * @param excluded       items never to show
     * @param maxPerCategory most items of one category
     * @param diversity      penalty in [0, 1] per item already picked in the same category
     */
    public List<Pick> pick(int n, Set<String> excluded, int maxPerCategory, double diversity) {
        return pick(n, excluded, maxPerCategory, diversity, item -> null);
    }

    /** The final list, looking up the categories of items not declared with {@link #category}. */
    public List<Pick> pick(int n, Set<String> excluded, int maxPerCategory, double diversity,
                           java.util.function.Function<String, String> categories) {
        List<Pick> candidates = new ArrayList<>();
        for (Map.Entry<String, double[]> e : new TreeMap<>(parts).entrySet()) {
            if (excluded.contains(e.getKey())) {
                continue;
            }
            if (!categoryOf.containsKey(e.getKey())) {
                category(e.getKey(), categories.apply(e.getKey()));
            }
            double[] p = e.getValue();
            double score = MODEL * p[0] + COVISIT * p[1] + CATEGORY * p[2] + POPULAR * p[3];
            if (score > 0) {
                candidates.add(new Pick(e.getKey(), score, reason(e.getKey(), p)));
            }
        }
        candidates.sort((a, b) -> a.score() != b.score() ? Double.compare(b.score(), a.score()) : a.item().compareTo(b.item()));
        Map<String, Integer> perCategory = new HashMap<>();
        List<Pick> out = new ArrayList<>();
        boolean[] taken = new boolean[candidates.size()];
        while (out.size() < n) {
            int bestAt = -1;
            double bestScore = 0;
            for (int k = 0; k < candidates.size(); k++) {
                if (taken[k]) {
                    continue;
                }
                Pick c = candidates.get(k);
                String cat = categoryOf.get(c.item());
                int already = cat == null ? 0 : perCategory.getOrDefault(cat, 0);
                if (cat != null && already >= maxPerCategory) {
                    continue;
                }
                double adjusted = c.score() * Math.pow(1 - diversity, already);
                if (bestAt < 0 || adjusted > bestScore) {
                    bestAt = k;
                    bestScore = adjusted;
                }
                if (already == 0) {
                    break; // sorted: nothing later can beat an unpenalised score
                }
            }
            if (bestAt < 0) {
                break;
            }
            taken[bestAt] = true;
            Pick c = candidates.get(bestAt);
            String cat = categoryOf.get(c.item());
            if (cat != null) {
                perCategory.merge(cat, 1, Integer::sum);
            }
            out.add(c);
        }
        return out;
    }

    private String reason(String item, double[] p) {
        double viewed = Math.max(MODEL * p[0], COVISIT * p[1]);
        String x = because.get(item);
        if (viewed > 0 && x != null && viewed >= CATEGORY * p[2]) {
            return "because you viewed " + x;
        }
        String cat = categoryOf.get(item);
        if (p[2] > 0 && cat != null) {
            return "popular in " + cat;
        }
        if (viewed > 0) {
            return "recommended for you";
        }
        return "popular right now";
    }

    private void explain(String item, String source, double strength) {
        if (source != null && strength > becauseStrength.getOrDefault(item, 0.0)) {
            because.put(item, source);
            becauseStrength.put(item, strength);
        }
    }

    private double[] part(String item) {
        return parts.computeIfAbsent(item, k -> new double[4]);
    }

    private static double max(Map<String, Double> m) {
        double max = 0;
        for (double v : m.values()) {
            max = Math.max(max, v);
        }
        return max == 0 ? 1 : max;
    }
}
