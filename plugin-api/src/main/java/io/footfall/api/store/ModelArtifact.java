package io.footfall.api.store;

import java.util.Map;
import java.util.Objects;

/**
 * A trained model as stored: opaque bytes plus evaluation metrics and metadata.
 *
 * @param bytes    the serialised model
 * @param metrics  evaluation metrics, e.g. {@code auc → 0.84}
 * @param metadata free-form facts, e.g. training cutoff, feature names
 * @since 0.1
 */
public record ModelArtifact(byte[] bytes, Map<String, Double> metrics, Map<String, String> metadata) {

    /** Checks the fields and copies the maps. */
    public ModelArtifact {
        Objects.requireNonNull(bytes, "bytes");
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
