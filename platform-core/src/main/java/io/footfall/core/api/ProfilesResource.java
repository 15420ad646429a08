package io.footfall.core.api;

import io.footfall.core.profile.ProfileQueries;
import io.footfall.core.profile.ProfileView;
import io.footfall.core.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** Live profiles, profiles as of an instant, and timelines. */
@Path("/api/v1/profiles")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.ANALYST})
public class ProfilesResource {

    @Inject
    ProfileQueries profiles;

    /**
     * A page of a timeline.
     *
     * @param items      events, latest first
     * @param nextBefore pass as {@code before} for the next page; absent on the last page
     */
    public record TimelinePage(List<ProfileQueries.TimelineItem> items, Long nextBefore) {
    }

    @GET
    @Path("/{id}")
    public ProfileView profile(@PathParam("id") String id, @QueryParam("asOf") String asOf) {
        Instant at = Params.instant(asOf, "asOf");
        if (at == null) {
            return profiles.live(id).orElseThrow(() -> Problem.notFound("profile " + id));
        }
        ProfileView then = profiles.asOf(id, at).orElseThrow(() -> Problem.notFound("profile " + id));
        if (then.firstSeen() == null) {
            // the person exists now but had no event yet then: no profile, rather than an empty one that reads as a real one
            throw Problem.notFound("asOf", "profile " + id + " has no events at or before " + at);
        }
        return then;
    }

    @GET
    @Path("/{id}/events")
    public TimelinePage events(@PathParam("id") String id,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "0")) @QueryParam("before") String before,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500")) @QueryParam("limit") String limit) {
        int n = Params.limit(limit, 50, 500);
        List<ProfileQueries.TimelineItem> items = profiles.timeline(id, Params.position(before, "before"), n).orElseThrow(() -> Problem.notFound("profile " + id));
        return new TimelinePage(items, items.size() < n ? null : items.get(items.size() - 1).position());
    }
}
