package io.footfall.api.store;

import java.util.List;
import java.util.Optional;

/**
 * Versioned models of one plugin. Saving never changes what serves: only {@link #promote(int)}
 * does, and {@link #rollback()} returns to the previously promoted version.
 *
 * @since 0.1
 */
public interface ModelStore {

    /** Stores a new version (not serving yet). */
    ModelVersion save(ModelArtifact artifact);

    /** All versions, newest first. */
    List<ModelVersion> versions();

    /** The serving version, if one was promoted. */
    Optional<ModelVersion> serving();

    /** The artefact of a version. */
    Optional<ModelArtifact> load(int version);

    /** Makes a version the serving one. */
    ModelVersion promote(int version);

    /** Makes the previously serving version serve again; empty when there is none. */
    Optional<ModelVersion> rollback();
}
