package io.footfall.app;

import static io.footfall.app.Api.tracking;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.collector.segment.EventIds;
import io.footfall.core.source.SourceRegistry;
import io.footfall.distribution.kafka.KafkaRelay;
import io.footfall.distribution.kafka.KafkaRelaySettings;
import io.footfall.distribution.kafka.RelayRecords;
import io.footfall.kafka.testbroker.KafkaTestBroker;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kafka relay (ADR 0017) against Apache Kafka's own broker (KRaft, in-process, started by this class, so the
 * application boot is shared with the other tests; the relay is started at runtime like the Kafka collector): events
 * sent through the tracking API arrive on the topic once per event id, keyed by person (the key follows identity
 * stitching, merges and unlinks), every person's events on one partition in log order, without the personal data the log
 * keeps sealed; with Kafka down nothing is committed and the lag grows, and once Kafka is back every event arrives.
 */
@QuarkusTest
class KafkaRelayTest {

    private static KafkaTestBroker kafka;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KafkaRelay relay;
    @Inject
    DataSource ds;
    @Inject
    SourceRegistry sources;
    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @BeforeAll
    static void startBroker() {
        kafka = KafkaTestBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @AfterEach
    void stopRelay() {
        assertTrue(relay.stop(), "the relay stops");
        // the next test (or a later start) starts from the head again, not from a backlog of the other tests' events
        execute("DELETE FROM tokenentry WHERE processorname = '" + KafkaRelay.PROCESSOR + "'");
    }

    private void execute(String sql) {
        try (Connection c = ds.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One person of a run: anonymous page views, an identify with an email trait and an IP, then tracked events. */
    private record Person(String user, String anon, String email, String ip) {
    }

    /** What a run sent: message ids in the order sent, and who each message is about (the expected key). */
    private record Sent(List<String> messageIds, Map<String, String> keyOf, List<Person> people) {
    }

    /** Starts the relay from the head of the log and waits until it holds its token (so nothing sent later is missed). */
    private void startRelay(KafkaRelaySettings settings) {
        execute("DELETE FROM tokenentry WHERE processorname = '" + KafkaRelay.PROCESSOR + "'");
        relay.start(settings.withInitialPosition("latest"));
        Poll.until(Duration.ofSeconds(30), () -> Db.count(ds, "SELECT count(*) FROM tokenentry WHERE processorname = ?", KafkaRelay.PROCESSOR),
                n -> n == 1);
    }

    private Sent send(String run, int people, int anonymousOnly) {
        List<String> messageIds = new ArrayList<>();
        Map<String, String> keyOf = new HashMap<>();
        List<Person> persons = new ArrayList<>();
        for (int i = 0; i < people; i++) {
            Person p = new Person("relay-" + run + "-u" + i, "relay-" + run + "-a" + i, "planted-" + run + "-" + i + "@example.com",
                    "198.51.100." + (201 + i));
            persons.add(p);
            List<String> batch = new ArrayList<>();
            for (int j = 0; j < 3; j++) {
                String id = run + "-p" + i + "-anon" + j;
                batch.add("""
                        {"type":"page","anonymousId":"%s","messageId":"%s","name":"Home","context":{"ip":"%s"}}"""
                        .formatted(p.anon(), id, p.ip()));
                messageIds.add(id);
                keyOf.put(id, "anon:" + p.anon());
            }
            String identify = run + "-p" + i + "-identify";
            batch.add("""
                    {"type":"identify","userId":"%s","anonymousId":"%s","messageId":"%s","traits":{"email":"%s","plan":"pro"},
                     "context":{"ip":"%s"}}""".formatted(p.user(), p.anon(), identify, p.email(), p.ip()));
            messageIds.add(identify);
            // browse, then log in: the person keeps the key of the first identifier the relay saw
            keyOf.put(identify, "anon:" + p.anon());
            for (int j = 0; j < 6; j++) {
                String id = run + "-p" + i + "-track" + j;
                batch.add("""
                        {"type":"track","event":"Product Viewed","userId":"%s","anonymousId":"%s","messageId":"%s",
                         "properties":{"product_id":"p%d","category":"Shoes","price":12.5},"context":{"ip":"%s"}}"""
                        .formatted(p.user(), p.anon(), id, j, p.ip()));
                messageIds.add(id);
                keyOf.put(id, "anon:" + p.anon());
            }
            tracking().body("{\"batch\":[" + String.join(",", batch) + "]}").post("/v1/batch").then().statusCode(200);
        }
        for (int i = 0; i < anonymousOnly; i++) {
            String anon = "relay-" + run + "-visitor" + i;
            List<String> batch = new ArrayList<>();
            for (int j = 0; j < 4; j++) {
                String id = run + "-v" + i + "-" + j;
                batch.add("""
                        {"type":"track","event":"Product Viewed","anonymousId":"%s","messageId":"%s","properties":{"product_id":"p%d"}}"""
                        .formatted(anon, id, j));
                messageIds.add(id);
                keyOf.put(id, "anon:" + anon);
            }
            tracking().body("{\"batch\":[" + String.join(",", batch) + "]}").post("/v1/batch").then().statusCode(200);
        }
        return new Sent(messageIds, keyOf, persons);
    }

    /** Reads the whole topic from the beginning until every expected event id has arrived (or the deadline passes). */
    private static List<ConsumerRecord<String, byte[]>> consumeUntil(String topic, java.util.Set<String> eventIds, Duration timeout) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("group.id", "relay-test-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!seen.containsAll(eventIds) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records.add(r);
                    seen.add(header(r, RelayRecords.EVENT_ID_HEADER));
                }
            }
            // a little more, so duplicates sent right after the last new record would be seen too
            long tail = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < tail) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The log's global index of each event id. */
    private Map<String, Long> globalIndexes(java.util.Collection<String> eventIds) {
        Map<String, Long> indexes = new HashMap<>();
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT eventidentifier, globalindex FROM domainevententry WHERE eventidentifier = ANY (?)")) {
            s.setArray(1, c.createArrayOf("varchar", eventIds.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    indexes.put(rs.getString(1), rs.getLong(2));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return indexes;
    }

    private Map<String, String> eventIdsByMessage(List<String> messageIds) {
        String source = sources.authenticate(Api.WRITE_KEY).orElseThrow().id();
        Map<String, String> ids = new LinkedHashMap<>();
        messageIds.forEach(m -> ids.put(EventIds.of(source, m), m));
        return ids;
    }

    /**
     * What a consumer does with at-least-once records: a record whose event id it has already applied is a duplicate.
     * Returns the first occurrence of every event id, in partition and offset order.
     */
    private static List<ConsumerRecord<String, byte[]>> deduplicate(List<ConsumerRecord<String, byte[]>> records, int[] duplicates) {
        java.util.Set<String> applied = new java.util.HashSet<>();
        List<ConsumerRecord<String, byte[]>> result = new ArrayList<>();
        records.stream().sorted(java.util.Comparator.<ConsumerRecord<String, byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset)).forEach(r -> {
            if (applied.add(header(r, RelayRecords.EVENT_ID_HEADER))) {
                result.add(r);
            } else {
                duplicates[0]++;
            }
        });
        return result;
    }

    /** Checks every relayed record of the run against the log: once each, key, partition, order, no personal data. */
    private void assertRelayed(Sent sent, List<ConsumerRecord<String, byte[]>> all, boolean expectNoDuplicates) throws Exception {
        Map<String, String> messageOf = eventIdsByMessage(sent.messageIds());
        List<ConsumerRecord<String, byte[]>> ours = all.stream().filter(r -> messageOf.containsKey(header(r, RelayRecords.EVENT_ID_HEADER)))
                .toList();
        // exactly once per event id, counted by header
        Map<String, Long> perEventId = ours.stream().collect(Collectors.groupingBy(r -> header(r, RelayRecords.EVENT_ID_HEADER),
                Collectors.counting()));
        assertEquals(messageOf.keySet(), perEventId.keySet(), "every event of the run arrived");
        long duplicates = perEventId.values().stream().mapToLong(n -> n - 1).sum();
        System.out.printf("Kafka relay: %d events of the run, %d records, %d duplicates%n", messageOf.size(), ours.size(), duplicates);
        if (expectNoDuplicates) {
            assertEquals(0, duplicates, "no duplicates in a normal run: " + perEventId);
        }
        int[] dropped = {0};
        List<ConsumerRecord<String, byte[]>> kept = deduplicate(ours, dropped);
        assertEquals(messageOf.size(), kept.size(), "after dropping duplicates by event id, each event once");
        assertEquals(duplicates, dropped[0]);

        Map<String, Long> index = globalIndexes(messageOf.keySet());
        Map<String, Integer> partitionOf = new HashMap<>();
        Map<String, Long> lastIndexOf = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : kept) {
            String eventId = header(r, RelayRecords.EVENT_ID_HEADER);
            String messageId = messageOf.get(eventId);
            // the key is the person's, following identity stitching (ADR 0017, amendment)
            assertEquals(sent.keyOf().get(messageId), r.key(), messageId);
            // every person on one partition, in log order
            Integer partition = partitionOf.putIfAbsent(r.key(), r.partition());
            assertTrue(partition == null || partition == r.partition(), r.key() + " on partitions " + partition + " and " + r.partition());
            long globalIndex = Long.parseLong(header(r, RelayRecords.GLOBAL_INDEX_HEADER));
            assertEquals(index.get(eventId), globalIndex, "the header is the log's global index of " + messageId);
            Long previous = lastIndexOf.put(r.key(), globalIndex);
            assertTrue(previous == null || previous < globalIndex, r.key() + ": " + globalIndex + " after " + previous);

            JsonNode value = JSON.readTree(r.value());
            assertEquals(RelayRecords.SCHEMA, value.path("schema").asText());
            assertEquals(RelayRecords.SCHEMA, header(r, RelayRecords.SCHEMA_HEADER));
            assertEquals(eventId, value.path("eventId").asText());
            assertEquals(messageId, value.path("messageId").asText());
            assertEquals(globalIndex, value.path("globalIndex").asLong());
            assertEquals(r.key(), value.path("personKey").asText());
            assertFalse(value.path("occurredAt").asText().isEmpty(), "occurredAt");
            assertFalse(value.path("receivedAt").asText().isEmpty(), "receivedAt");
            String type = value.path("type").asText();
            if (messageId.contains("-identify")) {
                assertEquals("identify", type);
                assertEquals("pro", value.path("traits").path("plan").asText(), "a non-personal trait is relayed");
                assertTrue(value.path("traits").path("email").isMissingNode(), "the email trait is not relayed");
                assertEquals("withheld", value.path("personalData").asText());
            } else if (messageId.contains("-track") || messageId.contains("-v")) {
                assertEquals("track", type);
                assertEquals("Product Viewed", value.path("event").asText());
            } else {
                assertEquals("page", type);
                assertEquals("Home", value.path("event").asText());
            }
            if (messageId.contains("-p") && !messageId.contains("-v")) {
                assertEquals("198.51.100.0", value.path("context").path("ipTruncated").asText(), "the truncated IP is relayed");
                assertTrue(value.path("context").path("ip").isMissingNode(), "the full IP is not relayed");
            }
        }
        // no personal data anywhere in the raw records (keys, values, headers)
        for (ConsumerRecord<String, byte[]> r : ours) {
            StringBuilder raw = new StringBuilder(r.key()).append(new String(r.value(), StandardCharsets.UTF_8));
            r.headers().forEach(h -> raw.append(h.key()).append(new String(h.value(), StandardCharsets.UTF_8)));
            for (Person p : sent.people()) {
                assertFalse(raw.toString().contains(p.email()), "a record holds the email of " + p.user());
                assertFalse(raw.toString().contains(p.ip()), "a record holds the IP of " + p.user());
            }
        }
    }

    @Test
    void everyEventArrivesOncePerPersonInLogOrderWithoutPersonalData() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "relay-" + run;
        kafka.createTopic(topic, 3);
        KafkaRelay.Status before = relay.status();
        startRelay(KafkaRelaySettings.of(kafka.bootstrapServers(), topic).withBatching(25, Duration.ofSeconds(8)));

        Sent sent = send(run, 6, 3);
        Map<String, String> messageOf = eventIdsByMessage(sent.messageIds());
        List<ConsumerRecord<String, byte[]>> records = consumeUntil(topic, messageOf.keySet(), Duration.ofSeconds(60));
        assertRelayed(sent, records, true);

        // the relay's own view: nothing failed, the lag reaches zero, the metrics have its row
        long head = Db.count(ds, "SELECT max(globalindex) FROM domainevententry");
        KafkaRelay.Status status = Poll.until(Duration.ofSeconds(30), relay::status, s -> s.position() >= head);
        assertTrue(status.running() && status.holding(), status.toString());
        assertEquals(before.failedBatches(), status.failedBatches(), "no batch failed");
        assertTrue(status.relayed() - before.relayed() >= messageOf.size(), status.toString());
        long batches = status.batches() - before.batches();
        long statements = status.personKeyStatements() - before.personKeyStatements();
        io.micrometer.core.instrument.Timer keyTime = registry.get("footfall.distribution.kafka.person.keys").timer();
        io.micrometer.core.instrument.Timer ackTime = registry.get("footfall.distribution.kafka.ack").timer();
        java.util.concurrent.TimeUnit ms = java.util.concurrent.TimeUnit.MILLISECONDS;
        System.out.printf("Kafka relay person keys (batches of up to 25): %d committed batches, %d statements on the map (%.2f per batch); "
                        + "time on the map per batch: mean %.2f ms, max %.2f ms (%d batches); Kafka's acknowledgement: mean %.2f ms, max %.2f ms%n",
                batches, statements, batches == 0 ? 0.0 : (double) statements / batches,
                keyTime.mean(ms), keyTime.max(ms), keyTime.count(), ackTime.mean(ms), ackTime.max(ms));
        assertTrue(statements <= 3 * batches, "at most one read, one batch of merges and one of upserts per batch: " + status);
        Api.admin().get("/api/v1/distribution/kafka").then().statusCode(200)
                .body("running", org.hamcrest.Matchers.is(true), "topic", org.hamcrest.Matchers.is(topic));
        Poll.until(Duration.ofSeconds(30), () -> io.restassured.RestAssured.get("/q/metrics").asString(),
                m -> m.contains("footfall_processor_lag_events{processor=\"kafka-relay\"") && m.contains("footfall_distribution_kafka_records_total"));
    }

