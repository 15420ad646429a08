package io.footfall.core.api;

import io.footfall.core.security.Roles;
import io.footfall.core.store.EventLog;
import io.footfall.core.store.IdentityUnlinked;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.axonframework.eventhandling.GenericEventMessage;

/** Undoing identity stitching. The unlink is an event in the log, so replays reproduce it. */
@Path("/api/v1/identity")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
public class IdentityResource {

    @Inject
    EventLog log;
    @Inject
    SecurityIdentity identity;

    /**
     * Which stitch to undo.
     *
     * @param userId      the user the id was stitched into
     * @param anonymousId the anonymous (or aliased) id to detach
     */
    public record Unmerge(String userId, String anonymousId) {
    }

    @POST
    @Path("/unmerge")
    public Response unmerge(Unmerge request) {
        if (request == null || request.userId() == null || request.userId().isBlank()) {
            throw Problem.badRequest("userId", "userId is required");
        }
        if (request.anonymousId() == null || request.anonymousId().isBlank()) {
            throw Problem.badRequest("anonymousId", "anonymousId is required");
        }
        id(request.userId(), "userId");
        id(request.anonymousId(), "anonymousId");
        IdentityUnlinked event = new IdentityUnlinked(request.userId(), request.anonymousId(), Instant.now(),
                identity.getPrincipal().getName());
        log.appendNow(List.of(GenericEventMessage.asEventMessage(event)));
        return Response.accepted(Map.of("status", "accepted", "userId", request.userId(), "anonymousId", request.anonymousId())).build();
    }

    /** An id as the tracking API accepts it: at most 255 characters, no control characters, no lone surrogates. */
    private static void id(String value, String field) {
        if (value.length() > 255) {
            throw Problem.badRequest(field, field + " has more than 255 characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw Problem.badRequest(field, field + " contains a control character");
        }
        // a pair of surrogates is one code point above U+FFFF; what is left in the surrogate range is half of one
        if (value.codePoints().anyMatch(cp -> cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
            throw Problem.badRequest(field, field + " contains a lone UTF-16 surrogate");
        }
    }
}
