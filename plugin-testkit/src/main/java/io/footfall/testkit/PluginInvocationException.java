package io.footfall.testkit;

/**
 * A plugin call made by the {@link PluginHarness} threw. The cause is what the plugin threw.
 *
 * @since 0.1
 */
public final class PluginInvocationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The call that failed. */
    public enum Phase {
        /** {@code open}. */
        OPEN,
        /** {@code onEvents}. */
        ON_EVENTS,
        /** {@code onTimers}, in a call of its own (after the batch's last events); with events it counts as {@link #ON_EVENTS}. */
        ON_TIMERS,
        /** {@code train}. */
        TRAIN,
        /** {@code close}. */
        CLOSE
    }

    private final Phase phase;

    /** An exception for a failed call. */
    public PluginInvocationException(Phase phase, String message, Throwable cause) {
        super(message + ": " + cause, cause);
        this.phase = phase;
    }

    /** The call that failed. */
    public Phase phase() {
        return phase;
    }
}
