package io.footfall.api.plugin;

/**
 * A mining plugin. The host creates one instance per loaded plugin through {@link java.util.ServiceLoader}
 * (a public no-argument constructor is required), then:
 * <ol>
 *   <li>{@link #descriptor()} — may be called at any time, must not depend on {@code open};</li>
 *   <li>{@link #open(PluginContext)} — once, with validated configuration;</li>
 *   <li>{@link #onEvents(EventBatch)} — for each batch of consumed events, in log order, from one
 *       thread at a time; throwing parks the batch in the plugin's dead-letter queue and processing
 *       goes on; must be deterministic for the same events, state and configuration;</li>
 *   <li>{@link #train(TrainingContext)} — on demand or on schedule, never concurrently with itself;</li>
 *   <li>{@link #close()} — once; release everything.</li>
 * </ol>
 * After a replay or reset the plugin is closed and opened again with cleared state.
 *
 * @since 0.1
 */
public interface MiningPlugin extends AutoCloseable {

    /** What this plugin is, consumes and produces. */
    PluginDescriptor descriptor();

    /** Prepares the plugin with its context. */
    default void open(PluginContext context) throws Exception {
    }

    /** Processes consumed events incrementally. */
    default void onEvents(EventBatch batch) throws Exception {
    }

    /** Trains over history; the default trains nothing. */
    default TrainingReport train(TrainingContext training) throws Exception {
        return TrainingReport.nothing("this plugin does not train");
    }

    /** Releases resources. */
    @Override
    default void close() throws Exception {
    }
}
