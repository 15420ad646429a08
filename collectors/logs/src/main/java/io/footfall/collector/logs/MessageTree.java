package io.footfall.collector.logs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.footfall.sdk.Json;
import io.footfall.sdk.Message;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A message as the JSON tree that parsing its {@link Message#toJson() JSON text} with a default {@link ObjectMapper}
 * gives, built directly from the message's values: same fields in the same order, same node types (an {@code int}
 * where the text's number fits one, a {@code long} where it fits that, a {@code double} for a fraction), same strings.
 * The server-side import ({@link RowImport}) maps rows inside the server; writing each row's message as text only to
 * parse it again cost more than a third of the import's request-handling CPU (docs/benchmarks.md, 2026-11-30).
 * Values {@link Json} cannot write are refused the same way ({@link IllegalArgumentException}).
 */
public final class MessageTree {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code Json.write}'s nesting limit. */
    private static final int MAX_DEPTH = 32;
    /** The last second {@link Instant#toString()} can write as {@code yyyy-MM-ddTHH:mm:ssZ} (9999-12-31T23:59:59Z). */
    private static final long LAST_FOUR_DIGIT_YEAR_SECOND = 253_402_300_799L;

    private Instant lastInstant;
    private String lastInstantText;

    private MessageTree() {
    }

    /** The tree of {@code message}. */
    public static ObjectNode of(Message message) {
        return (ObjectNode) new MessageTree().node(message.toMap(), 0);
    }

    /** The tree of a value as {@link Json#write(Object)} writes it. */
    static JsonNode ofValue(Object value) {
        return new MessageTree().node(value, 0);
    }

    private JsonNode node(Object value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("value nested more than 32 levels deep");
        }
        if (value == null) {
            return NODES.nullNode();
        } else if (value instanceof CharSequence s) {
            return NODES.textNode(s.toString());
        } else if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        } else if (value instanceof Double d) {
            return number(d);
        } else if (value instanceof Float f) {
            return number(f.doubleValue());
        } else if (value instanceof BigDecimal d) {
            String text = d.toPlainString();
            return text.indexOf('.') < 0 ? integer(new BigInteger(text)) : NODES.numberNode(Double.parseDouble(text));
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return NODES.numberNode(((Number) value).intValue());
        } else if (value instanceof Long l) {
            return integer(l);
        } else if (value instanceof BigInteger b) {
            return integer(b);
        } else if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                object.replace(String.valueOf(e.getKey()), node(e.getValue(), depth + 1));
            }
            return object;
        } else if (value instanceof Iterable<?> items) {
            ArrayNode array = NODES.arrayNode();
            for (Object item : items) {
                array.add(node(item, depth + 1));
            }
            return array;
        } else if (value instanceof Object[] items) {
            return node(List.of(items), depth);
        } else if (value instanceof Instant at) {
            return NODES.textNode(instant(at));
        } else if (value instanceof TemporalAccessor || value instanceof Enum<?> || value instanceof Character
                || value instanceof UUID) {
            return NODES.textNode(value.toString());
        } else if (value instanceof Json.RawJson raw) {
            try {
                return JSON.readTree(raw.json());
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("raw JSON that is not JSON", e);
            }
        }
        throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
    }

    /** As {@code Json} writes a double (a whole number below 10^15 without a fraction) and a parser reads it back. */
    private static JsonNode number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("NaN and infinite numbers have no JSON form");
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return integer((long) d);
        }
        return NODES.numberNode(d);
    }

    /** An integer as a parser reads it: an int where it fits, else a long. */
    private static JsonNode integer(long l) {
        return l == (int) l ? NODES.numberNode((int) l) : NODES.numberNode(l);
    }

    private static JsonNode integer(BigInteger b) {
        return b.bitLength() < 64 ? integer(b.longValue()) : NODES.numberNode(b);
    }

    /**
     * {@link Instant#toString()}, without its formatter for whole seconds in years 1970–9999 (every CSV row's time);
     * a row's {@code timestamp} and {@code originalTimestamp} are the same instant, written once.
     */
    private String instant(Instant at) {
        if (at == lastInstant) {
            return lastInstantText;
        }
        lastInstant = at;
        lastInstantText = isoInstant(at);
        return lastInstantText;
    }

    /** {@link Instant#toString()}. */
    static String isoInstant(Instant at) {
        long seconds = at.getEpochSecond();
        if (at.getNano() != 0 || seconds < 0 || seconds > LAST_FOUR_DIGIT_YEAR_SECOND) {
            return at.toString();
        }
        LocalDate day = LocalDate.ofEpochDay(seconds / 86_400);
        int second = (int) (seconds % 86_400);
        char[] out = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0', '0', ':', '0', '0', ':', '0', '0', 'Z'};
        digits(out, 0, day.getYear(), 4);
        digits(out, 5, day.getMonthValue(), 2);
        digits(out, 8, day.getDayOfMonth(), 2);
        digits(out, 11, second / 3600, 2);
        digits(out, 14, second / 60 % 60, 2);
        digits(out, 17, second % 60, 2);
        return new String(out);
    }

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
