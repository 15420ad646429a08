package io.footfall.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Plugin directories for the {@code plugins} part, made at bench time so that the fixtures module stays as it is:
 * no-op plugins consuming every event with ids {@code noop-1}…{@code noop-N} (compiled with the system Java
 * compiler against the app's {@code footfall-plugin-api} jar), and the fixtures' {@code NoopPlugin} (consumes
 * {@code page} only) repackaged with a service file naming it. Each plugin is one directory holding one jar whose
 * {@code META-INF/services/io.footfall.api.plugin.MiningPlugin} names exactly one class.
 */
final class PluginJars {

    static final String SERVICE = "META-INF/services/io.footfall.api.plugin.MiningPlugin";
    private static final String PACKAGE = "io.footfall.bench.noop";

    private PluginJars() {
    }

    /** The plugin-api jar inside the app's {@code quarkus-app/lib/main} (the one the app runs with). */
    static Path pluginApi(Path appJar) throws IOException {
        Path lib = appJar.getParent().resolve("lib/main");
        try (Stream<Path> files = Files.list(lib)) {
            return files.filter(p -> p.getFileName().toString().contains("footfall-plugin-api-")).findFirst()
                    .orElseThrow(() -> new IOException("no footfall-plugin-api jar in " + lib));
        }
    }

    /**
     * Writes {@code count} no-op plugin directories {@code noop-1}…{@code noop-<count>} under {@code root} (created
     * if needed); each plugin consumes all events (empty {@code consumes}) and does nothing with them.
     */
    static List<Path> consumeAllNoops(Path root, int count, Path pluginApi, Path work) throws IOException {
        Path classes = work.resolve("classes");
        Path sources = work.resolve("src");
        Files.createDirectories(classes);
        Files.createDirectories(sources);
        List<Path> files = new java.util.ArrayList<>();
        for (int i = 1; i <= count; i++) {
            Path src = sources.resolve("Noop" + i + ".java");
            Files.writeString(src, source(i));
            files.add(src);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IOException("no system Java compiler (run the bench with a JDK, not a JRE)");
        }
        List<String> args = new java.util.ArrayList<>(List.of("--release", "17", "-classpath", pluginApi.toString(),
                "-d", classes.toString()));
        files.forEach(f -> args.add(f.toString()));
        int status = javac.run(null, null, null, args.toArray(String[]::new));
        if (status != 0) {
            throw new IOException("compiling the no-op plugins failed (javac status " + status + ")");
        }
        List<Path> dirs = new java.util.ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String cls = PACKAGE + ".Noop" + i;
            Path dir = root.resolve("noop-" + i);
            Files.createDirectories(dir);
            Path classFile = classes.resolve(cls.replace('.', '/') + ".class");
            try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(dir.resolve("noop-" + i + "-1.0.0.jar")))) {
                put(jar, cls.replace('.', '/') + ".class", Files.readAllBytes(classFile));
                put(jar, SERVICE, (cls + "\n").getBytes(StandardCharsets.UTF_8));
            }
            dirs.add(dir);
        }
        return dirs;
    }

    /**
     * Writes the fixtures' {@code NoopPlugin} (id {@code noop-fixture}, consumes {@code page} only) as a plugin
     * directory under {@code root}: its class copied from the fixtures jar, with a service file naming it (the
     * fixtures jar's own service file names another plugin).
     */
    static Path fixtureNoop(Path root, Path fixturesJar) throws IOException {
        String entry = "io/footfall/plugins/fixtures/NoopPlugin.class";
        Path dir = root.resolve("noop-fixture");
        Files.createDirectories(dir);
        try (JarFile in = new JarFile(fixturesJar.toFile());
             JarOutputStream jar = new JarOutputStream(Files.newOutputStream(dir.resolve("noop-fixture.jar")))) {
            JarEntry e = in.getJarEntry(entry);
            if (e == null) {
                throw new IOException(fixturesJar + " has no " + entry);
            }
            try (InputStream bytes = in.getInputStream(e)) {
                put(jar, entry, bytes.readAllBytes());
            }
            put(jar, SERVICE, "io.footfall.plugins.fixtures.NoopPlugin\n".getBytes(StandardCharsets.UTF_8));
        }
        return dir;
    }

    /** Copies a plugin directory (flat or nested) to {@code target}. */
    static void copyDir(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
    }

    private static void put(JarOutputStream jar, String name, byte[] bytes) throws IOException {
        jar.putNextEntry(new JarEntry(name));
        OutputStream out = jar;
        out.write(bytes);
        jar.closeEntry();
    }

    private static String source(int i) {
        return """
                package %1$s;

                import io.footfall.api.plugin.EventBatch;
                import io.footfall.api.plugin.MiningPlugin;
                import io.footfall.api.plugin.PluginDescriptor;
                import io.footfall.api.plugin.SpiVersion;
                import java.util.Set;

                /** Bench no-op plugin %2$d: consumes every event (empty consumes) and does nothing. */
                public class Noop%2$d implements MiningPlugin {
                    @Override
                    public PluginDescriptor descriptor() {
                        return new PluginDescriptor("noop-%2$d", "1.0.0", SpiVersion.CURRENT, "noop-%2$d", "no-op",
                                Set.of(), Set.of(), null, Set.of());
                    }

                    @Override
                    public void onEvents(EventBatch batch) {
                    }
                }
                """.formatted(PACKAGE, i);
    }
}
