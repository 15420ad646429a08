package io.footfall.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds one Segment tracking-API message and maps it to a canonical {@link BehaviorEvent} with the collectors'
 * mapping. Start from {@link Fixtures#track(String)} or {@link Fixtures#message(EventKind)}.
 *
 * <p>Unless {@link #messageId(String)} is given, the message id is derived from the message's content, so the
 * same fixture always gets the same event id (and two identical fixtures get the same id, like a resent message).
 *
 * @since 0.1
 */
public final class EventBuilder {

    private final ObjectNode message = TestkitJson.MAPPER.createObjectNode();
    private String sourceId = SegmentEvents.DEFAULT_SOURCE;

    EventBuilder(EventKind kind, String eventName) {
        message.put("type", kind.wireName());
        if (eventName != null) {
            message.put(kind == EventKind.TRACK ? "event" : "name", eventName);
        }
        at(TestClock.DEFAULT_START);
    }

    /** The known user id. */
    public EventBuilder user(String userId) {
        return field("userId", userId);
    }

    /** The anonymous (device) id. */
    public EventBuilder anonymous(String anonymousId) {
        return field("anonymousId", anonymousId);
    }

    /** When it happened (the message's {@code timestamp}). */
    public EventBuilder at(Instant at) {
        return field("timestamp", Objects.requireNonNull(at, "at").toString());
    }

    /** The client's message id. */
    public EventBuilder messageId(String messageId) {
        return field("messageId", messageId);
    }

    /** The source the event comes from. */
    public EventBuilder source(String sourceId) {
        this.sourceId = Objects.requireNonNull(sourceId, "sourceId");
        return this;
    }

    /** One property (Segment's {@code properties}); values are converted as JSON. */
    public EventBuilder property(String name, Object value) {
        properties().set(name, TestkitJson.MAPPER.valueToTree(value));
        return this;
    }

    /** Several properties. */
    public EventBuilder properties(Map<String, ?> values) {
        values.forEach(this::property);
        return this;
    }

    /** One trait ({@code identify} and {@code group}). */
    public EventBuilder trait(String name, Object value) {
        object("traits").set(name, TestkitJson.MAPPER.valueToTree(value));
        return this;
    }

    /** One context field, e.g. {@code locale} or {@code page} (a map). */
    public EventBuilder context(String name, Object value) {
        object("context").set(name, TestkitJson.MAPPER.valueToTree(value));
        return this;
    }

    /** Any top-level field of the message, e.g. {@code previousId} or {@code groupId}. */
    public EventBuilder field(String name, Object value) {
        if (value == null) {
            message.remove(name);
        } else {
            message.set(name, TestkitJson.MAPPER.valueToTree(value));
        }
        return this;
    }

    /** A copy of the Segment message as built so far (without a derived message id). */
    public ObjectNode toJson() {
        return message.deepCopy();
    }

    /**
     * Maps the message to a canonical event.
     *
     * @throws IllegalArgumentException when the collectors would refuse the message
     */
    public BehaviorEvent build() {
        ObjectNode copy = message.deepCopy();
        if (!copy.has("messageId")) {
            byte[] content = copy.toString().getBytes(StandardCharsets.UTF_8);
            copy.put("messageId", "fx-" + UUID.nameUUIDFromBytes(content));
        }
        return SegmentEvents.map(copy, sourceId);
    }

    private ObjectNode properties() {
        return object("properties");
    }

    private ObjectNode object(String name) {
        JsonNode node = message.get(name);
        if (node instanceof ObjectNode o) {
            return o;
        }
        return message.putObject(name);
    }
}