    /** Events of one scenario, posted in order, each with the key it must be relayed with. */
    private static final class Script {
        final String run;
        final List<String> messageIds = new ArrayList<>();
        final Map<String, String> keyOf = new HashMap<>();
        final List<Person> people = new ArrayList<>();
        private int n;

        Script(String run) {
            this.run = run;
        }

        private String id(String what) {
            String id = run + "-" + what + (n++);
            messageIds.add(id);
            return id;
        }

        void page(String anon, String key) {
            String id = id("home");
            keyOf.put(id, key);
            post("""
                    {"type":"page","anonymousId":"%s","messageId":"%s","name":"Home"}""".formatted(anon, id));
        }

        void track(String user, String anon, String key) {
            String id = id("track");
            keyOf.put(id, key);
            post("""
                    {"type":"track","event":"Product Viewed",%s%s"messageId":"%s","properties":{"product_id":"p1"}}"""
                    .formatted(user == null ? "" : "\"userId\":\"" + user + "\",", anon == null ? "" : "\"anonymousId\":\"" + anon + "\",", id));
        }

        void identify(String user, String anon, String key) {
            String id = id("identify");
            keyOf.put(id, key);
            Person p = new Person(user, anon, "planted-" + id + "@example.com", "198.51.100." + (201 + people.size()));
            people.add(p);
            post("""
                    {"type":"identify","userId":"%s","anonymousId":"%s","messageId":"%s","traits":{"email":"%s","plan":"pro"},
                     "context":{"ip":"%s"}}""".formatted(user, anon, id, p.email(), p.ip()));
        }

