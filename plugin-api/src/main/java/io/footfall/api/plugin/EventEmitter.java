package io.footfall.api.plugin;

import java.util.List;

/**
 * Appends {@link DerivedEvent}s to the log. Like results, events emitted while handling a batch are appended with
 * the plugin's new position and dropped when the batch fails; those emitted while training are appended when
 * training succeeds.
 *
 * @since 1.2
 */
public interface EventEmitter {

    /** Emits events, in order. */
    void emit(List<DerivedEvent> events);

    /** Emits one event. */
    default void emit(DerivedEvent event) {
        emit(List.of(event));
    }
}
