package io.footfall.core.store;

import io.footfall.api.event.EventRevision;
import java.time.Instant;

/**
 * An operator undid the stitching of an anonymous id (or aliased id) into a user: from this point
 * in the log on, the two are separate people again. Appended by the admin API.
 *
 * @param userId      the user the id had been stitched into
 * @param anonymousId the anonymous or aliased id to detach
 * @param at          when the operator asked for it
 * @param actor       the operator's account name
 */
@EventRevision("1")
public record IdentityUnlinked(String userId, String anonymousId, Instant at, String actor) {
}
