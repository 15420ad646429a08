package io.footfall.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.collector.segment.EventIds;
import io.footfall.kafka.testbroker.Forked;
import io.footfall.kafka.testbroker.KafkaTestBroker;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged application consuming a Kafka topic (configured through the environment) is killed
 * with SIGKILL in the middle of the topic and started again: afterwards every valid event of the
 * topic is in the log exactly once and the group's committed offsets are at the end of the topic.
 */
class KafkaDurabilityIT {

    private static final String KEY = "kafka-durability-key";
    private static final String TOPIC = "durability";
    private static final int EVENTS = 40_000;
    private static PostgresTestResource database;
    private static Forked kafka;
    private static Map<String, String> env;
    private static String jdbcUrl;

    @BeforeAll
    static void start() {
        database = new PostgresTestResource();
        Map<String, String> config = database.start();
        jdbcUrl = config.get("quarkus.datasource.jdbc.url");
        kafka = KafkaTestBroker.fork(System.getProperty("java.class.path"));
        env = AppProcess.environment(jdbcUrl, KEY);
        env.put("FOOTFALL_COLLECTORS_KAFKA_ENABLED", "true");
        env.put("FOOTFALL_COLLECTORS_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("FOOTFALL_COLLECTORS_KAFKA_TOPICS", TOPIC);
        env.put("FOOTFALL_COLLECTORS_KAFKA_WRITE_KEY", KEY);
        env.put("FOOTFALL_COLLECTORS_KAFKA_MAX_POLL_RECORDS", "500");
        // the killed member's partitions are reassigned after its session times out (Kafka's default: 45 s)
        env.put("FOOTFALL_COLLECTORS_KAFKA_CLIENT_SESSION_TIMEOUT_MS", "6000");
        env.put("FOOTFALL_COLLECTORS_KAFKA_CLIENT_HEARTBEAT_INTERVAL_MS", "1000");
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        database.stop();
    }

    @Test
    void killedMidTopicAndRestartedEveryEventIsInTheLogOnce() throws Exception {
        List<String> ids = produce();
        try (AppProcess app = new AppProcess(env, AppProcess.logFile("kafka-durability.log").toPath())) {
            app.start();
            // mid-stream: some events are in, the topic is not done
            Poll.until(Duration.ofSeconds(120), () -> count("SELECT count(*) FROM domainevententry WHERE payloadtype LIKE '%RecordedBehavior'"),
                    n -> n >= 2_000);
            app.kill();
            long inLogAtKill = count("SELECT count(*) FROM domainevententry WHERE payloadtype LIKE '%RecordedBehavior'");
            long[] atKill = committedAndEnd();
            assertTrue(atKill[0] < atKill[1], "killed before the end of the topic: " + atKill[0] + " of " + atKill[1]);

            app.start();
            Poll.until(Duration.ofSeconds(300), KafkaDurabilityIT::committedAndEnd, ce -> ce[0] == ce[1]);
            assertEquals(EVENTS, count("SELECT count(*) FROM domainevententry WHERE payloadtype LIKE '%RecordedBehavior'"),
                    "every event once (there were " + inLogAtKill + " at the kill, offsets committed for " + atKill[0] + " records)");
            assertEquals(EVENTS, countIn(ids), "and they are the topic's events");
            assertTrue(count("SELECT count(*) FROM failed_event WHERE reason = 'MALFORMED'") >= 1, "the unreadable record is a failed event");
            System.out.printf("KAFKA-DURABILITY killed with %d events in the log and offsets committed for %d of %d records%n",
                    inLogAtKill, atKill[0], atKill[1]);
        }
    }

    /** {@link #EVENTS} distinct events and one unreadable record, on three partitions. */
    private static List<String> produce() throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        p.put("acks", "all");
        p.put("linger.ms", "5");
        // one request in flight, as KafkaCollectorTest: a first batch retried after NOT_LEADER on a new topic must not
        // fall behind later ones
        p.put("max.in.flight.requests.per.connection", "1");
        List<String> ids = new ArrayList<>(EVENTS);
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < EVENTS; i++) {
                String user = "kd-u" + (i % 500);
                acks.add(producer.send(new ProducerRecord<>(TOPIC, user, """
                        {"type":"track","event":"Product Viewed","userId":"%s","messageId":"kd-%d","properties":{"product_id":"p%d"}}"""
                        .formatted(user, i, i % 300))));
                ids.add("kd-" + i);
                if (i == EVENTS / 2) {
                    acks.add(producer.send(new ProducerRecord<>(TOPIC, "x", "{\"type\":\"track\",")));
                }
            }
            for (Future<RecordMetadata> f : acks) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        return ids;
    }

    private static long[] committedAndEnd() {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("footfall-collector")
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int i = 0; i < 3; i++) {
                latest.put(new TopicPartition(TOPIC, i), OffsetSpec.latest());
            }
            long end = 0;
            long done = 0;
            for (var e : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
                end += e.getValue().offset();
                OffsetAndMetadata o = committed.get(e.getKey());
                done += o == null ? 0 : o.offset();
            }
            return new long[]{done, end};
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", ""); PreparedStatement s = c.prepareStatement(sql);
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** How many of these message ids (of the bootstrap source) are in the log. */
    private static long countIn(List<String> messageIds) {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            String source;
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM source ORDER BY created_at LIMIT 1"); ResultSet rs = s.executeQuery()) {
                rs.next();
                source = rs.getString(1);
            }
            String[] eventIds = messageIds.stream().map(m -> EventIds.of(source, m)).toArray(String[]::new);
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM domainevententry WHERE eventidentifier = ANY (?)")) {
                s.setArray(1, c.createArrayOf("varchar", eventIds));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
