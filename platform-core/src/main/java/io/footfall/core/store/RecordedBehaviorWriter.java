package io.footfall.core.store;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventContext;
import io.footfall.api.event.Order;
import io.footfall.api.event.Product;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * Writes a {@link RecordedBehavior} as the JSON {@link EventJson}'s mapper writes it, byte for byte (same field
 * order, nulls omitted, instants as {@link InstantCodec} text, the sealed bytes in base64), with Jackson's
 * streaming generator instead of its reflective bean serializers: the ingest writer serialised every stored
 * event through them, about 40 % of its time. Property values of types other than the JSON scalars, maps and
 * collections go to the mapper. {@code RecordedBehaviorWriterTest} compares the two on random events.
 */
final class RecordedBehaviorWriter {

    private final JsonFactory factory;
    /** Whether the mapper leaves null map values out (it does with {@code NON_NULL} inclusion in Jackson 2.x). */
    private final boolean mapsSkipNulls;

    RecordedBehaviorWriter(ObjectMapper json) {
        this.factory = json.getFactory();
        try {
            java.util.Map<String, Object> probe = new java.util.HashMap<>();
            probe.put("k", null);
            this.mapsSkipNulls = "{}".equals(json.writeValueAsString(probe));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The stored JSON of one payload. */
    byte[] write(RecordedBehavior recorded) {
        ByteArrayBuilder buffer = new ByteArrayBuilder(2048);
        try (JsonGenerator g = factory.createGenerator(buffer, JsonEncoding.UTF8)) {
            g.writeStartObject();
            if (recorded.event() != null) {
                g.writeFieldName("event");
                event(g, recorded.event());
            }
            SealedPersonalData personal = recorded.personal();
            if (personal != null) {
                g.writeFieldName("personal");
                g.writeStartObject();
                string(g, "subject", personal.subject());
                if (personal.sealed() != null) {
                    g.writeFieldName("sealed");
                    g.writeBinary(personal.sealed());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a recorded behaviour event", e);
        }
        return buffer.toByteArray();
    }

    private void event(JsonGenerator g, BehaviorEvent e) throws IOException {
        g.writeStartObject();
        string(g, "eventId", e.eventId());
        string(g, "messageId", e.messageId());
        if (e.kind() != null) {
            g.writeStringField("kind", e.kind().name());
        }
        string(g, "name", e.name());
        string(g, "userId", e.userId());
        string(g, "anonymousId", e.anonymousId());
        string(g, "previousId", e.previousId());
        string(g, "groupId", e.groupId());
        instant(g, "occurredAt", e.occurredAt());
        instant(g, "receivedAt", e.receivedAt());
        instant(g, "sentAt", e.sentAt());
        instant(g, "originalTimestamp", e.originalTimestamp());
        string(g, "sourceId", e.sourceId());
        if (e.product() != null) {
            g.writeFieldName("product");
            product(g, e.product());
        }
        if (e.order() != null) {
            g.writeFieldName("order");
            order(g, e.order());
        }
        string(g, "searchQuery", e.searchQuery());
        if (e.context() != null) {
            g.writeFieldName("context");
            context(g, e.context());
        }
        map(g, "properties", e.properties());
        map(g, "traits", e.traits());
        g.writeEndObject();
    }

    private void product(JsonGenerator g, Product p) throws IOException {
        g.writeStartObject();
        string(g, "productId", p.productId());
        string(g, "sku", p.sku());
        string(g, "name", p.name());
        string(g, "category", p.category());
        string(g, "brand", p.brand());
        string(g, "variant", p.variant());
        decimal(g, "price", p.price());
        string(g, "currency", p.currency());
        integer(g, "quantity", p.quantity());
        integer(g, "position", p.position());
        string(g, "coupon", p.coupon());
        g.writeEndObject();
    }

    private void order(JsonGenerator g, Order o) throws IOException {
        g.writeStartObject();
        string(g, "orderId", o.orderId());
        decimal(g, "revenue", o.revenue());
        decimal(g, "total", o.total());
        string(g, "currency", o.currency());
        decimal(g, "discount", o.discount());
        decimal(g, "shipping", o.shipping());
        decimal(g, "tax", o.tax());
        string(g, "coupon", o.coupon());
        if (o.products() != null) {
            g.writeArrayFieldStart("products");
            for (Product p : o.products()) {
                if (p == null) {
                    g.writeNull();
                } else {
                    product(g, p);
                }
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private void context(JsonGenerator g, EventContext c) throws IOException {
        g.writeStartObject();
        EventContext.Page page = c.page();
        if (page != null) {
            g.writeObjectFieldStart("page");
            string(g, "url", page.url());
            string(g, "path", page.path());
            string(g, "referrer", page.referrer());
            string(g, "title", page.title());
            string(g, "search", page.search());
            g.writeEndObject();
        }
        string(g, "userAgent", c.userAgent());
        string(g, "ip", c.ip());
        string(g, "ipTruncated", c.ipTruncated());
        string(g, "locale", c.locale());
        string(g, "timezone", c.timezone());
        string(g, "device", c.device());
        string(g, "os", c.os());
        string(g, "library", c.library());
        map(g, "campaign", c.campaign());
        string(g, "sessionId", c.sessionId());
        g.writeEndObject();
    }

    private static void string(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    private static void instant(JsonGenerator g, String field, Instant value) throws IOException {
        if (value != null) {
            g.writeStringField(field, InstantCodec.format(value));
        }
    }

    private static void decimal(JsonGenerator g, String field, BigDecimal value) throws IOException {
        if (value != null) {
            g.writeFieldName(field);
            g.writeNumber(value);
        }
    }

    private static void integer(JsonGenerator g, String field, Integer value) throws IOException {
        if (value != null) {
            g.writeFieldName(field);
            g.writeNumber(value.intValue());
        }
    }

    private void map(JsonGenerator g, String field, Map<String, ?> map) throws IOException {
        if (map != null) {
            g.writeFieldName(field);
            mapValue(g, map);
        }
    }

    private void mapValue(JsonGenerator g, Map<?, ?> map) throws IOException {
        g.writeStartObject();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object value = entry.getValue();
            if (value == null && mapsSkipNulls) {
                continue;
            }
            if (!(entry.getKey() instanceof String key)) {
                // not a JSON-shaped map: let the mapper write it as it always did
                throw new NotJsonShaped();
            }
            g.writeFieldName(key);
            value(g, value);
        }
        g.writeEndObject();
    }

    private void value(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Integer i) {
            g.writeNumber(i.intValue());
        } else if (value instanceof Long l) {
            g.writeNumber(l.longValue());
        } else if (value instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof BigInteger i) {
            g.writeNumber(i);
        } else if (value instanceof Double d) {
            g.writeNumber(d.doubleValue());
        } else if (value instanceof Map<?, ?> m) {
            mapValue(g, m);
        } else if (value instanceof Collection<?> c) {
            g.writeStartArray();
            for (Object item : c) {
                value(g, item);
            }
            g.writeEndArray();
        } else {
            throw new NotJsonShaped();
        }
    }

    /** Thrown when a value is not one the fast path writes; the caller falls back to the mapper. */
    static final class NotJsonShaped extends RuntimeException {
        NotJsonShaped() {
            super(null, null, false, false);
        }
    }
}
