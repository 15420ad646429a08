package io.footfall.testkit;

import io.footfall.api.plugin.ProfileReader;
import io.footfall.api.plugin.ProfileSnapshot;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ProfileReader} backed by a map the test fills. The harness does not fold profiles from the fed
 * events: put the snapshots the plugin should see (see {@link Fixtures#profile}).
 *
 * @since 0.1
 */
public final class MapProfileReader implements ProfileReader {

    private final Map<String, ProfileSnapshot> profiles = new ConcurrentHashMap<>();

    /** No profiles. */
    public MapProfileReader() {
    }

    @Override
    public Optional<ProfileSnapshot> profile(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(profiles.get(id));
    }

    /**
     * Makes a profile readable under an id. Put it under the user id and each anonymous id if the plugin may
     * look it up by either.
     */
    public MapProfileReader put(String id, ProfileSnapshot profile) {
        profiles.put(Objects.requireNonNull(id, "id"), Objects.requireNonNull(profile, "profile"));
        return this;
    }

    /** Removes the profile of an id. */
    public MapProfileReader remove(String id) {
        profiles.remove(id);
        return this;
    }

    /** Removes every profile. */
    public void clear() {
        profiles.clear();
    }

    /** Number of ids with a profile. */
    public int size() {
        return profiles.size();
    }
}
