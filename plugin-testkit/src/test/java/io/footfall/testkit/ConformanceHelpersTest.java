package io.footfall.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.config.ConfigProperty;
import io.footfall.api.config.ConfigType;
import io.footfall.api.result.Result;
import io.footfall.api.result.UserScore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConformanceHelpersTest {

    @Test
    void valuesJustOutsideABound() {
        assertEquals("0", PluginConformanceTest.outside(ConfigProperty.bounded("n", ConfigType.INT, "1", "1", "9", ""), "1", -1));
        assertEquals("9223372036854775808", PluginConformanceTest.outside(
                ConfigProperty.bounded("n", ConfigType.LONG, "1", "1", "9223372036854775807", ""), "9223372036854775807", 1));
        assertEquals("PT23H59M59.999999999S", PluginConformanceTest.outside(
                ConfigProperty.bounded("d", ConfigType.DURATION, "P1D", "P1D", "P2D", ""), "P1D", -1));
        assertEquals(Double.toString(Math.nextUp(1.0)), PluginConformanceTest.outside(
                ConfigProperty.bounded("x", ConfigType.DOUBLE, "0.5", "0", "1", ""), "1", 1));
    }

    @Test
    void aDifferenceNamesMissingNewAndChangedResults() {
        UserScore a = new UserScore("u1", "s", 1, null, List.of());
        UserScore a2 = new UserScore("u1", "s", 2, null, List.of());
        UserScore b = new UserScore("u2", "s", 1, null, List.of());
        UserScore c = new UserScore("u3", "s", 1, null, List.of());
        Map<ResultKey, Result> before = Map.of(ResultKey.of(a), a, ResultKey.of(b), b);
        Map<ResultKey, Result> after = Map.of(ResultKey.of(a2), a2, ResultKey.of(c), c);
        String d = PluginConformanceTest.difference(before, after);
        assertTrue(d.contains("1 missing") && d.contains("s:u2") && d.contains("1 new") && d.contains("1 changed"), d);
    }
}
