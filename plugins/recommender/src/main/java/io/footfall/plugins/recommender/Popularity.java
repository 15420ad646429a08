package io.footfall.plugins.recommender;

import java.util.Arrays;

/**
 * Most-popular baseline: every user gets the same scores, the number of distinct users who interacted with each
 * item in the training data (ties keep item order when ranked by {@link TopK}).
 */
public final class Popularity implements Recommender {

    private double[] counts = new double[0];

    @Override
    public String name() {
        return "popularity";
    }

    @Override
    public void fit(Interactions data) {
        counts = new double[data.itemCount()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = data.colEnd(i) - data.colStart(i);
        }
    }

    @Override
    public void score(int[] items, double[] values, int from, int to, double[] out) {
        System.arraycopy(counts, 0, out, 0, counts.length);
    }

    /** The number of distinct users per item (do not modify). */
    public double[] counts() {
        return counts;
    }

    @Override
    public String toString() {
        return "Popularity" + Arrays.toString(counts);
    }
}
