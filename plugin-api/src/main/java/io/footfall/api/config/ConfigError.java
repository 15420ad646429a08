package io.footfall.api.config;

/**
 * Why a configuration value was refused.
 *
 * @param property the property name
 * @param message  what is wrong, for people
 * @since 0.1
 */
public record ConfigError(String property, String message) {
}
