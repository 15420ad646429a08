package io.footfall.plugins.churn;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.minlog.Log;
import com.esotericsoftware.reflectasm.MethodAccess;
import io.footfall.api.plugin.MiningPlugin;
import io.footfall.testkit.PluginConformanceTest;
import java.net.URL;
import java.util.List;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.apache.commons.logging.LogFactory;
import org.objenesis.Objenesis;

/**
 * The kit's conformance checks with the default configuration. The default simulation (100 users × 7 days) is too
 * short to train on, so these runs also check that a refused training run leaves everything consistent; the
 * trained path is covered by {@link ChurnTrainedConformanceTest}.
 */
class ChurnConformanceTest extends PluginConformanceTest {

    @Override
    protected MiningPlugin newPlugin() {
        return new ChurnPlugin();
    }

    /** The plugin directory holds the plugin jar and XGBoost4J with its runtime dependencies (see app/pom.xml). */
    @Override
    protected List<URL> isolatedClassPath() {
        return List.of(codeSource(ChurnPlugin.class), codeSource(XGBoost.class), codeSource(Kryo.class),
                codeSource(LogFactory.class), codeSource(Objenesis.class), codeSource(Log.class), codeSource(MethodAccess.class),
                codeSource(ObjectMapper.class), codeSource(JsonFactory.class), codeSource(JsonProperty.class));
    }
}
