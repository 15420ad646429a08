package io.footfall.plugins.churn;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The baseline: an L2-regularised logistic regression on the same features, fitted exactly by Newton's method
 * (iteratively reweighted least squares). Each feature is first squashed with {@code sign(x)·ln(1 + |x|)} (counts
 * and money are heavy-tailed), then standardised with the training mean and deviation; a missing value becomes the
 * training mean (0 after standardising). The intercept is not penalised.
 */
final class LogisticBaseline {

    /** Ridge penalty on the standardised weights. */
    static final double L2 = 1.0;
    private static final int MAX_ITERATIONS = 50;

    private final double[] mean;
    private final double[] scale;
    /** Intercept first, then one weight per feature. */
    private final double[] beta;

    private LogisticBaseline(double[] mean, double[] scale, double[] beta) {
        this.mean = mean;
        this.scale = scale;
        this.beta = beta;
    }

    /** Fits on rows of features ({@code x[i]} has {@code d} columns) and labels. */
    static LogisticBaseline fit(float[][] x, boolean[] y) {
        int n = x.length;
        int d = x[0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            double sum = 0;
            int count = 0;
            for (float[] row : x) {
                if (!Float.isNaN(row[j])) {
                    sum += squash(row[j]);
                    count++;
                }
            }
            mean[j] = count == 0 ? 0 : sum / count;
            double ss = 0;
            for (float[] row : x) {
                if (!Float.isNaN(row[j])) {
                    double v = squash(row[j]) - mean[j];
                    ss += v * v;
                }
            }
            double sd = count < 2 ? 0 : Math.sqrt(ss / (count - 1));
            scale[j] = sd > 1e-12 ? sd : 1;
        }
        LogisticBaseline model = new LogisticBaseline(mean, scale, new double[d + 1]);
        double[][] z = new double[n][];
        for (int i = 0; i < n; i++) {
            z[i] = model.standardise(x[i]);
        }
        int k = d + 1;
        double[] beta = model.beta;
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double[] gradient = new double[k];
            double[][] hessian = new double[k][k];
            for (int i = 0; i < n; i++) {
                double p = sigmoid(dot(beta, z[i]));
                double r = (y[i] ? 1 : 0) - p;
                double w = Math.max(p * (1 - p), 1e-10);
                gradient[0] += r;
                hessian[0][0] += w;
                for (int a = 0; a < d; a++) {
                    double za = z[i][a];
                    gradient[a + 1] += r * za;
                    hessian[0][a + 1] += w * za;
                    for (int b = a; b < d; b++) {
                        hessian[a + 1][b + 1] += w * za * z[i][b];
                    }
                }
            }
            for (int a = 1; a < k; a++) {
                gradient[a] -= L2 * beta[a];
                hessian[a][a] += L2;
                hessian[a][0] = hessian[0][a];
                for (int b = 1; b < a; b++) {
                    hessian[a][b] = hessian[b][a];
                }
            }
            double[] step = solve(hessian, gradient);
            double change = 0;
            for (int a = 0; a < k; a++) {
                beta[a] += step[a];
                change = Math.max(change, Math.abs(step[a]));
            }
            if (change < 1e-8) {
                break;
            }
        }
        return model;
    }

    /** The probability of the positive class. */
    double probability(float[] features) {
        return sigmoid(margin(features));
    }

    /** The log-odds of the positive class. */
    double margin(float[] features) {
        return dot(beta, standardise(features));
    }

    /**
     * Each feature's contribution to the log-odds, {@code β_j · z_j}: the exact SHAP values of a linear model, since
     * the standardised features average 0 over the training rows (a missing value is imputed with that mean, 0).
     */
    double[] contributions(float[] features) {
        double[] z = standardise(features);
        double[] c = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            c[j] = beta[j + 1] * z[j];
        }
        return c;
    }

    private double[] standardise(float[] x) {
        double[] z = new double[mean.length];
        for (int j = 0; j < z.length; j++) {
            z[j] = Float.isNaN(x[j]) ? 0 : (squash(x[j]) - mean[j]) / scale[j];
        }
        return z;
    }

    private static double squash(double v) {
        return Math.signum(v) * Math.log1p(Math.abs(v));
    }

    private static double dot(double[] beta, double[] z) {
        double s = beta[0];
        for (int j = 0; j < z.length; j++) {
            s += beta[j + 1] * z[j];
        }
        return s;
    }

    static double sigmoid(double m) {
        return 1 / (1 + Math.exp(-m));
    }

    /** Solves {@code a·x = b} by Cholesky (a is symmetric positive definite); a and b are not kept. */
    private static double[] solve(double[][] a, double[] b) {
        int k = b.length;
        double[][] l = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int m = 0; m < j; m++) {
                    s -= l[i][m] * l[j][m];
                }
                if (i == j) {
                    l[i][i] = Math.sqrt(Math.max(s, 1e-12));
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        double[] y = new double[k];
        for (int i = 0; i < k; i++) {
            double s = b[i];
            for (int m = 0; m < i; m++) {
                s -= l[i][m] * y[m];
            }
            y[i] = s / l[i][i];
        }
        double[] x = new double[k];
        for (int i = k - 1; i >= 0; i--) {
            double s = y[i];
            for (int m = i + 1; m < k; m++) {
                s -= l[m][i] * x[m];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(mean.length);
        for (int j = 0; j < mean.length; j++) {
            out.writeDouble(mean[j]);
            out.writeDouble(scale[j]);
        }
        for (double b : beta) {
            out.writeDouble(b);
        }
    }

    static LogisticBaseline read(DataInputStream in, int features) throws IOException {
        int d = in.readInt();
        if (d != features) {
            throw new IOException("baseline has " + d + " features, expected " + features);
        }
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = in.readDouble();
            scale[j] = in.readDouble();
        }
        double[] beta = new double[d + 1];
        for (int j = 0; j <= d; j++) {
            beta[j] = in.readDouble();
        }
        return new LogisticBaseline(mean, scale, beta);
    }
}
