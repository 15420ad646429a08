package io.footfall.api.plugin;

/**
 * How a plugin's event handling may be split. The host folds every plugin on one thread by default
 * ({@link #NONE}); a plugin whose {@link PluginDescriptor#partitioning()} says {@link #BY_PERSON} may be
 * folded on several segments, on one instance or spread over several {@code process} instances, when
 * the operator asks for it ({@code footfall.processing.segments.plugins}).
 *
 * @since 1.6
 */
public enum Partitioning {

    /** One thread folds every event in log order (the default). */
    NONE,

    /**
     * The plugin's event handling only reads and writes state that belongs to the people the batch's
     * events are about, so people can be folded apart. The host then keeps these promises:
     * <ul>
     *   <li>all of one person's events (every identifier the identity rules joined into that person:
     *       anonymous ids before a login, aliases) reach the plugin in log order, on one segment;</li>
     *   <li>a batch never holds events of two segments; events that regroup people (a known user's
     *       login on a device with its own history, an alias between two people, an unmerge, a shared
     *       device) come only after every segment committed everything before them, and alone;</li>
     *   <li>{@link MiningPlugin#onEvents} <em>may be called concurrently</em> on one instance, once per
     *       segment, each call with its own pending state, results and derived events (reads see the
     *       call's own pending writes, then what is committed);</li>
     *   <li>segments may run on other instances, each with an instance of the plugin of its own: a model
     *       trained on one instance reaches the others through {@link PluginContext#models()}, so read
     *       the serving version there rather than keeping one from {@code open} forever.</li>
     * </ul>
     * What the plugin must do in return: keep no mutable fields that {@code onEvents} changes (or make
     * them thread-safe), write no state key that two people share (a global counter or watermark would
     * be overwritten by concurrent segments: compute such figures in {@code train} instead, or keep one
     * share per part, {@link EventBatch#part()} and {@link io.footfall.api.store.StateStore#partKey}, since
     * 1.7) outside a {@linkplain PluginContext#soleBatch() sole batch} (since 1.10: work over everyone, asked for
     * with {@link PluginContext#requestSoleBatch()}). {@code train} runs on one instance and reads all the state, as
     * before; its {@link TrainingContext#exclusively} work holds every segment's batches off on every instance (since
     * 1.10; before, it failed unless this instance folded every segment).
     */
    BY_PERSON
}
