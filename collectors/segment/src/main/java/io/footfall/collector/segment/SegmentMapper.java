package io.footfall.collector.segment;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventKind;
import io.footfall.api.event.Order;
import io.footfall.api.event.Product;
import io.footfall.api.event.StandardEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns one Segment/RudderStack tracking-API message into a canonical {@link BehaviorEvent}, or a
 * {@link SegmentViolation} naming the offending field.
 */
public final class SegmentMapper {

    /** Deepest nesting accepted in properties, traits and context. */
    static final int MAX_DEPTH = 16;
    /** How far in the future (after skew correction) an event may claim to have happened. */
    static final Duration MAX_FUTURE = Duration.ofDays(1);

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final Set<StandardEvent> ORDER_EVENTS = Set.of(StandardEvent.CHECKOUT_STARTED,
            StandardEvent.ORDER_UPDATED, StandardEvent.ORDER_COMPLETED, StandardEvent.ORDER_REFUNDED,
            StandardEvent.ORDER_CANCELLED, StandardEvent.CART_VIEWED, StandardEvent.PAYMENT_INFO_ENTERED);

    private final ObjectMapper json;
    /** Whether the mapper reads JSON floats as {@code BigDecimal} (EventJson does) rather than {@code Double}. */
    private final boolean bigDecimalFloats;

