package io.footfall.plugins.churn;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binary classification metrics of probabilities against 0/1 labels: ROC-AUC, PR-AUC (average precision),
 * accuracy, precision, recall and F1 at a threshold, Brier score and lift in the top decile.
 *
 * @param rocAuc    area under the ROC curve (ties count one half)
 * @param prAuc     average precision: the mean of the precision at each positive, ranked by score (tied scores
 *                  as one step)
 * @param accuracy  share of correct decisions at the threshold
 * @param precision positives among the predicted positives (0 when none is predicted)
 * @param recall    predicted among the positives
 * @param f1        harmonic mean of precision and recall
 * @param brier     mean squared error of the probabilities
 * @param liftTopDecile positive rate among the 10% highest scores divided by the overall positive rate
 * @param threshold the decision threshold: a probability at or above it predicts positive
 * @param rows      number of rows
 * @param positiveRate share of positive labels
 */
record Evaluation(double rocAuc, double prAuc, double accuracy, double precision, double recall, double f1, double brier,
                  double liftTopDecile, double threshold, int rows, double positiveRate) {

    /** Evaluates; both classes must be present. */
    static Evaluation of(double[] p, boolean[] y, double threshold) {
        int n = p.length;
        int positives = 0;
        for (boolean b : y) {
            positives += b ? 1 : 0;
        }
        if (n == 0 || positives == 0 || positives == n) {
            throw new IllegalArgumentException("evaluation needs both classes: " + positives + " positives in " + n + " rows");
        }
        Integer[] order = byScoreDescending(p);
        int tp = 0;
        int fp = 0;
        int tn = 0;
        int fn = 0;
        double brier = 0;
        for (int i = 0; i < n; i++) {
            boolean predicted = p[i] >= threshold;
            if (predicted && y[i]) {
                tp++;
            } else if (predicted) {
                fp++;
            } else if (y[i]) {
                fn++;
            } else {
                tn++;
            }
            double err = p[i] - (y[i] ? 1 : 0);
            brier += err * err;
        }
        double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        double recall = (double) tp / positives;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        int top = (int) Math.ceil(n / 10.0);
        int topPositives = 0;
        for (int i = 0; i < top; i++) {
            topPositives += y[order[i]] ? 1 : 0;
        }
        double base = (double) positives / n;
        return new Evaluation(rocAuc(p, y), averagePrecision(p, y, order, positives), (double) (tp + tn) / n, precision,
                recall, f1, brier / n, ((double) topPositives / top) / base, threshold, n, base);
    }

    /** ROC-AUC by the rank-sum (Mann–Whitney) formula with mid-ranks for ties. */
    static double rocAuc(double[] p, boolean[] y) {
        int n = p.length;
        Integer[] ascending = new Integer[n];
        for (int i = 0; i < n; i++) {
            ascending[i] = i;
        }
        Arrays.sort(ascending, Comparator.comparingDouble(i -> p[i]));
        double rankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && p[ascending[j + 1]] == p[ascending[i]]) {
                j++;
            }
            double midRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (y[ascending[k]]) {
                    rankSum += midRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    private static double averagePrecision(double[] p, boolean[] y, Integer[] order, int positives) {
        double ap = 0;
        int tp = 0;
        int seen = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            int groupPositives = 0;
            while (j < order.length && p[order[j]] == p[order[i]]) {
                groupPositives += y[order[j]] ? 1 : 0;
                j++;
            }
            tp += groupPositives;
            seen += j - i;
            ap += groupPositives * ((double) tp / seen);
            i = j;
        }
        return ap / positives;
    }

    private static Integer[] byScoreDescending(double[] p) {
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < p.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -p[i]).thenComparingInt(i -> i));
        return order;
    }

    /** The threshold in {@code p} that maximises F1 on these labels (ties: the higher threshold). */
    static double bestF1Threshold(double[] p, boolean[] y) {
        Integer[] order = byScoreDescending(p);
        int positives = 0;
        for (boolean b : y) {
            positives += b ? 1 : 0;
        }
        if (positives == 0) {
            return 0.5;
        }
        double best = -1;
        double threshold = 0.5;
        int tp = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j < order.length && p[order[j]] == p[order[i]]) {
                tp += y[order[j]] ? 1 : 0;
                j++;
            }
            double precision = (double) tp / j;
            double recall = (double) tp / positives;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            if (f1 > best) {
                best = f1;
                threshold = p[order[i]];
            }
            i = j;
        }
        return threshold;
    }

    /** The metrics under their stored names, each prefixed. */
    Map<String, Double> asMap(String prefix) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(prefix + "roc_auc", rocAuc);
        m.put(prefix + "pr_auc", prAuc);
        m.put(prefix + "accuracy", accuracy);
        m.put(prefix + "precision", precision);
        m.put(prefix + "recall", recall);
        m.put(prefix + "f1", f1);
        m.put(prefix + "brier", brier);
        m.put(prefix + "lift_top_decile", liftTopDecile);
        m.put(prefix + "threshold", threshold);
        return m;
    }
}
