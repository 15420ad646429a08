package io.footfall.api.store;

import java.time.Instant;
import java.util.Map;

/**
 * A stored model version.
 *
 * @param version   1, 2, … per plugin
 * @param createdAt when it was saved
 * @param metrics   its evaluation metrics
 * @param metadata  its metadata
 * @param serving   whether it is the promoted (serving) version
 * @since 0.1
 */
public record ModelVersion(int version, Instant createdAt, Map<String, Double> metrics, Map<String, String> metadata, boolean serving) {
}
