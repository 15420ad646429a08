package io.footfall.app;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The packaged Footfall application as a child process, for tests that kill and restart it. */
final class AppProcess implements AutoCloseable {

    private final Map<String, String> env;
    private final Path log;
    private final int port;
    private Process process;

    AppProcess(Map<String, String> env, Path log) throws IOException {
        this.env = env;
        this.log = log;
        this.port = freePort();
    }

    /** A TCP port nothing listens on now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /**
     * Starts the app with {@code env} and checks that it exits at start-up, its log ({@code target/it-logs/<logName>})
     * naming the problem with {@code expected}.
     */
    static void assertRefusesToStart(Map<String, String> env, String logName, String expected) throws Exception {
        Path log = logFile(logName).toPath();
        try (AppProcess bad = new AppProcess(env, log)) {
            AssertionError refused = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, bad::start);
            org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().contains("exited"), refused.getMessage());
        }
        String text = java.nio.file.Files.readString(log);
        org.junit.jupiter.api.Assertions.assertTrue(text.contains(expected), "the log names the problem: " + expected);
    }

    AppProcess start() throws IOException {
        String jar = System.getProperty("footfall.app.jar");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar);
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = builder.start();
        HttpClient client = HttpClient.newHttpClient();
        Poll.until(Duration.ofSeconds(90), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("the app exited with " + process.exitValue() + "; see " + log);
            }
            try {
                return client.send(HttpRequest.newBuilder(uri("/q/health/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }, status -> status == 200);
        return this;
    }

    /** The process id of the running app. */
    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hooks, no draining. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM: a graceful stop. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    /** The environment of an app on this database, with the bootstrap admin {@code admin:admin-secret} and this write key. */
    static Map<String, String> environment(String jdbcUrl, String writeKey) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl);
        env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        env.put("QUARKUS_DATASOURCE_PASSWORD", "");
        env.put("FOOTFALL_BOOTSTRAP_ADMIN", "admin:admin-secret");
        env.put("FOOTFALL_BOOTSTRAP_WRITE_KEY", writeKey);
        return env;
    }

    /** Fails unless every acknowledged message id is stored in the log, and none more than once. */
    static void assertStoredOnce(String jdbcUrl, java.util.Set<String> acknowledged) throws java.sql.SQLException {
        Map<String, Integer> stored = new java.util.HashMap<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbcUrl, "postgres", "");
             java.sql.PreparedStatement s = c.prepareStatement("SELECT convert_from(payload, 'UTF8')::jsonb -> 'event' ->> 'messageId' "
                     + "FROM domainevententry WHERE payloadtype LIKE '%RecordedBehavior'");
             java.sql.ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                stored.merge(rs.getString(1), 1, Integer::sum);
            }
        }
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(),
                acknowledged.stream().filter(id -> !stored.containsKey(id)).limit(5).toList(), "acknowledged but not stored");
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(),
                stored.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).limit(5).toList(), "stored twice");
    }

    static File logFile(String name) {
        File dir = new File("target/it-logs");
        dir.mkdirs();
        return new File(dir, name);
    }
}
