package io.footfall.plugins.basket;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.plugin.MiningPlugin;
import io.footfall.api.result.AssociationRule;
import io.footfall.simulator.SimulatorConfig;
import io.footfall.testkit.PluginConformanceTest;
import io.footfall.testkit.PluginHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The kit's conformance checks. The small default simulation has few orders, so the thresholds are lowered until
 * training publishes rules: replay and determinism are then checked on a non-empty rule set.
 */
class BasketRulesConformanceTest extends PluginConformanceTest {

    @Override
    protected MiningPlugin newPlugin() {
        return new BasketRulesPlugin();
    }

    @Override
    protected Map<String, String> validConfig() {
        return Map.of(BasketRulesPlugin.MIN_COUNT, "1", BasketRulesPlugin.MIN_CONFIDENCE, "0", BasketRulesPlugin.MIN_LIFT, "0");
    }

    /** The behavioural checks above are only worth something if this configuration publishes rules. */
    @Test
    void theConformanceSimulationPublishesRules() {
        SimulatorConfig sim = simulation();
        try (PluginHarness h = harness().open()) {
            h.feedSimulation(sim);
            h.train(trainingCutoff(sim));
            int rules = h.results().associationRules().size();
            assertTrue(rules >= 10, "only " + rules + " rules");
        }
    }
}
