package io.footfall.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The Footfall app ({@code quarkus-run.jar}) as a child JVM listening on 127.0.0.1 only, with its stdout and
 * stderr in {@code app-<label>.log}. Every started process is registered so that {@link #stopAll()} (called at
 * the end and from the shutdown hook) stops it: SIGTERM, then SIGKILL of it and its descendants after 30 s.
 */
final class AppProcess implements AutoCloseable {

    private static final Set<AppProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static boolean closed;
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final String label;
    private final Process process;
    private final Path log;
    private final URI base;

    private AppProcess(String label, Process process, Path log, URI base) {
        this.label = label;
        this.process = process;
        this.log = log;
        this.base = base;
    }

    /**
     * Starts the app.
     *
     * @param env the app's configuration (QUARKUS_*, FOOTFALL_*); inherited variables with those prefixes are removed
     */
    static AppProcess start(String label, Path appJar, List<String> jvmArgs, Map<String, String> env, Path logDir)
            throws IOException {
        return start(label, List.of(), appJar, jvmArgs, env, logDir);
    }

    /**
     * Starts the app under a launcher that execs it, e.g. {@code taskset -c 0} to pin it to one CPU (the pid stays the
     * JVM's).
     */
    static AppProcess start(String label, List<String> launcher, Path appJar, List<String> jvmArgs, Map<String, String> env,
            Path logDir) throws IOException {
        if (!Files.isRegularFile(appJar)) {
            throw new IOException("no app at " + appJar + "; build it with ./mvnw -B -q -DskipTests package");
        }
        int port = freePort();
        List<String> command = new ArrayList<>(launcher);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(appJar.toString());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("QUARKUS_") || k.startsWith("FOOTFALL_"));
        pb.environment().putAll(env);
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        pb.environment().put("FOOTFALL_BOOTSTRAP_ADMIN", BenchMain.ADMIN_USER + ":" + BenchMain.ADMIN_PASSWORD);
        pb.environment().put("FOOTFALL_BOOTSTRAP_WRITE_KEY", BenchMain.WRITE_KEY);
        // as in production (docs/security.md): without it every app logs a warning about a temporary session key
        pb.environment().putIfAbsent("QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY", "footfall-bench-session-key");
        Files.createDirectories(logDir);
        Path log = logDir.resolve("app-" + label + ".log");
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        pb.directory(logDir.toFile());
        synchronized (LIVE) {
            if (closed) {
                throw new IOException("the benchmark is shutting down; not starting app " + label);
            }
            AppProcess app = new AppProcess(label, pb.start(), log, URI.create("http://127.0.0.1:" + port));
            LIVE.add(app);
            return app;
        }
    }

    /** Polls {@code /q/health/ready} until it answers 200; fails if the process exits or {@code timeout} passes. */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest ready = HttpRequest.newBuilder(base.resolve("/q/health/ready")).timeout(Duration.ofSeconds(5)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("app " + label + " exited with " + process.exitValue() + " before it was ready; log "
                        + log + ":\n" + tail(30));
            }
            if (Files.readString(log, StandardCharsets.ISO_8859_1).contains("Failed to start application")) {
                throw new IOException("app " + label + " failed to start (its JVM is still running); log " + log + ":\n"
                        + tail(30));
            }
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IOException("app " + label + " not ready after " + timeout.toSeconds() + " s; log " + log + ":\n" + tail(30));
    }

    long pid() {
        return process.pid();
    }

    URI base() {
        return base;
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The JVM's pid and its descendants' (still running). */
    List<Long> processTree() {
        List<Long> pids = new ArrayList<>();
        pids.add(process.pid());
        process.descendants().forEach(p -> pids.add(p.pid()));
        return pids;
    }

    /** The last {@code lines} lines of the app's log. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Log lines at WARN or ERROR level (at most {@code max}), to report what the app complained about. */
    List<String> problems(int max) {
        return problems(log, max);
    }

    /** WARN/ERROR lines of an app log, at most {@code max}. */
    static List<String> problems(Path log, int max) {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if ((line.contains(" ERROR ") || line.contains(" WARN ")) && !line.contains("Unrecognized configuration key")) {
                    if (out.size() < max) {
                        out.add(line);
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            out.add("(log unreadable: " + e.getMessage() + ")");
        }
        return out;
    }

    /** SIGTERM; SIGKILL of the process and its descendants if it has not exited after 30 s. */
    void stop() {
        List<ProcessHandle> descendants = process.descendants().toList();
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                    System.err.println("app " + label + " did not stop after SIGTERM; killing pid " + process.pid());
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (ProcessHandle d : descendants) {
            if (d.isAlive()) {
                d.destroyForcibly();
            }
        }
        LIVE.remove(this);
    }

    @Override
    public void close() {
        stop();
    }

    /** Stops every app this run started that is still registered. */
    static void stopAll() {
        for (AppProcess app : List.copyOf(LIVE)) {
            app.stop();
        }
    }

    /** Stops every app and refuses to start more (for the end of the run and the shutdown hook). */
    static void shutDown() {
        synchronized (LIVE) {
            closed = true;
        }
        for (AppProcess app : List.copyOf(LIVE)) {
            app.stop();
        }
    }

    /**
     * Copies the app's {@code quarkus-app} directory (the jar's parent) into {@code target}, so that a rebuild of
     * the app during the benchmark cannot change or break the app under test; returns the copied jar.
     */
    static Path snapshot(Path appJar, Path target) throws IOException {
        Path source = appJar.getParent();
        if (!Files.isRegularFile(appJar)) {
            throw new IOException("no app at " + appJar + "; build it with ./mvnw -B -q -DskipTests package");
        }
        deleteTree(target);
        try (var files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return target.resolve(appJar.getFileName().toString());
    }

    /**
     * Replaces the plugins directory of a copied app ({@code <quarkus-app>/plugins}, which the app loads as its
     * built-in plugins) with copies of {@code pluginDirs} (each one plugin directory; none leaves it empty). Only
     * for a copy made by {@link #snapshot}: the built app is never touched.
     */
    static void replacePlugins(Path copiedAppJar, List<Path> pluginDirs) throws IOException {
        Path plugins = copiedAppJar.getParent().resolve("plugins");
        deleteTree(plugins);
        Files.createDirectories(plugins);
        for (Path dir : pluginDirs) {
            Path into = plugins.resolve(dir.getFileName().toString());
            try (var files = Files.walk(dir)) {
                for (Path p : files.toList()) {
                    Path to = into.resolve(dir.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to);
                    }
                }
            }
        }
    }

    /** Deletes a directory tree (best effort). */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + root + ": " + e.getMessage());
        }
    }

    /** A TCP port free on 127.0.0.1 right now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
