package io.footfall.collector.http;

import io.footfall.core.api.Params;
import io.footfall.core.api.Problem;
import io.footfall.core.failed.FailedEventStore;
import io.footfall.core.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * The failed-events store: list what the collectors rejected, re-process an event (as stored, or
 * with a corrected body) once the cause is fixed, or drop it.
 */
@Path("/api/v1/failed-events")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
public class FailedEventsResource {

    @Inject
    FailedEventStore store;
    @Inject
    TrackingRequestHandler handler;

    /**
     * A page of failed events.
     *
     * @param items     failed events, by id
     * @param nextAfter pass as {@code after} for the next page; absent on the last page
     */
    public record Page(List<FailedEventStore.Stored> items, Long nextAfter) {
    }

    /**
     * The failed events with one status counted per reason and field, over all of them (not a page).
     *
     * @param status  the status counted
     * @param total   events with that status
     * @param reasons counts per reason and field, most first
     */
    public record Summary(FailedEventStore.Status status, long total, List<FailedEventStore.ReasonCount> reasons) {
    }

    @GET
    public Page list(@QueryParam("status") String status,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "0")) @QueryParam("after") String after,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500")) @QueryParam("limit") String limit) {
        FailedEventStore.Status s = status(status);
        int n = Params.limit(limit, 50, 500);
        Long from = Params.position(after, "after");
        List<FailedEventStore.Stored> items = store.list(s, from == null ? 0 : from, n);
        return new Page(items, items.size() < n ? null : items.get(items.size() - 1).id());
    }

    @GET
    @Path("/summary")
    public Summary summary(@QueryParam("status") String status) {
        FailedEventStore.Status s = status(status);
        List<FailedEventStore.ReasonCount> reasons = store.countByReason(s);
        return new Summary(s, reasons.stream().mapToLong(FailedEventStore.ReasonCount::count).sum(), reasons);
    }

    private static FailedEventStore.Status status(String status) {
        try {
            return status == null ? FailedEventStore.Status.OPEN : FailedEventStore.Status.valueOf(status.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("status", "status must be OPEN, REPROCESSED or DROPPED");
        }
    }

    @GET
    @Path("/{id}")
    public FailedEventStore.Stored get(
            @Parameter(schema = @Schema(type = SchemaType.INTEGER)) @PathParam("id") String failedId) {
        long id = Params.id(failedId, "failed event");
        return store.get(id).orElseThrow(() -> Problem.notFound("failed event " + id));
    }

    /**
     * Validates the stored raw event again — or the corrected JSON in the body, if one is sent —
     * and appends it on success. Answers like the tracking API; a still-invalid event stays open.
     */
    @POST
    @Path("/{id}/reprocess")
    @Consumes(MediaType.WILDCARD)
    public CompletionStage<Response> reprocess(
            @Parameter(schema = @Schema(type = SchemaType.INTEGER)) @PathParam("id") String failedId, byte[] corrected) {
        long id = Params.id(failedId, "failed event");
        FailedEventStore.Stored failed = store.get(id).orElseThrow(() -> Problem.notFound("failed event " + id));
        if (failed.status() != FailedEventStore.Status.OPEN) {
            throw new jakarta.ws.rs.WebApplicationException(Response.status(Response.Status.CONFLICT)
                    .type(MediaType.APPLICATION_JSON)
                    .entity(new Problem("not_open", "status", "failed event " + id + " is " + failed.status())).build());
        }
        byte[] body = corrected != null && corrected.length > 0 ? corrected
                : failed.event().raw().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return handler.reprocess(failed.event(), body).thenApply(response -> {
            if (response.getStatus() == 200) {
                store.resolve(id, FailedEventStore.Status.REPROCESSED);
            }
            return response;
        });
    }

    @POST
    @Path("/{id}/drop")
    public Response drop(
            @Parameter(schema = @Schema(type = SchemaType.INTEGER)) @PathParam("id") String failedId) {
        long id = Params.id(failedId, "failed event");
        store.get(id).orElseThrow(() -> Problem.notFound("failed event " + id));
        if (!store.resolve(id, FailedEventStore.Status.DROPPED)) {
            return Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON)
                    .entity(new Problem("not_open", "status", "failed event " + id + " is not open")).build();
        }
        return Response.ok(store.get(id).orElseThrow()).build();
    }
}
