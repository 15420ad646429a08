package io.footfall.testkit;

import io.footfall.api.store.ModelArtifact;
import io.footfall.api.store.ModelStore;
import io.footfall.api.store.ModelVersion;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link ModelStore} in memory, with the semantics of its Javadoc:
 * <ul>
 *   <li>{@link #save} numbers versions 1, 2, … and never changes what serves;</li>
 *   <li>{@link #promote} makes a version serve and remembers the one that served before (promoting the
 *       serving version again changes nothing); an unknown version is a {@link NoSuchElementException};</li>
 *   <li>{@link #rollback} makes the previously promoted version serve again, and can be repeated back through
 *       the promotion history; with no earlier promotion it returns empty and changes nothing.</li>
 * </ul>
 * The bytes of artefacts are copied in and out; {@code createdAt} comes from the given clock.
 *
 * @since 0.1
 */
public final class InMemoryModelStore implements ModelStore {

    private record Stored(ModelArtifact artifact, Instant createdAt) {
    }

    private final Clock clock;
    private final TreeMap<Integer, Stored> versions = new TreeMap<>();
    private final Deque<Integer> previouslyServing = new ArrayDeque<>();
    private Integer serving;

    /** A store stamping versions with this clock. */
    public InMemoryModelStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized ModelVersion save(ModelArtifact artifact) {
        Objects.requireNonNull(artifact, "artifact");
        int version = versions.isEmpty() ? 1 : versions.lastKey() + 1;
        versions.put(version, new Stored(copy(artifact), clock.instant()));
        return describe(version);
    }

    @Override
    public synchronized List<ModelVersion> versions() {
        List<ModelVersion> out = new ArrayList<>();
        for (Integer v : versions.descendingKeySet()) {
            out.add(describe(v));
        }
        return List.copyOf(out);
    }

    @Override
    public synchronized Optional<ModelVersion> serving() {
        return serving == null ? Optional.empty() : Optional.of(describe(serving));
    }

    @Override
    public synchronized Optional<ModelArtifact> load(int version) {
        Stored s = versions.get(version);
        return s == null ? Optional.empty() : Optional.of(copy(s.artifact()));
    }

    @Override
    public synchronized ModelVersion promote(int version) {
        if (!versions.containsKey(version)) {
            throw new NoSuchElementException("no model version " + version);
        }
        if (serving == null || serving != version) {
            if (serving != null) {
                previouslyServing.push(serving);
            }
            serving = version;
        }
        return describe(version);
    }

    @Override
    public synchronized Optional<ModelVersion> rollback() {
        if (previouslyServing.isEmpty()) {
            return Optional.empty();
        }
        serving = previouslyServing.pop();
        return Optional.of(describe(serving));
    }

    /**
     * A store holding what this one holds now (versions, the serving one and the promotion history), stamping later
     * versions with the given clock: the models another process instance finds in the database.
     *
     * @since 0.3
     */
    public synchronized InMemoryModelStore copy(Clock clock) {
        InMemoryModelStore out = new InMemoryModelStore(clock);
        versions.forEach((v, s) -> out.versions.put(v, new Stored(copy(s.artifact()), s.createdAt())));
        out.previouslyServing.addAll(previouslyServing);
        out.serving = serving;
        return out;
    }

    /** Removes every version and the promotion history. */
    public synchronized void clear() {
        versions.clear();
        previouslyServing.clear();
        serving = null;
    }

    private ModelVersion describe(int version) {
        Stored s = versions.get(version);
        return new ModelVersion(version, s.createdAt(), s.artifact().metrics(), s.artifact().metadata(),
                serving != null && serving == version);
    }

    private static ModelArtifact copy(ModelArtifact a) {
        return new ModelArtifact(a.bytes().clone(), Map.copyOf(a.metrics()), Map.copyOf(a.metadata()));
    }
}
