package io.footfall.api.plugin;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Read access to live profiles.
 *
 * @since 0.1
 */
public interface ProfileReader {
    /** The profile of a user id or anonymous id. */
    Optional<ProfileSnapshot> profile(String id);

    /**
     * The profiles of several ids at once, keyed by the ids asked for; ids without a profile are left out. Each id is
     * resolved as {@link #profile} resolves it. A plugin that needs the profiles of a batch's users should ask for them
     * here, once per batch: the host reads them with a few queries instead of several per user. The default asks
     * {@link #profile} for each id.
     *
     * @since 1.5
     */
    default Map<String, ProfileSnapshot> profiles(Collection<String> ids) {
        Map<String, ProfileSnapshot> found = new LinkedHashMap<>();
        for (String id : ids) {
            profile(id).ifPresent(p -> found.put(id, p));
        }
        return found;
    }
}
