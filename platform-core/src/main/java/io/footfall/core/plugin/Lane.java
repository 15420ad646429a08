package io.footfall.core.plugin;

import java.util.concurrent.Callable;

/**
 * Which of a plugin's kinds of work a call belongs to: handling a batch of events, or training.
 * They run on different threads and may overlap, and each commits on its own (a batch with its
 * position, training when it ends), so the state and results each one buffers are kept apart.
 * The lane is inherited by threads the plugin starts during the call.
 *
 * <p>The buffers are kept per <em>share</em>: the lane constants themselves, or a {@link Batch} of
 * {@link #EVENTS} for one delivery. A plugin folded on several segments (ADR 0021) handles batches
 * of different segments at once, and each delivery buffers, flushes and drops only its own writes.
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

    /**
     * One delivery of a batch of events: its own share of the {@link #EVENTS} lane. Reads in it see its own pending
     * writes, then those of the lane (written while opening), then what is committed.
     */
    static final class Batch {
        /** Whether no other part's batch runs or commits while this one does (SPI 1.10). */
        final boolean sole;

        Batch(boolean sole) {
            this.sole = sole;
        }

        @Override
        public String toString() {
            return "EVENTS#" + Integer.toHexString(System.identityHashCode(this));
        }
    }

    private static final InheritableThreadLocal<Object> CURRENT = new InheritableThreadLocal<>();

    /** The share of the calling thread: a lane, or a {@link Batch}; {@link #EVENTS} outside any call. */
    static Object currentShare() {
        Object share = CURRENT.get();
        return share == null ? EVENTS : share;
    }

    /** The share whose pending writes a read falls back to after the current one's, or null. */
    static Object fallback(Object share) {
        return share instanceof Batch ? EVENTS : null;
    }

    /** Runs the call in this lane. */
    <T> T run(Callable<T> call) throws Exception {
        return runIn(this, call);
    }

    /** Runs the call in a share: a lane, or a {@link Batch}. */
    static <T> T runIn(Object share, Callable<T> call) throws Exception {
        Object previous = CURRENT.get();
        CURRENT.set(share);
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
