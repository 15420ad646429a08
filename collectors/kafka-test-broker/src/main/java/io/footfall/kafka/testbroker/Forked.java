package io.footfall.kafka.testbroker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link KafkaTestBroker} running in a child JVM. The child stops when this handle is closed
 * (its standard input is closed) and also when the parent JVM dies, since its standard input
 * closes then too. The child's log is kept in {@link #log()}.
 */
public final class Forked implements AutoCloseable {

    private final Process process;
    private final String bootstrapServers;
    private final Path log;

    private Forked(Process process, String bootstrapServers, Path log) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.log = log;
    }

    static Forked start(String classPath) {
        Path log;
        try {
            log = Files.createTempFile("footfall-kafka-broker-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-cp", classPath,
                KafkaTestBroker.class.getName()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the broker JVM", e);
        }
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(KafkaTestBroker.READY_PREFIX)) {
                        return line.substring(KafkaTestBroker.READY_PREFIX.length()).trim();
                    }
                }
                throw new IllegalStateException("the broker JVM ended before it was ready (exit " + process.waitFor() + ")");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        try {
            return new Forked(process, ready.get(120, TimeUnit.SECONDS), log);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("the broker JVM did not become ready; its log: " + log, e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code host:port} for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The child JVM's process id. */
    public long pid() {
        return process.pid();
    }

    /** Where the child JVM's standard error goes. */
    public Path log() {
        return log;
    }

    /** Stops the broker JVM: closes its standard input and waits; forcibly after 60 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
