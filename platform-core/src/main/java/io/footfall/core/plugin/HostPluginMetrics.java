package io.footfall.core.plugin;

import io.footfall.api.plugin.PluginMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/** A plugin's metrics in Micrometer, named {@code footfall.plugin.<name>} and tagged with the plugin id. */
final class HostPluginMetrics implements PluginMetrics {

    private final MeterRegistry registry;
    private final Tags tags;

    HostPluginMetrics(MeterRegistry registry, String pluginId) {
        this.registry = registry;
        this.tags = Tags.of("plugin", pluginId);
    }

    @Override
    public void count(String name, long amount) {
        registry.counter("footfall.plugin." + name, tags).increment(amount);
    }

    @Override
    public void time(String name, Duration duration) {
        registry.timer("footfall.plugin." + name, tags).record(duration);
    }

    @Override
    public void gauge(String name, DoubleSupplier value) {
        registry.gauge("footfall.plugin." + name, tags, value, DoubleSupplier::getAsDouble);
    }
}
