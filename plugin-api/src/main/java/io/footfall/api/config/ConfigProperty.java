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
 * @throws IllegalArgumentException at construction, for a programming error in the definition: a bad name, an
 *         ENUM without choices, bounds on a type other than INT, LONG, DOUBLE or DURATION, a bound or default that
 *         does not parse as the type, {@code min} above {@code max}, a default outside the bounds, or an ENUM
 *         default that is not one of the choices. A plugin with such a definition fails in {@code descriptor()};
 *         the host refuses to load it and shows the message
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
        checkBoundsAndDefault(name, type, defaultValue, min, max, allowedValues);
    }

    private static final java.util.Set<ConfigType> BOUNDED = java.util.EnumSet.of(ConfigType.INT, ConfigType.LONG,
            ConfigType.DOUBLE, ConfigType.DURATION);

    private static void checkBoundsAndDefault(String name, ConfigType type, String defaultValue, String min, String max,
                                              List<String> allowedValues) {
        if ((min != null || max != null) && !BOUNDED.contains(type)) {
            throw new IllegalArgumentException("config property " + name + ": bounds apply to INT, LONG, DOUBLE and DURATION, not " + type);
        }
        Object low = min == null ? null : definition(name, type, allowedValues, "min", min);
        Object high = max == null ? null : definition(name, type, allowedValues, "max", max);
        if (low != null && high != null && ConfigSpec.compare(type, low, high) > 0) {
            throw new IllegalArgumentException("config property " + name + ": min " + min + " is above max " + max);
        }
        if (defaultValue != null) {
            Object value = definition(name, type, allowedValues, "default", defaultValue);
            if (low != null && ConfigSpec.compare(type, value, low) < 0 || high != null && ConfigSpec.compare(type, value, high) > 0) {
                throw new IllegalArgumentException("config property " + name + ": default " + defaultValue + " is outside its bounds ["
                        + (min == null ? "" : min) + ", " + (max == null ? "" : max) + "]");
            }
        }
    }

    private static Object definition(String name, ConfigType type, List<String> allowedValues, String what, String text) {
        try {
            return ConfigSpec.parse(type, allowedValues, text.trim());
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("config property " + name + ": " + what + " '" + text + "' " + e.getMessage(), e);
        }
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
