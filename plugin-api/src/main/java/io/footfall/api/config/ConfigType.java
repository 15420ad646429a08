package io.footfall.api.config;

/**
 * The type of a configuration property, and how its text form is parsed.
 *
 * @since 0.1
 */
public enum ConfigType {
    /** Free text. */
    STRING,
    /** 32-bit integer. */
    INT,
    /** 64-bit integer. */
    LONG,
    /** Floating point. */
    DOUBLE,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** ISO-8601 duration such as {@code PT1H} or {@code P30D}. */
    DURATION,
    /** One of a fixed set of values. */
    ENUM,
    /** Comma-separated strings. */
    LIST
}
