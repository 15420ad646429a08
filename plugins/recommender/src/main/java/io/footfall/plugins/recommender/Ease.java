package io.footfall.plugins.recommender;

import org.ejml.data.DMatrixRMaj;

/**
 * EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): the item-item weight matrix in
 * closed form,
 *
 * <pre>
 *   G = XᵀX + λI,   P = G⁻¹,   B = I − P · diag(1 / diag(P))      (so B_ij = −P_ij / P_jj, B_jj = 0)
 * </pre>
 *
 * and a user's scores are {@code x_u · B}. The inverse is exact (Cholesky of the symmetric positive definite
 * {@code G}): through the system's LAPACK when one is installed, else EJML ({@link SpdInverse}). Memory is one dense
 * n × n matrix of doubles on the native path (8·n²: 3.2 GB for 20,000 items), two with EJML; time O(n³) for the
 * inverse plus O(Σ_u |u|²) for the Gram matrix.
 */
public final class Ease implements Recommender {

    private final double lambda;
    private final SpdInverse inverse;
    private int n;
    private double[] b = new double[0];

    /** EASE with L2 regularisation λ (the paper's tuned value for MovieLens-20M is 500; about 400 for ML-100k). */
    public Ease(double lambda) {
        this(lambda, SpdInverse.best());
    }

    /** EASE with λ, inverting through the given solver. */
    Ease(double lambda, SpdInverse inverse) {
        if (!(lambda > 0)) {
            throw new IllegalArgumentException("lambda must be positive");
        }
        this.lambda = lambda;
        this.inverse = inverse;
    }

    /** How the inverse is computed. */
    SpdInverse inverse() {
        return inverse;
    }

    @Override
    public String name() {
        return "ease";
    }

    /** λ. */
    public double lambda() {
        return lambda;
    }

    @Override
    public void fit(Interactions data) {
        n = data.itemCount();
        DMatrixRMaj g = gram(data);
        for (int i = 0; i < n; i++) {
            g.unsafe_set(i, i, g.unsafe_get(i, i) + lambda);
        }
        try {
            inverse.invert(g.data, n);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("XᵀX + λI is not positive definite", e);
        }
        double[] w = g.data;
        double[] diag = new double[n];
        for (int j = 0; j < n; j++) {
            diag[j] = w[j * n + j];
        }
        for (int i = 0; i < n; i++) {
            int row = i * n;
            for (int j = 0; j < n; j++) {
                w[row + j] = i == j ? 0.0 : -w[row + j] / diag[j];
            }
        }
        b = w;
    }

    /** XᵀX as a dense matrix, from the sparse rows. */
    static DMatrixRMaj gram(Interactions data) {
        int n = data.itemCount();
        DMatrixRMaj g = new DMatrixRMaj(n, n);
        double[] w = g.data;
        int[] items = data.rowItems();
        double[] values = data.rowValues();
        for (int u = 0; u < data.userCount(); u++) {
            int from = data.rowStart(u);
            int to = data.rowEnd(u);
            for (int p = from; p < to; p++) {
                int row = items[p] * n;
                double v = values[p];
                for (int q = from; q < to; q++) {
                    w[row + items[q]] += v * values[q];
                }
            }
        }
        return g;
    }

    @Override
    public void score(int[] items, double[] values, int from, int to, double[] out) {
        java.util.Arrays.fill(out, 0, n, 0.0);
        for (int p = from; p < to; p++) {
            int row = items[p] * n;
            double v = values[p];
            for (int j = 0; j < n; j++) {
                out[j] += v * b[row + j];
            }
        }
    }

    /** The weight B_ij (how much item i's presence raises item j's score). */
    public double weight(int i, int j) {
        return b[i * n + j];
    }

    /** Number of items of the trained model. */
    public int itemCount() {
        return n;
    }
}
