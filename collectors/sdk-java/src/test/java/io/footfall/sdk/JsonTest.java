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
}
