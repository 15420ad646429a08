package io.footfall.core.plugin;

import io.footfall.api.plugin.ProfileReader;
import io.footfall.api.plugin.ProfileSnapshot;
import io.footfall.core.profile.ProfileQueries;
import io.footfall.core.profile.ProfileState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Live profiles for plugins, without personal data. */
final class HostProfileReader implements ProfileReader {

    /** Ids per read of {@link #profiles}: keeps the queries' parameter lists well under PostgreSQL's limit. */
    static final int CHUNK = 500;

    private final ProfileQueries profiles;

    HostProfileReader(ProfileQueries profiles) {
        this.profiles = profiles;
    }

    @Override
    public Optional<ProfileSnapshot> profile(String id) {
        // on a host thread: see HostIo
        return HostIo.call(() -> profiles.state(id)).map(HostProfileReader::snapshot);
    }

    @Override
    public Map<String, ProfileSnapshot> profiles(Collection<String> ids) {
        List<String> all = new ArrayList<>(new java.util.LinkedHashSet<>(ids));
        Map<String, ProfileSnapshot> found = new LinkedHashMap<>();
        for (int from = 0; from < all.size(); from += CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
            HostIo.call(() -> profiles.states(chunk)).forEach((id, state) -> found.put(id, snapshot(state)));
        }
        return found;
    }

    private static ProfileSnapshot snapshot(ProfileState s) {
        return new ProfileSnapshot(s.userId, Set.copyOf(s.anonymousIds), s.firstSeen, s.lastSeen,
                Map.copyOf(s.eventCounts), s.sessions, s.orders, s.revenue, s.lastOrderAt, Map.copyOf(s.categoryWeights),
                List.copyOf(s.recentlyViewed));
    }
}
