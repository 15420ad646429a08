package io.footfall.api.plugin;

import java.time.Instant;
import java.util.Objects;

/**
 * A timer that is due: the user it was set for and the event time it was set to ({@link Timers#set}).
 *
 * @param user whom it was set for
 * @param at   the event time it was set to, to the millisecond; never after the {@link TimerBatch#watermark()} it is
 *             delivered with
 * @since 1.9
 */
public record Timer(UserRef user, Instant at) {

    /** Checks the fields. */
    public Timer {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(at, "at");
    }
}
