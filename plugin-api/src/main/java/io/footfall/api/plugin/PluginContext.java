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

    /**
     * Whether the running {@link MiningPlugin#onEvents} or {@link MiningPlugin#onTimers} call is a <em>sole
     * batch</em>: no call of another part (segment, {@link Partitioning#BY_PERSON}) runs or commits from before
     * the plugin was called until this call's transaction has ended, on any instance. In a sole batch a plugin folded
     * by person may read and write state keys of any person and plugin-wide keys, as a plugin on one segment does in
     * every batch: re-evaluating everyone after a change of its configuration, say, or moving data from one layout
     * to another.
     *
     * <p>On one segment every batch is sole. On several, a batch of events is sole only when the plugin asked for
     * it beforehand with {@link #requestSoleBatch()} (timers delivered without events never are); it holds off every other part's batches while it runs, so keep
     * its work to a chunk (a few hundred people) and ask again for the next. Outside a batch call: false.
     *
     * @since 1.10
     */
    @io.footfall.api.Experimental
    default boolean soleBatch() {
        return true;
    }

    /**
     * Asks for the next batch of events this instance hands the plugin (of any of its parts; its {@code onEvents} and
     * the timers delivered with it) to be a {@linkplain #soleBatch() sole batch}. A plugin asks from a batch that found
     * work it may only do in a sole one, and does it when a sole batch comes: with the plugin's next events on this
     * instance (no events, no sole batch). Asking again before it comes changes nothing; on one segment there is
     * nothing to ask for.
     *
     * @since 1.10
     */
    @io.footfall.api.Experimental
    default void requestSoleBatch() {
    }
}
