package io.footfall.testkit;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * A class loader like the host's plugin class loader: the plugin's own code first, {@code io.footfall.api} from
 * the test's class path, the JDK, and nothing else.
 */
final class IsolatedPluginLoader extends URLClassLoader {

    private static final String API = "io.footfall.api.";

    private final ClassLoader api;
    private final ClassLoader jdk = ClassLoader.getPlatformClassLoader();

    IsolatedPluginLoader(URL[] classPath, ClassLoader api) {
        super("isolated-plugin", classPath, null);
        this.api = api;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                if (name.startsWith(API)) {
                    loaded = api.loadClass(name);
                } else if (name.startsWith("java.")) {
                    loaded = jdk.loadClass(name);
                } else {
                    try {
                        loaded = findClass(name);
                    } catch (ClassNotFoundException notInPlugin) {
                        loaded = jdk.loadClass(name);
                    }
                }
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : jdk.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> urls = new ArrayList<>(Collections.list(findResources(name)));
        urls.addAll(Collections.list(jdk.getResources(name)));
        return Collections.enumeration(urls);
    }
}
