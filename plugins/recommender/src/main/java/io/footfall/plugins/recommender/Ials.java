package io.footfall.plugins.recommender;

import java.util.Arrays;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Implicit-feedback alternating least squares (Hu, Koren &amp; Volinsky, "Collaborative Filtering for Implicit
 * Feedback Datasets", ICDM 2008). With preference {@code p_ui = 1} for every observed cell (0 otherwise) and
 * confidence {@code c_ui = 1 + α·r_ui} (1 for unobserved cells) it minimises
 *
 * <pre>
 *   L = Σ_{u,i} c_ui (p_ui − x_uᵀ y_i)² + λ (Σ_u ‖x_u‖² + Σ_i ‖y_i‖²)
 * </pre>
 *
 * over all user × item cells by alternating exact solves: {@code x_u = (YᵀY + Yᵀ(C_u − I)Y + λI)⁻¹ Yᵀ C_u p_u}, and
 * the same for items. Each solve is a Cholesky solve of a k × k system (EJML), so every half-step minimises L exactly
 * in its block and L never increases. Cost per iteration: O(nnz·k² + (users + items)·k³).
 */
public final class Ials implements Recommender {

    private final int factors;
    private final double lambda;
    private final double alpha;
    private final int iterations;
    private final long seed;
    private double[] x = new double[0];
    private double[] y = new double[0];
    private int users;
    private int items;
    private double[] losses = new double[0];
    private BooleanSupplier cancelled = () -> false;
    private double[] itemGram;

    /**
     * @param factors    latent dimension k
     * @param lambda     L2 regularisation λ
     * @param alpha      confidence scale α ({@code c = 1 + α·r})
     * @param iterations alternating rounds (users then items)
     * @param seed       seed of the initial factors (normal, σ = 0.01)
     */
    public Ials(int factors, double lambda, double alpha, int iterations, long seed) {
        if (factors < 1 || iterations < 0 || !(lambda > 0) || !(alpha >= 0)) {
            throw new IllegalArgumentException("need factors ≥ 1, iterations ≥ 0, lambda > 0, alpha ≥ 0");
        }
        this.factors = factors;
        this.lambda = lambda;
        this.alpha = alpha;
        this.iterations = iterations;
        this.seed = seed;
    }

    /** Stops between solves when the supplier answers true (a cancelled training run). */
    public Ials cancelWhen(BooleanSupplier cancelled) {
        this.cancelled = cancelled;
        return this;
    }

    @Override
    public String name() {
        return "ials";
    }

    @Override
    public void fit(Interactions data) {
        users = data.userCount();
        items = data.itemCount();
        int k = factors;
        Random random = new Random(seed);
        x = new double[users * k];
        y = new double[items * k];
        for (int j = 0; j < x.length; j++) {
            x[j] = random.nextGaussian() * 0.01;
        }
        for (int j = 0; j < y.length; j++) {
            y[j] = random.nextGaussian() * 0.01;
        }
        itemGram = null;
        losses = new double[iterations + 1];
        losses[0] = loss(data);
        for (int it = 0; it < iterations; it++) {
            solve(x, y, users, data.rowItems(), data.rowValues(), data::rowStart, data::rowEnd);
            solve(y, x, items, data.colUsers(), data.colValues(), data::colStart, data::colEnd);
            losses[it + 1] = loss(data);
            if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                losses = Arrays.copyOf(losses, it + 2);
                return;
            }
        }
    }

    /** Recomputes every row of {@code target} given the fixed {@code other} factors. */
    private void solve(double[] target, double[] other, int rows, int[] idx, double[] val,
                       java.util.function.IntUnaryOperator start, java.util.function.IntUnaryOperator end) {
        int k = factors;
        double[] gram = gram(other);
        DMatrixRMaj a = new DMatrixRMaj(k, k);
        DMatrixRMaj b = new DMatrixRMaj(k, 1);
        DMatrixRMaj sol = new DMatrixRMaj(k, 1);
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.chol(k);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(gram, 0, a.data, 0, k * k);
            for (int d = 0; d < k; d++) {
                a.data[d * k + d] += lambda;
            }
            Arrays.fill(b.data, 0.0);
            for (int p = start.applyAsInt(r); p < end.applyAsInt(r); p++) {
                int o = idx[p] * k;
                double c = 1 + alpha * val[p];
                for (int d = 0; d < k; d++) {
                    double yd = other[o + d];
                    b.data[d] += c * yd;
                    double cy = (c - 1) * yd;
                    int row = d * k;
                    for (int e = 0; e < k; e++) {
                        a.data[row + e] += cy * other[o + e];
                    }
                }
            }
            if (!solver.setA(a)) {
                throw new IllegalStateException("singular system");
            }
            solver.solve(b, sol);
            System.arraycopy(sol.data, 0, target, r * k, k);
        }
    }

    /** FᵀF of a factor matrix (rows of length k). */
    private double[] gram(double[] f) {
        int k = factors;
        double[] g = new double[k * k];
        for (int r = 0; r < f.length / k; r++) {
            int o = r * k;
            for (int d = 0; d < k; d++) {
                double v = f[o + d];
                for (int e = 0; e < k; e++) {
                    g[d * k + e] += v * f[o + e];
                }
            }
        }
        return g;
    }

    /** The exact objective L for the current factors (all user × item cells, regularisation included). */
    public double loss(Interactions data) {
        int k = factors;
        double[] gy = gram(y);
        double total = 0;
        // Σ_{u,i} (x_uᵀy_i)² = Σ_u x_uᵀ (YᵀY) x_u: every cell as if unobserved (p = 0, c = 1)
        for (int u = 0; u < users; u++) {
            int o = u * k;
            for (int d = 0; d < k; d++) {
                double s = 0;
                for (int e = 0; e < k; e++) {
                    s += gy[d * k + e] * x[o + e];
                }
                total += x[o + d] * s;
            }
        }
        // observed cells: replace s² by c (1 − s)²
        for (int u = 0; u < users; u++) {
            for (int p = data.rowStart(u); p < data.rowEnd(u); p++) {
                double s = dot(x, u, y, data.rowItems()[p]);
                double c = 1 + alpha * data.rowValues()[p];
                total += c * (1 - s) * (1 - s) - s * s;
            }
        }
        double reg = 0;
        for (double v : x) {
            reg += v * v;
        }
        for (double v : y) {
            reg += v * v;
        }
        return total + lambda * reg;
    }

    private double dot(double[] a, int ra, double[] b, int rb) {
        int k = factors;
        double s = 0;
        for (int d = 0; d < k; d++) {
            s += a[ra * k + d] * b[rb * k + d];
        }
        return s;
    }

    /** The loss before training and after each iteration. */
    public double[] losses() {
        return losses.clone();
    }

    @Override
    public void score(int[] idx, double[] val, int from, int to, double[] out) {
        double[] xu = foldIn(idx, val, from, to);
        int k = factors;
        for (int i = 0; i < items; i++) {
            double s = 0;
            for (int d = 0; d < k; d++) {
                s += xu[d] * y[i * k + d];
            }
            out[i] = s;
        }
    }

    @Override
    public void scoreUser(Interactions data, int u, double[] out) {
        int k = factors;
        for (int i = 0; i < items; i++) {
            double s = 0;
            for (int d = 0; d < k; d++) {
                s += x[u * k + d] * y[i * k + d];
            }
            out[i] = s;
        }
    }

    /** The user factor that minimises L for a row, given the item factors (one exact solve). */
    public double[] foldIn(int[] idx, double[] val, int from, int to) {
        int k = factors;
        if (itemGram == null) {
            itemGram = gram(y);
        }
        DMatrixRMaj a = new DMatrixRMaj(k, k);
        System.arraycopy(itemGram, 0, a.data, 0, k * k);
        DMatrixRMaj b = new DMatrixRMaj(k, 1);
        for (int d = 0; d < k; d++) {
            a.data[d * k + d] += lambda;
        }
        for (int p = from; p < to; p++) {
            int o = idx[p] * k;
            double c = 1 + alpha * val[p];
            for (int d = 0; d < k; d++) {
                b.data[d] += c * y[o + d];
                for (int e = 0; e < k; e++) {
                    a.data[d * k + e] += (c - 1) * y[o + d] * y[o + e];
                }
            }
        }
        DMatrixRMaj sol = new DMatrixRMaj(k, 1);
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.chol(k);
        solver.setA(a);
        solver.solve(b, sol);
        return sol.data;
    }

    /** Cosine similarity of two items' factors. */
    public double itemCosine(int i, int j) {
        double dij = dot(y, i, y, j);
        double n = Math.sqrt(dot(y, i, y, i) * dot(y, j, y, j));
        return n == 0 ? 0 : dij / n;
    }
}
