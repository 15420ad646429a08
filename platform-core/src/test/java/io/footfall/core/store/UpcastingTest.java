package io.footfall.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.footfall.api.event.EventKind;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.axonframework.serialization.upcasting.event.InitialEventRepresentation;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;
import org.junit.jupiter.api.Test;

/** A payload stored at an older revision is read in today's shape through an upcaster, without rewriting it. */
class UpcastingTest {

    /** A hypothetical revision 0 called the event name "eventName"; revision 1 calls it "name". */
    static final class RenameEventName extends SingleEventUpcaster {
        @Override
        protected boolean canUpcast(IntermediateEventRepresentation r) {
            return r.getType().getName().equals(RecordedBehavior.class.getName()) && "0".equals(r.getType().getRevision());
        }

        @Override
        protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation r) {
            return r.upcast(new SimpleSerializedType(RecordedBehavior.class.getName(), "1"), JsonNode.class, tree -> {
                ObjectNode event = (ObjectNode) tree.get("event");
                event.set("name", event.remove("eventName"));
                return tree;
            }, metaData -> metaData);
        }
    }

    @Test
    void olderRevisionIsUpcastOnRead() {
        ObjectMapper json = EventJson.create();
        Serializer serializer = EventLog.createSerializer(json);
        String revision0 = """
                {"event":{"eventId":"e1","messageId":"m1","kind":"TRACK","eventName":"Product Viewed","userId":"u1",
                "occurredAt":"2026-01-01T00:00:00Z"}}""";
        SerializedType type = new SimpleSerializedType(RecordedBehavior.class.getName(), "0");
        GenericDomainEventEntry<byte[]> stored = new GenericDomainEventEntry<>(null, "e1", 0, "e1", "2026-01-01T00:00:00Z",
                type.getName(), type.getRevision(), revision0.getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));

        RecordedBehavior read = new EventUpcasterChain(new RenameEventName())
                .upcast(Stream.of(new InitialEventRepresentation(stored, serializer)))
                .map(r -> (RecordedBehavior) serializer.deserialize(r.getData()))
                .findFirst().orElseThrow();

        assertEquals("Product Viewed", read.event().name());
        assertEquals(EventKind.TRACK, read.event().kind());
        assertEquals("1", serializer.typeForClass(RecordedBehavior.class).getRevision(), "today's revision comes from @EventRevision");
    }
}
