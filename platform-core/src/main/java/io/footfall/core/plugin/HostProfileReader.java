package io.footfall.core.plugin;

import io.footfall.api.plugin.ProfileReader;
import io.footfall.api.plugin.ProfileSnapshot;
import io.footfall.core.profile.ProfileQueries;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Live profiles for plugins, without personal data. */
final class HostProfileReader implements ProfileReader {

    private final ProfileQueries profiles;

    HostProfileReader(ProfileQueries profiles) {
        this.profiles = profiles;
    }

    @Override
    public Optional<ProfileSnapshot> profile(String id) {
        // on a host thread: see HostIo
        return HostIo.call(() -> profiles.state(id)).map(s -> new ProfileSnapshot(s.userId, Set.copyOf(s.anonymousIds), s.firstSeen, s.lastSeen,
                Map.copyOf(s.eventCounts), s.sessions, s.orders, s.revenue, s.lastOrderAt, Map.copyOf(s.categoryWeights),
                List.copyOf(s.recentlyViewed)));
    }
}
