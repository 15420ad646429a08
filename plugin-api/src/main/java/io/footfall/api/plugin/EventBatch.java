package io.footfall.api.plugin;

import io.footfall.api.event.BehaviorEvent;
import java.util.List;

/**
 * Consecutive events of the log that a plugin consumes, in log order.
 *
 * @param events  the events, never empty
 * @param replay  true while the plugin's processor replays history it had already seen
 * @since 0.1
 */
public record EventBatch(List<PositionedEvent> events, boolean replay) {

    /** Copies the list. */
    public EventBatch {
        events = List.copyOf(events);
    }

    /** The events without positions. */
    public List<BehaviorEvent> behaviour() {
        return events.stream().map(PositionedEvent::event).toList();
    }
}
