package io.footfall.plugins.churn;

import io.footfall.simulator.SimulatorConfig;
import java.util.Map;

/**
 * The conformance checks again, on a simulation long enough to train, promote and score: replay, determinism,
 * declared result types and clean close then cover the XGBoost path (a model serving while events are replayed).
 */
class ChurnTrainedConformanceTest extends ChurnConformanceTest {

    @Override
    protected Map<String, String> validConfig() {
        return ChurnPluginTest.SHORT;
    }

    @Override
    protected SimulatorConfig simulation() {
        return ChurnPluginTest.SIMULATION;
    }
}
