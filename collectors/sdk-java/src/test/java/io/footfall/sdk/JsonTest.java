package io.footfall.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesAndReadsBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\n\u0001é");
        m.put("n", 12L);
        m.put("d", 1.5);
        m.put("whole", 3.0);
        m.put("big", new BigDecimal("59.90"));
        m.put("t", Instant.parse("2026-01-01T00:00:00Z"));
        m.put("l", List.of(true, false));
        m.put("nil", null);
        String json = Json.write(m);
        assertEquals("{\"s\":\"a\\\"b\\\\c\\n\\u0001é\",\"n\":12,\"d\":1.5,\"whole\":3,\"big\":59.90,\"t\":\"2026-01-01T00:00:00Z\",\"l\":[true,false],\"nil\":null}", json);
        Map<?, ?> back = (Map<?, ?>) Json.parse(json);
        assertEquals("a\"b\\c\n\u0001é", back.get("s"));
        assertEquals(12L, back.get("n"));
        assertEquals(59.9, back.get("big"));
        assertEquals(List.of(true, false), back.get("l"));
    }

    @Test
    void refusesWhatJsonCannotSay() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1] x"));
    }

    @org.junit.jupiter.api.Test
    void quotingEscapesExactlyTheCharactersJsonAndJavaScriptNeedEscaped() {
        java.util.Random random = new java.util.Random(3);
        char[] alphabet = {'a', 'Z', '0', ' ', '"', '\\', '\n', '\r', '\t', '\u0000', '\u001f', '\u007f', 'é', '\u2028', '\u2029', '€',
            '\ud83d', '\ude00'};
        for (int n = 0; n < 5000; n++) {
            StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(12); k > 0; k--) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            StringBuilder expected = new StringBuilder("\"");
            for (char c : text.toString().toCharArray()) {
                switch (c) {
                    case '"' -> expected.append("\\\"");
                    case '\\' -> expected.append("\\\\");
                    case '\n' -> expected.append("\\n");
                    case '\r' -> expected.append("\\r");
                    case '\t' -> expected.append("\\t");
                    default -> expected.append(c < 0x20 || c == '\u2028' || c == '\u2029' ? String.format("\\u%04x", (int) c) : String.valueOf(c));
                }
            }
            expected.append('"');
            StringBuilder got = new StringBuilder();
            Json.quote(text, got);
            org.junit.jupiter.api.Assertions.assertEquals(expected.toString(), got.toString());
        }
    }
}
