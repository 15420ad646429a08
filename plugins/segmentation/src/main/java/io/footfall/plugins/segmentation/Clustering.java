package io.footfall.plugins.segmentation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.Clusterable;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.clustering.MultiKMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.distance.EuclideanDistance;
import org.apache.commons.math3.random.JDKRandomGenerator;

/**
 * Behavioural clusters: standardised features, k-means++ (Apache Commons Math) for each k in a range on a seeded
 * sample, k chosen by the mean silhouette on a seeded sample, every user assigned to the nearest centroid, and each
 * cluster described by the features whose centroid lies furthest from the population mean.
 */
final class Clustering {

    /** Settings. */
    record Settings(int minK, int maxK, long seed, int fitSample, int silhouetteSample, int maxIterations, int trials) {
    }

    /** The outcome: per user the cluster (1-based, largest first) and membership score, and per cluster a description. */
    record Outcome(int k, double silhouette, Map<Integer, Double> silhouettes, String[] users, int[] cluster, double[] score,
                   List<ClusterInfo> clusters) {
    }

    /** One cluster: number, size, description and its most distinctive features. */
    record ClusterInfo(int number, int size, String description) {
    }

    private Clustering() {
    }

    /** The feature names (labels) of a set of categories, in column order. */
    static List<String> featureNames(List<String> categories) {
        List<String> names = new ArrayList<>(List.of("days since last order", "orders", "revenue", "sessions",
                "events per session", "session length", "view-to-cart rate", "cart-to-checkout rate", "checkout-to-order rate"));
        categories.forEach(c -> names.add("share of " + c));
        return names;
    }

    /** The raw (unstandardised) features of a user. */
    static double[] features(UserState s, long now, List<String> categories) {
        double[] x = new double[9 + categories.size()];
        long since = s.lastOrderAt != Long.MIN_VALUE ? s.lastOrderAt : s.firstSeen;
        x[0] = Math.log1p(Math.max(0, now - since) / (double) Rules.DAY);
        x[1] = Math.log1p(s.orders);
        x[2] = Math.log1p(Math.max(0, s.revenue));
        x[3] = Math.log1p(s.sessions);
        x[4] = s.sessions == 0 ? 0 : Math.log1p((double) s.sessionEvents / s.sessions);
        x[5] = s.sessions == 0 ? 0 : Math.log1p(s.sessionMillis / 60_000.0 / s.sessions);
        x[6] = s.cartAdds / (s.productViews + 1.0);
        x[7] = s.checkouts / (s.cartAdds + 1.0);
        x[8] = s.orders / (s.checkouts + 1.0);
        long total = 0;
        for (long n : s.categories.values()) {
            total += n;
        }
        for (int i = 0; i < categories.size(); i++) {
            Long n = s.categories.get(categories.get(i));
            x[9 + i] = total == 0 || n == null ? 0 : (double) n / total;
        }
        return x;
    }

    private record Point(double[] x, int index) implements Clusterable {
        @Override
        public double[] getPoint() {
            return x;
        }
    }

