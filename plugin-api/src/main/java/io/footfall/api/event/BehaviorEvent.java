package io.footfall.api.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One immutable behaviour event, as stored in Footfall's log.
 *
 * <p>At least one of {@code userId} and {@code anonymousId} is set. {@code occurredAt} is the
 * client's timestamp corrected for clock skew as Segment does: {@code timestamp + (receivedAt − sentAt)};
 * the client's own values are kept in {@code originalTimestamp} and {@code sentAt}.
 *
 * @param eventId           Footfall's id of the event, derived from the source and {@code messageId}
 * @param messageId         the client's message id: the idempotency key within a source
 * @param kind              the call that produced the event
 * @param name              the event name for {@code track} ({@code "Order Completed"}), the page or
 *                          screen name for {@code page}/{@code screen}; may be null otherwise
 * @param userId            the known user id, if any
 * @param anonymousId       the anonymous (device or cookie) id, if any
 * @param previousId        for {@code alias}: the id being aliased to {@code userId}
 * @param groupId           for {@code group}: the group's id
 * @param occurredAt        when it happened, skew-corrected
 * @param receivedAt        when the collector received it
 * @param sentAt            when the client says it sent it, if given
 * @param originalTimestamp the client's own timestamp, if given
 * @param sourceId          the source (write key) that sent it
 * @param product           the product of a product event, if any
 * @param order             the order of a checkout or order event, if any
 * @param searchQuery       the query of {@code Products Searched}, if any
 * @param context           device, page and network context, never null
 * @param properties        the remaining event properties, never null; unmodifiable, nested maps
 *                          and lists included (one event object is shared by all its readers);
 *                          keys whose value is null are dropped in every nested map, as the log
 *                          stores them (null list elements stay)
 * @param traits            user or group traits ({@code identify}/{@code group}), never null; the
 *                          keys in {@link #PERSONAL_TRAITS} are personal data
 * @since 0.1
 */
public record BehaviorEvent(
        String eventId,
        String messageId,
        EventKind kind,
        String name,
        String userId,
        String anonymousId,
        String previousId,
        String groupId,
        Instant occurredAt,
        Instant receivedAt,
        Instant sentAt,
        Instant originalTimestamp,
        String sourceId,
        Product product,
        Order order,
        String searchQuery,
        EventContext context,
        Map<String, Object> properties,
        Map<String, Object> traits) {

    /**
     * Trait keys that hold personal data. Their values are stored encrypted with the person's key
     * and become unreadable when the person is erased.
     */
    public static final Set<String> PERSONAL_TRAITS = Set.of(
            "email", "name", "firstName", "lastName", "first_name", "last_name", "phone", "address",
            "birthday", "username", "avatar");

    /** Checks the invariants and makes unmodifiable copies of the maps, nested values included. */
    public BehaviorEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(occurredAt, "occurredAt");
        if (isBlank(userId) && isBlank(anonymousId)) {
            throw new IllegalArgumentException("userId or anonymousId is required");
        }
        context = context == null ? EventContext.empty() : context;
        properties = properties == null ? Map.of() : Map.copyOf(frozen(withoutNullValues(properties)));
        traits = traits == null ? Map.of() : Map.copyOf(frozen(withoutNullValues(traits)));
    }

    /** The standard e-commerce event this is, if it is a {@code track} event with a standard name. */
    public Optional<StandardEvent> standardEvent() {
        return kind == EventKind.TRACK ? StandardEvent.fromName(name) : Optional.empty();
    }

    /** True if this is the given standard event. */
    public boolean is(StandardEvent event) {
        return standardEvent().filter(event::equals).isPresent();
    }

    /**
     * A short type label for counting: the track event name, or the kind's wire name for other calls.
     */
    public String typeLabel() {
        if (kind == EventKind.TRACK) {
            return standardEvent().map(StandardEvent::eventName).orElse(name);
        }
        return kind.wireName();
    }

    /** The user id if known, otherwise the anonymous id. */
    public String primaryId() {
        return isBlank(userId) ? anonymousId : userId;
    }

    /** A copy with other traits and context. Used to strip or restore personal data. */
    public BehaviorEvent withTraitsAndContext(Map<String, Object> newTraits, EventContext newContext) {
        return new BehaviorEvent(eventId, messageId, kind, name, userId, anonymousId, previousId, groupId,
                occurredAt, receivedAt, sentAt, originalTimestamp, sourceId, product, order, searchQuery,
                newContext, properties, newTraits);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /**
     * The map with nested maps and lists replaced by unmodifiable copies: an event is shared by
     * every processor and plugin that reads it, so no reader may change what another sees.
     */
    private static Map<String, Object> frozen(Map<String, Object> map) {
        Map<String, Object> copy = null;
        for (Map.Entry<String, Object> entry : map.entrySet()) {
            Object value = entry.getValue();
            if (value instanceof Map<?, ?> || value instanceof java.util.Collection<?>) {
                if (copy == null) {
                    copy = new java.util.LinkedHashMap<>(map);
                }
                copy.put(entry.getKey(), frozenValue(value));
            }
        }
        return copy == null ? map : copy;
    }

    private static Object frozenValue(Object value) {
        if (value instanceof Map<?, ?> nested) {
            Map<Object, Object> copy = new java.util.LinkedHashMap<>();
            // entries with a null value are dropped at every level, as the log stores them (list elements stay)
            nested.forEach((k, v) -> {
                if (v != null) {
                    copy.put(k, frozenValue(v));
                }
            });
            return java.util.Collections.unmodifiableMap(copy);
        }
        if (value instanceof java.util.Collection<?> nested) {
            java.util.List<Object> copy = new java.util.ArrayList<>(nested.size());
            nested.forEach(v -> copy.add(frozenValue(v)));
            return java.util.Collections.unmodifiableList(copy);
        }
        return value;
    }

    private static Map<String, Object> withoutNullValues(Map<String, Object> map) {
        boolean hasNull = false;
        for (Object v : map.values()) {
            if (v == null) {
                hasNull = true;
                break;
            }
        }
        if (!hasNull) {
            return map;
        }
        Map<String, Object> copy = new java.util.LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (v != null) {
                copy.put(k, v);
            }
        });
        return copy;
    }
}
