package io.footfall.api.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** A definition error (bounds, defaults, choices) is a programming error caught when the property is built. */
class ConfigPropertyTest {

    private static void refused(Executable build, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
    }

    @Test
    void aDefaultOutsideItsBoundsIsRefused() {
        refused(() -> ConfigProperty.bounded("top-n", ConfigType.INT, "0", "1", "100", "d"), "top-n", "default 0", "outside its bounds [1, 100]");
        refused(() -> ConfigProperty.bounded("top-n", ConfigType.INT, "101", "1", "100", "d"), "top-n", "outside");
        refused(() -> ConfigProperty.bounded("rate", ConfigType.DOUBLE, "1.5", null, "1.0", "d"), "rate", "outside its bounds [, 1.0]");
        refused(() -> ConfigProperty.bounded("every", ConfigType.DURATION, "PT1M", "PT1H", "P1D", "d"), "every", "outside");
    }

    @Test
    void boundsAndDefaultsMustParseAndBeOrdered() {
        refused(() -> ConfigProperty.bounded("n", ConfigType.INT, "ten", "1", "100", "d"), "n", "default 'ten'", "whole number");
        refused(() -> ConfigProperty.bounded("n", ConfigType.LONG, "5", "one", "100", "d"), "min 'one'");
        refused(() -> ConfigProperty.bounded("n", ConfigType.INT, "5", "10", "1", "d"), "min 10 is above max 1");
        refused(() -> ConfigProperty.bounded("every", ConfigType.DURATION, "PT1M", "1 minute", null, "d"), "min '1 minute'");
        refused(() -> ConfigProperty.of("flag", ConfigType.BOOLEAN, "yes", "d"), "flag", "true or false");
    }

    @Test
    void boundsOnlyApplyToNumbersAndDurations() {
        refused(() -> ConfigProperty.bounded("name", ConfigType.STRING, "a", "a", "z", "d"), "name", "bounds apply to");
        refused(() -> new ConfigProperty("mode", ConfigType.ENUM, "a", "a", null, List.of("a", "b"), "d"), "bounds apply to");
    }

    @Test
    void anEnumDefaultMustBeAChoice() {
        refused(() -> ConfigProperty.choice("mode", "fast", List.of("ok", "slow"), "d"), "mode", "default 'fast'", "one of [ok, slow]");
    }

    @Test
    void validDefinitionsAreAccepted() {
        assertDoesNotThrow(() -> ConfigProperty.bounded("top-n", ConfigType.INT, "1", "1", "100", "inclusive bounds"));
        assertDoesNotThrow(() -> ConfigProperty.bounded("top-n", ConfigType.INT, null, "1", "100", "required, bounded"));
        assertDoesNotThrow(() -> ConfigProperty.bounded("half-life", ConfigType.DURATION, "P14D", "P1D", "P365D", "d"));
        assertDoesNotThrow(() -> ConfigProperty.bounded("w", ConfigType.DOUBLE, " 0.5 ", "0", null, "trimmed like values"));
        assertDoesNotThrow(() -> ConfigProperty.of("tags", ConfigType.LIST, "", "d"));
        assertDoesNotThrow(() -> ConfigProperty.choice("mode", "ok", List.of("ok", "slow"), "d"));
        assertDoesNotThrow(() -> ConfigProperty.of("url", ConfigType.STRING, null, "required"));
    }
}
