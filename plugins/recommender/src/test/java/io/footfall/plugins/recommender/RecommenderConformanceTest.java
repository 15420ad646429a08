package io.footfall.plugins.recommender;

import io.footfall.api.plugin.MiningPlugin;
import io.footfall.testkit.PluginConformanceTest;
import java.net.URL;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;

/** The kit's conformance checks, with the default configuration (EASE on the small simulation). */
class RecommenderConformanceTest extends PluginConformanceTest {

    @Override
    protected MiningPlugin newPlugin() {
        return new RecommenderPlugin();
    }

    @Override
    protected List<URL> isolatedClassPath() {
        return List.of(codeSource(RecommenderPlugin.class), codeSource(DMatrixRMaj.class), codeSource(LinearSolverFactory_DDRM.class));
    }
}
