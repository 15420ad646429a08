package io.footfall.api.plugin;

import java.util.Optional;

/**
 * Read access to live profiles.
 *
 * @since 0.1
 */
public interface ProfileReader {
    /** The profile of a user id or anonymous id. */
    Optional<ProfileSnapshot> profile(String id);
}
