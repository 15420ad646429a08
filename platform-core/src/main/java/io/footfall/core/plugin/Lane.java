package io.footfall.core.plugin;

import java.util.concurrent.Callable;

/**
 * Which of a plugin's two kinds of work a call belongs to: handling a batch of events, or training.
 * They run on different threads and may overlap, and each commits on its own (a batch with its
 * position, training when it ends), so the state and results each one buffers are kept apart.
 * The lane is inherited by threads the plugin starts during the call.
 */
enum Lane {
    /** Opening, handling batches of events, closing: committed with the batch's position. */
    EVENTS,
    /** Training: committed when training succeeds, dropped when it fails. */
    TRAINING,
    /**
     * Work a training run does with the batches held off ({@link io.footfall.api.plugin.TrainingContext#exclusively}):
     * committed as soon as the work returns, dropped when it fails.
     */
    EXCLUSIVE;

    private static final InheritableThreadLocal<Lane> CURRENT = new InheritableThreadLocal<>();

    /** The lane of the calling thread; {@link #EVENTS} outside any call. */
    static Lane current() {
        Lane lane = CURRENT.get();
        return lane == null ? EVENTS : lane;
    }

    /** Runs the call in this lane. */
    <T> T run(Callable<T> call) throws Exception {
        Lane previous = CURRENT.get();
        CURRENT.set(this);
        try {
            return call.call();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