        private static void post(String item) {
            tracking().body("{\"batch\":[" + item + "]}").post("/v1/batch").then().statusCode(200);
        }

        Sent sent() {
            return new Sent(messageIds, keyOf, people);
        }
    }

    private static void unmerge(String user, String anon) {
        Api.admin().contentType("application/json").body(Map.of("userId", user, "anonymousId", anon))
                .post("/api/v1/identity/unmerge").then().statusCode(202);
    }

    private long personKeyRows(String... identifiers) {
        return Db.count(ds, "SELECT count(*) FROM relay_person_key WHERE identifier = ANY (string_to_array(?, ','))",
                String.join(",", identifiers));
    }

    @Test
    void theKeyFollowsThePersonThroughStitchingMergesAndUnlinks() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "relay-keys-" + run;
        kafka.createTopic(topic, 3);
        KafkaRelay.Status before = relay.status();
        startRelay(KafkaRelaySettings.of(kafka.bootstrapServers(), topic).withBatching(4, Duration.ofSeconds(8)));
        Script s = new Script(run);
        String ua = "relay-" + run + "-ua", xa = "relay-" + run + "-xa";
        String u2 = "relay-" + run + "-u2", x2 = "relay-" + run + "-x2";
        String uc = "relay-" + run + "-uc", xc = "relay-" + run + "-xc";

