package io.footfall.core.config;

import java.util.Objects;

/** A setting is missing, malformed or out of range; {@link #property()} names it, the message says what is expected. */
public final class InvalidSetting extends IllegalArgumentException {

    private final String property;

    /** A problem with {@code property} (its full name, e.g. {@code footfall.collectors.kafka.topics}). */
    public InvalidSetting(String property, String message) {
        super(message);
        this.property = Objects.requireNonNull(property);
    }

    /** The offending property's full name. */
    public String property() {
        return property;
    }
}
