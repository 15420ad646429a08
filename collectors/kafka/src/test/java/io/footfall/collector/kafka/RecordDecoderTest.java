package io.footfall.collector.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.collector.segment.EventIds;
import io.footfall.collector.segment.SegmentMapper;
import io.footfall.core.failed.FailedEvent;
import io.footfall.core.failed.FailureReason;
import io.footfall.core.store.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Record values become the same events as on the tracking API, or failed events naming the field and the record. */
class RecordDecoderTest {

    private final RecordDecoder decoder = new RecordDecoder(new SegmentMapper(EventJson.create()), 400);
    private final Instant now = Instant.parse("2026-01-05T10:00:00Z");
    private final List<BehaviorEvent> events = new ArrayList<>();
    private final List<FailedEvent> failed = new ArrayList<>();

    private void decode(String value, long offset) {
        decoder.decode(value == null ? null : value.getBytes(StandardCharsets.UTF_8),
                new RecordDecoder.Origin("src_1", "shop-events", 2, offset, now), events, failed);
    }

    @Test
    void oneMessagePerRecordKeepsItsIdAndTime() {
        decode("""
                {"type":"track","event":"Product Viewed","userId":"u1","messageId":"m-1","timestamp":"2025-12-01T08:00:00Z",
                 "properties":{"product_id":"p1","price":9.5}}""", 7);
        assertEquals(List.of(), failed);
        assertEquals(1, events.size());
        BehaviorEvent e = events.get(0);
        assertEquals("m-1", e.messageId());
        assertEquals(EventIds.of("src_1", "m-1"), e.eventId(), "the same id as the same message sent over HTTP");
        assertEquals(Instant.parse("2025-12-01T08:00:00Z"), e.occurredAt());
        assertEquals("src_1", e.sourceId());
        assertEquals("p1", e.product().productId());
    }

    @Test
    void aMessageWithoutIdGetsOneFromItsPlaceInKafkaSoARedeliveryIsADuplicate() {
        String value = "{\"type\":\"page\",\"anonymousId\":\"a1\",\"name\":\"Home\"}";
        decode(value, 41);
        decode(value, 41);
        decode(value, 42);
        assertEquals(3, events.size());
        assertEquals("kafka:shop-events:2:41", events.get(0).messageId());
        assertEquals(events.get(0).eventId(), events.get(1).eventId(), "same record, same event id");
        assertTrue(!events.get(0).eventId().equals(events.get(2).eventId()), "another record is another event");
    }

    @Test
    void batchesAreSplitAndABadItemFailsAloneWithItsIndex() {
        decode("""
                {"sentAt":"2026-01-05T10:00:00Z","batch":[
                  {"type":"track","event":"Product Added","userId":"u2","messageId":"b-1"},
                  {"type":"track","userId":"u2","messageId":"b-2"},
                  {"type":"identify","userId":"u2","traits":{"plan":"pro"}}
                ]}""", 3);
        assertEquals(2, events.size());
        assertEquals("b-1", events.get(0).messageId());
        assertEquals("kafka:shop-events:2:3:2", events.get(1).messageId());
        assertEquals(1, failed.size());
        FailedEvent f = failed.get(0);
        assertEquals(FailureReason.SCHEMA_VIOLATION, f.reason());
        assertEquals("batch[1].event", f.field());
        assertTrue(f.message().endsWith("(Kafka shop-events/2@3)"), f.message());
        assertTrue(f.raw().contains("b-2"), f.raw());
        assertTrue(f.subject() != null && !f.subject().isEmpty(), "the subject is kept for erasure");
        assertEquals("kafka:src_1:shop-events:2:3:1", f.originKey(), "where it was read, down to the item: unique in the store");
    }

    @Test
    void unreadableRecordsBecomeFailedEventsWithAReason() {
        decode("{\"type\":\"track\",", 1);
        decode("[1,2]", 2);
        decode(null, 3);
        decode("{\"batch\":{}}", 4);
        decode("{\"type\":\"purchase\",\"userId\":\"u\"}", 5);
        decode("{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u\",\"properties\":{\"x\":\"" + "y".repeat(500) + "\"}}", 6);
        assertEquals(List.of(), events);
        assertEquals(List.of(FailureReason.MALFORMED, FailureReason.SCHEMA_VIOLATION, FailureReason.MALFORMED,
                FailureReason.SCHEMA_VIOLATION, FailureReason.UNKNOWN_TYPE, FailureReason.SIZE),
                failed.stream().map(FailedEvent::reason).toList());
        assertEquals(List.of("value", "value", "value", "batch", "type", "value"), failed.stream().map(FailedEvent::field).toList());
        assertEquals("{\"type\":\"track\",", failed.get(0).raw(), "the raw value is kept for re-processing");
        assertNull(failed.get(0).subject());
        assertEquals(List.of("kafka:src_1:shop-events:2:1", "kafka:src_1:shop-events:2:2", "kafka:src_1:shop-events:2:3",
                "kafka:src_1:shop-events:2:4", "kafka:src_1:shop-events:2:5", "kafka:src_1:shop-events:2:6"),
                failed.stream().map(FailedEvent::originKey).toList(), "one key per record");
    }

    @Test
    void settingsNameTheMissingProperty() {
        io.footfall.core.config.InvalidSetting e = assertThrows(io.footfall.core.config.InvalidSetting.class,
                () -> KafkaCollectorSettings.of("127.0.0.1:9092", List.of(), "g", "key"));
        assertEquals("footfall.collectors.kafka.topics", e.property());
        e = assertThrows(io.footfall.core.config.InvalidSetting.class,
                () -> KafkaCollectorSettings.of("127.0.0.1:9092", List.of("t"), "g", " "));
        assertEquals("footfall.collectors.kafka.write-key", e.property());
        e = assertThrows(io.footfall.core.config.InvalidSetting.class,
                () -> KafkaCollectorSettings.of("127.0.0.1:9092", List.of("t"), "g", "k").withBatching(0, 1));
        assertEquals("footfall.collectors.kafka.max-poll-records", e.property());
        KafkaCollectorSettings s = new KafkaCollectorSettings("h:1", List.of("t"), "g", "secret-key", 10, 2, "latest",
                Map.of("sasl.jaas.config", "password=hunter2"));
        assertTrue(!s.toString().contains("secret-key") && !s.toString().contains("hunter2"), s.toString());
    }
}
