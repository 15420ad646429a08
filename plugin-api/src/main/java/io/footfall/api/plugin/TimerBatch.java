package io.footfall.api.plugin;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Timers that came due ({@link MiningPlugin#onTimers}): the log's event time passed them.
 *
 * @param due       the timers, earliest first, never empty; one per user
 * @param watermark the log's event time that made them due ({@link PositionedEvent#watermark()} at the end of the
 *                  batch they are delivered with); every timer's time is at or before it
 * @param replay    true while the plugin's processor replays history it had already seen
 * @param part      the part of shared figures the call may write ({@link EventBatch#part()})
 * @since 1.9
 */
public record TimerBatch(List<Timer> due, Instant watermark, boolean replay, int part) {

    /** Copies the list and checks the fields. */
    public TimerBatch {
        due = List.copyOf(due);
        Objects.requireNonNull(watermark, "watermark");
        if (due.isEmpty()) {
            throw new IllegalArgumentException("a timer batch has at least one timer");
        }
        for (Timer t : due) {
            if (t.at().isAfter(watermark)) {
                throw new IllegalArgumentException("timer at " + t.at() + " is not due at " + watermark);
            }
        }
        if (part < 0) {
            throw new IllegalArgumentException("part must be 0 or more: " + part);
        }
    }
}
