package io.footfall.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SimpleSerializedObject;
import org.junit.jupiter.api.Test;

class StoredEventSerializerTest {

    record Payload(String id, Map<String, Object> properties) {
    }

    private final StoredEventSerializer serializer = new StoredEventSerializer(EventLog.createSerializer(EventJson.create()));

    private static SerializedObject<byte[]> stored(String json, Class<?> type) {
        return new SimpleSerializedObject<>(json.getBytes(StandardCharsets.UTF_8), byte[].class, type.getName(), null);
    }

    @Test
    void decodesEachStoredPayloadOnceForAllReaders() {
        String json = "{\"id\":\"e-1\",\"properties\":{\"a\":[1,2]}}";
        Payload first = serializer.deserialize(stored(json, Payload.class));
        Payload again = serializer.deserialize(stored(json, Payload.class)); // another reader's copy of the row
        assertSame(first, again);
        assertEquals("e-1", first.id());
        // the same prefix (the id) but other content is another payload: compared in full, not by hash
        Payload other = serializer.deserialize(stored("{\"id\":\"e-1\",\"properties\":{\"a\":[1,3]}}", Payload.class));
        assertNotSame(first, other);
        assertEquals(List.of(1, 3), other.properties().get("a"));
        assertEquals(List.of(1, 2), ((Payload) serializer.deserialize(stored(json, Payload.class))).properties().get("a"));
    }

    @Test
    void emptyMetaDataNeedsNoDecodingAndOtherMetaDataIsRead() {
        assertSame(MetaData.emptyInstance(), serializer.deserialize(stored("{}", MetaData.class)));
        MetaData meta = serializer.deserialize(stored("{\"k\":\"v\"}", MetaData.class));
        assertEquals("v", meta.get("k"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void sharedEventsCannotBeChangedByOneOfTheirReaders() {
        java.time.Instant at = java.time.Instant.parse("2026-03-01T10:00:00Z");
        io.footfall.api.event.BehaviorEvent event = new io.footfall.api.event.BehaviorEvent("e1", "m1",
                io.footfall.api.event.EventKind.TRACK, "Product Viewed", "u1", null, null, null, at, at, null, null, "s",
                null, null, null, null,
                Map.of("tags", new java.util.ArrayList<>(List.of("a")), "nested", new java.util.HashMap<>(Map.of("k", 1))), Map.of());
        assertThrows(UnsupportedOperationException.class, () -> ((List<Object>) event.properties().get("tags")).add("b"));
        assertThrows(UnsupportedOperationException.class, () -> ((Map<String, Object>) event.properties().get("nested")).put("k", 2));
    }
}
