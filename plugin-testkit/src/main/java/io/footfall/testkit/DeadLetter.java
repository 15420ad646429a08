package io.footfall.testkit;

import io.footfall.api.plugin.EventBatch;

/**
 * A batch whose {@code onEvents} threw, parked as the host parks it in the plugin's dead-letter queue.
 *
 * @param batch the batch
 * @param error what the plugin threw
 * @since 0.1
 */
public record DeadLetter(EventBatch batch, Throwable error) {
}
