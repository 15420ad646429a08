package io.footfall.api.plugin;

import io.footfall.api.event.BehaviorEvent;
import java.util.List;

/**
 * Consecutive events of the log that a plugin consumes, in log order.
 *
 * @param events  the events, never empty
 * @param replay  true while the plugin's processor replays history it had already seen
 * @param part    the part of shared figures this batch may write (since 1.7): the segment the batch was folded on, 0
 *                for a plugin folded on one segment. A plugin folded by person ({@link Partitioning#BY_PERSON}) that
 *                keeps figures several people add to (counts, a log of orders, a high-water mark) writes them under
 *                keys of this part ({@link io.footfall.api.store.StateStore#partKey}) and merges the parts when it
 *                reads them: only batches of one part ever write its keys, so no update of another segment is lost
 * @since 0.1
 */
public record EventBatch(List<PositionedEvent> events, boolean replay, int part) {

    /** Copies the list. */
    public EventBatch {
        events = List.copyOf(events);
        if (part < 0) {
            throw new IllegalArgumentException("part must be 0 or more: " + part);
        }
    }

    /** A batch of part 0: what every batch was before SPI 1.7. */
    public EventBatch(List<PositionedEvent> events, boolean replay) {
        this(events, replay, 0);
    }

    /**
     * The log's event time at the batch's last event ({@link PositionedEvent#watermark()}): the latest
     * {@code occurredAt} in the log up to there. Depends on where the batch ends; a plugin whose results must not
     * depend on batch sizes uses the watermark of the event it acts on.
     *
     * @since 1.8
     */
    public java.time.Instant watermark() {
        return events.get(events.size() - 1).watermark();
    }

    /** The events without positions. */
    public List<BehaviorEvent> behaviour() {
        return events.stream().map(PositionedEvent::event).toList();
    }
}
