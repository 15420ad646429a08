package io.footfall.plugins.churn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.plugin.MiningPlugin;
import io.footfall.api.plugin.TrainingReport;
import io.footfall.api.result.UserScore;
import io.footfall.testkit.PluginHarness;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * XGBoost4J loads a native library, and the JVM binds a native library file to one class loader. A plugin is
 * loaded in a class loader of its own and may be loaded again (another Footfall in the same JVM, an app test that
 * restarts the application, a future hot reload). XGBoost4J copies the library to a new temporary file for every
 * class loader that initialises it, so each loader binds its own copy: this test loads the plugin twice, in two
 * live class loaders like the host's, and trains and scores with both, and with the test's own loader as well.
 */
class NativeLibraryReloadTest {

    /** Child-first like the host's plugin class loader: only io.footfall.api and the JDK come from outside. */
    static final class HostLikeLoader extends URLClassLoader {
        private final ClassLoader api;

        HostLikeLoader(URL[] urls, ClassLoader api) {
            super("reload-test", urls, null);
            this.api = api;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    if (name.startsWith("io.footfall.api.")) {
                        c = api.loadClass(name);
                    } else if (name.startsWith("java.")) {
                        c = ClassLoader.getPlatformClassLoader().loadClass(name);
                    } else {
                        try {
                            c = findClass(name);
                        } catch (ClassNotFoundException notOwn) {
                            c = ClassLoader.getPlatformClassLoader().loadClass(name);
                        }
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    @Test
    void twoClassLoadersEachTrainAndScoreWithTheirOwnCopyOfTheNativeLibrary() throws IOException, ClassNotFoundException {
        URL[] classPath = new ChurnConformanceTest().isolatedClassPath().toArray(URL[]::new);
        List<Double> aucs = new ArrayList<>();
        try (HostLikeLoader first = new HostLikeLoader(classPath, MiningPlugin.class.getClassLoader());
             HostLikeLoader second = new HostLikeLoader(classPath, MiningPlugin.class.getClassLoader())) {
            List<Class<?>> xgboost = new ArrayList<>();
            for (HostLikeLoader loader : List.of(first, second)) {
                MiningPlugin plugin = ServiceLoader.load(MiningPlugin.class, loader).findFirst().orElseThrow();
                assertTrue(plugin.getClass().getClassLoader() == loader);
                xgboost.add(Class.forName("ml.dmlc.xgboost4j.java.XGBoost", false, loader));
                try (PluginHarness h = PluginHarness.of(plugin).config(ChurnPluginTest.SHORT).open()) {
                    h.feedSimulation(ChurnPluginTest.SIMULATION);
                    TrainingReport report = h.train(ChurnPluginTest.END);
                    assertNotNull(report.model(), report.summary());
                    assertTrue(!h.results().latest(UserScore.class).isEmpty(), "scored with the reloaded plugin");
                    aucs.add(report.model().metrics().get("churn.roc_auc"));
                }
            }
            assertNotSame(xgboost.get(0), xgboost.get(1), "each loader has its own XGBoost classes");
        }
        // and the test's own class loader, which other tests in this JVM have initialised already
        try (PluginHarness h = PluginHarness.of(new ChurnPlugin()).config(ChurnPluginTest.SHORT).open()) {
            h.feedSimulation(ChurnPluginTest.SIMULATION);
            aucs.add(h.train(ChurnPluginTest.END).model().metrics().get("churn.roc_auc"));
        }
        assertEquals(1, aucs.stream().distinct().count(), "the same model from every copy: " + aucs);
    }
}
