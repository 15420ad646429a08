package io.footfall.plugins.churn;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.simulator.SimulatorConfig;
import io.footfall.testkit.Simulations;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Opt-in comparison of XGBoost hyper-parameters on three simulator seeds (ROC-AUC on the held-out cutoff, churn and
 * propensity, against the logistic baseline), used to choose the defaults (docs/plugins/churn.md, Measured):
 * {@code ./mvnw -pl plugins/churn -am test -Dtest=TuningExperiment -Dchurn.tuning=true -Dsurefire.failIfNoSpecifiedTests=false}
 * (other settings: {@code -Dchurn.tuning.grid=depth:eta:min_child_weight:colsample:lambda;…}).
 */
@EnabledIfSystemProperty(named = "churn.tuning", matches = "true")
class TuningExperiment {
    @Test
    void compare() throws Exception {
        for (long seed : new long[] {3, 7, 1}) {
            SimulatorConfig sim = SimulatorConfig.builder().seed(seed).users(1500).days(75).build();
            Instant end = sim.start().plus(Duration.ofDays(sim.days()));
            Simulations.Simulation run = Simulations.run(sim);
            Histories book = new Histories(id -> null);
            for (BehaviorEvent e : run.events()) {
                book.add(e);
            }
            TrainingSettings d = TrainingSettings.defaults();
            Object[][] grid = {{4, 0.1, 1.0, 0.8, 1.0}, {3, 0.05, 5.0, 0.8, 1.0}, {2, 0.05, 5.0, 0.8, 1.0}, {2, 0.1, 10.0, 0.5, 1.0}};
            String given = System.getProperty("churn.tuning.grid"); // depth:eta:min_child_weight:colsample:lambda;…
            if (given != null) {
                String[] settings = given.split(";");
                grid = new Object[settings.length][];
                for (int i = 0; i < settings.length; i++) {
                    String[] v = settings[i].split(":");
                    grid[i] = new Object[] {Integer.valueOf(v[0]), Double.valueOf(v[1]), Double.valueOf(v[2]), Double.valueOf(v[3]),
                            Double.valueOf(v[4])};
                }
            }
            for (boolean boost : new boolean[] {false}) for (Object[] g : grid) {
                TrainingSettings s = new TrainingSettings(d.churnLabel(), d.horizonDays(), d.stepDays(), d.cutoffs(), d.validationCutoffs(),
                        d.activeWindowDays(), d.minHistoryDays(), d.propensity(), d.classWeighting(), d.threshold(), (Integer) g[0],
                        (Double) g[1], 1000, 50, (Double) g[2], 0.8, (Double) g[3], (Double) g[4], d.threads(), d.seed(), d.coldStartDays(), d.propensityLabel(), boost);
                Trainer.Outcome o = Trainer.train(book.touched(), end, s, () -> false);
                System.out.printf("TUNE boost " + boost + " seed %d depth %s eta %s mcw %s col %s lambda %s: churn %.4f vs %.4f (trees %.0f), propensity %.4f vs %.4f (trees %.0f)%n",
                        seed, g[0], g[1], g[2], g[3], g[4], o.metrics().get("churn.roc_auc"), o.metrics().get("churn.baseline.roc_auc"),
                        o.metrics().get("churn.trees"), o.metrics().get("propensity.roc_auc"), o.metrics().get("propensity.baseline.roc_auc"),
                        o.metrics().get("propensity.trees"));
                o.bundle().close();
            }
        }
    }
}
