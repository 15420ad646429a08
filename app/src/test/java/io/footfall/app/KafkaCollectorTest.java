package io.footfall.app;

import static io.footfall.app.Api.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.collector.kafka.KafkaCollector;
import io.footfall.collector.kafka.KafkaCollectorSettings;
import io.footfall.collector.segment.EventIds;
import io.footfall.core.ingest.IngestPipeline;
import io.footfall.core.source.SourceRegistry;
import io.footfall.kafka.testbroker.KafkaTestBroker;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kafka collector against Apache Kafka's own broker (KRaft, in-process, started by this class
 * so the application boot is shared with the other tests): every valid event of a topic lands in
 * the log exactly once, also with duplicates and after a crash between append and offset commit;
 * unreadable records are failed events; the group's committed offsets reach the end of the topic.
 */
@QuarkusTest
class KafkaCollectorTest {

    private static KafkaTestBroker kafka;

    @Inject
    KafkaCollector collector;
    @Inject
    DataSource ds;
    @Inject
    SourceRegistry sources;
    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @BeforeAll
    static void startBroker() {
        long t0 = System.nanoTime();
        kafka = KafkaTestBroker.start();
        System.out.printf("Kafka test broker started in %.1f s at %s%n", (System.nanoTime() - t0) / 1e9, kafka.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @AfterEach
    void stopCollector() {
        assertTrue(collector.stop(Duration.ofSeconds(60)), "the collector stops");
    }

    /** What a test produced: record values in order, and the event ids that must be in the log. */
    private record Produced(List<String> values, Set<String> eventIds, int malformed, int duplicates) {
    }

    /**
     * {@code valid} events for {@code users} users, every fifth sent twice, one batch record of three
     * events (one of them a duplicate), two events without a messageId, and four unreadable records.
     */
    private Produced produce(String topic, String run, int valid, int users) throws Exception {
        List<String> values = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        int duplicates = 0;
        Instant t0 = Instant.parse("2026-01-10T09:00:00Z");
        for (int i = 0; i < valid; i++) {
            String messageId = run + "-m" + i;
            String value = """
                    {"type":"track","event":"Product Viewed","userId":"%s","messageId":"%s","timestamp":"%s",
                     "properties":{"product_id":"p%d","category":"Shoes","price":%d.5}}"""
                    .formatted(user(run, i % users), messageId, t0.plusSeconds(i), i % 40, 10 + i % 7);
            values.add(value);
            ids.add(EventIds.of(sourceId(), messageId));
            if (i % 5 == 0) {
                values.add(value);
                duplicates++;
            }
        }
        values.add("""
                {"sentAt":"2026-01-10T10:00:00Z","batch":[
                  {"type":"identify","userId":"%1$s","messageId":"%2$s-b1","traits":{"plan":"pro"}},
                  {"type":"track","event":"Product Added","userId":"%1$s","messageId":"%2$s-b2","properties":{"product_id":"p1"}},
                  {"type":"track","event":"Product Viewed","userId":"%1$s","messageId":"%2$s-m1"}
                ]}""".formatted(user(run, 1), run));
        ids.add(EventIds.of(sourceId(), run + "-b1"));
        ids.add(EventIds.of(sourceId(), run + "-b2"));
        duplicates++;
        values.add("{\"type\":\"page\",\"userId\":\"" + user(run, 2) + "\",\"name\":\"Home\"}");
        values.add("{\"type\":\"page\",\"userId\":\"" + user(run, 2) + "\",\"name\":\"Home\"}");
        values.add("{\"type\":\"track\",\"userId\":\"" + user(run, 3) + "\",");
        values.add("[\"not\",\"an\",\"object\"]");
        values.add("{\"type\":\"purchase\",\"userId\":\"" + user(run, 3) + "\"}");
        values.add("{\"type\":\"track\",\"userId\":\"" + user(run, 3) + "\",\"messageId\":\"" + run + "-noname\"}");

        // the two page records without a messageId are two events, each with an id from its offset
        send(topic, values);
        return new Produced(values, ids, 4, duplicates);
    }

    /** Sends the values (keyed round-robin over seven keys, so all partitions get some), waiting for every ack. */
    private static void send(String topic, List<String> values) throws Exception {
        send(kafka.bootstrapServers(), topic, values);
    }

    private static void send(String bootstrap, String topic, List<String> values) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        // one request in flight: right after the topic is created, the first batch can meet NOT_LEADER and be retried
        // after later batches were accepted, which the broker then refuses as out of sequence for ever (seen in CI)
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < values.size(); i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, "k" + (i % 7), values.get(i))));
                if (sent.size() >= 10_000) {
                    for (Future<RecordMetadata> f : sent) {
                        f.get(60, TimeUnit.SECONDS);
                    }
                    sent.clear();
                }
            }
            for (Future<RecordMetadata> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static String user(String run, int i) {
        return "kafka-" + run + "-u" + i;
    }

    private String sourceId() {
        return sources.authenticate(Api.WRITE_KEY).orElseThrow().id();
    }

    /** The group's committed offset and the end offset, summed over the topic's partitions. */
    private static long[] committedAndEnd(String topic, String group) {
        return committedAndEnd(kafka.bootstrapServers(), topic, group);
    }

    private static long[] committedAndEnd(String bootstrap, String topic, String group) {
        Properties client = new Properties();
        client.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(client)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Set<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().stream().map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toSet());
            Map<TopicPartition, OffsetSpec> latest = partitions.stream().collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest()));
            long end = 0;
            for (var e : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values()) {
                end += e.offset();
            }
            long done = 0;
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata o = committed.get(tp);
                done += o == null ? 0 : o.offset();
            }
            return new long[]{done, end};
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitCommittedToEnd(String topic, String group) {
        Poll.until(Duration.ofSeconds(120), () -> committedAndEnd(topic, group), ce -> ce[0] == ce[1] && ce[1] > 0);
    }

    private long inLog(Set<String> eventIds) {
        return Db.count(ds, "SELECT count(*) FROM domainevententry WHERE eventidentifier = ANY (?::varchar[])",
                (Object) eventIds.toArray(String[]::new));
    }

    private long failedOf(String topic) {
        return Db.count(ds, "SELECT count(*) FROM failed_event WHERE message LIKE ?", "%(Kafka " + topic + "/%");
    }

    @Test
    void everyValidEventLandsOnceAndBadRecordsAreFailedEvents() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "events-" + run;
        String group = "footfall-" + run;
        kafka.createTopic(topic, 3);
        Produced produced = produce(topic, run, 300, 12);
        KafkaCollector.Status before = collector.status();

        collector.start(KafkaCollectorSettings.of(kafka.bootstrapServers(), List.of(topic), group, Api.WRITE_KEY).withBatching(100, 2));
        awaitCommittedToEnd(topic, group);
        assertTrue(collector.running());
        // operators see it over the admin API; starting it again from the (unset) configuration names the missing property
        admin().get("/api/v1/collectors/kafka").then().statusCode(200)
                .body("running", org.hamcrest.Matchers.is(true), "topics", org.hamcrest.Matchers.contains(topic), "groupId", org.hamcrest.Matchers.is(group));
        admin().post("/api/v1/collectors/kafka/start").then().statusCode(400)
                .body("field", org.hamcrest.Matchers.is("footfall.collectors.kafka.bootstrap-servers"));
        io.restassured.RestAssured.given().get("/api/v1/collectors/kafka").then().statusCode(401);

        KafkaCollector.Status after = collector.status();
        assertEquals(produced.values().size(), after.records() - before.records(), "every record read once");
        assertEquals(produced.eventIds().size() + 2, after.stored() - before.stored(), "valid events stored once (+2 pages without id)");
        assertEquals(produced.duplicates(), after.duplicates() - before.duplicates(), "the duplicates recognised");
        assertEquals(produced.malformed(), after.failed() - before.failed());
        assertEquals(produced.eventIds().size(), inLog(produced.eventIds()), "each valid event is in the log");
        assertEquals(produced.malformed(), failedOf(topic), "each unreadable record is a failed event");
        assertEquals(List.of("MALFORMED", "SCHEMA_VIOLATION", "SCHEMA_VIOLATION", "UNKNOWN_TYPE"),
                Db.strings(ds, "SELECT reason FROM failed_event WHERE message LIKE ? ORDER BY reason", "%(Kafka " + topic + "/%"));

        // what people see: the profile timeline holds each message once
        String u1 = user(run, 1);
        // the projection first catches up with the log (under load that alone can take a while), then the profile must hold them all
        Api.awaitProjectionsCaughtUp();
        try {
            Api.awaitProfile(u1, 25 + 2);
        } catch (AssertionError e) {
            throw new AssertionError("the caught-up profile of " + u1 + " lacks events: " + admin().get("/api/v1/profiles/{id}", u1).asString()
                    + "; projection: " + admin().get("/api/v1/projections/profiles").asString(), e);
        }
        List<String> messageIds = admin().get("/api/v1/profiles/{id}/events?limit=500", u1).then().statusCode(200)
                .extract().jsonPath().getList("items.event.messageId", String.class);
        Map<String, Long> counts = messageIds.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertEquals(25 + 2, counts.size(), counts.toString());
        counts.forEach((id, n) -> assertEquals(1L, n, id));
    }

    @Test
    void aDisabledSourceStopsTheCollectorWithoutStoringOrCommittingWhatFollows() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "events-" + run;
        String group = "footfall-" + run;
        kafka.createTopic(topic, 1);
        SourceRegistry.Created source = sources.create("kafka source " + run);
        String sourceId = source.source().id();
        List<String> first = new ArrayList<>();
        List<String> later = new ArrayList<>();
        Set<String> firstIds = new LinkedHashSet<>();
        Set<String> laterIds = new LinkedHashSet<>();
        for (int i = 0; i < 5; i++) {
            first.add("{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + user(run, i) + "\",\"messageId\":\"" + run + "-a" + i + "\"}");
            firstIds.add(EventIds.of(sourceId, run + "-a" + i));
            later.add("{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + user(run, i) + "\",\"messageId\":\"" + run + "-b" + i + "\"}");
            laterIds.add(EventIds.of(sourceId, run + "-b" + i));
        }
        send(topic, first);
        KafkaCollectorSettings settings = KafkaCollectorSettings.of(kafka.bootstrapServers(), List.of(topic), group, source.writeKey());
        collector.start(settings);
        Poll.until(Duration.ofSeconds(60), () -> inLog(firstIds), n -> n == firstIds.size());

        // an operator disables the source: the next records are neither stored nor committed, and the collector stops
        admin().contentType("application/json").body("{\"enabled\":false}").patch("/api/v1/sources/{id}", sourceId).then().statusCode(200);
        send(topic, later);
        Poll.until(Duration.ofSeconds(60), () -> collector.status(), st -> !st.running());
        assertTrue(collector.status().lastError().contains("disabled"), collector.status().lastError());
        assertEquals(0, inLog(laterIds), "nothing stored for a disabled source");
        long[] offsets = committedAndEnd(topic, group);
        assertEquals(first.size(), offsets[0], "the later records' offsets are not committed");

        // enabled again and started: the later records are read again and stored once
        admin().contentType("application/json").body("{\"enabled\":true}").patch("/api/v1/sources/{id}", sourceId).then().statusCode(200);
        collector.start(settings);
        Poll.until(Duration.ofSeconds(60), () -> inLog(laterIds), n -> n == laterIds.size());
        awaitCommittedToEnd(topic, group);
    }

    @Test
    void aCrashBetweenAppendAndOffsetCommitStillGivesEachEventOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "crash-" + run;
        String group = "footfall-" + run;
        kafka.createTopic(topic, 3);
        Produced produced = produce(topic, run, 1500, 40);
        KafkaCollector.Status before = collector.status();
        KafkaCollectorSettings settings = KafkaCollectorSettings.of(kafka.bootstrapServers(), List.of(topic), group, Api.WRITE_KEY)
                .withBatching(150, 1);

        // the first run dies right after its third durable append, before committing that append's offsets
        collector.crashAfterAppends(3);
        collector.start(settings);
        Poll.until(Duration.ofSeconds(120), collector::status, st -> !st.running());
        KafkaCollector.Status crashed = collector.status();
        assertTrue(String.valueOf(crashed.lastError()).contains("simulated crash"), String.valueOf(crashed.lastError()));
        long[] ce = committedAndEnd(topic, group);
        assertTrue(ce[0] < ce[1], "offsets of the last append are not committed: " + ce[0] + " of " + ce[1]);
        long storedBeforeRestart = inLog(produced.eventIds());
        assertTrue(storedBeforeRestart > 0, "the appends before the crash are in the log");
        long uncommittedButStored = crashed.stored() - before.stored();
        assertTrue(uncommittedButStored > 0);

        // restart: the records of the uncommitted append come again and are recognised as duplicates
        collector.start(settings);
        awaitCommittedToEnd(topic, group);
        KafkaCollector.Status after = collector.status();
        assertEquals(produced.eventIds().size(), inLog(produced.eventIds()), "each valid event is in the log");
        assertEquals(produced.eventIds().size() + 2, after.stored() - before.stored(), "stored once over both runs (+2 pages without id)");
        assertTrue(after.records() - before.records() > produced.values().size(), "some records were read twice");
        assertTrue(after.duplicates() - before.duplicates() > produced.duplicates(),
                "the redelivered events were recognised as duplicates: " + (after.duplicates() - before.duplicates()));
        assertEquals(produced.malformed(), failedOf(topic), "each unreadable record is a failed event, once");
        assertEquals(4L, Db.count(ds, "SELECT count(DISTINCT raw) FROM failed_event WHERE message LIKE ?", "%(Kafka " + topic + "/%"));
    }

    @Test
    void aFailingAppendCommitsNothingAndIsRetriedUntilItSucceeds() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "refused-" + run;
        String group = "footfall-" + run;
        kafka.createTopic(topic, 2);
        // every event carries personal data (an IP) of a new person, so each append first creates encryption keys
        List<String> values = new ArrayList<>();
        // first, so it shares its poll with events (a poll of only failed events would need no key and commit)
        values.add("{\"type\":\"track\",");
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < 200; i++) {
            values.add("""
                    {"type":"track","event":"Product Viewed","userId":"%s","messageId":"%s-r%d","context":{"ip":"10.1.%d.%d"},
                     "properties":{"product_id":"p%d"}}""".formatted(user(run, i % 10), run, i, i / 250, i % 250, i % 30));
            ids.add(EventIds.of(sourceId(), run + "-r" + i));
        }
        send(topic, values);
        KafkaCollector.Status before = collector.status();
        // the database refuses new encryption keys for a while, so every append fails inside its transaction, before
        // the events are written (a refusal after the COPY would leave gaps in the log's index that processors wait out)
        execute("CREATE FUNCTION footfall_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
                + "BEGIN RAISE EXCEPTION 'refused by the test'; END $$");
        execute("CREATE TRIGGER footfall_test_refuse BEFORE INSERT ON subject_key FOR EACH ROW EXECUTE FUNCTION footfall_test_refuse()");
        try {
            collector.start(KafkaCollectorSettings.of(kafka.bootstrapServers(), List.of(topic), group, Api.WRITE_KEY).withBatching(50, 2));
            Poll.until(Duration.ofSeconds(60), collector::status, st -> st.retries() - before.retries() >= 2);
            assertEquals(0, committedAndEnd(topic, group)[0], "no offset is committed while the append fails");
            assertEquals(0, inLog(ids));
            assertEquals(0, failedOf(topic), "the unreadable record's failed event was rolled back with its append");
            assertTrue(collector.running(), "the collector keeps trying");
        } finally {
            execute("DROP TRIGGER footfall_test_refuse ON subject_key");
            execute("DROP FUNCTION footfall_test_refuse()");
        }
        awaitCommittedToEnd(topic, group);
        assertEquals(ids.size(), inLog(ids), "each valid event is in the log once the database accepts it");
        assertEquals(ids.size(), collector.status().stored() - before.stored());
        // read several times (refused, rewound, read again), stored once: its origin key is unique
        assertEquals(1, failedOf(topic));
        Api.awaitProjectionsCaughtUp();
    }

    /**
     * The pattern that once lost events, arranged on purpose: a request whose append is refused is still
     * in the pipeline when the next poll's request finds the pipeline full; that next request (later
     * records of the same partition, all of them acceptable) must never be committed, nor anything past
     * the refused record, even while later appends succeed. Checked all along: every record below a
     * committed offset has its event in the log.
     */
    @Test
    void noOffsetPassesARefusedRecordWhileLaterAppendsSucceed() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "poison-" + run;
        String group = "footfall-" + run;
        kafka.createTopic(topic, 1);
        int poisonAt = 10;
        List<String> values = new ArrayList<>();
        List<String> eventIds = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            // each event names a person; only the one at poisonAt names the refused one
            String userId = i == poisonAt ? "poison-" + run : user(run, i % 20);
            values.add("""
                    {"type":"track","event":"Product Viewed","userId":"%s","messageId":"%s-x%d","context":{"ip":"10.2.%d.%d"},
                     "properties":{"product_id":"p%d"}}""".formatted(userId, run, i, i / 250, i % 250, i % 30));
            eventIds.add(EventIds.of(sourceId(), run + "-x" + i));
        }
        List<RecordMetadata> sent = sendOrdered(topic, values);
        assertEquals(poisonAt, sent.get(poisonAt).offset());
        KafkaCollector.Status before = collector.status();
        // the database refuses the key of the poisoned person only, and slowly, so the refused request is still
        // queued when the next poll's request is submitted
        execute("CREATE FUNCTION footfall_test_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF NEW.subject LIKE '%poison-" + run + "%' THEN PERFORM pg_sleep(0.5); RAISE EXCEPTION 'refused by the test'; END IF; "
                + "RETURN NEW; END $$");
        execute("CREATE TRIGGER footfall_test_poison BEFORE INSERT ON subject_key FOR EACH ROW EXECUTE FUNCTION footfall_test_poison()");
        // and the pipeline holds little more than one poll: the second poll's submit waits while the first is refused
        Object pipeline = io.quarkus.arc.ClientProxy.unwrap(io.quarkus.arc.Arc.container().instance(IngestPipeline.class).get());
        java.lang.reflect.Field limit = IngestPipeline.class.getDeclaredField("maxQueuedEvents");
        limit.setAccessible(true);
        long queueLimit = limit.getLong(pipeline);
        try {
            limit.setLong(pipeline, 60);
            collector.start(KafkaCollectorSettings.of(kafka.bootstrapServers(), List.of(topic), group, Api.WRITE_KEY).withBatching(50, 3));
            Poll.until(Duration.ofSeconds(90), () -> {
                long[] committed = assertCommittedOnlyDurable(topic, group, sent, eventIds);
                assertTrue(committed[0] <= poisonAt, "committed " + committed[0] + " past the refused record at " + poisonAt);
                return collector.status();
            }, st -> st.retries() - before.retries() >= 3);
            assertTrue(collector.running(), "the collector keeps trying");
        } finally {
            limit.setLong(pipeline, queueLimit);
            execute("DROP TRIGGER footfall_test_poison ON subject_key");
            execute("DROP FUNCTION footfall_test_poison()");
        }
        Poll.until(Duration.ofSeconds(120), () -> {
            assertCommittedOnlyDurable(topic, group, sent, eventIds);
            return committedAndEnd(topic, group);
        }, ce -> ce[0] == ce[1]);
        assertEquals(eventIds.size(), inLog(new LinkedHashSet<>(eventIds)), "every event is in the log once the database accepts it");
        assertEquals(eventIds.size(), collector.status().stored() - before.stored(), "each stored once");
        Api.awaitProjectionsCaughtUp();
    }

    /**
     * Checks that every record below the group's committed offset of its partition has its event in the
     * log (committed offsets are read first, the log after: it only grows); returns the committed offsets
     * by partition.
     */
    private long[] assertCommittedOnlyDurable(String topic, String group, List<RecordMetadata> sent, List<String> eventIds) {
        int partitions = sent.stream().mapToInt(RecordMetadata::partition).max().orElse(0) + 1;
        long[] committed = new long[partitions];
        Properties client = new Properties();
        client.put("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(client)) {
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                    .forEach((tp, o) -> {
                        if (tp.topic().equals(topic) && o != null) {
                            committed[tp.partition()] = o.offset();
                        }
                    });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Set<String> below = new LinkedHashSet<>();
        for (int i = 0; i < sent.size(); i++) {
            if (sent.get(i).offset() < committed[sent.get(i).partition()]) {
                below.add(eventIds.get(i));
            }
        }
        assertEquals(below.size(), inLog(below), "every record below a committed offset is in the log; committed: "
                + java.util.Arrays.toString(committed));
        return committed;
    }

    /** Sends one record after the other (each acknowledged before the next), returning where each landed. */
    private static List<RecordMetadata> sendOrdered(String topic, List<String> values) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (String v : values) {
                futures.add(producer.send(new ProducerRecord<>(topic, 0, null, v)));
            }
            List<RecordMetadata> sent = new ArrayList<>();
            for (Future<RecordMetadata> f : futures) {
                sent.add(f.get(60, TimeUnit.SECONDS));
            }
            return sent;
        }
    }

    /**
     * A record read again after a crash between the append and the offset commit does not store its
     * failure twice: failed events from Kafka carry their origin (source, topic, partition, offset,
     * index in a batch) as a unique key.
     */
    @Test
    void aRecordReadAgainAfterACrashFailsOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "refail-" + run;
        String group = "footfall-" + run;
        kafka.createTopic(topic, 1);
        List<String> values = new ArrayList<>();
        values.add("{\"type\":\"track\",");
        values.add("[\"not\",\"an\",\"object\"]");
        values.add("{\"batch\":[{\"type\":\"track\",\"userId\":\"" + user(run, 1) + "\",\"messageId\":\"" + run + "-nameless\"},"
                + "{\"type\":\"purchase\",\"userId\":\"" + user(run, 1) + "\"},"
                + "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + user(run, 1) + "\",\"messageId\":\"" + run + "-ok\"}]}");
        Set<String> ids = new LinkedHashSet<>();
        ids.add(EventIds.of(sourceId(), run + "-ok"));
        for (int i = 0; i < 40; i++) {
            values.add("{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + user(run, i % 4) + "\",\"messageId\":\""
                    + run + "-f" + i + "\"}");
            ids.add(EventIds.of(sourceId(), run + "-f" + i));
        }
        sendOrdered(topic, values);
        KafkaCollector.Status before = collector.status();
        double ingestFailedBefore = ingestFailed();
        double collectorFailedBefore = registry.find("footfall.collector.kafka.events").tag("outcome", "failed").counter() == null ? 0
                : registry.get("footfall.collector.kafka.events").tag("outcome", "failed").counter().count();
        KafkaCollectorSettings settings = KafkaCollectorSettings.of(kafka.bootstrapServers(), List.of(topic), group, Api.WRITE_KEY)
                .withBatching(500, 1);
        // the first run dies right after its first append (everything), before committing its offsets
        collector.crashAfterAppends(1);
        collector.start(settings);
        Poll.until(Duration.ofSeconds(120), collector::status, st -> !st.running());
        assertEquals(0, committedAndEnd(topic, group)[0]);
        assertEquals(4, failedOf(topic), "the first run stored the four failures");

        collector.start(settings);
        awaitCommittedToEnd(topic, group);
        KafkaCollector.Status after = collector.status();
        assertEquals(2L * values.size(), after.records() - before.records(), "every record was read twice");
        assertEquals(ids.size(), inLog(ids));
        assertEquals(4, failedOf(topic), "each failure is stored once although its record was read twice");
        // and counted once: the collector's counter and the pipeline's metric count what was stored, not what was read
        assertEquals(4, after.failed() - before.failed(), "the collector counts each failed record once");
        assertEquals(4.0, ingestFailed() - ingestFailedBefore, "footfall.ingest.events{outcome=failed} counts each failure once");
        assertEquals(4.0, registry.get("footfall.collector.kafka.events").tag("outcome", "failed").counter().count()
                - collectorFailedBefore, "footfall.collector.kafka.events{outcome=failed} counts each failure once");
        assertEquals(List.of("kafka:" + sourceId() + ":" + topic + ":0:0", "kafka:" + sourceId() + ":" + topic + ":0:1",
                        "kafka:" + sourceId() + ":" + topic + ":0:2:0", "kafka:" + sourceId() + ":" + topic + ":0:2:1"),
                Db.strings(ds, "SELECT origin_key FROM failed_event WHERE message LIKE ? ORDER BY origin_key", "%(Kafka " + topic + "/%"));
        // operators see where it came from
        admin().get("/api/v1/failed-events?limit=500").then().statusCode(200)
                .body("items.event.originKey", org.hamcrest.Matchers.hasItem("kafka:" + sourceId() + ":" + topic + ":0:1"));
    }

    /**
     * A consumer that dies of an error (here: fenced by a second member with the same static
     * group.instance.id, a real broker-side fatal error) is replaced after a pause; readiness is DOWN
     * meanwhile and UP once the new consumer polls; what was produced in between is consumed.
     */
    @Test
    void aConsumerThatDiesIsReplacedAndReadinessIsDownMeanwhile() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "restart-" + run;
        String group = "footfall-" + run;
        String instance = "footfall-" + run;
        kafka.createTopic(topic, 1);
        List<String> first = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < 60; i++) {
            String v = "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + user(run, i % 5) + "\",\"messageId\":\"" + run + "-d" + i + "\"}";
            first.add(v);
            ids.add(EventIds.of(sourceId(), run + "-d" + i));
        }
        send(topic, first.subList(0, 30));
        KafkaCollector.Status before = collector.status();
        collector.start(KafkaCollectorSettings.of(kafka.bootstrapServers(), List.of(topic), group, Api.WRITE_KEY)
                .withClient(Map.of("group.instance.id", instance, "session.timeout.ms", "10000", "heartbeat.interval.ms", "500"))
                .withRestartBackoff(Duration.ofSeconds(3), Duration.ofSeconds(3)));
        awaitCommittedToEnd(topic, group);
        assertEquals("UP", readiness());

        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("group.id", group);
        p.put("group.instance.id", instance);
        p.put("enable.auto.commit", "false");
        p.put("session.timeout.ms", "10000");
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> usurper = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                p, new org.apache.kafka.common.serialization.ByteArrayDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            usurper.subscribe(List.of(topic));
            Poll.until(Duration.ofSeconds(60), () -> {
                usurper.poll(Duration.ofMillis(100));
                return collector.status();
            }, st -> st.state() == KafkaCollector.State.RESTARTING);
        }
        assertTrue(collector.running(), "it restarts, it does not stop");
        assertEquals("DOWN", readiness(), "not consuming: not ready");
        io.restassured.RestAssured.given().get("/q/health/ready").then().statusCode(503);
        send(topic, first.subList(30, 60));

        KafkaCollector.Status back = Poll.until(Duration.ofSeconds(60), collector::status, st -> st.state() == KafkaCollector.State.RUNNING);
        assertTrue(back.restarts() - before.restarts() >= 1);
        assertEquals("UP", readiness());
        awaitCommittedToEnd(topic, group);
        assertEquals(ids.size(), inLog(ids), "what was produced while it restarted is in the log");
    }

    /**
     * Bootstrap servers where nothing listens (a closed local port): the collector keeps trying, and its readiness
     * check is DOWN with a reason (where it cannot connect, no record contents) instead of UP while nothing is read;
     * once a broker listens at that port, it is UP again and consumes what was produced there.
     */
    @Test
    void readinessIsDownWhileNoBrokerAnswersAndUpOnceOneDoes() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "unreachable-" + run;
        String group = "footfall-" + run;
        int port = KafkaTestBroker.closedPort();
        String bootstrap = "127.0.0.1:" + port;
        long recordsBefore = collector.status().records();
        // no answer for a second is unreachable here (the default is 15 s)
        collector.start(KafkaCollectorSettings.of(bootstrap, List.of(topic), group, Api.WRITE_KEY).withUnreachableAfter(Duration.ofSeconds(1)));
        Map<String, Object> down = Poll.until(Duration.ofSeconds(20), KafkaCollectorTest::readinessCheck,
                c -> "DOWN".equals(c.get("status")));
        Object reason = ((Map<?, ?>) down.get("data")).get("reason");
        assertTrue(String.valueOf(reason).contains(bootstrap), "the reason says where it cannot connect: " + down);
        assertEquals("UNREACHABLE", ((Map<?, ?>) down.get("data")).get("state"));
        assertEquals(KafkaCollector.State.UNREACHABLE, collector.status().state());
        io.restassured.RestAssured.given().get("/q/health/ready").then().statusCode(503);
        assertTrue(collector.running(), "it keeps trying");
        assertEquals(recordsBefore, collector.status().records(), "nothing read");

        List<String> values = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < 20; i++) {
            values.add("{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + user(run, i % 3) + "\",\"messageId\":\""
                    + run + "-u" + i + "\"}");
            ids.add(EventIds.of(sourceId(), run + "-u" + i));
        }
        try (KafkaTestBroker late = KafkaTestBroker.startOnPort(port, Map.of())) {
            late.createTopic(topic, 1);
            send(bootstrap, topic, values);
            Poll.until(Duration.ofSeconds(60), KafkaCollectorTest::readinessCheck, c -> "UP".equals(c.get("status")));
            Poll.until(Duration.ofSeconds(60), () -> committedAndEnd(bootstrap, topic, group), ce -> ce[0] == ce[1] && ce[1] == values.size());
            assertEquals(ids.size(), inLog(ids), "what was produced once the broker answered is in the log");
            // stopped while the broker still runs, so the last offsets are committed
            assertTrue(collector.stop(Duration.ofSeconds(60)));
        }
    }

    /**
     * A start right after a stop that returned true succeeds: the stopped collector's thread is gone, not still
     * exiting (CI once failed a test that started the collector right after the previous test had stopped it).
     */
    @Test
    void aStartRightAfterAStopSucceeds() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        KafkaCollectorSettings settings = KafkaCollectorSettings.of(kafka.bootstrapServers(), List.of("restart-" + run),
                "footfall-" + run, Api.WRITE_KEY);
        for (int i = 0; i < 20; i++) {
            collector.start(settings);
            assertTrue(collector.running());
            assertTrue(collector.stop(Duration.ofSeconds(60)), "stop " + i);
            assertFalse(collector.running(), "stopped " + i);
        }
    }

    /** The Kafka collector's readiness check as JSON (name, status, data). */
    private static Map<String, Object> readinessCheck() {
        return io.restassured.RestAssured.given().get("/q/health/ready").then().extract().jsonPath()
                .getMap("checks.find { it.name == 'footfall-kafka-collector' }");
    }

    /** The ingest pipeline's count of failed events stored (footfall.ingest.events{outcome=failed}). */
    private double ingestFailed() {
        io.micrometer.core.instrument.Counter c = registry.find("footfall.ingest.events").tag("outcome", "failed").counter();
        return c == null ? 0 : c.count();
    }

    /** Status of the Kafka collector's readiness check. */
    private static String readiness() {
        return io.restassured.RestAssured.given().get("/q/health/ready").then().extract().jsonPath()
                .getString("checks.find { it.name == 'footfall-kafka-collector' }.status");
    }

    private void execute(String sql) {
        try (java.sql.Connection c = ds.getConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /**
     * Throughput: {@code -Dfootfall.bench.kafka.events=100000} produces that many events to a broker
     * in a child JVM (so its CPU is not counted as the app's) and times the collector from start
     * until every offset is committed. Skipped without the property.
     */
    @Test
    void benchmark() throws Exception {
        int n = Integer.getInteger("footfall.bench.kafka.events", 0);
        Assumptions.assumeTrue(n > 0, "set -Dfootfall.bench.kafka.events=N to run the Kafka collector benchmark");
        int partitions = Integer.getInteger("footfall.bench.kafka.partitions", 3);
        int pollRecords = Integer.getInteger("footfall.bench.kafka.poll-records", 2000);
        int inFlight = Integer.getInteger("footfall.bench.kafka.in-flight", 4);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "bench-" + run;
        String group = "footfall-" + run;
        List<String> values = new ArrayList<>(n);
        Instant t0 = Instant.parse("2026-01-10T09:00:00Z");
        for (int i = 0; i < n; i++) {
            values.add("""
                    {"type":"track","event":"Product Viewed","userId":"b-%s-%d","messageId":"%s-%d","timestamp":"%s",
                     "context":{"page":{"url":"https://shop.example/p/%d"}},"properties":{"product_id":"p%d","category":"c%d","price":%d.99}}"""
                    .formatted(run, i % 5000, run, i, t0.plusMillis(i * 10L), i % 2000, i % 2000, i % 50, 5 + i % 90));
        }
        try (io.footfall.kafka.testbroker.Forked broker = KafkaTestBroker.fork(System.getProperty("java.class.path"))) {
            Properties admin = new Properties();
            admin.put("bootstrap.servers", broker.bootstrapServers());
            try (Admin a = Admin.create(admin)) {
                a.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            long p0 = System.nanoTime();
            send(broker.bootstrapServers(), topic, values);
            double produceSeconds = (System.nanoTime() - p0) / 1e9;
            KafkaCollector.Status before = collector.status();
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long writer0 = ingestThreadsCpu();
            long c0 = System.nanoTime();
            collector.start(KafkaCollectorSettings.of(broker.bootstrapServers(), List.of(topic), group, Api.WRITE_KEY)
                    .withBatching(pollRecords, inFlight));
            Poll.until(Duration.ofSeconds(900), () -> committedAndEnd(broker.bootstrapServers(), topic, group), x -> x[0] == x[1] && x[1] == n);
            double seconds = (System.nanoTime() - c0) / 1e9;
            double cpuMicrosPerEvent = (os.getProcessCpuTime() - cpu0) / 1e3 / n;
            double consumerMicros = threadCpu("footfall-kafka-collector") / 1e3 / n;
            double writerMicros = (ingestThreadsCpu() - writer0) / 1e3 / n;
            assertTrue(collector.stop(Duration.ofSeconds(60)));
            KafkaCollector.Status after = collector.status();
            assertEquals(n, after.stored() - before.stored());
            System.out.printf("KAFKA-BENCH events=%d partitions=%d pollRecords=%d inFlight=%d produce=%.1fs (%.0f/s) "
                            + "consume+append+commit=%.2fs -> %.0f events/s, CPU per event: app JVM %.0f us (consumer thread %.1f us, "
                            + "ingest threads %.1f us), load average %.1f%n",
                    n, partitions, pollRecords, inFlight, produceSeconds, n / produceSeconds, seconds, n / seconds,
                    cpuMicrosPerEvent, consumerMicros, writerMicros, os.getSystemLoadAverage());
        }
    }

    /** CPU time of the ingest pipeline's two threads (prepare and commit). */
    private static long ingestThreadsCpu() {
        return threadCpu("ingest-prepare") + threadCpu("ingest-commit");
    }

    /** CPU time of the live thread with this name, 0 when there is none. */
    private static long threadCpu(String name) {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return threads.getThreadCpuTime(t.getId());
            }
        }
        return 0;
    }
}
