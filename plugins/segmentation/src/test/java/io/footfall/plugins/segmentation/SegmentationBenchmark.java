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

    /** The host's batch size ({@code footfall.plugins.batch-size} in the app). */
    static final int BATCH = 500;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .findAndRegisterModules();

    @Test
    void incrementalEvaluationWithFiftyRuleSegments() throws Exception {
        SimulatorConfig sim = SimulatorConfig.builder().seed(5).users(Integer.getInteger("segmentation.bench.simusers", 3_000)).days(14).build();
        Simulations.Simulation run = Simulations.run(sim);
        for (int round = 0; round < 2; round++) {  // the first round warms the JIT
            try (PluginHarness h = PluginHarness.of(new SegmentationPlugin()).config(SegmentationPlugin.RULES, io.footfall.simulator.BenchmarkSegments.fiftyRules()).batchSize(BATCH).open()) {
                long start = System.nanoTime();
                h.feed(run.events());
                double seconds = (System.nanoTime() - start) / 1e9;
                // what the host has to write for it: every result is a log append and a read-model upsert, every derived
                // event a log append (and a timeline entry in the profile projection)
                int n = run.events().size();
                long resultBytes = 0;
                for (io.footfall.api.result.Result r : h.results().all()) {
                    resultBytes += JSON.writeValueAsBytes(r).length;
                }
                System.out.printf(Locale.ROOT, "round %d: %d events, %d users, 50 rule segments, batches of %d: %.2f s, %.0f events/s; "
                                + "%d derived events (%.2f per event), %d results (%.2f per event, %d membership, %d tables), "
                                + "%.0f result JSON bytes per event, %.1f segments evaluated per event (+ %.1f at scheduled changes)%n",
                        round, n, sim.users(), BATCH, seconds, n / seconds, h.events().all().size(), h.events().all().size() / (double) n,
                        h.results().size(), h.results().size() / (double) n, h.results().segmentMemberships().size(),
                        h.results().reportTables().size(), resultBytes / (double) n, h.metrics().counter("evaluations") / (double) n,
                        h.metrics().counter("timed-evaluations") / (double) n);
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
