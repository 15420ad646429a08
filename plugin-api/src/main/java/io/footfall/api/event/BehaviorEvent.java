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
 *                          keys that {@link #isPersonalKey} names are personal data
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

    /** {@link #PERSONAL_TRAITS} and other common personal keys, lower case, without separators. */
    private static final Set<String> PERSONAL_KEYS = Set.of(
            "email", "emailaddress", "name", "firstname", "lastname", "fullname", "middlename", "phone", "phonenumber",
            "mobile", "mobilephone", "mobilenumber", "telephone", "address", "streetaddress", "street", "shippingaddress",
            "billingaddress", "homeaddress", "birthday", "birthdate", "dateofbirth", "dob", "username", "avatar", "ssn",
            "ipaddress");

    /**
     * Whether a trait or property key holds personal data: a key of {@link #PERSONAL_TRAITS} or another common
     * personal key (mobile, street, shipping address, date of birth, …), in any case and with or without {@code _},
     * {@code -}, {@code .} or spaces ({@code Email}, {@code phone_number}, {@code full-name}). Values under such keys
     * are stored sealed with the person's key, are removed from events for plugins that declare no personal-data
     * purpose, and become unreadable when the person is erased.
     *
     * @since 1.11
     */
    public static boolean isPersonalKey(String key) {
        if (key == null) {
            return false;
        }
        StringBuilder normal = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c != '_' && c != '-' && c != '.' && c != ' ') {
                normal.append(Character.toLowerCase(c));
            }
        }
        return PERSONAL_KEYS.contains(normal.toString());
    }

    /** Checks the invariants and makes unmodifiable copies of the maps, nested values included. */
    public BehaviorEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(occurredAt, "occurredAt");
        if (isBlank(userId) && isBlank(anonymousId)) {
            throw new IllegalArgumentException("userId or anonymousId is required");
        }
        context = context == null ? EventContext.empty() : context;
        properties = frozenTop(properties);
        traits = frozenTop(traits);
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

    /**
     * This event with other properties, traits and context (the personal parts split off or joined again).
     *
     * @since 1.11
     */
    public BehaviorEvent withPersonalParts(Map<String, Object> newProperties, Map<String, Object> newTraits, EventContext newContext) {
        return new BehaviorEvent(eventId, messageId, kind, name, userId, anonymousId, previousId, groupId,
                occurredAt, receivedAt, sentAt, originalTimestamp, sourceId, product, order, searchQuery,
                newContext, newProperties, newTraits);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /**
     * The map as an unmodifiable copy in the same order, without null values, with nested maps and lists frozen too:
     * an event is shared by every processor and plugin that reads it, so no reader may change what another sees. A
     * map frozen before (another event's, when personal data is split off or put back) is taken as it is.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<String, Object> frozenTop(Map<String, Object> map) {
        if (map == null || map.isEmpty()) {
            return (Map) FrozenMap.EMPTY;
        }
        if (((Object) map) instanceof FrozenMap) {
            return map;
        }
        return (Map) frozenValue(map);
    }

    private static Object frozenValue(Object value) {
        if (value instanceof FrozenMap || value instanceof FrozenList) {
            return value;
        }
        if (value instanceof Map<?, ?> nested) {
            Map<Object, Object> copy = new java.util.LinkedHashMap<>();
            // entries with a null value are dropped at every level, as the log stores them (list elements stay)
            nested.forEach((k, v) -> {
                if (v != null) {
                    copy.put(k, frozenValue(v));
                }
            });
            return new FrozenMap(copy);
        }
        if (value instanceof java.util.Collection<?> nested) {
            java.util.List<Object> copy = new java.util.ArrayList<>(nested.size());
            nested.forEach(v -> copy.add(frozenValue(v)));
            return new FrozenList(copy);
        }
        return value;
    }

    /**
     * A nested map of an event: unmodifiable, in insertion order, and recognisable, so that an event built from another
     * event's maps (personal data split off, opened again) does not copy them again.
     */
    private static final class FrozenMap extends java.util.AbstractMap<Object, Object> {
        static final FrozenMap EMPTY = new FrozenMap(new java.util.LinkedHashMap<>());
        private final Map<Object, Object> entries;
        private final java.util.Set<Map.Entry<Object, Object>> view;

        FrozenMap(Map<Object, Object> owned) {
            this.entries = owned;
            this.view = java.util.Collections.unmodifiableMap(owned).entrySet();
        }

        @Override
        public java.util.Set<Map.Entry<Object, Object>> entrySet() {
            return view;
        }

        @Override
        public Object get(Object key) {
            return entries.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return entries.containsKey(key);
        }

        @Override
        public int size() {
            return entries.size();
        }
    }

    /** A nested list of an event: unmodifiable and recognisable (see {@link FrozenMap}). */
    private static final class FrozenList extends java.util.AbstractList<Object> implements java.util.RandomAccess {
        private final java.util.List<Object> items;

        FrozenList(java.util.List<Object> owned) {
            this.items = owned;
        }

        @Override
        public Object get(int index) {
            return items.get(index);
        }

        @Override
        public int size() {
            return items.size();
        }
    }

}
