package io.footfall.plugins.recommender;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Item-based k-nearest-neighbours with cosine similarity (Sarwar et al. 2001; Deshpande &amp; Karypis 2004), the
 * classic baseline: {@code sim(i, j) = x_iᵀx_j / (‖x_i‖ ‖x_j‖ + shrink)} over the item columns, each item keeps its
 * {@code k} most similar items, and a user's score for item i is {@code Σ_{j ∈ N_k(i)} sim(i, j) · x_uj}.
 */
public final class ItemKnn implements Recommender {

    private final int k;
    private final double shrink;
    private int n;
    /** For each item j, the items i that have j among their neighbours, with sim(i, j). */
    private int[][] reverseItems = new int[0][];
    private double[][] reverseSims = new double[0][];
    private int[][] neighbours = new int[0][];
    private double[][] neighbourSims = new double[0][];

    /** ItemKNN keeping {@code k} neighbours per item, with similarity shrinkage {@code shrink} (0: plain cosine). */
    public ItemKnn(int k, double shrink) {
        if (k < 1 || shrink < 0) {
            throw new IllegalArgumentException("need k ≥ 1 and shrink ≥ 0");
        }
        this.k = k;
        this.shrink = shrink;
    }

    @Override
    public String name() {
        return "itemknn";
    }

    @Override
    public void fit(Interactions data) {
        n = data.itemCount();
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int p = data.colStart(i); p < data.colEnd(i); p++) {
                s += data.colValues()[p] * data.colValues()[p];
            }
            norms[i] = Math.sqrt(s);
        }
        neighbours = new int[n][];
        neighbourSims = new double[n][];
        double[] co = new double[n];
        boolean[] self = new boolean[n];
        List<List<int[]>> reverse = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            reverse.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            Arrays.fill(co, 0.0);
            for (int p = data.colStart(i); p < data.colEnd(i); p++) {
                int u = data.colUsers()[p];
                double v = data.colValues()[p];
                for (int q = data.rowStart(u); q < data.rowEnd(u); q++) {
                    co[data.rowItems()[q]] += v * data.rowValues()[q];
                }
            }
            for (int j = 0; j < n; j++) {
                co[j] = co[j] == 0 ? Double.NEGATIVE_INFINITY : co[j] / (norms[i] * norms[j] + shrink);
            }
            self[i] = true;
            int[] top = TopK.select(co, k, self);
            self[i] = false;
            neighbours[i] = top;
            neighbourSims[i] = new double[top.length];
            for (int t = 0; t < top.length; t++) {
                neighbourSims[i][t] = co[top[t]];
                reverse.get(top[t]).add(new int[] {i, t});
            }
        }
        reverseItems = new int[n][];
        reverseSims = new double[n][];
        for (int j = 0; j < n; j++) {
            List<int[]> r = reverse.get(j);
            reverseItems[j] = new int[r.size()];
            reverseSims[j] = new double[r.size()];
            for (int t = 0; t < r.size(); t++) {
                int i = r.get(t)[0];
                reverseItems[j][t] = i;
                reverseSims[j][t] = neighbourSims[i][r.get(t)[1]];
            }
        }
    }

    @Override
    public void score(int[] items, double[] values, int from, int to, double[] out) {
        Arrays.fill(out, 0, n, 0.0);
        for (int p = from; p < to; p++) {
            int j = items[p];
            double v = values[p];
            int[] is = reverseItems[j];
            double[] ss = reverseSims[j];
            for (int t = 0; t < is.length; t++) {
                out[is[t]] += ss[t] * v;
            }
        }
    }

    /** Item i's neighbours, most similar first. */
    public int[] neighbours(int i) {
        return neighbours[i].clone();
    }

    /** Similarities aligned with {@link #neighbours(int)}. */
    public double[] neighbourSimilarities(int i) {
        return neighbourSims[i].clone();
    }
}
