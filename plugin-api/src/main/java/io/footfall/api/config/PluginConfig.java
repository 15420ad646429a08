package io.footfall.api.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A validated configuration: every property of the spec has a value of its declared type.
 *
 * @since 0.1
 */
public final class PluginConfig {

    private final Map<String, Object> values;

    PluginConfig(Map<String, Object> values) {
        this.values = Map.copyOf(values);
    }

    /** The value of a STRING or ENUM property. */
    public String string(String name) {
        return (String) value(name);
    }

    /** The value of an INT property. */
    public int integer(String name) {
        return (Integer) value(name);
    }

    /** The value of a LONG property. */
    public long longValue(String name) {
        return (Long) value(name);
    }

    /** The value of a DOUBLE property. */
    public double decimal(String name) {
        return (Double) value(name);
    }

    /** The value of a BOOLEAN property. */
    public boolean bool(String name) {
        return (Boolean) value(name);
    }

    /** The value of a DURATION property. */
    public Duration duration(String name) {
        return (Duration) value(name);
    }

    /** The value of a LIST property. */
    @SuppressWarnings("unchecked")
    public List<String> list(String name) {
        return (List<String>) value(name);
    }

    /** All values, by property name. */
    public Map<String, Object> asMap() {
        return values;
    }

    private Object value(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new NoSuchElementException("no config property " + name);
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PluginConfig other && other.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
