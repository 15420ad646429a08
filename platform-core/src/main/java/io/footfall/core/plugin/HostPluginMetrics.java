package io.footfall.core.plugin;

import io.footfall.api.plugin.PluginMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;

/** A plugin's metrics in Micrometer, named {@code footfall.plugin.<name>} and tagged with the plugin id. */
final class HostPluginMetrics implements PluginMetrics {

    /** Per registry: what each plugin gauge reads ({@code name NUL pluginId} → supplier). */
    private static final Map<MeterRegistry, Map<String, AtomicReference<DoubleSupplier>>> GAUGES = new WeakHashMap<>();

    private final MeterRegistry registry;
    private final Tags tags;
    private final String pluginId;

    HostPluginMetrics(MeterRegistry registry, String pluginId) {
        this.registry = registry;
        this.pluginId = pluginId;
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

    /**
     * Registers the gauge once per registry, name and plugin; a later registration (the plugin reopened after a change
     * of its configuration, or started again) replaces what the gauge reads. Micrometer warned about every second
     * registration, and held the supplier only weakly, so a gauge whose lambda was collected read NaN.
     */
    @Override
    public void gauge(String name, DoubleSupplier value) {
        String meter = "footfall.plugin." + name;
        AtomicReference<DoubleSupplier> current;
        synchronized (GAUGES) {
            current = GAUGES.computeIfAbsent(registry, r -> new HashMap<>()).computeIfAbsent(meter + '\u0000' + pluginId, k -> {
                AtomicReference<DoubleSupplier> read = new AtomicReference<>();
                Gauge.builder(meter, read, HostPluginMetrics::read).tags(tags).strongReference(true).register(registry);
                return read;
            });
        }
        current.set(value);
    }

    private static double read(AtomicReference<DoubleSupplier> supplier) {
        DoubleSupplier s = supplier.get();
        return s == null ? Double.NaN : s.getAsDouble();
    }
}
