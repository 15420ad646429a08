package io.footfall.plugins.recommender;

import io.footfall.api.plugin.MiningPlugin;
import io.footfall.testkit.PluginConformanceTest;
import java.net.URL;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;

/**
 * The kit's conformance checks, with the default configuration (EASE on the small simulation). Its results read item
 * figures merged from every part's share, so folded apart they differ from the in-order ones by how far the other parts
 * had got: {@link FoldedApartTest} measures how much.
 */
class RecommenderConformanceTest extends PluginConformanceTest {

    @Override
    protected MiningPlugin newPlugin() {
        return new RecommenderPlugin();
    }

    @Override
    protected boolean sameResultsWhenFoldedApart() {
        return false;
    }

    @Override
    protected List<URL> isolatedClassPath() {
        return List.of(codeSource(RecommenderPlugin.class), codeSource(DMatrixRMaj.class), codeSource(LinearSolverFactory_DDRM.class));
    }
}
