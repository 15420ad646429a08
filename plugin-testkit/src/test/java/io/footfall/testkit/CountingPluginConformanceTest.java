package io.footfall.testkit;

import io.footfall.api.plugin.MiningPlugin;

/** The conformance base runs green on a well-behaved plugin. */
class CountingPluginConformanceTest extends PluginConformanceTest {

    @Override
    protected MiningPlugin newPlugin() {
        return new CountingPlugin();
    }
}
