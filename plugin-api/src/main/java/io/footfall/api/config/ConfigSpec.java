package io.footfall.api.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings a plugin accepts. {@link #validate(Map)} turns raw text values into a
 * {@link PluginConfig}, or reports every invalid property.
 *
 * @param properties the properties, in display order
 * @since 0.1
 */
public record ConfigSpec(List<ConfigProperty> properties) {

    /** Copies the list and rejects duplicate names. */
    public ConfigSpec {
        properties = properties == null ? List.of() : List.copyOf(properties);
        if (properties.stream().map(ConfigProperty::name).distinct().count() != properties.size()) {
            throw new IllegalArgumentException("duplicate config property names");
        }
    }

    /** A spec of these properties. */
    public static ConfigSpec of(ConfigProperty... properties) {
        return new ConfigSpec(Arrays.asList(properties));
    }

    /** A spec without settings. */
    public static ConfigSpec empty() {
        return new ConfigSpec(List.of());
    }

    /**
     * Checks raw values (text, as sent by the API or the UI) against the spec and fills in defaults.
     *
     * @param raw property name → text value; unknown names are errors
     * @return the validated configuration
     * @throws InvalidConfigException naming every invalid property
     */
    public PluginConfig validate(Map<String, String> raw) {
        List<ConfigError> errors = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> given = raw == null ? Map.of() : raw;
        for (String key : given.keySet()) {
            if (properties.stream().noneMatch(p -> p.name().equals(key))) {
                errors.add(new ConfigError(key, "unknown property"));
            }
        }
        for (ConfigProperty p : properties) {
            String text = given.getOrDefault(p.name(), p.defaultValue());
            if (text == null) {
                errors.add(new ConfigError(p.name(), "required"));
                continue;
            }
            try {
                Object value = parse(p, text.trim());
                checkBounds(p, value);
                values.put(p.name(), value);
            } catch (IllegalArgumentException | DateTimeParseException e) {
                errors.add(new ConfigError(p.name(), e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidConfigException(errors);
        }
        return new PluginConfig(values);
    }

    private static Object parse(ConfigProperty p, String text) {
        return parse(p.type(), p.allowedValues(), text);
    }

    /** Parses a text value as the type; IllegalArgumentException or DateTimeParseException when it does not parse. */
    static Object parse(ConfigType type, List<String> allowedValues, String text) {
        try {
            return switch (type) {
                case STRING -> text;
                case INT -> Integer.parseInt(text);
                case LONG -> Long.parseLong(text);
                case DOUBLE -> {
                    double d = Double.parseDouble(text);
                    if (Double.isNaN(d) || Double.isInfinite(d)) {
                        throw new IllegalArgumentException("must be a finite number");
                    }
                    yield d;
                }
                case BOOLEAN -> {
                    if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                        throw new IllegalArgumentException("must be true or false");
                    }
                    yield Boolean.parseBoolean(text);
                }
                case DURATION -> Duration.parse(text);
                case ENUM -> {
                    if (!allowedValues.contains(text)) {
                        throw new IllegalArgumentException("must be one of " + allowedValues);
                    }
                    yield text;
                }
                case LIST -> text.isEmpty() ? List.of() : Arrays.stream(text.split(",")).map(String::trim).toList();
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be " + (type == ConfigType.DOUBLE ? "a number" : "a whole number"));
        }
    }

    private static void checkBounds(ConfigProperty p, Object value) {
        if (p.min() != null && compare(p, value, parse(p, p.min())) < 0) {
            throw new IllegalArgumentException("must be at least " + p.min());
        }
        if (p.max() != null && compare(p, value, parse(p, p.max())) > 0) {
            throw new IllegalArgumentException("must be at most " + p.max());
        }
    }

    private static int compare(ConfigProperty p, Object a, Object b) {
        return compare(p.type(), a, b);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(ConfigType type, Object a, Object b) {
        if (a instanceof Comparable ca && a.getClass() == b.getClass()) {
            return ca.compareTo(b);
        }
        throw new IllegalArgumentException("bounds do not apply to " + type);
    }
}
