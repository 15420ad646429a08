package io.footfall.core.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.core.type.TypeReference;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventContext;
import io.footfall.api.event.EventKind;
import io.footfall.core.store.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PersonalDataCodecTest {

    private final com.fasterxml.jackson.databind.ObjectMapper json = EventJson.create();
    private final PersonalDataCodec codec = new PersonalDataCodec(json);
    private final Instant at = Instant.parse("2026-03-01T10:00:00Z");

    private BehaviorEvent event(Map<String, Object> traits, String ip) {
        EventContext context = new EventContext(null, "ua", ip, ip == null ? null : "203.0.113.0", "de-DE", null, null, null,
                null, Map.of(), null);
        return new BehaviorEvent("e1", "m1", EventKind.IDENTIFY, null, "u1", null, null, null, at, at, null, null, "s",
                null, null, null, context, Map.of("p", 1), traits);
    }

    @Test
    void splitRemovesPersonalDataAndJoinRestoresIt() throws Exception {
        Map<String, Object> traits = new LinkedHashMap<>();
        traits.put("email", "anna@example.com");
        traits.put("name", "Anna \"Ä\" Müller");
        traits.put("address", Map.of("city", "Köln", "zip", 50667));
        traits.put("phone", "+49 30 123");
        traits.put("plan", "gold");
        traits.put("tags", List.of("a", "b"));
        BehaviorEvent original = event(traits, "203.0.113.9");

        PersonalDataCodec.Split split = codec.split(original);
        assertEquals(Map.of("plan", "gold", "tags", List.of("a", "b")), split.event().traits());
        assertNull(split.event().context().ip());
        assertEquals("203.0.113.0", split.event().context().ipTruncated());
        String personal = new String(split.personal(), StandardCharsets.UTF_8);
        assertFalse(split.event().toString().contains("anna@example.com"));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("traits", Map.of("email", "anna@example.com", "name", "Anna \"Ä\" Müller",
                "address", Map.of("city", "Köln", "zip", 50667), "phone", "+49 30 123"));
        expected.put("ip", "203.0.113.9");
        assertEquals(expected, json.readValue(personal, new TypeReference<Map<String, Object>>() { }));

        assertEquals(original, codec.join(split.event(), split.personal()));
    }

    @Test
    void onlyTheIpOrNothingPersonal() {
        PersonalDataCodec.Split ipOnly = codec.split(event(Map.of("plan", "gold"), "198.51.100.7"));
        assertEquals("{\"ip\":\"198.51.100.7\"}", new String(ipOnly.personal(), StandardCharsets.UTF_8));
        assertEquals(event(Map.of("plan", "gold"), "198.51.100.7"), codec.join(ipOnly.event(), ipOnly.personal()));
        PersonalDataCodec.Split none = codec.split(event(Map.of("plan", "gold"), null));
        assertNull(none.personal());
    }
}