        // browse, then log in: everything on the key of the anonymous id seen first
        s.page(xa, "anon:" + xa);
        s.page(xa, "anon:" + xa);
        s.identify(ua, xa, "anon:" + xa);
        s.track(ua, null, "anon:" + xa);
        s.track(ua, xa, "anon:" + xa);
        s.page(xa, "anon:" + xa);
        // a known user logs in on a new device with anonymous history: the device's later events follow the user
        s.track(u2, null, "user:" + u2);
        s.page(x2, "anon:" + x2);
        s.page(x2, "anon:" + x2);
        s.identify(u2, x2, "user:" + u2);
        s.page(x2, "user:" + u2);
        s.page(x2, "user:" + u2);
        // ... until an operator unmerges them: the device's later events are on its own key again
        unmerge(u2, x2);
        s.page(x2, "anon:" + x2);
        s.track(u2, null, "user:" + u2);
        // unmerging a browse-then-log-in person: the anonymous id keeps its key, the user gets its own
        s.page(xc, "anon:" + xc);
        s.identify(uc, xc, "anon:" + xc);
        unmerge(uc, xc);
        s.page(xc, "anon:" + xc);
        s.track(uc, null, "user:" + uc);

        Sent sent = s.sent();
        Map<String, String> messageOf = eventIdsByMessage(sent.messageIds());
        List<ConsumerRecord<String, byte[]>> records = consumeUntil(topic, messageOf.keySet(), Duration.ofSeconds(60));
        assertRelayed(sent, records, true);
        // the unlinks go to the key the person had before them (where the joined history is)
        Map<String, String> unlinkKeys = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            JsonNode v = JSON.readTree(r.value());
            if (RelayRecords.IDENTITY_UNLINKED.equals(v.path("type").asText()) && v.path("userId").asText().startsWith("relay-" + run)) {
                unlinkKeys.put(v.path("userId").asText(), r.key());
                assertEquals(r.key(), v.path("personKey").asText());
            }
        }
        assertEquals(Map.of(u2, "user:" + u2, uc, "anon:" + xc), unlinkKeys);

        long head = Db.count(ds, "SELECT max(globalindex) FROM domainevententry");
        KafkaRelay.Status status = Poll.until(Duration.ofSeconds(30), relay::status, st -> st.position() >= head);
        long batches = status.batches() - before.batches();
        long statements = status.personKeyStatements() - before.personKeyStatements();
        System.out.printf("Kafka relay person keys: %d committed batches, %d statements on the map (%.2f per batch)%n", batches,
                statements, batches == 0 ? 0.0 : (double) statements / batches);
        assertTrue(statements <= 3 * batches, "at most one read, one batch of merges and one of upserts per batch: " + status);

        // a relay started over from the start of the log (token deleted: the map is emptied with the new token) gives
        // every event of the scenario, unlinks included, the same key again, in other batches
        Map<String, String> keyOfEvent = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            String eventId = header(r, RelayRecords.EVENT_ID_HEADER);
            JsonNode v = JSON.readTree(r.value());
            if (messageOf.containsKey(eventId) || (RelayRecords.IDENTITY_UNLINKED.equals(v.path("type").asText())
                    && v.path("userId").asText().startsWith("relay-" + run))) {
                keyOfEvent.putIfAbsent(eventId, r.key());
            }
        }
        assertEquals(messageOf.size() + 2, keyOfEvent.size());
        assertTrue(relay.stop());
        String replayTopic = topic + "-replay";
        kafka.createTopic(replayTopic, 3);
        execute("DELETE FROM tokenentry WHERE processorname = '" + KafkaRelay.PROCESSOR + "'");
        relay.start(KafkaRelaySettings.of(kafka.bootstrapServers(), replayTopic).withBatching(500, Duration.ofSeconds(8)));
        Map<String, String> replayed = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : consumeUntil(replayTopic, keyOfEvent.keySet(), Duration.ofSeconds(120))) {
            String eventId = header(r, RelayRecords.EVENT_ID_HEADER);
            if (keyOfEvent.containsKey(eventId)) {
                replayed.putIfAbsent(eventId, r.key());
            }
        }
        assertEquals(keyOfEvent, replayed, "the replayed relay keys every event as the first run did");
        long replayHead = Db.count(ds, "SELECT max(globalindex) FROM domainevententry");
        Poll.until(Duration.ofSeconds(120), relay::status, st -> st.position() >= replayHead);

        // erasure removes the person's rows from the map, and only theirs
        assertEquals(2, personKeyRows("user:" + ua, "anon:" + xa));
        assertEquals(2, personKeyRows("user:" + u2, "anon:" + x2));
        Api.admin().delete("/api/v1/customers/{id}", ua).then().statusCode(200);
        assertEquals(0, personKeyRows("user:" + ua, "anon:" + xa));
        assertEquals(0, Db.count(ds, "SELECT count(*) FROM relay_person_key WHERE person_id = ? OR person_key = ?", "user:" + ua, "anon:" + xa));
        assertEquals(2, personKeyRows("user:" + u2, "anon:" + x2));
    }

    @Test
    void aRelayStartingOverEmptiesItsPersonKeys() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "relay-reset-" + run;
        kafka.createTopic(topic, 1);
        startRelay(KafkaRelaySettings.of(kafka.bootstrapServers(), topic));
        String x = "relay-" + run + "-x";
        Script s = new Script(run);
        s.page(x, "anon:" + x);
        Poll.until(Duration.ofSeconds(30), () -> personKeyRows("anon:" + x), n -> n == 1);
        assertTrue(relay.stop());
        // the token deleted (what starting over means): the next start creates it anew and empties the map with it
        startRelay(KafkaRelaySettings.of(kafka.bootstrapServers(), topic));
        assertEquals(0, personKeyRows("anon:" + x));
    }

    private static boolean relayInError(String metrics) {
        return java.util.regex.Pattern.compile("footfall_processor_error\\{processor=\"kafka-relay\"[^}]*\\} 1\\.0").matcher(metrics).find();
    }

    @Test
    void withKafkaDownNothingIsCommittedAndEverythingArrivesWhenItIsBack() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "relay-down-" + run;
        int port = KafkaTestBroker.closedPort();
        KafkaRelay.Status before = relay.status();
        // nothing listens at the port yet: every batch fails after the acknowledgement timeout
        startRelay(KafkaRelaySettings.of("127.0.0.1:" + port, topic).withBatching(25, Duration.ofSeconds(1)));
        long start = relay.status().position();

        Sent sent = send(run, 3, 1);
        Map<String, String> messageOf = eventIdsByMessage(sent.messageIds());
        KafkaRelay.Status down = Poll.until(Duration.ofSeconds(60), relay::status, s -> s.failedBatches() - before.failedBatches() >= 2);
        assertTrue(down.retrying(), down.toString());
        assertNotNull(down.lastError());
        assertEquals(start, down.position(), "no token is committed while Kafka is down");
        assertTrue(down.lag() >= messageOf.size(), "the lag grows: " + down);
        assertTrue(relay.running(), "the relay keeps trying");
        Poll.until(Duration.ofSeconds(30), () -> io.restassured.RestAssured.get("/q/metrics").asString(),
                KafkaRelayTest::relayInError);
        // ingest is not blocked meanwhile: the events were acknowledged above and are in the log
        assertEquals(messageOf.size(), globalIndexes(messageOf.keySet()).size());

        try (KafkaTestBroker back = KafkaTestBroker.startOnPort(port, Map.of("num.partitions", "3"))) {
            KafkaTestBroker main = kafka;
            kafka = back;
            try {
                List<ConsumerRecord<String, byte[]>> records = consumeUntil(topic, messageOf.keySet(), Duration.ofSeconds(120));
                assertRelayed(sent, records, false);
                KafkaRelay.Status after = Poll.until(Duration.ofSeconds(30), relay::status, s -> !s.retrying() && s.position() > start);
                assertTrue(after.holding(), after.toString());
            } finally {
                kafka = main;
                assertTrue(relay.stop(), "the relay stops before its broker");
            }
        }
    }
}
