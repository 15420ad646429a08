package io.footfall.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class HostPluginMetricsTest {

    @Test
    void aGaugeRegisteredAgainReadsTheNewSupplierAndStaysOneMeter() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new HostPluginMetrics(registry, "seg").gauge("rules.segments", () -> 3);
        // the plugin reopened after a configuration change: a new host object, the same gauge
        new HostPluginMetrics(registry, "seg").gauge("rules.segments", () -> 7);
        new HostPluginMetrics(registry, "other").gauge("rules.segments", () -> 1);

        assertEquals(2, registry.find("footfall.plugin.rules.segments").gauges().size());
        assertEquals(7, registry.get("footfall.plugin.rules.segments").tag("plugin", "seg").gauge().value());
        assertEquals(1, registry.get("footfall.plugin.rules.segments").tag("plugin", "other").gauge().value());
    }

    @Test
    void aGaugeKeepsReadingItsSupplierAfterACollection() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        int[] segments = {5};
        new HostPluginMetrics(registry, "seg").gauge("rules.errors", () -> segments[0]);
        System.gc();
        segments[0] = 6;
        assertEquals(6, registry.get("footfall.plugin.rules.errors").gauge().value());
    }

    @Test
    void eachRegistryHasItsOwnGauge() {
        SimpleMeterRegistry first = new SimpleMeterRegistry();
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        new HostPluginMetrics(first, "seg").gauge("rules.segments", () -> 2);
        new HostPluginMetrics(second, "seg").gauge("rules.segments", () -> 4);
        assertEquals(2, first.get("footfall.plugin.rules.segments").gauge().value());
        assertEquals(4, second.get("footfall.plugin.rules.segments").gauge().value());
    }
}
