package io.footfall.core.api;

import io.footfall.core.security.Roles;
import io.footfall.core.source.Source;
import io.footfall.core.source.SourceRegistry;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * Sources and write keys: create, rename, disable or enable, rotate the key (optionally keeping the old one working for
 * a while). A write key is shown only in the answer that made it.
 */
@Path("/api/v1/sources")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class SourcesResource {

    @Inject
    SourceRegistry sources;

    /**
     * A request to create a source.
     *
     * @param name display name, 1–200 characters
     */
    public record NewSource(String name) {
    }

    @POST
    public Response create(NewSource request) {
        if (request == null || request.name() == null || request.name().isBlank() || request.name().length() > 200) {
            throw Problem.badRequest("name", "name is required, 1 to 200 characters");
        }
        return Response.status(Response.Status.CREATED).entity(sources.create(request.name().trim())).build();
    }

    @GET
    public List<Source> list() {
        return sources.list();
    }
    /** One source. */
    @GET
    @Path("/{id}")
    public Source get(@PathParam("id") String id) {
        return sources.find(id).orElseThrow(() -> Problem.notFound("source " + id));
    }

    /**
     * A change to a source: each member absent or null stays as it is.
     *
     * @param name    display name, 1–200 characters
     * @param enabled false refuses its write keys (401) from now on, true accepts them again
     */
    public record SourceChange(String name, Boolean enabled) {
    }

    /** Renames, disables or enables a source: at once on this instance, within 30 s on the others. */
    @PATCH
    @Path("/{id}")
    public Source update(@PathParam("id") String id, SourceChange change) {
        get(id);
        if (change == null || change.name() == null && change.enabled() == null) {
            throw Problem.badRequest("body", "give name and/or enabled to change");
        }
        if (change.name() != null && (change.name().isBlank() || change.name().length() > 200)) {
            throw Problem.badRequest("name", "name must be 1 to 200 characters");
        }
        return sources.update(id, change.name() == null ? null : change.name().trim(), change.enabled())
                .orElseThrow(() -> Problem.notFound("source " + id));
    }

    /**
     * A key rotation.
     *
     * @param keepOldFor how long the current key keeps working beside the new one, an ISO-8601 duration from
     *                   {@code PT0S} (the default: it stops at once) to {@code P30D}
     */
    public record Rotation(String keepOldFor) {
    }

    /**
     * Gives the source a new write key, shown once in the answer ({@code writeKey}). The current key keeps working for
     * {@code keepOldFor} (see {@code previousKeyValidUntil}), so storefronts can switch without losing events; a key
     * rotated out earlier stops now. Keys rotated out are never accepted again, nor re-created by
     * {@code FOOTFALL_BOOTSTRAP_WRITE_KEY}.
     */
    @POST
    @Path("/{id}/rotate-key")
    public SourceRegistry.Rotated rotate(@PathParam("id") String id, Rotation rotation) {
        get(id);
        java.time.Duration overlap = java.time.Duration.ZERO;
        if (rotation != null && rotation.keepOldFor() != null) {
            try {
                overlap = java.time.Duration.parse(rotation.keepOldFor());
            } catch (java.time.format.DateTimeParseException e) {
                overlap = null;
            }
            if (overlap == null || overlap.isNegative() || overlap.compareTo(SourceRegistry.MAX_OVERLAP) > 0) {
                throw Problem.badRequest("keepOldFor", "keepOldFor must be an ISO-8601 duration from PT0S to P30D, e.g. PT1H");
            }
        }
        return sources.rotate(id, overlap).orElseThrow(() -> Problem.notFound("source " + id));
    }
}
