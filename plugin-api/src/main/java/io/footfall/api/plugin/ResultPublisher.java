package io.footfall.api.plugin;

import io.footfall.api.result.Result;
import java.util.List;

/**
 * Publishes results. Results published while handling a batch are appended to the log together
 * with the plugin's new position; a batch that fails publishes nothing.
 *
 * @since 0.1
 */
public interface ResultPublisher {
    /** Publishes results of the types the descriptor declares. */
    void publish(List<? extends Result> results);

    /** Publishes one result. */
    default void publish(Result result) {
        publish(List.of(result));
    }
}
