package io.footfall.plugins.basket;

import io.footfall.api.plugin.MiningPlugin;
import io.footfall.testkit.PluginConformanceTest;

/** The kit's conformance checks with the default configuration, as the host starts the plugin. */
class DefaultConfigConformanceTest extends PluginConformanceTest {

    @Override
    protected MiningPlugin newPlugin() {
        return new BasketRulesPlugin();
    }
}
