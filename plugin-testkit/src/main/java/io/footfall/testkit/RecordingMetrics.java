package io.footfall.testkit;

import io.footfall.api.plugin.PluginMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;

/**
 * {@link PluginMetrics} that keep counters, timings and gauges for assertions.
 *
 * @since 0.1
 */
public final class RecordingMetrics implements PluginMetrics {

    private final Map<String, Long> counters = new TreeMap<>();
    private final Map<String, List<Duration>> timings = new TreeMap<>();
    private final Map<String, DoubleSupplier> gauges = new TreeMap<>();

    /** No metrics yet. */
    public RecordingMetrics() {
    }

    @Override
    public synchronized void count(String name, long amount) {
        Objects.requireNonNull(name, "name");
        counters.merge(name, amount, Long::sum);
    }

    @Override
    public synchronized void time(String name, Duration duration) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(duration, "duration");
        timings.computeIfAbsent(name, k -> new ArrayList<>()).add(duration);
    }

    @Override
    public synchronized void gauge(String name, DoubleSupplier value) {
        Objects.requireNonNull(name, "name");
        gauges.put(name, Objects.requireNonNull(value, "value"));
    }

    /** The sum of a counter; 0 when never counted. */
    public synchronized long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }

    /** Every counter. */
    public synchronized Map<String, Long> counters() {
        return Map.copyOf(counters);
    }

    /** The recorded durations of a timer, in order. */
    public synchronized List<Duration> timings(String name) {
        return List.copyOf(timings.getOrDefault(name, List.of()));
    }

    /** Reads a gauge now; empty when it was never registered. */
    public synchronized OptionalDouble gauge(String name) {
        DoubleSupplier g = gauges.get(name);
        return g == null ? OptionalDouble.empty() : OptionalDouble.of(g.getAsDouble());
    }

    /** Forgets everything. */
    public synchronized void clear() {
        counters.clear();
        timings.clear();
        gauges.clear();
    }
}
