package io.footfall.core.plugin;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Child-first class loader of one plugin: the plugin's own jars win over the platform's, except for
 * the Footfall API ({@code io.footfall.api}) and the JDK, which always come from the parent so that
 * plugin and host share those types and nothing else.
 */
final class PluginClassLoader extends URLClassLoader {

    private static final String API = "io.footfall.api.";

    private final ClassLoader platform;
    private final ClassLoader jdk = ClassLoader.getPlatformClassLoader();
    /** Classes this loader defined: their static fields are roots of what the plugin retains. */
    private final List<Class<?>> defined = new ArrayList<>();

    PluginClassLoader(String pluginDirectory, URL[] jars, ClassLoader platform) {
        super("plugin:" + pluginDirectory, jars, null);
        this.platform = platform;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                if (name.startsWith(API)) {
                    loaded = platform.loadClass(name);
                } else if (name.startsWith("java.")) {
                    loaded = jdk.loadClass(name);
                } else {
                    try {
                        loaded = findClass(name);
                    } catch (ClassNotFoundException notInPlugin) {
                        // only the JDK is visible beside the plugin's own classes and the API
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
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        Class<?> type = super.findClass(name);
        synchronized (defined) {
            defined.add(type);
        }
        return type;
    }

    /** The classes defined so far by this loader. */
    List<Class<?>> definedClasses() {
        synchronized (defined) {
            return new ArrayList<>(defined);
        }
    }

    /** Forgets the defined classes, so that the loader keeps none of them reachable once it is dropped. */
    @Override
    public void close() throws IOException {
        synchronized (defined) {
            defined.clear();
        }
        super.close();
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
