package io.footfall.distribution.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventContext;
import io.footfall.core.profile.Identifiers;
import io.footfall.core.store.IdentityUnlinked;
import io.footfall.core.store.RecordedBehavior;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * How one event of the log becomes one Kafka record (docs/kafka-relay.md): the key is the person (given by
 * {@link io.footfall.core.keys.PersonKeys}, which follows identity stitching; {@link #personKey} is an identifier's own key), the value is
 * Footfall's canonical JSON of the event <em>without personal data</em> (schema {@value #SCHEMA}), and the headers {@value #EVENT_ID_HEADER} (the log's event
 * identifier), {@value #GLOBAL_INDEX_HEADER} (its position in the log, decimal) and {@value #SCHEMA_HEADER} let consumers
 * drop the duplicates that at-least-once delivery can bring.
 *
 * <p>The log keeps personal data (personal traits, the full IP) sealed with the person's key (ADR 0005); the relay never
 * opens it, and strips those fields again should an event carry them in clear (an event stored before they were sealed).
 * Relayed: behaviour events ({@link RecordedBehavior}, collected or derived by plugins) and identity unlinks
 * ({@link IdentityUnlinked}, without the operator's name). Not relayed: plugin results (not behaviour; they stay in the
 * log and the results API) and anything else.
 */
public final class RelayRecords {

    /** The value's schema, also in the {@value #SCHEMA_HEADER} header. */
    public static final String SCHEMA = "footfall-event/1";
    /** Header with the log's event identifier (for behaviour events the event's {@code eventId}). */
    public static final String EVENT_ID_HEADER = "eventId";
    /** Header with the event's global index in the log, as a decimal string. */
    public static final String GLOBAL_INDEX_HEADER = "globalIndex";
    /** Header with the value's schema. */
    public static final String SCHEMA_HEADER = "schema";
    /** The {@code type} of an identity unlink. */
    public static final String IDENTITY_UNLINKED = "identity_unlinked";

    private final ObjectMapper json;

    /** Encodes with the log's JSON mapping (ISO-8601 instants, nulls omitted). */
    public RelayRecords(ObjectMapper json) {
        this.json = json;
    }

    /** An event's own key, before identity stitching: {@code user:<userId>}, else {@code anon:<anonymousId>}. */
    public static String personKey(String userId, String anonymousId) {
        String user = Identifiers.user(userId);
        return user != null ? user : Identifiers.anonymous(anonymousId);
    }

    /**
     * The record of a logged event keyed by its own identifier ({@link #personKey}), or null when the payload is not relayed.
     *
     * @param topic       the topic
     * @param eventId     the log's identifier of the event
     * @param globalIndex the event's position in the log
     * @param payload     the stored payload
     */
    public ProducerRecord<String, byte[]> record(String topic, String eventId, long globalIndex, Object payload) {
        String key = null;
        if (payload instanceof RecordedBehavior recorded) {
            key = personKey(recorded.event().userId(), recorded.event().anonymousId());
        } else if (payload instanceof IdentityUnlinked unlinked) {
            key = personKey(unlinked.userId(), null);
        }
        return record(topic, eventId, globalIndex, payload, key);
    }

    /**
     * The record of a logged event with the person key the relay resolved ({@link io.footfall.core.keys.PersonKeys}), also in the value's
     * {@code personKey}; null when the payload is not relayed or names nobody.
     *
     * @param topic       the topic
     * @param eventId     the log's identifier of the event
     * @param globalIndex the event's position in the log
     * @param payload     the stored payload
     * @param key         the person key
     */
    public ProducerRecord<String, byte[]> record(String topic, String eventId, long globalIndex, Object payload, String key) {
        if (key == null) {
            return null;
        }
        ObjectNode value;
        if (payload instanceof RecordedBehavior recorded) {
            BehaviorEvent event = recorded.event();
            value = behaviour(event, globalIndex, recorded.personal() != null, key);
        } else if (payload instanceof IdentityUnlinked unlinked) {
            value = json.createObjectNode();
            value.put("schema", SCHEMA);
            value.put("globalIndex", globalIndex);
            value.put("eventId", eventId);
            value.put("type", IDENTITY_UNLINKED);
            value.put("personKey", key);
            value.put("userId", unlinked.userId());
            value.put("anonymousId", unlinked.anonymousId());
            value.put("occurredAt", unlinked.at() == null ? null : unlinked.at().toString());
        } else {
            return null;
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(EVENT_ID_HEADER, eventId.getBytes(StandardCharsets.UTF_8));
        headers.add(GLOBAL_INDEX_HEADER, Long.toString(globalIndex).getBytes(StandardCharsets.US_ASCII));
        headers.add(SCHEMA_HEADER, SCHEMA.getBytes(StandardCharsets.US_ASCII));
        try {
            return new ProducerRecord<>(topic, null, null, key, json.writeValueAsBytes(value), headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + eventId + " cannot be written as JSON", e);
        }
    }

    private ObjectNode behaviour(BehaviorEvent e, long globalIndex, boolean sealed, String key) {
        ObjectNode v = json.createObjectNode();
        v.put("schema", SCHEMA);
        v.put("globalIndex", globalIndex);
        v.put("eventId", e.eventId());
        putIfSet(v, "messageId", e.messageId());
        v.put("type", e.kind().wireName());
        putIfSet(v, "event", e.name());
        v.put("personKey", key);
        putIfSet(v, "userId", e.userId());
        putIfSet(v, "anonymousId", e.anonymousId());
        putIfSet(v, "previousId", e.previousId());
        putIfSet(v, "groupId", e.groupId());
        v.put("occurredAt", e.occurredAt().toString());
        if (e.receivedAt() != null) {
            v.put("receivedAt", e.receivedAt().toString());
        }
        if (e.sentAt() != null) {
            v.put("sentAt", e.sentAt().toString());
        }
        if (e.originalTimestamp() != null) {
            v.put("originalTimestamp", e.originalTimestamp().toString());
        }
        putIfSet(v, "sourceId", e.sourceId());
        if (e.product() != null) {
            v.set("product", json.valueToTree(e.product()));
        }
        if (e.order() != null) {
            v.set("order", json.valueToTree(e.order()));
        }
        putIfSet(v, "searchQuery", e.searchQuery());
        Map<String, Object> properties = new LinkedHashMap<>(e.properties());
        properties.keySet().removeIf(BehaviorEvent::isPersonalKey);
        v.set("properties", json.valueToTree(properties));
        Map<String, Object> traits = new LinkedHashMap<>(e.traits());
        traits.keySet().removeIf(BehaviorEvent::isPersonalKey);
        v.set("traits", json.valueToTree(traits));
        EventContext context = e.context().withoutPersonalData();
        v.set("context", json.valueToTree(context));
        // the person's sealed data exists in the log but is never relayed; consumers learn that it was withheld
        v.put("personalData", sealed ? "withheld" : "none");
        return v;
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
