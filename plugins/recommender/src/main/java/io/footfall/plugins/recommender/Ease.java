package io.footfall.plugins.recommender;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): the item-item weight matrix in
 * closed form,
 *
 * <pre>
 *   G = XᵀX + λI,   P = G⁻¹,   B = I − P · diag(1 / diag(P))      (so B_ij = −P_ij / P_jj, B_jj = 0)
 * </pre>
 *
 * and a user's scores are {@code x_u · B}. The inverse is exact (Cholesky of the symmetric positive definite
 * {@code G}, EJML). Memory is two dense n × n matrices of doubles: 16·n² bytes (0.4 GB for 5,000 items, 6.4 GB for
 * 20,000), and time O(n³) for the inverse plus O(Σ_u |u|²) for the Gram matrix.
 */
public final class Ease implements Recommender {

    private final double lambda;
    private int n;
    private double[] b = new double[0];

    /** EASE with L2 regularisation λ (the paper's tuned value for MovieLens-20M is 500; about 400 for ML-100k). */
    public Ease(double lambda) {
        if (!(lambda > 0)) {
            throw new IllegalArgumentException("lambda must be positive");
        }
        this.lambda = lambda;
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
        DMatrixRMaj p = new DMatrixRMaj(n, n);
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.symmPosDef(n);
        if (!solver.setA(g)) {
            throw new IllegalStateException("XᵀX + λI is not positive definite");
        }
        solver.invert(p);
        double[] w = p.data;
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
