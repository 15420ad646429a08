package io.footfall.kafka.testbroker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * Apache Kafka's own broker for tests: one KRaft node that is broker and controller at once, on
 * two free loopback ports, with its log in a fresh temporary directory that {@link #close()}
 * deletes. All replication factors are 1, so transactions, consumer-group offsets and share groups
 * work on the single node.
 *
 * <p>In-process: {@code try (KafkaTestBroker kafka = KafkaTestBroker.start()) { kafka.bootstrapServers(); }}.
 * As a separate JVM (for tests that kill application processes, or to keep the broker's threads and
 * heap out of the JVM under test): {@link #fork(String)}, or {@code java -cp … io.footfall.kafka.testbroker.KafkaTestBroker}
 * which prints {@code bootstrap.servers=host:port} and stops when its standard input closes.
 */
public final class KafkaTestBroker implements AutoCloseable {

    /** The line a forked broker prints once it serves clients. */
    public static final String READY_PREFIX = "bootstrap.servers=";

    private final KafkaRaftServer server;
    private final Path dir;
    private final String bootstrapServers;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private KafkaTestBroker(KafkaRaftServer server, Path dir, String bootstrapServers) {
        this.server = server;
        this.dir = dir;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts a broker with the default settings; ready for clients when this returns. */
    public static KafkaTestBroker start() {
        return start(Map.of());
    }

    /**
     * Starts a broker; ready for clients when this returns.
     *
     * @param overrides broker properties set after the defaults (e.g. {@code num.partitions})
     */
    public static KafkaTestBroker start(Map<String, String> overrides) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return startOnce(0, overrides);
            } catch (RuntimeException e) {
                // the free ports may have been taken between probing and binding: try new ones
                last = e;
            }
        }
        throw last;
    }

    /**
     * Starts a broker whose clients' listener is on the given loopback port (the controller's port is a free
     * one); ready for clients when this returns. For tests of clients that were pointed at that port before
     * anything listened there. Fails when the port is taken.
     *
     * @param port      the port of {@code bootstrap.servers} ({@code 127.0.0.1:port})
     * @param overrides broker properties set after the defaults
     */
    public static KafkaTestBroker startOnPort(int port, Map<String, String> overrides) {
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535: " + port);
        }
        return startOnce(port, overrides);
    }

    /** A loopback port nothing listens on right now (bound and released again), e.g. for an unreachable broker. */
    public static int closedPort() {
        try {
            return freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KafkaTestBroker startOnce(int fixedPort, Map<String, String> overrides) {
        Path dir;
        try {
            dir = Files.createTempDirectory("footfall-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KafkaRaftServer server = null;
        try {
            int port = fixedPort > 0 ? fixedPort : freePort();
            int controllerPort = freePort();
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("controller.listener.names", "CONTROLLER");
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("log.dirs", dir.resolve("data").toString());
            props.put("num.partitions", "1");
            props.put("default.replication.factor", "1");
            props.put("min.insync.replicas", "1");
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "4");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("transaction.state.log.num.partitions", "4");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("auto.create.topics.enable", "true");
            props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
            overrides.forEach(props::put);

            Path config = dir.resolve("server.properties");
            try (var out = Files.newOutputStream(config)) {
                props.store(out, "footfall test broker");
            }
            ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
            int formatted = StorageTool.execute(new String[]{"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
                    new PrintStream(formatOutput, true, StandardCharsets.UTF_8));
            if (formatted != 0) {
                throw new IllegalStateException("formatting the KRaft log directory failed: " + formatOutput.toString(StandardCharsets.UTF_8));
            }
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            String bootstrap = "127.0.0.1:" + port;
            awaitReady(bootstrap, Duration.ofSeconds(60));
            return new KafkaTestBroker(server, dir, bootstrap);
        } catch (IOException e) {
            stopQuietly(server);
            delete(dir);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            stopQuietly(server);
            delete(dir);
            throw e;
        }
    }

    /** {@code host:port} for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Admin-client properties pointing at this broker. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }

    /** Creates a topic (replication factor 1) unless it exists, and waits until it is created. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = Admin.create(clientProperties())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("topic " + name + " not created within 60 s", e);
        }
    }

    /** Stops the broker and deletes its log directory. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopQuietly(server);
        delete(dir);
    }

    private static void awaitReady(String bootstrap, Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(p)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the Kafka test broker did not answer within " + timeout, e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the Kafka test broker has no live broker after " + timeout);
                }
            }
        }
    }

    private static void stopQuietly(KafkaRaftServer server) {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            System.err.println("Kafka test broker did not stop cleanly: " + e);
        }
    }

    private static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("cannot delete " + dir + ": " + e.getMessage());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /**
     * Starts a broker in a child JVM on the given class path (which must hold this module and
     * {@code kafka_2.13}); ready for clients when this returns. Closing the handle stops the JVM.
     */
    public static Forked fork(String classPath) {
        return Forked.start(classPath);
    }

    /**
     * Runs a broker until standard input closes (or the JVM is stopped), printing
     * {@code bootstrap.servers=host:port} once it is ready. Arguments: {@code key=value} broker
     * property overrides.
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> overrides = new java.util.HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                System.err.println("usage: KafkaTestBroker [broker.property=value ...]");
                System.exit(2);
            }
            overrides.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        KafkaTestBroker broker = start(overrides);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-test-broker-stop"));
        System.out.println(READY_PREFIX + broker.bootstrapServers());
        System.out.flush();
        // the parent closes our stdin (or dies): stop then
        while (System.in.read() >= 0) {
            // ignore input
        }
        broker.close();
        System.exit(0);
    }
}
