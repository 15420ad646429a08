package io.footfall.testkit;

import io.footfall.api.config.PluginConfig;
import io.footfall.api.plugin.PluginContext;
import io.footfall.api.store.TimersInState;
import io.footfall.api.plugin.PluginDescriptor;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link PluginContext} made of the kit's in-memory services. {@link PluginHarness} builds one; use it
 * directly to call a plugin by hand.
 *
 * @since 0.1
 */
public final class TestPluginContext implements PluginContext {

    private final PluginConfig config;
    private final TestClock clock;
    private final RecordingLogger log;
    private final RecordingMetrics metrics;
    private final InMemoryStateStore state;
    private final InMemoryModelStore models;
    private final MapProfileReader profiles;
    private final RecordingResultPublisher results;
    private final RecordingEventEmitter events;
    private final TimersInState timers;
    /**
     * Whether the running call is a sole batch: set by the harness around each call; a context a test drives itself
     * answers as a host on one segment does, every call sole.
     */
    private boolean sole = true;
    /** Whether the plugin asked for its next batch to be sole. */
    private boolean soleRequested;

    /** A context of these services. */
    public TestPluginContext(PluginConfig config, TestClock clock, RecordingLogger log, RecordingMetrics metrics,
                             InMemoryStateStore state, InMemoryModelStore models, MapProfileReader profiles,
                             RecordingResultPublisher results) {
        this(config, clock, log, metrics, state, models, profiles, results, new RecordingEventEmitter());
    }

    /** A context of these services, with the emitter that records derived events. */
    public TestPluginContext(PluginConfig config, TestClock clock, RecordingLogger log, RecordingMetrics metrics,
                             InMemoryStateStore state, InMemoryModelStore models, MapProfileReader profiles,
                             RecordingResultPublisher results, RecordingEventEmitter events) {
        this.events = Objects.requireNonNull(events, "events");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = Objects.requireNonNull(log, "log");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.state = Objects.requireNonNull(state, "state");
        this.timers = new TimersInState(state.hostView());
        this.models = Objects.requireNonNull(models, "models");
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.results = Objects.requireNonNull(results, "results");
    }

    /**
     * A fresh context for a plugin: the raw configuration validated by the descriptor's spec, empty stores,
     * a {@link TestClock} at its default start.
     *
     * @throws io.footfall.api.config.InvalidConfigException when the configuration does not validate
     */
    public static TestPluginContext forDescriptor(PluginDescriptor descriptor, Map<String, String> rawConfig) {
        TestClock clock = new TestClock();
        return new TestPluginContext(descriptor.config().validate(rawConfig), clock, new RecordingLogger(),
                new RecordingMetrics(), new InMemoryStateStore(), new InMemoryModelStore(clock), new MapProfileReader(),
                new RecordingResultPublisher(descriptor.produces()));
    }

    @Override
    public PluginConfig config() {
        return config;
    }

    @Override
    public TestClock clock() {
        return clock;
    }

    @Override
    public RecordingLogger log() {
        return log;
    }

    @Override
    public RecordingMetrics metrics() {
        return metrics;
    }

    @Override
    public InMemoryStateStore state() {
        return state;
    }

    @Override
    public InMemoryModelStore models() {
        return models;
    }

    @Override
    public MapProfileReader profiles() {
        return profiles;
    }

    @Override
    public RecordingResultPublisher results() {
        return results;
    }

    @Override
    public RecordingEventEmitter events() {
        return events;
    }

    /** The plugin's timers, kept in {@link #state()} as the host keeps them (delivered by {@link PluginHarness}). */
    @Override
    public TimersInState timers() {
        return timers;
    }

    /** Whether the running call is a sole batch (SPI 1.10): the harness says so around each call. */
    @Override
    public boolean soleBatch() {
        return sole;
    }

    /** Records the request; the harness makes its next batch sole (SPI 1.10). */
    @Override
    public void requestSoleBatch() {
        soleRequested = true;
    }

    /** Whether the plugin asked for a sole batch that has not come yet. */
    public boolean soleBatchRequested() {
        return soleRequested;
    }

    /**
     * Starts ({@code true}: the next batch is sole; the request is taken) or ends a batch call; used by the
     * {@link PluginHarness}.
     */
    void soleCall(boolean sole) {
        this.sole = sole;
        if (sole) {
            soleRequested = false;
        }
    }
}
