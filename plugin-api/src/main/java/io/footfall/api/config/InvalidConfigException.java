package io.footfall.api.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration did not validate; lists every invalid property.
 *
 * @since 0.1
 */
public class InvalidConfigException extends IllegalArgumentException {

    private final transient List<ConfigError> errors;

    /** An exception for these errors. */
    public InvalidConfigException(List<ConfigError> errors) {
        super(errors.stream().map(e -> e.property() + ": " + e.message()).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    /** The invalid properties and why. */
    public List<ConfigError> errors() {
        return errors;
    }
}
