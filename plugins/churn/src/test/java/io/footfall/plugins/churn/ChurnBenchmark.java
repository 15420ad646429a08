package io.footfall.plugins.churn;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.testkit.Simulations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Opt-in measurements for docs/benchmarks.md (not a test of correctness):
 * {@code ./mvnw -pl plugins/churn test -Dtest=ChurnBenchmark -Dchurn.bench=true [-Dchurn.bench.rows=200000]}
 * [{@code -Dchurn.bench.depth=3 -Dchurn.bench.eta=0.05 -Dchurn.bench.mcw=5 -Dchurn.bench.rounds=300}: the plugin's
 * default trees, all 300 rounds, an upper bound of what early stopping keeps].
 * Rows are the simulation's real feature rows (1,406 people at 10 cutoffs), repeated with jitter to the size asked.
 */
@EnabledIfSystemProperty(named = "churn.bench", matches = "true")
class ChurnBenchmark {

    @Test
    void trainingScoringAndExplanation() throws Exception {
        int n = Integer.getInteger("churn.bench.rows", 200_000);
        // the static-driver simulation of 1,500 users the documented measurements used (now 56 features, then 41)
        Simulations.Simulation sim = Simulations.run(ChurnSimulationTest.SIMULATION.toBuilder()
                .churnDrivers(io.footfall.simulator.ChurnDrivers.STATIC).users(1500).sessionsPerUserPerDay(0.3).build());
        Histories book = new Histories(id -> null);
        for (BehaviorEvent e : sim.events()) {
            book.add(e);
        }
        List<float[]> base = new ArrayList<>();
        List<Boolean> labels = new ArrayList<>();
        int end = (int) (ChurnSimulationTest.END.toEpochMilli() / 86_400_000L);
        for (int c = end - 14; c > end - 75 + 14; c -= 5) {
            for (UserHistory h : book.touched().values()) {
                if (FeatureExtractor.activeBetween(h, c - 30, c)) {
                    base.add(FeatureExtractor.extract(h, Instant.ofEpochMilli(c * 86_400_000L)));
                    labels.add(!FeatureExtractor.activeBetween(h, c, c + 14));
                }
            }
        }
        Random random = new Random(1);
        float[] flat = new float[n * Feature.COUNT];
        float[] y = new float[n];
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            int k = random.nextInt(base.size());
            float[] r = Arrays.copyOf(base.get(k), Feature.COUNT);
            for (int j = 0; j < r.length; j++) {
                if (!Float.isNaN(r[j])) {
                    r[j] *= (float) (1 + 0.05 * random.nextGaussian());
                }
            }
            rows[i] = r;
            System.arraycopy(r, 0, flat, i * Feature.COUNT, Feature.COUNT);
            y[i] = labels.get(k) ? 1 : 0;
        }
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("tree_method", "hist");
        int depth = Integer.getInteger("churn.bench.depth", 4);
        int rounds = Integer.getInteger("churn.bench.rounds", 100);
        params.put("max_depth", depth);
        params.put("eta", Double.parseDouble(System.getProperty("churn.bench.eta", "0.1")));
        params.put("min_child_weight", Double.parseDouble(System.getProperty("churn.bench.mcw", "1")));
        params.put("nthread", 2);
        params.put("verbosity", 0);
        DMatrix train = new DMatrix(flat, n, Feature.COUNT, Float.NaN);
        train.setLabel(y);
        long t0 = System.nanoTime();
        Booster booster = XGBoost.train(train, params, rounds, Map.of(), null, null);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        train.dispose();
        ModelBundle bundle = new ModelBundle(Map.of("churn", new ModelBundle.Target(booster, rounds, 0, 0.5,
                LogisticBaseline.fit(Arrays.copyOf(rows, 5000), toBoolean(Arrays.copyOf(y, 5000))), 0.5, false)));
        bundle.probabilities("churn", Arrays.copyOf(rows, 1000));
        long t1 = System.nanoTime();
        bundle.probabilities("churn", rows);
        double scoreSeconds = (System.nanoTime() - t1) / 1e9;
        long[] latencies = new long[2000];
        for (int i = 0; i < latencies.length + 200; i++) {
            long s = System.nanoTime();
            bundle.explain("churn", new float[][] {rows[i]});
            if (i >= 200) {
                latencies[i - 200] = System.nanoTime() - s;
            }
        }
        Arrays.sort(latencies);
        System.out.printf("churn benchmark: %d rows × %d features; train %d rounds (hist, depth %d, %s, nthread 2) %.1f s; "
                        + "batch scoring %.0f rows/s; one-user explanation p50 %.2f ms, p99 %.2f ms%n", n, Feature.COUNT,
                rounds, depth, params, trainSeconds, n / scoreSeconds, latencies[1000] / 1e6, latencies[1979] / 1e6);
        bundle.close();
    }

    private static boolean[] toBoolean(float[] y) {
        boolean[] b = new boolean[y.length];
        for (int i = 0; i < y.length; i++) {
            b[i] = y[i] > 0;
        }
        return b;
    }
}