    /**
     * Clusters users.
     *
     * @param users the user ids
     * @param raw   their raw features (rows), in the order of {@link #featureNames}
     * @return null when there are fewer users than {@code 2 · minK}
     */
    static Outcome run(String[] users, double[][] raw, List<String> names, Settings settings) {
        int n = raw.length;
        if (n < Math.max(4, 2 * settings.minK())) {
            return null;
        }
        int d = names.size();
        double[] mean = new double[d];
        double[] sd = new double[d];
        for (double[] row : raw) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        for (double[] row : raw) {
            for (int j = 0; j < d; j++) {
                sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
            }
        }
        List<Point> points = new ArrayList<>(n);
        for (int j = 0; j < d; j++) {
            sd[j] = Math.sqrt(sd[j] / n);
        }
        for (int i = 0; i < n; i++) {
            double[] z = new double[d];
            for (int j = 0; j < d; j++) {
                z[j] = sd[j] < 1e-12 ? 0 : (raw[i][j] - mean[j]) / sd[j];
            }
            points.add(new Point(z, i));
        }
        List<Point> fit = sample(points, settings.fitSample(), settings.seed());
        List<Point> silhouetteSample = sample(points, settings.silhouetteSample(), settings.seed() + 1);
        EuclideanDistance distance = new EuclideanDistance();
        int maxK = Math.min(settings.maxK(), fit.size() - 1);
        double best = Double.NEGATIVE_INFINITY;
        List<double[]> bestCentroids = null;
        Map<Integer, Double> silhouettes = new HashMap<>();
        for (int k = settings.minK(); k <= maxK; k++) {
            JDKRandomGenerator random = new JDKRandomGenerator();
            random.setSeed(settings.seed() * 31 + k);
            KMeansPlusPlusClusterer<Point> kmeans = new KMeansPlusPlusClusterer<>(k, settings.maxIterations(), distance, random,
                    KMeansPlusPlusClusterer.EmptyClusterStrategy.LARGEST_POINTS_NUMBER);
            List<CentroidCluster<Point>> clusters = new MultiKMeansPlusPlusClusterer<>(kmeans, settings.trials()).cluster(fit);
            List<double[]> centroids = new ArrayList<>();
            clusters.forEach(c -> centroids.add(c.getCenter().getPoint()));
            double s = silhouette(silhouetteSample, centroids);
            silhouettes.put(k, s);
            if (s > best + 1e-9) {
                best = s;
                bestCentroids = centroids;
            }
        }
        // assign everyone; number clusters by size, largest first (ties by centroid order)
        int k = bestCentroids.size();
        int[] assigned = new int[n];
        double[] dist = new double[n];
        int[] sizes = new int[k];
        for (Point p : points) {
            int c = nearest(p.x(), bestCentroids);
            assigned[p.index()] = c;
            dist[p.index()] = Math.sqrt(squared(p.x(), bestCentroids.get(c)));
            sizes[c]++;
        }
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> -sizes[i]).thenComparingInt(i -> i));
        int[] number = new int[k];
        for (int i = 0; i < k; i++) {
            number[order[i]] = i + 1;
        }
        int[] cluster = new int[n];
        double[] score = new double[n];
        for (int i = 0; i < n; i++) {
            cluster[i] = number[assigned[i]];
            score[i] = 1.0 / (1.0 + dist[i]);
        }
        List<ClusterInfo> infos = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            infos.add(new ClusterInfo(i + 1, sizes[order[i]], describe(bestCentroids.get(order[i]), names)));
        }
        return new Outcome(k, best, silhouettes, users, cluster, score, infos);
    }

    /** The three features whose centroid is furthest from the mean (at least 0.25 σ), in words. */
    static String describe(double[] centroid, List<String> names) {
        Integer[] idx = new Integer[centroid.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.comparingDouble((Integer i) -> -Math.abs(centroid[i])).thenComparingInt(i -> i));
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < Math.min(3, idx.length); i++) {
            double z = centroid[idx[i]];
            if (Math.abs(z) < 0.25) {
                break;
            }
            parts.add((z > 0 ? "higher " : "lower ") + names.get(idx[i]) + String.format(Locale.ROOT, " (%+.1fσ)", z));
        }
        return parts.isEmpty() ? "close to the average shopper" : String.join(", ", parts);
    }

    /** Mean silhouette of the sample, each point assigned to its nearest centroid. */
    static double silhouette(List<Point> sample, List<double[]> centroids) {
        int k = centroids.size();
        int[] label = new int[sample.size()];
        int[] count = new int[k];
        for (int i = 0; i < sample.size(); i++) {
            label[i] = nearest(sample.get(i).x(), centroids);
            count[label[i]]++;
        }
        double total = 0;
        double[] sum = new double[k];
        for (int i = 0; i < sample.size(); i++) {
            Arrays.fill(sum, 0);
            double[] xi = sample.get(i).x();
            for (int j = 0; j < sample.size(); j++) {
                if (i != j) {
                    sum[label[j]] += Math.sqrt(squared(xi, sample.get(j).x()));
                }
            }
            int own = label[i];
            if (count[own] <= 1) {
                continue; // silhouette 0 for a singleton
            }
            double a = sum[own] / (count[own] - 1);
            double b = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                if (c != own && count[c] > 0) {
                    b = Math.min(b, sum[c] / count[c]);
                }
            }
            if (Double.isInfinite(b)) {
                continue;
            }
            total += (b - a) / Math.max(a, b);
        }
        return total / sample.size();
    }

    private static List<Point> sample(List<Point> points, int size, long seed) {
        if (points.size() <= size) {
            return points;
        }
        List<Point> copy = new ArrayList<>(points);
        java.util.Collections.shuffle(copy, new Random(seed));
        return new ArrayList<>(copy.subList(0, size));
    }

    private static int nearest(double[] x, List<double[]> centroids) {
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centroids.size(); c++) {
            double dd = squared(x, centroids.get(c));
            if (dd < bestD) {
                bestD = dd;
                best = c;
            }
        }
        return best;
    }

    private static double squared(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double t = a[i] - b[i];
            s += t * t;
        }
        return s;
    }
}
