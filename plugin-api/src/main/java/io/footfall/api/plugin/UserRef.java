package io.footfall.api.plugin;

import io.footfall.api.event.BehaviorEvent;
import java.util.Objects;

/**
 * A user as the events name them: a known user by their user id, or an anonymous visitor by their anonymous id. The
 * host needs the kind to know whose person a timer ({@link Timers}) belongs to.
 *
 * @param id        the user id, or the anonymous id of a visitor (1 to 400 characters)
 * @param anonymous true for a visitor named by an anonymous id
 * @since 1.9
 */
public record UserRef(String id, boolean anonymous) {

    /** Checks the id. */
    public UserRef {
        Objects.requireNonNull(id, "id");
        if (id.isBlank() || id.length() > 400) {
            throw new IllegalArgumentException("a user id must be 1 to 400 characters and not blank");
        }
    }

    /** A known user, by user id. */
    public static UserRef user(String userId) {
        return new UserRef(userId, false);
    }

    /** An anonymous visitor, by anonymous id. */
    public static UserRef visitor(String anonymousId) {
        return new UserRef(anonymousId, true);
    }

    /** Whom the event is about: its user id when it has one, else its anonymous id ({@link BehaviorEvent#primaryId()}). */
    public static UserRef of(BehaviorEvent event) {
        String userId = event.userId();
        return userId == null || userId.isBlank() ? visitor(event.anonymousId()) : user(userId);
    }
}
