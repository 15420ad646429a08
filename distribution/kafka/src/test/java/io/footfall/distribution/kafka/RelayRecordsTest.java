package io.footfall.distribution.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventContext;
import io.footfall.api.event.EventKind;
import io.footfall.core.store.EventJson;
import io.footfall.core.store.PluginResultRecorded;
import io.footfall.core.store.RecordedBehavior;
import io.footfall.core.store.SealedPersonalData;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Key, headers and value of relayed events; personal data is stripped even from an event that carries it in clear. */
class RelayRecordsTest {

    private final RelayRecords records = new RelayRecords(EventJson.create());

    private static BehaviorEvent identify(String userId, String anonymousId) {
        EventContext context = new EventContext(null, "UA", "203.0.113.77", "203.0.113.0", "en-GB", null, null, null, null, Map.of(), null);
        return new BehaviorEvent("e1", "m1", EventKind.IDENTIFY, null, userId, anonymousId, null, null, Instant.parse("2026-01-01T10:00:00Z"),
                Instant.parse("2026-01-01T10:00:01Z"), null, null, "src", null, null, null, context, Map.of("k", "v"),
                Map.of("email", "someone@example.com", "plan", "pro"));
    }

    @Test
    void theKeyIsTheUserElseTheAnonymousId() {
        assertEquals("user:u1", records.record("t", "e1", 7, new RecordedBehavior(identify("u1", "a1"), null)).key());
        assertEquals("anon:a1", records.record("t", "e1", 7, new RecordedBehavior(identify(null, "a1"), null)).key());
    }

    @Test
    void personalDataIsNeverRelayedAndTheHeadersIdentifyTheEvent() throws Exception {
        ProducerRecord<String, byte[]> r = records.record("t", "e1", 42, new RecordedBehavior(identify("u1", "a1"),
                new SealedPersonalData("user:u1", new byte[]{1, 2})));
        String raw = new String(r.value(), StandardCharsets.UTF_8);
        assertFalse(raw.contains("someone@example.com"), raw);
        assertFalse(raw.contains("203.0.113.77"), raw);
        JsonNode v = EventJson.create().readTree(r.value());
        assertEquals("pro", v.path("traits").path("plan").asText());
        assertEquals("203.0.113.0", v.path("context").path("ipTruncated").asText());
        assertEquals("withheld", v.path("personalData").asText());
        assertEquals("identify", v.path("type").asText());
        assertEquals("2026-01-01T10:00:00Z", v.path("occurredAt").asText());
        assertEquals("e1", new String(r.headers().lastHeader(RelayRecords.EVENT_ID_HEADER).value(), StandardCharsets.UTF_8));
        assertEquals("42", new String(r.headers().lastHeader(RelayRecords.GLOBAL_INDEX_HEADER).value(), StandardCharsets.UTF_8));
    }

    @Test
    void pluginResultsAreNotRelayed() {
        assertNull(records.record("t", "e1", 1, new PluginResultRecorded("churn", "score", "u1", "u1", "{}", Instant.now())));
    }
}
