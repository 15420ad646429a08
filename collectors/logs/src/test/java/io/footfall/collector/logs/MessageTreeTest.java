package io.footfall.collector.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.sdk.Identity;
import io.footfall.sdk.Json;
import io.footfall.sdk.Message;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link MessageTree} gives the tree that parsing the message's JSON text gives: same node types (compared with
 * {@code equals}, which tells an int node from a long or double node), same field order (compared as text).
 */
class MessageTreeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static void assertSameTree(Object value) throws Exception {
        JsonNode parsed = JSON.readTree(Json.write(value));
        JsonNode built = MessageTree.ofValue(value);
        assertEquals(parsed, built, Json.write(value));
        assertEquals(parsed.toString(), built.toString(), "field order");
    }

    @Test
    void everyValueTheSdkWritesBecomesTheNodeItsTextParsesTo() throws Exception {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("z", "last letter first");
        all.put("text", "quote \" backslash \\ newline \n tab \t control \u0001 line separator \u2028 é 😀");
        all.put("null", null);
        all.put("true", true);
        all.put("false", Boolean.FALSE);
        all.put("int", 42);
        all.put("short", (short) -7);
        all.put("byte", (byte) 3);
        all.put("long small", 5L);
        all.put("long int max", (long) Integer.MAX_VALUE);
        all.put("long int min", (long) Integer.MIN_VALUE);
        all.put("long large", Integer.MAX_VALUE + 1L);
        all.put("long negative", Integer.MIN_VALUE - 1L);
        all.put("long max", Long.MAX_VALUE);
        all.put("double whole", 3.0);
        all.put("double negative zero", -0.0);
        all.put("double fraction", 0.1);
        all.put("double huge whole", 1e15);
        all.put("double large whole", 123456789012.0);
        all.put("double tiny", 1.5e-12);
        all.put("float", 2.5f);
        all.put("decimal", new BigDecimal("4.50"));
        all.put("decimal whole", new BigDecimal("10"));
        all.put("decimal exponent", new BigDecimal("1E+3"));
        all.put("decimal long", new BigDecimal("12345678901"));
        all.put("decimal negative", new BigDecimal("-0.5"));
        all.put("decimal huge", new BigDecimal("123456789012345678901234567890"));
        all.put("big integer", new BigInteger("7"));
        all.put("big integer long", BigInteger.valueOf(Long.MIN_VALUE));
        all.put("big integer huge", new BigInteger("-98765432109876543210"));
        all.put("instant", Instant.ofEpochSecond(1_511_539_200L));
        all.put("instant millis", Instant.ofEpochMilli(1_511_539_200_123L));
        all.put("instant old", Instant.ofEpochSecond(-86_400L * 400));
        all.put("date", LocalDate.of(2017, 11, 25));
        all.put("enum", java.time.DayOfWeek.MONDAY);
        all.put("char", 'x');
        all.put("uuid", UUID.nameUUIDFromBytes(new byte[] {1}));
        all.put("raw", new Json.RawJson("{\"a\":[1,2.5,\"b\"]}"));
        all.put("list", List.of(1, "two", List.of(3L), Map.of("four", 4.0)));
        all.put("array", new Object[] {1, "x"});
        all.put("empty", Map.of());
        all.put("z", "moved? no: a key set again keeps its place");
        assertSameTree(all);
    }

    @Test
    void theRowFormatsMessagesBecomeTheirParsedText() throws Exception {
        Instant at = Instant.ofEpochSecond(1_511_539_200L);
        List<Message> messages = new ArrayList<>();
        List<RowFormat.Out> out = new ArrayList<>();
        RowFormat.Emitter emitter = new RowFormat.Emitter() {
            @Override
            public void emit(RowFormat.Out event) {
                out.add(event);
            }

            @Override
            public void bad(long line, String reason) {
                throw new AssertionError(line + ": " + reason);
            }
        };
        RowFormat userBehavior = LogsMain.format("userbehavior", "t", ZoneOffset.UTC);
        for (String behavior : new String[] {"pv", "cart", "fav", "buy"}) {
            RowFormat.line(userBehavior, "1,2,3," + behavior + ",1511539200", 2, emitter);
        }
        RowFormat movieLens = LogsMain.format("movielens", "t", ZoneOffset.UTC);
        for (String rating : new String[] {"4.5", "4", "4.50", "0.0000001", "10"}) {
            RowFormat.line(movieLens, "7,99," + rating + ",964982703", 2, emitter);
        }
        out.forEach(o -> messages.add(o.message()));
        messages.add(Events.page(Identity.anonymous("a"), "Home", at, "id"));
        assertEquals(10, messages.size());
        for (Message m : messages) {
            JsonNode parsed = JSON.readTree(m.toJson());
            JsonNode built = MessageTree.of(m);
            assertEquals(parsed, built, m.toJson());
            assertEquals(parsed.toString(), built.toString(), "field order");
        }
    }

    @Test
    void instantsAreWrittenAsInstantToStringWritesThem() {
        Random random = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            long seconds = switch (i % 4) {
                case 0 -> random.nextLong(253_402_300_800L);
                case 1 -> 1_500_000_000L + random.nextInt(100_000_000);
                case 2 -> random.nextLong(-62_000_000_000L, 300_000_000_000L);
                default -> (random.nextInt(10_000) * 365L + random.nextInt(400)) * 86_400L + random.nextInt(3) - 1;
            };
            Instant at = i % 10 == 0 ? Instant.ofEpochSecond(seconds, random.nextInt(1_000_000_000)) : Instant.ofEpochSecond(seconds);
            assertEquals(at.toString(), MessageTree.isoInstant(at));
        }
        for (Instant edge : new Instant[] {Instant.EPOCH, Instant.ofEpochSecond(253_402_300_799L), Instant.ofEpochSecond(253_402_300_800L),
            Instant.ofEpochSecond(-1), Instant.MIN, Instant.MAX}) {
            assertEquals(edge.toString(), MessageTree.isoInstant(edge));
        }
    }

    @Test
    void valuesJsonCannotWriteAreRefusedAlike() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> MessageTree.ofValue(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> MessageTree.ofValue(Float.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> MessageTree.ofValue(new Object()));
        Object deep = "x";
        for (int i = 0; i < 40; i++) {
            deep = List.of(deep);
        }
        Object tooDeep = deep;
        assertThrows(IllegalArgumentException.class, () -> Json.write(tooDeep));
        assertThrows(IllegalArgumentException.class, () -> MessageTree.ofValue(tooDeep));
    }
}
