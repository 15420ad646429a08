package io.footfall.plugins.affinity;

import io.footfall.api.plugin.MiningPlugin;
import io.footfall.testkit.PluginConformanceTest;

/** The kit's conformance checks, with the default configuration. */
class CategoryAffinityConformanceTest extends PluginConformanceTest {

    @Override
    protected MiningPlugin newPlugin() {
        return new CategoryAffinityPlugin();
    }
}
