package io.footfall.plugins.segmentation;

import io.footfall.simulator.SimulatorConfig;
import io.footfall.testkit.PluginHarness;
import io.footfall.testkit.Simulations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Opt-in measurements for docs/benchmarks.md (not a test of correctness):
 * {@code ./mvnw -pl plugins/segmentation test -Dtest=SegmentationBenchmark -Dsegmentation.bench=true
 * [-Dsegmentation.bench.users=1000000]}.
 */
@EnabledIfSystemProperty(named = "segmentation.bench", matches = "true")
class SegmentationBenchmark {

    @Test
    void incrementalEvaluationWithFiftyRuleSegments() {
        SimulatorConfig sim = SimulatorConfig.builder().seed(5).users(Integer.getInteger("segmentation.bench.simusers", 3_000)).days(14).build();
        Simulations.Simulation run = Simulations.run(sim);
        for (int round = 0; round < 2; round++) {  // the first round warms the JIT
            try (PluginHarness h = PluginHarness.of(new SegmentationPlugin()).config(SegmentationPlugin.RULES, io.footfall.simulator.BenchmarkSegments.fiftyRules()).open()) {
                long start = System.nanoTime();
                h.feed(run.events());
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "round %d: %d events, %d users, 50 rule segments: %.2f s, %.0f events/s, %d transitions%n",
                        round, run.events().size(), sim.users(), seconds, run.events().size() / seconds, h.results().segmentMemberships().size());
            }
        }
    }

    @Test
    void clusteringManyUsers() {
        int n = Integer.getInteger("segmentation.bench.users", 1_000_000);
        List<String> categories = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            categories.add("category-" + i);
        }
        List<String> names = Clustering.featureNames(categories);
        Random random = new Random(1);
        double[][] raw = new double[n][];
        String[] users = new String[n];
        for (int i = 0; i < n; i++) {
            int cluster = random.nextInt(4);
            double[] x = new double[names.size()];
            for (int j = 0; j < x.length; j++) {
                x[j] = random.nextGaussian();
            }
            for (int c = 0; c < 4; c++) {
                x[9 + cluster * 4 + c] += 3;
            }
            raw[i] = x;
            users[i] = "u" + i;
        }
        long start = System.nanoTime();
        Clustering.Outcome outcome = Clustering.run(users, raw, names, new Clustering.Settings(2, 8, 42, 20_000, 1_500, 100, 3));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "clustering %d users × %d features, k 2..8: %.1f s, k=%d, silhouette %.3f%n",
                n, names.size(), seconds, outcome.k(), outcome.silhouette());
    }
}
