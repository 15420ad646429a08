package io.footfall.api.plugin;

import io.footfall.api.config.PluginConfig;
import io.footfall.api.store.ModelStore;
import io.footfall.api.store.StateStore;
import java.time.Clock;

/**
 * Everything the host gives a plugin. Valid from {@link MiningPlugin#open} to {@link MiningPlugin#close}.
 *
 * @since 0.1
 */
public interface PluginContext {
    /** The validated configuration. */
    PluginConfig config();

    /** The clock to use for "now" (tests control it). */
    Clock clock();

    /** The plugin's log. */
    PluginLogger log();

    /** The plugin's metrics. */
    PluginMetrics metrics();

    /** The plugin's durable key-value state. */
    StateStore state();

    /** The plugin's versioned models. */
    ModelStore models();

    /** Read access to live profiles. */
    ProfileReader profiles();

    /** Where results go. */
    ResultPublisher results();

    /**
     * Where derived behaviour events go (appended to the log as the user's events). A host that cannot append
     * events throws {@link UnsupportedOperationException}.
     *
     * @since 1.2
     */
    default EventEmitter events() {
        throw new UnsupportedOperationException("this host does not let plugins append events");
    }

    /**
     * The plugin's timers in event time ({@link Timers}), delivered to {@link MiningPlugin#onTimers}. A host that keeps
     * none throws {@link UnsupportedOperationException}.
     *
     * @since 1.9
     */
    default Timers timers() {
        throw new UnsupportedOperationException("this host keeps no timers for plugins");
    }
}