    /** A mapper converting property maps with this JSON mapping. */
    public SegmentMapper(ObjectMapper json) {
        this.json = json;
        this.bigDecimalFloats = json.getDeserializationConfig()
                .isEnabled(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    /**
     * What the collector knows about the request an event came in.
     *
     * @param sourceId    the authenticated source
     * @param receivedAt  when the request arrived
     * @param batchSentAt the batch's {@code sentAt}, if given
     * @param clientIp    the peer's address
     */
    public record Envelope(String sourceId, Instant receivedAt, Instant batchSentAt, String clientIp) {
    }

    /**
     * Maps one message.
     *
     * @param msg         the message object
     * @param impliedKind the call implied by the endpoint, or null when the message's {@code type} decides
     * @param envelope    what the collector knows about the request
     * @return the canonical event
     * @throws SegmentViolation naming the offending field
     */
    public BehaviorEvent map(JsonNode msg, EventKind impliedKind, Envelope envelope) throws SegmentViolation {
        if (!msg.isObject()) {
            throw SegmentViolation.schema("", "an event must be a JSON object");
        }
        EventKind kind = impliedKind;
        JsonNode typeNode = msg.get("type");
        if (typeNode != null && !typeNode.isNull()) {
            String type = Fields.text(typeNode, "type", 20);
            kind = EventKind.fromWireName(type).orElseThrow(() -> new SegmentViolation("type", ViolationReason.UNKNOWN_TYPE,
                    "type must be one of track, page, screen, identify, group, alias"));
            if (impliedKind != null && kind != impliedKind) {
                throw SegmentViolation.schema("type", "type " + type + " sent to the " + impliedKind.wireName() + " endpoint");
            }
        }
        if (kind == null) {
            throw SegmentViolation.schema("type", "type is required");
        }
        String userId = Fields.id(msg.get("userId"), "userId");
        String anonymousId = Fields.id(msg.get("anonymousId"), "anonymousId");
        if (userId == null && anonymousId == null) {
            throw SegmentViolation.schema("userId", "userId or anonymousId is required");
        }
        String messageId = Fields.id(msg.get("messageId"), "messageId");
        if (messageId == null) {
            messageId = UUID.randomUUID().toString();
        }
        Instant timestamp = Fields.instant(msg.get("timestamp"), "timestamp");
        Instant originalTimestamp = Fields.instant(msg.get("originalTimestamp"), "originalTimestamp");
        Instant sentAt = Fields.instant(msg.get("sentAt"), "sentAt");
        if (sentAt == null) {
            sentAt = envelope.batchSentAt();
        }
        Instant occurredAt = occurredAt(timestamp != null ? timestamp : originalTimestamp, sentAt, envelope.receivedAt());
        if (occurredAt.isAfter(envelope.receivedAt().plus(MAX_FUTURE))) {
            throw SegmentViolation.schema(timestamp != null ? "timestamp" : "originalTimestamp",
                    "the event time is more than " + MAX_FUTURE.toHours() + " hours in the future");
        }
        if (occurredAt.isBefore(Fields.EARLIEST)) {
            // the client time was in range, so the clock-skew correction moved it there
            throw SegmentViolation.schema(msg.hasNonNull("sentAt") ? "sentAt" : "batch.sentAt", "the event time corrected for "
                    + "the client's clock (timestamp + receivedAt − sentAt) is before " + Fields.EARLIEST);
        }

        JsonNode properties = Fields.object(msg.get("properties"), "properties");
        // converted where their depth is checked (the same check, in the same order, without a second walk)
        Map<String, Object> propertyMap = toMap(properties, "properties");
        JsonNode context = Fields.object(msg.get("context"), "context");
        Fields.depth(context, "context", MAX_DEPTH);
        JsonNode traits = Fields.object(msg.get("traits"), "traits");
        if (traits == null && context != null) {
            traits = Fields.object(context.get("traits"), "context.traits");
        }
        Map<String, Object> traitMap = toMap(traits, "traits");

        String name = null;
        String previousId = null;
        String groupId = null;
        switch (kind) {
            case TRACK -> {
                name = Fields.text(msg.get("event"), "event", Fields.MAX_NAME);
                if (name == null || name.isBlank()) {
                    throw SegmentViolation.schema("event", "event is required for track");
                }
                name = StandardEvent.fromName(name).map(StandardEvent::eventName).orElse(name);
            }
            case PAGE, SCREEN -> name = Fields.text(msg.get("name"), "name", Fields.MAX_NAME);
            case ALIAS -> {
                previousId = Fields.id(msg.get("previousId"), "previousId");
                if (previousId == null) {
                    throw SegmentViolation.schema("previousId", "previousId is required for alias");
                }
                if (userId == null) {
                    throw SegmentViolation.schema("userId", "userId is required for alias");
                }
            }
            case GROUP -> {
                groupId = Fields.id(msg.get("groupId"), "groupId");
                if (groupId == null) {
                    throw SegmentViolation.schema("groupId", "groupId is required for group");
                }
            }
            case IDENTIFY -> {
                // traits are optional
            }
        }

        StandardEvent standard = kind == EventKind.TRACK ? StandardEvent.fromName(name).orElse(null) : null;
        Product product = null;
        Order order = null;
        String query = null;
        if (standard != null && properties != null) {
            if (ORDER_EVENTS.contains(standard)) {
                order = order(properties);
            } else if (standard == StandardEvent.PRODUCTS_SEARCHED) {
                query = Fields.text(properties.get("query"), "properties.query", Fields.MAX_TEXT);
            } else {
                product = product(properties, "properties");
            }
        }
        return new BehaviorEvent(EventIds.of(envelope.sourceId(), messageId), messageId, kind, name, userId, anonymousId,
                previousId, groupId, occurredAt, envelope.receivedAt(), sentAt, timestamp != null ? timestamp : originalTimestamp,
                envelope.sourceId(), product, order, query, ContextMapper.context(context, envelope.clientIp()),
                propertyMap, traitMap);
    }

    /** Segment's skew correction: the client's time shifted by how far the client's clock is off. */
    public static Instant occurredAt(Instant clientTime, Instant sentAt, Instant receivedAt) {
        if (clientTime == null) {
            return receivedAt;
        }
        if (sentAt == null) {
            return clientTime;
        }
        return clientTime.plus(Duration.between(sentAt, receivedAt));
    }

    private Product product(JsonNode p, String path) throws SegmentViolation {
        String id = Fields.id(first(p, "product_id", "productId", "id"), path + ".product_id");
        return new Product(id,
                Fields.text(p.get("sku"), path + ".sku", Fields.MAX_ID),
                Fields.text(p.get("name"), path + ".name", Fields.MAX_TEXT),
                Fields.text(p.get("category"), path + ".category", Fields.MAX_NAME),
                Fields.text(p.get("brand"), path + ".brand", Fields.MAX_NAME),
                Fields.text(p.get("variant"), path + ".variant", Fields.MAX_NAME),
                Fields.amount(p.get("price"), path + ".price"),
                Fields.text(p.get("currency"), path + ".currency", 8),
                Fields.count(p.get("quantity"), path + ".quantity"),
                Fields.count(p.get("position"), path + ".position"),
                Fields.text(p.get("coupon"), path + ".coupon", Fields.MAX_NAME));
    }

    private Order order(JsonNode p) throws SegmentViolation {
        List<Product> products = new ArrayList<>();
        JsonNode items = p.get("products");
        if (items != null && !items.isNull()) {
            if (!items.isArray()) {
                throw SegmentViolation.schema("properties.products", "properties.products must be an array");
            }
            for (int i = 0; i < items.size(); i++) {
                String path = "properties.products[" + i + "]";
                if (!items.get(i).isObject()) {
                    throw SegmentViolation.schema(path, path + " must be an object");
                }
                products.add(product(items.get(i), path));
            }
        }
        return new Order(
                Fields.id(first(p, "order_id", "orderId", "checkout_id"), "properties.order_id"),
                Fields.amount(p.get("revenue"), "properties.revenue"),
                Fields.amount(p.get("total"), "properties.total"),
                Fields.text(p.get("currency"), "properties.currency", 8),
                Fields.amount(p.get("discount"), "properties.discount"),
                Fields.amount(p.get("shipping"), "properties.shipping"),
                Fields.amount(p.get("tax"), "properties.tax"),
                Fields.text(p.get("coupon"), "properties.coupon", Fields.MAX_NAME),
                products);
    }

    private static JsonNode first(JsonNode node, String... names) {
        for (String name : names) {
            JsonNode value = node.get(name);
            if (value != null && !value.isNull()) {
                return value;
            }
        }
        return null;
    }

    /** The object as a map, as {@link #toMap(JsonNode, String)} gives it, without a depth limit. */
    Map<String, Object> toMap(JsonNode node) {
        try {
            return toMap(node, null);
        } catch (SegmentViolation e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The object as a map, failing like {@link Fields#depth} when it nests deeper than {@link #MAX_DEPTH}
     * ({@code field} names it; null checks no depth).
     */
    Map<String, Object> toMap(JsonNode node, String field) throws SegmentViolation {
        if (node == null) {
            return Map.of();
        }
        if (node.isObject()) {
            return objectValue(node, 1, field);
        }
        if (field != null) {
            Fields.depth(node, field, MAX_DEPTH);
        }
        Map<String, Object> map = json.convertValue(node, MAP);
        return map == null ? Map.of() : new LinkedHashMap<>(map);
    }

    /**
     * The Java value of a parsed tree, as {@code json.convertValue(node, Object.class)} gives it (maps in field
     * order, lists, strings, booleans, {@code Integer}/{@code Long}/{@code BigInteger}, and floats as
     * {@code BigDecimal} or {@code Double} as the mapper's {@code USE_BIG_DECIMAL_FOR_FLOATS} says), without the
     * round through a token buffer that the conversion made for every event. Node types a parser never produces
     * still go through {@code convertValue}. {@code level} is the nesting level of a container node (the
     * top object is 1), checked against {@link #MAX_DEPTH} when {@code field} is not null.
     */
    private Object value(JsonNode node, int level, String field) throws SegmentViolation {
        switch (node.getNodeType()) {
            case OBJECT:
                return objectValue(node, level, field);
            case ARRAY: {
                tooDeep(level, field);
                List<Object> list = new ArrayList<>(node.size());
                for (JsonNode item : node) {
                    list.add(value(item, level + 1, field));
                }
                return list;
            }
            case STRING:
                if (field != null && !Fields.storable(node.textValue())) {
                    throw Fields.nul(field);
                }
                return node.textValue();
            case BOOLEAN:
                return node.booleanValue();
            case NULL:
                return null;
            case NUMBER:
                if (node instanceof com.fasterxml.jackson.databind.node.IntNode
                        || node instanceof com.fasterxml.jackson.databind.node.LongNode
                        || node instanceof com.fasterxml.jackson.databind.node.BigIntegerNode
                        || node instanceof com.fasterxml.jackson.databind.node.DecimalNode) {
                    return node.numberValue();
                }
                if (field != null && node instanceof com.fasterxml.jackson.databind.node.DoubleNode && !Double.isFinite(node.doubleValue())) {
                    throw SegmentViolation.schema(field, field + " holds a number out of range (" + node.asText() + ")");
                }
                if (node instanceof com.fasterxml.jackson.databind.node.DoubleNode && Double.isFinite(node.doubleValue())) {
                    return bigDecimalFloats ? java.math.BigDecimal.valueOf(node.doubleValue()) : (Object) node.doubleValue();
                }
                return json.convertValue(node, Object.class);
            default:
                return json.convertValue(node, Object.class);
        }
    }

    private Map<String, Object> objectValue(JsonNode node, int level, String field) throws SegmentViolation {
        tooDeep(level, field);
        Map<String, Object> map = new LinkedHashMap<>(Math.max(4, node.size() * 4 / 3 + 1));
        var fields = node.fields();
        while (fields.hasNext()) {
            var entry = fields.next();
            try {
                if (field != null && !Fields.storable(entry.getKey())) {
                    throw Fields.nul(field);
                }
                map.put(entry.getKey(), value(entry.getValue(), level + 1, field));
            } catch (SegmentViolation v) {
                // the path to a bad value (a NUL, a lone surrogate, an infinite number), built on the way out: a rare
                // failure, so the common path builds nothing; a depth violation names the top field only
                if (v.reason() != ViolationReason.SCHEMA_VIOLATION || !v.field().startsWith(field) || !v.getMessage().startsWith(v.field())
                        || v.getMessage().contains("nests deeper")) {
                    throw v;
                }
                String path = field + "." + Fields.printable(entry.getKey()) + v.field().substring(field.length());
                throw SegmentViolation.schema(path, path + v.getMessage().substring(v.field().length()));
            }
        }
        return map;
    }

    private static void tooDeep(int level, String field) throws SegmentViolation {
        if (field != null && level > MAX_DEPTH) {
            throw SegmentViolation.schema(field, field + " nests deeper than " + MAX_DEPTH + " levels");
        }
    }
}
