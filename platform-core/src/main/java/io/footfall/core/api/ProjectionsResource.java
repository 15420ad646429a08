package io.footfall.core.api;

import io.footfall.core.profile.ProfileProjection;
import io.footfall.core.security.Roles;
import io.footfall.core.cluster.ReplayRequests;
import io.footfall.core.store.EventLog;
import io.footfall.core.store.ProjectionDeadLetters;
import io.footfall.core.store.ProjectionReplays;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.axonframework.eventhandling.StreamingEventProcessor;

/** Projection status (position, lag) and replay. */
@Path("/api/v1/projections")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class ProjectionsResource {

    @Inject
    EventLog log;
    @Inject
    ProfileProjection profiles;
    @Inject
    javax.sql.DataSource dataSource;
    @Inject
    ProjectionReplays replays;
    @Inject
    ReplayRequests requests;
    @Inject
    ProjectionDeadLetters deadLetters;

    /**
     * A projection's state.
     *
     * @param name      processor name
     * @param running   whether it is processing
     * @param replaying whether it is replaying
     * @param position  lowest position over its segments, -1 before the first event
     * @param head      position of the latest event in the log
     * @param lag       events behind the head
     * @param error     whether a segment is in error
     * @param segments  how many segments it folds on
     * @param deadLetters events it parked and skips (ADR 0023): {@code GET .../dead-letters}
     */
    public record Status(String name, boolean running, boolean replaying, long position, long head, long lag, boolean error,
                         int segments, long deadLetters) {
    }

    @GET
    public List<Status> list() {
        long head = log.head();
        return names().stream().sorted().map(name -> status(name, head)).toList();
    }

    @GET
    @Path("/{name}")
    public Status get(@PathParam("name") String name) {
        known(name);
        return status(name, log.head());
    }

    /**
     * Clears the projection and rebuilds it from the start of the log, asynchronously: here when this instance folds
     * it (or nobody does), else recorded for the instance that holds it ({@link ReplayRequests}, ADR 0018).
     */
    @POST
    @Path("/{name}/replay")
    public Response replay(@PathParam("name") String name) throws Exception {
        known(name);
        StreamingEventProcessor processor = log.processor(name).orElse(null);
        if (processor != null) {
            try {
                replays.replayHere(processor, name, () -> { });
                return Response.accepted(Map.of("status", "replaying", "name", name)).build();
            } catch (io.footfall.core.store.TokenPositions.HeldElsewhereException e) {
                // another instance folds it: that one replays it
            } catch (ProjectionReplays.NotClearedException e) {
                throw new jakarta.ws.rs.WebApplicationException(Problem.response(Response.Status.SERVICE_UNAVAILABLE,
                        new Problem("replay_not_started", null, "the read model could not be cleared ("
                                + io.footfall.core.config.SafeErrors.describe(e.getCause()) + "); nothing changed, try again")));
            }
        }
        return requested("name", name, requests.request(name, null));
    }

    /**
     * The events the projection parked because it failed on them every time (ADR 0023), oldest first. It skips them;
     * a replay tries them again.
     */
    @GET
    @Path("/{name}/dead-letters")
    public List<ProjectionDeadLetters.DeadLetter> deadLetters(@PathParam("name") String name, @QueryParam("status") String status,
            @Parameter(schema = @Schema(
                    type = SchemaType.INTEGER, minimum = "1", maximum = "500"))
            @QueryParam("limit") String limit) {
        known(name);
        if (status != null && !ProjectionDeadLetters.STATUSES.contains(status)) {
            throw Problem.badRequest("status", "status must be one of " + String.join(", ", ProjectionDeadLetters.STATUSES));
        }
        return deadLetters.list(name, status, Params.limit(limit, 50, 500));
    }

    /** One dead letter. */
    @GET
    @Path("/{name}/dead-letters/{letter}")
    public ProjectionDeadLetters.DeadLetter deadLetter(@PathParam("name") String name, @Parameter(
            schema = @Schema(type = SchemaType.INTEGER))
            @PathParam("letter") String letter) {
        known(name);
        long id = Params.id(letter, "dead letter");
        return deadLetters.get(name, id).orElseThrow(() -> Problem.notFound("dead letter " + id));
    }

    /**
     * Marks a parked letter seen and its gap accepted: the projection still skips the event (only a replay tries it
     * again), and the letter no longer counts as parked. 409 when it is not parked.
     */
    @POST
    @Path("/{name}/dead-letters/{letter}/drop")
    public ProjectionDeadLetters.DeadLetter drop(@PathParam("name") String name, @Parameter(
            schema = @Schema(type = SchemaType.INTEGER))
            @PathParam("letter") String letter) {
        ProjectionDeadLetters.DeadLetter found = deadLetter(name, letter);
        if (!deadLetters.drop(name, found.id())) {
            ProjectionDeadLetters.DeadLetter now = deadLetters.get(name, found.id()).orElse(found);
            throw Problem.conflict("not_parked", "status", "dead letter " + found.id() + " is " + now.status());
        }
        return deadLetters.get(name, found.id()).orElseThrow();
    }

    private void known(String name) {
        if (!names().contains(name)) {
            throw Problem.notFound("projection " + name);
        }
    }

    /** 202 for a replay recorded for the instance that folds the processor ({@link ReplayRequests}). */
    static Response requested(String field, String id, ReplayRequests.Request request) {
        return Response.accepted(Map.of("status", "requested", field, id, "requestedAt", request.requestedAt().toString(),
                "message", "the instance that folds " + request.processor() + " replays it; GET /api/v1/cluster shows when it did"))
                .build();
    }

    /** The profile projection and every contributed projection, whether or not this instance runs them. */
    private java.util.Set<String> names() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        names.add(EventLog.PROFILES);
        log.projections().forEach(p -> names.add(p.name()));
        return names;
    }

    private Status status(String name, long head) {
        StreamingEventProcessor p = log.processor(name).orElse(null);
        Map<Integer, EventTrackerStatus> segments = p == null ? Map.of() : p.processingStatus();
        if (segments.isEmpty()) {
            // another instance holds the segments (or none does yet): what the token store says
            io.footfall.core.store.TokenPositions.Stored stored =
                    io.footfall.core.store.TokenPositions.read(dataSource, log.serializer(), name);
            long position = stored.position();
            return new Status(name, stored.claimed(), stored.replaying(), position, head, Math.max(0, head - position), false, log.segments(name),
                    deadLetters.parked(name));
        }
        long position = io.footfall.core.store.ProcessedPosition.lowest(p);
        if (segments.size() < log.segments(name)) {
            // the other segments are held elsewhere (ADR 0021): theirs from the token store
            position = Math.min(position, io.footfall.core.store.TokenPositions.read(dataSource, log.serializer(), name).position());
        }
        boolean replaying = segments.values().stream().anyMatch(s -> io.footfall.core.store.TokenPositions.replaying(s.getTrackingToken()));
        boolean error = segments.values().stream().anyMatch(EventTrackerStatus::isErrorState);
        return new Status(name, p.isRunning(), replaying, position, head, Math.max(0, head - position), error, log.segments(name),
                deadLetters.parked(name));
    }
}
