package io.footfall.api.config;

import java.util.List;
import java.util.Objects;

/**
 * One setting of a plugin: enough for the host to validate a value and for the admin UI to render
 * a form field.
 *
 * @param name          key, e.g. {@code top-n}: lower case letters, digits, dots and dashes
 * @param type          value type
 * @param defaultValue  text form of the default, or null when the property is required
 * @param min           inclusive lower bound for numbers and durations (text form), or null
 * @param max           inclusive upper bound for numbers and durations (text form), or null
 * @param allowedValues the choices of an {@link ConfigType#ENUM}; empty otherwise
 * @param description   one sentence for operators
 * @since 0.1
 */
public record ConfigProperty(String name, ConfigType type, String defaultValue, String min, String max,
                             List<String> allowedValues, String description) {

    /** Checks the name and copies the choices. */
    public ConfigProperty {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (!name.matches("[a-z][a-z0-9.-]{0,62}")) {
            throw new IllegalArgumentException("config property name must match [a-z][a-z0-9.-]{0,62}: " + name);
        }
        allowedValues = allowedValues == null ? List.of() : List.copyOf(allowedValues);
        if (type == ConfigType.ENUM && allowedValues.isEmpty()) {
            throw new IllegalArgumentException("ENUM property " + name + " needs allowed values");
        }
        description = description == null ? "" : description;
    }

    /** A property with a default and no bounds. */
    public static ConfigProperty of(String name, ConfigType type, String defaultValue, String description) {
        return new ConfigProperty(name, type, defaultValue, null, null, List.of(), description);
    }

    /** A numeric or duration property with inclusive bounds. */
    public static ConfigProperty bounded(String name, ConfigType type, String defaultValue, String min, String max, String description) {
        return new ConfigProperty(name, type, defaultValue, min, max, List.of(), description);
    }

    /** An enumerated property. */
    public static ConfigProperty choice(String name, String defaultValue, List<String> choices, String description) {
        return new ConfigProperty(name, ConfigType.ENUM, defaultValue, null, null, choices, description);
    }

    /** True when no default exists, so a value must be given. */
    public boolean required() {
        return defaultValue == null;
    }
}
