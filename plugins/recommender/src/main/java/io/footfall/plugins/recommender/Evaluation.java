package io.footfall.plugins.recommender;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Offline top-K evaluation with the protocol of the published benchmarks: for every test user who also has training
 * interactions, every training item is scored (full ranking, no sampled negatives), the user's training items are
 * excluded, the best K are compared with the user's test items by binary relevance, and
 *
 * <ul>
 *   <li>Precision@K = hits / K, Recall@K = hits / |T_u|,</li>
 *   <li>NDCG@K = Σ_{hit at rank r (0-based)} 1/log2(r + 2) ÷ Σ_{r < min(|T_u|, K)} 1/log2(r + 2),</li>
 * </ul>
 *
 * averaged over those users; catalogue coverage is the share of training items that appear in at least one top-K
 * list. {@code T_u} holds the user's distinct test items that are not among their training items (those are
 * excluded from the ranking, so they could never be hit); test items unknown to training stay in {@code T_u}.
 */
public final class Evaluation {

    private Evaluation() {
    }

    /**
     * A train/test split.
     *
     * @param train training rows
     * @param test  test rows
     */
    public record Split(List<InteractionLog.Row> train, List<InteractionLog.Row> test) {
    }

    /**
     * One algorithm's figures.
     *
     * @param algorithm   name
     * @param k           cut-off
     * @param precision   mean Precision@K
     * @param recall      mean Recall@K
     * @param ndcg        mean NDCG@K
     * @param coverage    share of training items recommended to someone
     * @param trainMillis training time
     * @param users       users evaluated
     */
    public record Metrics(String algorithm, int k, double precision, double recall, double ndcg, double coverage,
                          long trainMillis, int users) {
    }

    /** Global random split: the rows are shuffled with the seed and the first {@code trainFraction} train. */
    public static Split random(List<InteractionLog.Row> rows, double trainFraction, long seed) {
        List<InteractionLog.Row> shuffled = new ArrayList<>(rows);
        Collections.shuffle(shuffled, new Random(seed));
        int cut = (int) Math.round(shuffled.size() * trainFraction);
        return new Split(List.copyOf(shuffled.subList(0, cut)), List.copyOf(shuffled.subList(cut, shuffled.size())));
    }

    /**
     * Per-user temporal leave-last-out: each user's latest interaction (by time, then line) is the test row; users
     * with a single interaction only train.
     */
    public static Split leaveLastOut(List<InteractionLog.Row> rows) {
        Map<String, InteractionLog.Row> last = new HashMap<>();
        Map<String, Integer> count = new HashMap<>();
        Comparator<InteractionLog.Row> order = Comparator.comparingLong(InteractionLog.Row::time)
                .thenComparingInt(InteractionLog.Row::line);
        for (InteractionLog.Row r : rows) {
            count.merge(r.user(), 1, Integer::sum);
            last.merge(r.user(), r, (a, b) -> order.compare(a, b) >= 0 ? a : b);
        }
        List<InteractionLog.Row> train = new ArrayList<>();
        List<InteractionLog.Row> test = new ArrayList<>();
        for (InteractionLog.Row r : rows) {
            if (count.get(r.user()) > 1 && last.get(r.user()) == r) {
                test.add(r);
            } else {
                train.add(r);
            }
        }
        return new Split(List.copyOf(train), List.copyOf(test));
    }

    /** The training matrix of a split: summed weights, or 1 per cell when {@code binary}. */
    public static Interactions matrix(List<InteractionLog.Row> train, boolean binary) {
        Interactions.Builder b = Interactions.builder();
        for (InteractionLog.Row r : train) {
            b.add(r.user(), r.item(), r.weight());
        }
        Interactions m = b.build();
        return binary ? m.binary() : m;
    }

    /** Trains the algorithm on the split's training rows and measures it on its test rows. */
    public static Metrics evaluate(Recommender algorithm, Split split, int k, boolean binary) {
        Interactions train = matrix(split.train(), binary);
        long start = System.nanoTime();
        algorithm.fit(train);
        long trainMillis = (System.nanoTime() - start) / 1_000_000;
        return measure(algorithm, train, split.test(), k, trainMillis);
    }

    /** Measures a trained algorithm. */
    public static Metrics measure(Recommender algorithm, Interactions train, List<InteractionLog.Row> test, int k, long trainMillis) {
        Map<String, Set<String>> relevant = new LinkedHashMap<>();
        for (InteractionLog.Row r : test) {
            relevant.computeIfAbsent(r.user(), u -> new HashSet<>()).add(r.item());
        }
        double[] scores = new double[train.itemCount()];
        boolean[] seen = new boolean[train.itemCount()];
        boolean[] recommended = new boolean[train.itemCount()];
        double sumP = 0;
        double sumR = 0;
        double sumN = 0;
        int users = 0;
        for (Map.Entry<String, Set<String>> e : relevant.entrySet()) {
            int u = train.userIndex(e.getKey());
            if (u < 0) {
                continue;
            }
            Set<String> truth = new HashSet<>(e.getValue());
            for (int p = train.rowStart(u); p < train.rowEnd(u); p++) {
                seen[train.rowItems()[p]] = true;
                truth.remove(train.item(train.rowItems()[p]));
            }
            if (!truth.isEmpty()) {
                algorithm.scoreUser(train, u, scores);
                int[] top = TopK.select(scores, k, seen);
                int hits = 0;
                double dcg = 0;
                for (int r = 0; r < top.length; r++) {
                    recommended[top[r]] = true;
                    if (truth.contains(train.item(top[r]))) {
                        hits++;
                        dcg += 1 / log2(r + 2);
                    }
                }
                double idcg = 0;
                for (int r = 0; r < Math.min(truth.size(), k); r++) {
                    idcg += 1 / log2(r + 2);
                }
                sumP += (double) hits / k;
                sumR += (double) hits / truth.size();
                sumN += dcg / idcg;
                users++;
            }
            for (int p = train.rowStart(u); p < train.rowEnd(u); p++) {
                seen[train.rowItems()[p]] = false;
            }
        }
        int covered = 0;
        for (boolean b : recommended) {
            covered += b ? 1 : 0;
        }
        return new Metrics(algorithm.name(), k, users == 0 ? 0 : sumP / users, users == 0 ? 0 : sumR / users,
                users == 0 ? 0 : sumN / users, train.itemCount() == 0 ? 0 : (double) covered / train.itemCount(),
                trainMillis, users);
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }
}
