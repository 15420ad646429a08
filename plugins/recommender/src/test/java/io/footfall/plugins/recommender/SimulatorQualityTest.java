package io.footfall.plugins.recommender;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.testkit.Simulations;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * On simulated traffic with planted taste clusters, the collaborative models beat popularity under the published
 * protocol (global random 80/20, binary, full ranking).
 */
class SimulatorQualityTest {

    @Test
    void collaborativeModelsBeatPopularity() {
        List<InteractionLog.Row> rows = SimulatorData.rows(Simulations.run(SimulatorData.config(1000, 30)).events());
        Evaluation.Split split = Evaluation.random(rows, 0.8, 42);
        Evaluation.Metrics pop = Evaluation.evaluate(new Popularity(), split, 10, true);
        Evaluation.Metrics ials = Evaluation.evaluate(new Ials(32, 30, 1, 10, 42), split, 10, true);
        Evaluation.Metrics ease = Evaluation.evaluate(new Ease(400), split, 10, true);
        Evaluation.Metrics knn = Evaluation.evaluate(new ItemKnn(100, 0), split, 10, true);
        String figures = List.of(pop, ials, ease, knn).toString();
        System.out.println(figures);
        assertTrue(ials.ndcg() > pop.ndcg() * 1.1, figures);
        assertTrue(ease.ndcg() > pop.ndcg() * 1.1, figures);
        assertTrue(knn.ndcg() > pop.ndcg(), figures);
    }
}
