package io.footfall.plugins.churn;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.result.UserScore;
import io.footfall.simulator.ChurnDrivers;
import io.footfall.simulator.ChurnFeatures;
import io.footfall.simulator.HazardModel;
import io.footfall.simulator.SimulatorConfig;
import io.footfall.simulator.UserTruth;
import io.footfall.testkit.Simulations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Opt-in measurement behind docs/plugins/churn.md (Measured, Reasons): which reason groups come first for the planted
 * churners of {@link ChurnSimulationTest}'s simulation with the static drivers (the simulator's default model, whose
 * delivery delay and support tickets the events do not show; the test itself now uses observable drivers), the mean contribution of each group over all scored users and
 * over the churners, and which planted driver dominates each churner's hazard.
 * {@code ./mvnw -B -o -pl plugins/churn -am test -Dtest=ReasonsExperiment -Dchurn.reasons.experiment=true
 * -Dsurefire.failIfNoSpecifiedTests=false}, with variants of the data: {@code -Dchurn.reasons.users=4500},
 * {@code -Dchurn.reasons.newcomers=0.3}, {@code -Dchurn.reasons.hazard=base,βdiscount,βdelay,βtickets,βtenure}.
 */
@EnabledIfSystemProperty(named = "churn.reasons.experiment", matches = "true")
class ReasonsExperiment {

    @Test
    void firstReasonsOfPlantedChurners() throws Exception {
        SimulatorConfig.Builder b = ChurnSimulationTest.SIMULATION.toBuilder()
                .churnDrivers(ChurnDrivers.STATIC).sessionsPerUserPerDay(0.3)
                .users(Integer.getInteger("churn.reasons.users", 1500))
                .newcomerFraction(Double.parseDouble(System.getProperty("churn.reasons.newcomers", "0")));
        String hazard = System.getProperty("churn.reasons.hazard");
        if (hazard != null) {
            String[] h = hazard.split(",");
            b.hazard(new HazardModel(Double.parseDouble(h[0]), Double.parseDouble(h[1]), Double.parseDouble(h[2]),
                    Double.parseDouble(h[3]), Double.parseDouble(h[4])));
        }
        SimulatorConfig sim = b.build();
        Instant end = sim.start().plus(Duration.ofDays(sim.days()));
        Simulations.Simulation run = Simulations.run(sim);
        Histories book = new Histories(id -> null);
        for (BehaviorEvent e : run.events()) {
            book.add(e);
        }
        try (ModelBundle model = Trainer.train(book.touched(), end, TrainingSettings.defaults(), () -> false).bundle()) {
            int cutoffDay = (int) (end.toEpochMilli() / 86_400_000L) - 14;
            Instant cutoff = Instant.ofEpochMilli(cutoffDay * 86_400_000L);
            Feature[] all = Feature.values();
            float[] reference = model.reference(Trainer.CHURN);
            Map<String, Double> meanAll = new TreeMap<>();
            Map<String, Double> meanChurners = new TreeMap<>();
            Map<String, Integer> first = new TreeMap<>();
            Map<String, Integer> firstRelative = new TreeMap<>();
            Map<String, Integer> byDriver = new TreeMap<>();
            int scored = 0;
            int churners = 0;
            HazardModel hm = sim.hazard();
            for (UserTruth u : run.truth().users()) {
                UserHistory h = u.userId() == null ? null : book.touched().get(u.userId());
                if (h == null || !FeatureExtractor.activeBetween(h, cutoffDay - 30, cutoffDay)) {
                    continue;
                }
                float[] f = FeatureExtractor.extract(h, cutoff);
                float[] c = model.explain(Trainer.CHURN, new float[][] {f}).get(0).contributions();
                Map<String, Double> groups = new TreeMap<>();
                for (int j = 0; j < Feature.COUNT; j++) {
                    groups.merge(Reasons.group(all[j]), (double) c[j], Double::sum);
                }
                scored++;
                groups.forEach((k, v) -> meanAll.merge(k, v, Double::sum));
                if (!u.churned() || u.churnInstant().isBefore(cutoff) || !u.churnInstant().isBefore(cutoff.plus(Duration.ofDays(14)))) {
                    continue;
                }
                churners++;
                groups.forEach((k, v) -> meanChurners.merge(k, v, Double::sum));
                String plain = group(Reasons.top(f, c, 1));
                String relative = group(Reasons.top(f, c, reference, 1));
                first.merge(plain, 1, Integer::sum);
                firstRelative.merge(relative, 1, Integer::sum);
                byDriver.merge(dominantDriver(hm, u.features()) + " -> " + relative, 1, Integer::sum);
            }
            int n = scored;
            int m = churners;
            meanAll.replaceAll((k, v) -> Math.round(v / n * 1000) / 1000.0);
            meanChurners.replaceAll((k, v) -> Math.round(v / m * 1000) / 1000.0);
            System.out.printf("REASONS %s: %d scored users, %d planted churners%n  mean group contributions, all: %s%n"
                            + "  mean group contributions, churners: %s%n  first reason group (relative to the training mean): %s%n"
                            + "  first reason group (relative to the population): %s%n  dominant planted driver -> first group: %s%n",
                    sim, n, m, meanAll, meanChurners, first, firstRelative, byDriver);
        }
    }

    private static String group(List<UserScore.Reason> reasons) {
        return reasons.isEmpty() ? "none" : Reasons.group(Feature.values()[java.util.Arrays.asList(Feature.columns()).indexOf(reasons.get(0).feature())]);
    }

    /** The covariate whose term β·(x − population mean) adds most to the user's log-hazard. */
    private static String dominantDriver(HazardModel hm, ChurnFeatures x) {
        double[] beta = hm.coefficients();
        double[] mean = {0.5, 1.5, 0.8, 547.5};
        double[] v = x.vector();
        int best = 0;
        for (int i = 1; i < beta.length; i++) {
            if (beta[i] * (v[i] - mean[i]) > beta[best] * (v[best] - mean[best])) {
                best = i;
            }
        }
        return ChurnFeatures.NAMES.get(best);
    }
}
