package io.footfall.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.distribution.kafka.KafkaRelay;
import io.footfall.distribution.kafka.RelayRecords;
import io.footfall.kafka.testbroker.Forked;
import io.footfall.kafka.testbroker.KafkaTestBroker;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failover of the Kafka relay (ADR 0017) between two Footfall JVMs on one PostgreSQL and one Kafka broker (KRaft, in a
 * child JVM). Both instances run every role, so both run the relay: one holds the {@code kafka-relay} token, the other
 * stands by. Under paced storefront load through both, the instance that holds the token is killed (SIGKILL); the
 * survivor claims the token after the claim timeout and relays on from the last committed position. Afterwards the set
 * of {@code eventId} headers on the topic equals the set of relayed events in the log (behaviour events and identity
 * unlinks), every acknowledged message is in the log once, repeats (at-least-once) are counted, and each key's first
 * occurrences are in log order. Prints the failover and catch-up times.
 */
class KafkaRelayFailoverIT {

    private static final String KEY = "relay-failover-key";
    private static final String TOPIC = "footfall-events";
    private static final int PARTITIONS = 3;
    /** Messages per request, and requests per second across all clients: the load lasts well past the takeover. */
    private static final int BATCH = 50;
    private static final int REQUESTS_PER_SECOND = 6;
    private static final String RELAYED = "(payloadtype LIKE '%RecordedBehavior' OR payloadtype LIKE '%IdentityUnlinked')";
    private static PostgresTestResource database;
    private static Forked kafka;
    private static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        database = new PostgresTestResource();
        Map<String, String> config = database.start();
        kafka = KafkaTestBroker.fork(System.getProperty("java.class.path"));
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        env = AppProcess.environment(config.get("quarkus.datasource.jdbc.url"), KEY);
        env.put("FOOTFALL_DISTRIBUTION_KAFKA_ENABLED", "true");
        env.put("FOOTFALL_DISTRIBUTION_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("FOOTFALL_DISTRIBUTION_KAFKA_TOPIC", TOPIC);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (database != null) {
            database.stop();
        }
    }

    /** One record read from the topic. */
    private record Relayed(int partition, long offset, String key, String eventId, long globalIndex) {
    }

    @Test
    void theSurvivorTakesOverTheRelayAndTheTopicHoldsEveryEventOfTheLog() throws Exception {
        ConcurrentLinkedQueue<ClusterLoad.Batch> pending = ClusterLoad.batches(29, 150, 14, BATCH);
        int total = ClusterLoad.messages(pending);
        assertTrue(total > 3_000, "enough load: " + total);

        try (TopicReader topic = new TopicReader();
             AppProcess a = new AppProcess(env, AppProcess.logFile("relay-failover-a.log").toPath());
             AppProcess b = new AppProcess(env, AppProcess.logFile("relay-failover-b.log").toPath())) {
            a.start();
            b.start();
            Map<Long, AppProcess> byPid = Map.of(a.pid(), a, b.pid(), b);
            // one instance holds the relay, the other stands by
            Poll.until(Duration.ofSeconds(60), () -> ownerPid(), byPid::containsKey);

            List<AppProcess> alive = new CopyOnWriteArrayList<>(List.of(a, b));
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            ExecutorService clients = ClusterLoad.send(pending, alive, acknowledged, KEY, REQUESTS_PER_SECOND);

            Poll.until(Duration.ofSeconds(120), acknowledged::size, n -> n >= total / 3);
            // the victim is whoever holds the relay's token now
            long ownerPid = Poll.until(Duration.ofSeconds(30), KafkaRelayFailoverIT::ownerPid, byPid::containsKey);
            AppProcess victim = byPid.get(ownerPid);
            AppProcess survivor = victim == a ? b : a;
            alive.remove(victim);
            long killedAt = System.nanoTime();
            victim.kill();
            int ackedAtKill = acknowledged.size();

            Poll.until(Duration.ofSeconds(60), KafkaRelayFailoverIT::ownerPid, pid -> pid == survivor.pid());
            long holdMs = (System.nanoTime() - killedAt) / 1_000_000;
            int ackedAtTakeover = acknowledged.size();
            // the relay has caught up with the outage: every relayed event the log held at the takeover (those the dead
            // instance had not relayed, and those appended while nobody relayed) is on the topic
            Set<String> backlog = relayedInLog().keySet();
            Poll.until(Duration.ofSeconds(90), () -> topic.eventIds().containsAll(backlog), complete -> complete);
            long completeMs = (System.nanoTime() - killedAt) / 1_000_000;

            clients.shutdown();
            assertTrue(clients.awaitTermination(180, TimeUnit.SECONDS), "every batch acknowledged by some instance");
            assertEquals(total, acknowledged.size(), "every message acknowledged");
            AppProcess.assertStoredOnce(env.get("QUARKUS_DATASOURCE_JDBC_URL"), acknowledged);
            assertTrue(ackedAtTakeover < total, "the load went on after the takeover (" + ackedAtTakeover + " of " + total + ")");

            // after the load: the topic's event ids are the log's relayed events, no more, no fewer
            Poll.until(Duration.ofSeconds(60), () -> topic.eventIds().equals(relayedInLog().keySet()), same -> same);
            Map<String, Long> log = relayedInLog();
            List<Relayed> records = topic.records();
            Set<String> onTopic = new HashSet<>();
            records.forEach(r -> onTopic.add(r.eventId()));
            assertEquals(log.keySet(), onTopic, "the topic holds exactly the log's behaviour events and unlinks");
            assertEquals(survivor.pid(), ownerPid(), "the survivor still holds the relay");
            assertTrue(log.size() >= total, "every acknowledged message is a relayed event: " + log.size() + " of " + total);

            int duplicates = records.size() - onTopic.size();
            Set<String> firstSeen = new HashSet<>();
            Map<String, Integer> partitionOf = new HashMap<>();
            Map<String, Long> lastIndexOf = new HashMap<>();
            List<Relayed> inOrder = new ArrayList<>(records);
            inOrder.sort(Comparator.comparingInt(Relayed::partition).thenComparingLong(Relayed::offset));
            for (Relayed r : inOrder) {
                assertEquals(log.get(r.eventId()), r.globalIndex(), "the globalIndex header of " + r.eventId() + " is its position in the log");
                Integer partition = partitionOf.putIfAbsent(r.key(), r.partition());
                assertTrue(partition == null || partition == r.partition(), r.key() + " on partitions " + partition + " and " + r.partition());
                if (!firstSeen.add(r.eventId())) {
                    continue; // a repeat: what a consumer drops by eventId
                }
                Long previous = lastIndexOf.put(r.key(), r.globalIndex());
                assertTrue(previous == null || previous < r.globalIndex(),
                        r.key() + ": first occurrence of " + r.globalIndex() + " after " + previous);
            }
            // the survivor folds everything the victim folded, and its profiles equal a replay from scratch
            JsonPath cluster = Poll.until(Duration.ofSeconds(120), () -> new JsonPath(ClusterLoad.admin(survivor, "GET", "/api/v1/cluster").body()),
                    c -> c.getList("unclaimed").isEmpty() && c.getList("instances.find { it.node.startsWith('" + survivor.pid() + "@') }.holds")
                            .containsAll(c.getList("instances.find { it.node.startsWith('" + survivor.pid() + "@') }.runs")));
            String jdbcUrl = env.get("QUARKUS_DATASOURCE_JDBC_URL");
            JsonPath caughtUp = ClusterLoad.awaitProfilesCaughtUp(survivor, -1);
            List<String> live = ClusterLoad.profileSnapshot(jdbcUrl);
            assertTrue(live.size() > 500, "profiles were projected: " + live.size());
            assertEquals(202, ClusterLoad.admin(survivor, "POST", "/api/v1/projections/profiles/replay").statusCode());
            ClusterLoad.awaitProfilesCaughtUp(survivor, caughtUp.getLong("head"));
            assertEquals(live, ClusterLoad.profileSnapshot(jdbcUrl), "the live profiles after the failover equal a replay from scratch: "
                    + cluster.prettify());
            System.out.printf("RELAY-FAILOVER kill→survivor-holds-relay=%d kill→topic-complete=%d events=%d duplicates=%d%n",
                    holdMs, completeMs, log.size(), duplicates);
            System.out.printf("RELAY-FAILOVER-DETAIL messages=%d acknowledged-at-kill=%d at-takeover=%d records=%d keys=%d%n",
                    total, ackedAtKill, ackedAtTakeover, records.size(), partitionOf.size());
        }
    }

    /** The process id of the instance holding the relay's token, -1 if none. */
    private static long ownerPid() {
        return ClusterLoad.ownerPid(env.get("QUARKUS_DATASOURCE_JDBC_URL"), KafkaRelay.PROCESSOR);
    }

    /** The events of the log the relay publishes (ADR 0017: behaviour events and identity unlinks), by event id. */
    private static Map<String, Long> relayedInLog() {
        Map<String, Long> events = new HashMap<>();
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
                "SELECT eventidentifier, globalindex FROM domainevententry WHERE " + RELAYED);
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                events.put(rs.getString(1), rs.getLong(2));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return events;
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(env.get("QUARKUS_DATASOURCE_JDBC_URL"), "postgres", "");
    }

    /** Reads the topic from its beginning on a thread of its own for the whole test, as a consumer would. */
    private static final class TopicReader implements AutoCloseable {
        private final List<Relayed> records = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Set<String> eventIds = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;
        private volatile Throwable failure;

        TopicReader() {
            Properties p = new Properties();
            p.put("bootstrap.servers", kafka.bootstrapServers());
            p.put("group.id", "relay-failover-" + UUID.randomUUID());
            p.put("enable.auto.commit", "false");
            thread = new Thread(() -> {
                try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
                    List<TopicPartition> partitions = new ArrayList<>();
                    for (int i = 0; i < PARTITIONS; i++) {
                        partitions.add(new TopicPartition(TOPIC, i));
                    }
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                    while (!stop.get()) {
                        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                            String eventId = header(r, RelayRecords.EVENT_ID_HEADER);
                            records.add(new Relayed(r.partition(), r.offset(), r.key(), eventId, Long.parseLong(header(r, RelayRecords.GLOBAL_INDEX_HEADER))));
                            eventIds.add(eventId);
                        }
                    }
                } catch (Throwable t) {
                    failure = t;
                }
            }, "relay-failover-topic-reader");
            thread.setDaemon(true);
            thread.start();
        }

        Set<String> eventIds() {
            if (failure != null) {
                throw new AssertionError("reading the topic failed", failure);
            }
            return Set.copyOf(eventIds);
        }

        List<Relayed> records() {
            synchronized (records) {
                return List.copyOf(records);
            }
        }

        private static String header(ConsumerRecord<?, ?> record, String name) {
            Header h = record.headers().lastHeader(name);
            return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
        }
    }
}
