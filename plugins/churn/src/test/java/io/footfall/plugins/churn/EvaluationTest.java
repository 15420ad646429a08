package io.footfall.plugins.churn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    @Test
    void metricsOfASmallCaseComputedByHand() {
        double[] p = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05};
        boolean[] y = {true, false, true, true, false, false, true, false, false, false};
        Evaluation e = Evaluation.of(p, y, 0.55);
        // positives at ranks 1, 3, 4, 7 of 10; pairs (pos, neg) ordered right: 6 + 5 + 5 + 3 = 19 of 24
        assertEquals(19 / 24.0, e.rocAuc(), 1e-12);
        assertEquals((1 + 2 / 3.0 + 3 / 4.0 + 4 / 7.0) / 4, e.prAuc(), 1e-12);
        assertEquals(3 / 4.0, e.precision(), 1e-12, "0.9, 0.8, 0.7, 0.6 predicted, 3 right");
        assertEquals(3 / 4.0, e.recall(), 1e-12);
        assertEquals(0.8, e.accuracy(), 1e-12);
        assertEquals(0.75, e.f1(), 1e-12);
        assertEquals(1 / 0.4, e.liftTopDecile(), 1e-12, "top decile = the 0.9 row, positive; base rate 0.4");
        double brier = 0;
        for (int i = 0; i < p.length; i++) {
            brier += Math.pow(p[i] - (y[i] ? 1 : 0), 2);
        }
        assertEquals(brier / p.length, e.brier(), 1e-12);
    }

    @Test
    void tiesCountOneHalfAndOneClassIsRefused() {
        assertEquals(0.5, Evaluation.rocAuc(new double[] {0.3, 0.3, 0.3, 0.3}, new boolean[] {true, false, true, false}), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Evaluation.of(new double[] {0.1, 0.2}, new boolean[] {true, true}, 0.5));
    }

    @Test
    void theF1BestThresholdSeparatesASeparableSet() {
        double[] p = {0.1, 0.2, 0.35, 0.6, 0.7};
        boolean[] y = {false, false, false, true, true};
        assertEquals(0.6, Evaluation.bestF1Threshold(p, y), 1e-12);
        assertEquals(1.0, Evaluation.of(p, y, 0.6).f1(), 1e-12);
    }

    @Test
    void logisticBaselineRecoversAPlantedLogisticModel() {
        Random random = new Random(1);
        int n = 4000;
        float[][] x = new float[n][Feature.COUNT];
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < Feature.COUNT; j++) {
                x[i][j] = j == 5 && random.nextInt(10) == 0 ? Float.NaN : (float) random.nextGaussian();
            }
            double margin = -0.5 + 1.5 * x[i][0] - 1.0 * x[i][1];
            y[i] = random.nextDouble() < LogisticBaseline.sigmoid(margin);
        }
        LogisticBaseline model = LogisticBaseline.fit(x, y);
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = model.probability(x[i]);
        }
        double auc = Evaluation.rocAuc(p, y);
        // the true model's own AUC on these rows bounds what any model can reach
        double[] truth = new double[n];
        for (int i = 0; i < n; i++) {
            truth[i] = LogisticBaseline.sigmoid(-0.5 + 1.5 * x[i][0] - 1.0 * x[i][1]);
        }
        double best = Evaluation.rocAuc(truth, y);
        assertTrue(auc > best - 0.02, "baseline AUC " + auc + " vs the planted model's " + best);
        double mean = 0;
        for (double v : p) {
            mean += v;
        }
        int positives = 0;
        for (boolean b : y) {
            positives += b ? 1 : 0;
        }
        assertEquals((double) positives / n, mean / n, 0.01, "an unweighted logistic fit is calibrated in the mean");
    }
}
