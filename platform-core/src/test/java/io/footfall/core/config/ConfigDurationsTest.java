package io.footfall.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigDurationsTest {

    @Test
    void readsIsoAndUnitForms() {
        assertEquals(Duration.ofSeconds(2), ConfigDurations.parse("PT2S"));
        assertEquals(Duration.ofDays(1), ConfigDurations.parse("p1d"));
        assertEquals(Duration.ofMillis(500), ConfigDurations.parse(" 500ms "));
        assertEquals(Duration.ofSeconds(2), ConfigDurations.parse("2s"));
        assertEquals(Duration.ofMinutes(1), ConfigDurations.parse("1M"));
        assertEquals(Duration.ofHours(3), ConfigDurations.parse("3h"));
        assertEquals(Duration.ofSeconds(7), ConfigDurations.parse("7"));
    }

    @Test
    void refusesOtherText() {
        for (String bad : new String[] {"soon", "2 weeks", "ms", "P", "1.5s"}) {
            assertThrows(IllegalArgumentException.class, () -> ConfigDurations.parse(bad), bad);
        }
    }
}
