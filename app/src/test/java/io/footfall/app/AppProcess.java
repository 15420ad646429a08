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
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
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

    static File logFile(String name) {
        File dir = new File("target/it-logs");
        dir.mkdirs();
        return new File(dir, name);
    }
}
