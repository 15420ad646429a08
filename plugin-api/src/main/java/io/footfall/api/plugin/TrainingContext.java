package io.footfall.api.plugin;

import java.time.Instant;

/**
 * One training run: its history, cutoff and progress reporting.
 *
 * @since 0.1
 */
public interface TrainingContext {
    /** History to train on. */
    EventHistory history();

    /** Train on what happened before this instant only. */
    Instant cutoff();

    /** Reports progress in [0, 1] with a short message, shown by the train job API. */
    void progress(double fraction, String message);

    /**
     * True once an operator cancelled the run; stop soon after by returning {@link TrainingReport#nothing}. The host
     * then drops what the run wrote through the context and not yet committed (state, results, events: everything but
     * {@link #exclusively} work and saved model versions), and the job ends CANCELLED. A run that returns a report
     * with a model or metrics finished its work: the host commits it and the job ends SUCCEEDED, noting that the
     * cancellation came too late. So check before each step that saves or publishes, not after.
     */
    boolean cancelled();

    /**
     * Runs {@code work} with the plugin's event batches held off, and commits what it wrote at once.
     *
     * <p>What training writes otherwise commits only when the run succeeds, and a batch folded meanwhile neither sees
     * it nor is seen by it: on a state key both write, the later commit overwrites the other's changes. Work that
     * reads and rewrites state the batches also write (a user's state re-evaluated with a new model, a shared
     * watermark) belongs in here: it starts once the batch in hand has committed, sees everything committed, and
     * its state writes, results and derived events commit before the next batch is handed over. Keep each call
     * short (a chunk of users): batches wait meanwhile. Do not call it while holding a lock your
     * {@link MiningPlugin#onEvents} takes: the batch in hand may be waiting for that lock.
     *
     * <p>On one segment the host runs it only on the instance that folds the plugin's events; elsewhere it throws
     * {@link IllegalStateException} and the run fails. On several ({@link Partitioning#BY_PERSON}, since 1.10) it
     * runs on any instance and holds off the batches of every segment on every instance. This default, for hosts and
     * harnesses that never fold and train at the same time, just runs {@code work}.
     *
     * @param work reads and writes the plugin's state, publishes results, emits events
     * @since 1.4
     */
    default void exclusively(Runnable work) {
        work.run();
    }
}
