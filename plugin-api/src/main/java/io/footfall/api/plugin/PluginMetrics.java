package io.footfall.api.plugin;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Metrics of the plugin, exported with a {@code plugin} tag.
 *
 * @since 0.1
 */
public interface PluginMetrics {
    /** Adds to a counter. */
    void count(String name, long amount);

    /** Records a duration. */
    void time(String name, Duration duration);

    /** Registers a gauge read on demand. */
    void gauge(String name, DoubleSupplier value);
}
