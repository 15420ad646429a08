package io.footfall.core.privacy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.api.event.BehaviorEvent;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Splits an event into its non-personal part and its personal data (personal traits and the full
 * IP), and joins them again.
 */
public final class PersonalDataCodec {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final ObjectMapper json;

    public PersonalDataCodec(ObjectMapper json) {
        this.json = json;
    }

    /**
     * The event's personal data and the event without it.
     *
     * @param event    the event without personal data
     * @param personal the personal data as JSON bytes, or null when there is none
     */
    public record Split(BehaviorEvent event, byte[] personal) {
    }

    /** Removes the personal data from the event: traits and top-level properties under personal keys, and the IP. */
    public Split split(BehaviorEvent event) {
        Map<String, Object> personalTraits = new LinkedHashMap<>();
        Map<String, Object> otherTraits = new LinkedHashMap<>();
        event.traits().forEach((k, v) -> (BehaviorEvent.isPersonalKey(k) ? personalTraits : otherTraits).put(k, v));
        Map<String, Object> personalProperties = null;
        Map<String, Object> otherProperties = event.properties();
        for (String key : event.properties().keySet()) {
            if (BehaviorEvent.isPersonalKey(key)) {
                personalProperties = new LinkedHashMap<>();
                otherProperties = new LinkedHashMap<>();
                for (Map.Entry<String, Object> p : event.properties().entrySet()) {
                    (BehaviorEvent.isPersonalKey(p.getKey()) ? personalProperties : otherProperties).put(p.getKey(), p.getValue());
                }
                break;
            }
        }
        String ip = event.context().ip();
        if (personalTraits.isEmpty() && personalProperties == null && ip == null) {
            return new Split(event, null);
        }
        Map<String, Object> personal = new HashMap<>();
        if (!personalTraits.isEmpty()) {
            personal.put("traits", personalTraits);
        }
        if (personalProperties != null) {
            personal.put("properties", personalProperties);
        }
        if (ip != null) {
            personal.put("ip", ip);
        }
        try {
            return new Split(event.withPersonalParts(otherProperties, otherTraits, event.context().withoutPersonalData()),
                    json.writeValueAsBytes(personal));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise personal data", e);
        }
    }

    /** Puts opened personal data back into the event. */
    @SuppressWarnings("unchecked")
    public BehaviorEvent join(BehaviorEvent event, byte[] personal) {
        try {
            Map<String, Object> data = json.readValue(personal, MAP);
            Map<String, Object> traits = new LinkedHashMap<>(event.traits());
            Object personalTraits = data.get("traits");
            if (personalTraits instanceof Map<?, ?> m) {
                traits.putAll((Map<String, Object>) m);
            }
            Map<String, Object> properties = event.properties();
            if (data.get("properties") instanceof Map<?, ?> m) {
                properties = new LinkedHashMap<>(event.properties());
                properties.putAll((Map<String, Object>) m);
            }
            Object ip = data.get("ip");
            return event.withPersonalParts(properties, traits, ip == null ? event.context() : event.context().withIp(ip.toString()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read personal data", e);
        }
    }
}
