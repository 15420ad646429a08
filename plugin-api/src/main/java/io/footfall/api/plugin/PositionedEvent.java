package io.footfall.api.plugin;

import io.footfall.api.event.BehaviorEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * An event with its position in the log and the log's event time there.
 *
 * <p>The <b>watermark</b> (since 1.8) is the latest {@link BehaviorEvent#occurredAt()} of every behaviour event in the
 * log up to and including this one, whoever it belongs to and whether the plugin consumes it or not, to the
 * millisecond (truncated). It is a function
 * of the log alone: the same for this position however the log is folded — in batches of any size, on one segment or
 * on several (where a segment never sees the other segments' events, the host reads it from the person keyer). A
 * plugin that needs a deterministic "now" (churn scores "as of today", rule windows that expire) takes it from here
 * rather than from a high-water mark of its own, which on several segments would only cover its own segment's people.
 * A dead letter's retry delivers its events with the watermark of their positions when the plugin folds on several
 * segments, and with the latest the plugin's fold had reached otherwise.
 *
 * @param position  position in the log (increasing, with gaps)
 * @param event     the event
 * @param watermark the log's event time at this position, to the millisecond: never before the event's own
 *                  {@code occurredAt} truncated to the millisecond
 * @since 0.1
 */
public record PositionedEvent(long position, BehaviorEvent event, Instant watermark) {

    /** Checks that the watermark is not before the event (to the millisecond). */
    public PositionedEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(watermark, "watermark");
        if (watermark.isBefore(event.occurredAt().truncatedTo(ChronoUnit.MILLIS))) {
            throw new IllegalArgumentException("the watermark " + watermark + " is before the event's occurredAt " + event.occurredAt());
        }
    }

    /**
     * An event whose watermark is its own time (to the millisecond): what plugins built against SPI 1.0–1.7
     * constructed (in tests).
     *
     * @param position position in the log
     * @param event    the event
     */
    public PositionedEvent(long position, BehaviorEvent event) {
        this(position, event, Objects.requireNonNull(event, "event").occurredAt().truncatedTo(ChronoUnit.MILLIS));
    }
}
