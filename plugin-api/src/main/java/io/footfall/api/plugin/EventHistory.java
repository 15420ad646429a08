package io.footfall.api.plugin;

import io.footfall.api.event.BehaviorEvent;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The log's history, for batch training.
 *
 * @since 0.1
 */
public interface EventHistory {
    /**
     * Streams the events the plugin consumes that occurred in {@code [from, to)}, in log order.
     *
     * @return the number of events streamed
     */
    long forEach(Instant from, Instant to, Consumer<BehaviorEvent> consumer);
}
