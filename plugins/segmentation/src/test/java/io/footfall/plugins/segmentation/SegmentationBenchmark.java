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

    /** 50 rule segments: windows over categories and event types, profile comparisons, references and logic. */
    static String fiftyRules() {
        String[] categories = {"Shoes", "Electronics", "Books", "Home", "Toys", "Sports", "Fashion", "Beauty", "Grocery", "Garden"};
        String[] events = {"Product Viewed", "Product Added", "Products Searched", "Order Completed", "page"};
        List<String> defs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            defs.add("{\"id\":\"w" + i + "\",\"when\":{\"event\":\"Product Viewed\",\"where\":{\"category\":\"" + categories[i % 10]
                    + "\"},\"atLeast\":" + (1 + i % 4) + ",\"within\":\"P" + (1 + i % 7) + "D\"}}");
        }
        for (int i = 0; i < 10; i++) {
            defs.add("{\"id\":\"e" + i + "\",\"when\":{\"event\":\"" + events[i % 5] + "\",\"atLeast\":" + (1 + i % 3) + ",\"within\":\"PT" + (6 + i) + "H\"}}");
        }
        String[] fields = {"revenue", "orders", "sessions", "events", "productViews", "daysSinceLastSeen", "daysSinceLastOrder", "cartAdds", "checkouts", "averageOrderValue"};
        for (int i = 0; i < 10; i++) {
            defs.add("{\"id\":\"p" + i + "\",\"when\":{\"profile\":\"" + fields[i] + "\",\"op\":\">\",\"value\":" + (i % 3 + 1) + "}}");
        }
        for (int i = 0; i < 10; i++) {
            defs.add("{\"id\":\"c" + i + "\",\"when\":{\"all\":[{\"segment\":\"w" + i + "\"},{\"any\":[{\"segment\":\"p" + i
                    + "\"},{\"not\":{\"segment\":\"e" + i + "\"}}]},{\"not\":{\"segment\":\"rfm:lost\"}}]}}");
        }
        return "{\"segments\":[" + String.join(",", defs) + "]}";
    }

    @Test
    void incrementalEvaluationWithFiftyRuleSegments() {
        SimulatorConfig sim = SimulatorConfig.builder().seed(5).users(Integer.getInteger("segmentation.bench.simusers", 3_000)).days(14).build();
        Simulations.Simulation run = Simulations.run(sim);
        for (int round = 0; round < 2; round++) {  // the first round warms the JIT
            try (PluginHarness h = PluginHarness.of(new SegmentationPlugin()).config(SegmentationPlugin.RULES, fiftyRules()).open()) {
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
