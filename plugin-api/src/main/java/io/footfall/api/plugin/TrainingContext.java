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

    /** True once an operator cancelled the run; stop soon after. */
    boolean cancelled();
}
