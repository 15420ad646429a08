package io.footfall.api.plugin;

import io.footfall.api.event.BehaviorEvent;

/**
 * An event with its position in the log.
 *
 * @param position position in the log (increasing, with gaps)
 * @param event    the event
 * @since 0.1
 */
public record PositionedEvent(long position, BehaviorEvent event) {
}
