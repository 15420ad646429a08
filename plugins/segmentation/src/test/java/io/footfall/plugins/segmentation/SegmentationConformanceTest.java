package io.footfall.plugins.segmentation;

import io.footfall.api.plugin.MiningPlugin;
import io.footfall.testkit.PluginConformanceTest;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;

/** The kit's conformance checks, with rule segments of every kind configured. */
class SegmentationConformanceTest extends PluginConformanceTest {

    @Override
    protected MiningPlugin newPlugin() {
        return new SegmentationPlugin();
    }

    @Override
    protected Map<String, String> validConfig() {
        return Map.of(SegmentationPlugin.RULES, RulesTest.EXAMPLE);
    }

    @Override
    protected List<URL> isolatedClassPath() {
        return List.of(codeSource(SegmentationPlugin.class), codeSource(KMeansPlusPlusClusterer.class));
    }
}
