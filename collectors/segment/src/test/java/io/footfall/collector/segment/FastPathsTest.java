package io.footfall.collector.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written hot paths give exactly what the library calls they replace gave. */
class FastPathsTest {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    @Test
    void eventIdsEqualJdkNameBasedUuids() {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            String source = randomText(random, 1 + random.nextInt(20));
            String message = randomText(random, random.nextInt(60));
            assertEquals(EventIds.reference(source, message), EventIds.of(source, message), source + " / " + message);
        }
        assertEquals(EventIds.reference("src_1", "m1"), EventIds.of("src_1", "m1"));
    }

    @Test
    void remembersDevicesWithoutMixingUpUserAgents() {
        Map<String, String> expected = Map.of(
                "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)", "tablet",
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36", "mobile",
                "Googlebot/2.1 (+http://www.google.com/bot.html)", "bot",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0 Safari/537.36", "desktop");
        Random random = new Random(5);
        for (int i = 0; i < 50_000; i++) {
            // thousands of distinct agents share the 1,024 slots: each answer must still be the agent's own
            String agent = switch (random.nextInt(4)) {
                case 0 -> "Mozilla/5.0 (iPad; build " + random.nextInt(5_000) + ")";
                case 1 -> "Mozilla/5.0 (iPhone; build " + random.nextInt(5_000) + ")";
                case 2 -> "crawler " + random.nextInt(5_000);
                default -> "Mozilla/5.0 (X11; Linux x86_64) build " + random.nextInt(5_000);
            };
            String device = agent.contains("iPad") ? "tablet" : agent.contains("iPhone") ? "mobile"
                    : agent.startsWith("crawler") ? "bot" : "desktop";
            assertEquals(device, ContextMapper.deviceFromUserAgent(agent), agent);
            assertEquals(device, ContextMapper.deviceFromUserAgent(new String(agent)), agent);
        }
        expected.forEach((agent, device) -> assertEquals(device, ContextMapper.deviceFromUserAgent(agent), agent));
        assertEquals(null, ContextMapper.deviceFromUserAgent(null));
    }

    @Test
    void wireNamesParseAsBefore() {
        for (io.footfall.api.event.EventKind kind : io.footfall.api.event.EventKind.values()) {
            String name = kind.name().toLowerCase(java.util.Locale.ROOT);
            assertEquals(name, kind.wireName());
            assertEquals(java.util.Optional.of(kind), io.footfall.api.event.EventKind.fromWireName(" " + kind.name() + " "));
        }
        assertEquals(java.util.Optional.empty(), io.footfall.api.event.EventKind.fromWireName("trak"));
        assertEquals(java.util.Optional.empty(), io.footfall.api.event.EventKind.fromWireName(null));
    }

    @Test
    void treeToMapEqualsJacksonConversionForBothFloatSettings() throws Exception {
        ObjectMapper parser = new ObjectMapper();
        for (boolean bigDecimals : new boolean[] {true, false}) {
            ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, bigDecimals);
            SegmentMapper mapper = new SegmentMapper(json);
            Random random = new Random(11);
            for (int i = 0; i < 3_000; i++) {
                String text = randomObject(random, 0);
                JsonNode tree = parser.readTree(text);
                Map<String, Object> expected = json.convertValue(tree, MAP);
                Map<String, Object> actual = mapper.toMap(tree);
                assertEquals(expected, actual, text);
                assertEquals(String.valueOf(expected), String.valueOf(actual), "same types and order: " + text);
                assertEquals(types(expected), types(actual), text);
            }
            // the numbers a storefront sends, at their edges
            String edges = "{\"a\":19.99,\"b\":1e400,\"c\":-0.0,\"d\":12345678901234567890123,\"e\":2147483648,"
                    + "\"f\":0.1000,\"g\":1E-7,\"h\":[1,2.50,null,true,\"x\",{\"k\":[]}],\"i\":9007199254740993.5}";
            JsonNode tree = parser.readTree(edges);
            assertEquals(String.valueOf(json.convertValue(tree, MAP)), String.valueOf(mapper.toMap(tree)));
            assertEquals(types(json.convertValue(tree, MAP)), types(mapper.toMap(tree)));
        }
    }

    @Test
    void depthLimitIsCheckedWhileConvertingAsTheTreeWalkChecksIt() throws Exception {
        ObjectMapper parser = new ObjectMapper();
        SegmentMapper mapper = new SegmentMapper(new ObjectMapper());
        for (String field : new String[] {"properties", "traits"}) {
            for (int depth = 1; depth <= 20; depth++) {
                for (boolean arrays : new boolean[] {false, true}) {
                    String nested = nested(1, depth, arrays);
                    JsonNode tree = parser.readTree(nested);
                    String expected = null;
                    try {
                        Fields.depth(tree, field, SegmentMapper.MAX_DEPTH);
                    } catch (SegmentViolation v) {
                        expected = v.field() + ": " + v.getMessage();
                    }
                    String actual = null;
                    try {
                        mapper.toMap(tree, field);
                    } catch (SegmentViolation v) {
                        actual = v.field() + ": " + v.getMessage();
                    }
                    assertEquals(expected, actual, nested);
                    assertEquals(depth > SegmentMapper.MAX_DEPTH, actual != null, nested);
                    String message = "{\"type\":\"identify\",\"userId\":\"u\",\"" + field + "\":" + nested + "}";
                    String mapped = null;
                    try {
                        mapper.map(parser.readTree(message), null, new SegmentMapper.Envelope("s", java.time.Instant.now(), null, null));
                    } catch (SegmentViolation v) {
                        mapped = v.field() + ": " + v.getMessage();
                    }
                    assertEquals(expected, mapped, message);
                }
            }
        }
    }

    /** A container nested {@code depth} levels (the top object is level 1); every second level an array when asked. */
    private static String nested(int level, int depth, boolean arrays) {
        String inner = level == depth ? "" : nested(level + 1, depth, arrays);
        if (level > 1 && arrays && level % 2 == 0) {
            return "[1" + (inner.isEmpty() ? "" : "," + inner) + "]";
        }
        return "{\"a\":1" + (inner.isEmpty() ? "" : ",\"n\":" + inner) + "}";
    }

    private static String types(Object value) {
        if (value instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder(m.getClass().getSimpleName()).append('{');
            m.forEach((k, v) -> b.append(k).append('=').append(types(v)).append(','));
            return b.append('}').toString();
        }
        if (value instanceof java.util.List<?> l) {
            StringBuilder b = new StringBuilder("[");
            l.forEach(v -> b.append(types(v)).append(','));
            return b.append(']').toString();
        }
        return value == null ? "null" : value.getClass().getSimpleName() + ":" + value;
    }

    private static String randomObject(Random random, int depth) {
        StringBuilder b = new StringBuilder("{");
        int n = random.nextInt(depth == 0 ? 8 : 4);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append('"').append("k").append(i).append(random.nextInt(3)).append("\":").append(randomValue(random, depth + 1));
        }
        return b.append('}').toString();
    }

    private static String randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 4 ? 8 : 10);
        return switch (kind) {
            case 0 -> "null";
            case 1 -> random.nextBoolean() ? "true" : "false";
            case 2 -> Integer.toString(random.nextInt());
            case 3 -> Long.toString(random.nextLong());
            case 4 -> random.nextInt(100) + "." + random.nextInt(1000);
            case 5 -> Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            case 6 -> "123456789012345678901234567890" + random.nextInt(10);
            case 7 -> "\"" + randomText(random, random.nextInt(12)).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case 8 -> {
                StringBuilder b = new StringBuilder("[");
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    b.append(i > 0 ? "," : "").append(randomValue(random, depth + 1));
                }
                yield b.append(']').toString();
            }
            default -> randomObject(random, depth);
        };
    }

    private static String randomText(Random random, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int pick = random.nextInt(10);
            b.append(pick < 7 ? (char) ('a' + random.nextInt(26)) : pick < 9 ? (char) (0xe0 + random.nextInt(30))
                    : Character.toChars(0x1F600 + random.nextInt(40))[0]);
        }
        return b.toString();
    }
}
