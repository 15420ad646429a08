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
 * <h2>Lifecycle: open and close can repeat</h2>
 * One instance lives as long as the plugin is loaded, and it goes through {@code open … close} more than once:
 * on every replay (state cleared first), on every configuration change (opened with the new configuration,
 * state kept), and when an operator disables and enables it. So {@link #open(PluginContext)} must (re)initialise
 * every field from the context it is given — never keep the previous context, configuration, caches or models
 * across a close — and {@link #close()} must leave the instance ready to be opened again; it may also be called
 * twice. Keep what must survive in {@link PluginContext#state()} or {@link PluginContext#models()}, never in
 * static fields: statics are shared by every open of the instance, and a fresh class loader (a restart, a
 * quarantine followed by enable) starts them empty.
 *
 * <h2>Threading model</h2>
 * <ul>
 *   <li>Every call comes on a host thread made for that call, never on a thread of the ingestion or of another
 *       plugin; don't rely on thread identity or {@code ThreadLocal}s across calls.</li>
 *   <li>{@code open}, {@code onEvents} and {@code close} never overlap one another: each batch is handed over
 *       once the previous call has returned. {@code train} runs on a thread of its own and <em>may overlap</em>
 *       {@code onEvents} (never another {@code train}): fields that both use must be thread-safe (or
 *       immutable and replaced atomically, e.g. a {@code volatile} model reference swapped at the end of
 *       training).</li>
 *   <li>The context's services ({@code state()}, {@code models()}, {@code results()}, {@code log()},
 *       {@code metrics()}, {@code profiles()}) are thread-safe. State writes and published results of a batch
 *       are committed with the plugin's position when {@code onEvents} returns, and dropped when it throws;
 *       those of {@code train} are committed when it returns, and dropped when it throws. The two are kept
 *       apart: a batch never commits or drops what a concurrent {@code train} wrote, and each sees its own
 *       pending writes (then what is committed). Threads you start during a call write in that call's
 *       share.</li>
 *   <li>Each call runs under a time limit and an allocation budget, and the host estimates what the instance
 *       and its classes' statics retain between calls (see the operators' section of the plugin guide). A call
 *       over its limit is interrupted and its batch parked: respond to interruption (blocking calls, or check
 *       {@link Thread#isInterrupted()} in long loops) and never swallow it. Starting threads of your own is
 *       discouraged; if you do, stop them in {@code close()}.</li>
 * </ul>
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

    /**
     * Acts on timers the plugin set ({@link PluginContext#timers()}) that the log's event time has reached, after the
     * events of the same batch and in its transaction. The default does nothing.
     *
     * @since 1.9
     */
    default void onTimers(TimerBatch timers) throws Exception {
    }

    /** Trains over history; the default trains nothing. */
    default TrainingReport train(TrainingContext training) throws Exception {
        return TrainingReport.nothing("this plugin does not train");
    }

    /**
     * Checks a new configuration beyond what its {@link io.footfall.api.config.ConfigSpec} can say, for
     * example a property that holds a small definition language. The host calls it when an operator
     * changes the configuration, after checking types, bounds and choices and before storing or
     * applying anything; problems reject the change (HTTP 400 naming the property) and the running
     * configuration stays. It may be called whether or not the plugin is open, on a host thread, under
     * the usual call limits: it must not depend on {@code open}, and should only look at the values.
     *
     * @param config the configuration as the host validated it
     * @return the problems found, each naming its property; empty when the configuration is acceptable
     * @since 1.1
     */
    default java.util.List<io.footfall.api.config.ConfigError> validate(io.footfall.api.config.PluginConfig config) {
        return java.util.List.of();
    }

    /** Releases resources. */
    @Override
    default void close() throws Exception {
    }
}
