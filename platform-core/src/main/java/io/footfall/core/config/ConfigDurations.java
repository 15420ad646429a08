package io.footfall.core.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as operators write them in settings: ISO-8601 ({@code PT2S}, {@code P1D}) or a number with a unit
 * ({@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}); a bare number is seconds.
 */
public final class ConfigDurations {

    private ConfigDurations() {
    }

    /**
     * Parses a duration setting.
     *
     * @throws IllegalArgumentException when it is none of the accepted forms
     */
    public static Duration parse(String raw) {
        String v = raw.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            }
            if (v.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1).trim()));
            }
            if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1).trim()));
            }
            if (v.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1).trim()));
            }
            return Duration.ofSeconds(Long.parseLong(v));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a duration: " + raw, e);
        }
    }
}
