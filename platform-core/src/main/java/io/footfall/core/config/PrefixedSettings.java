package io.footfall.core.config;

import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * Reads the settings under one prefix (such as {@code footfall.collectors.kafka.}), so that a malformed value fails
 * with an {@link InvalidSetting} naming the property and what was expected, instead of a bare conversion error.
 */
public final class PrefixedSettings {

    private final Config config;
    private final String prefix;

    /** The settings of {@code config} whose names start with {@code prefix} (which ends with a dot). */
    public PrefixedSettings(Config config, String prefix) {
        this.config = config;
        this.prefix = prefix;
    }

    /** A whole number, or {@code fallback} when unset. */
    public int integer(String property, int fallback) {
        Optional<String> raw = config.getOptionalValue(prefix + property, String.class);
        if (raw.isEmpty() || raw.get().isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(raw.get().trim());
        } catch (NumberFormatException e) {
            throw new InvalidSetting(prefix + property, prefix + property + " must be a whole number");
        }
    }

    /**
     * A duration as {@code 500ms}, {@code 2s}, {@code 1m}, a number of seconds, or ISO-8601 ({@code PT2S})
     * ({@link ConfigDurations}), or {@code fallback} when unset.
     */
    public Duration duration(String property, Duration fallback) {
        Optional<String> raw = config.getOptionalValue(prefix + property, String.class);
        if (raw.isEmpty() || raw.get().isBlank()) {
            return fallback;
        }
        try {
            return ConfigDurations.parse(raw.get());
        } catch (IllegalArgumentException e) {
            throw new InvalidSetting(prefix + property, prefix + property + " must be a duration such as 500ms, 2s or 1m");
        }
    }

    /** Fails with an {@link InvalidSetting} for {@code property} (a full name) unless {@code ok}. */
    public static void require(boolean ok, String property, String message) {
        if (!ok) {
            throw new InvalidSetting(property, property + " " + message);
        }
    }
}
