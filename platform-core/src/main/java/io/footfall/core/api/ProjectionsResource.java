package io.footfall.core.api;

import io.footfall.core.profile.ProfileProjection;
import io.footfall.core.security.Roles;
import io.footfall.core.store.EventLog;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.axonframework.eventhandling.EventTrackerStatus;
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
     */
    public record Status(String name, boolean running, boolean replaying, long position, long head, long lag, boolean error) {
    }

    @GET
    public List<Status> list() {
        long head = log.head();
        return names().stream().sorted().map(name -> status(name, head)).toList();
    }

    @GET
    @Path("/{name}")
    public Status get(@PathParam("name") String name) {
        if (!names().contains(name)) {
            throw Problem.notFound("projection " + name);
        }
        return status(name, log.head());
    }

    /** Clears the projection and rebuilds it from the start of the log, asynchronously. */
    @POST
    @Path("/{name}/replay")
    public Response replay(@PathParam("name") String name) throws Exception {
        StreamingEventProcessor processor = processor(name);
        processor.shutdownAsync().get(30, TimeUnit.SECONDS);
        try {
            // the token rows stay locked until the reset commits: no other instance can claim the processor and fold
            // into the read model while it is cleared (TokenPositions.lockForReset)
            io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
                io.footfall.core.store.TokenPositions.lockForReset(dataSource, name, EventLog.NODE);
                if (EventLog.PROFILES.equals(name)) {
                    clear(profiles::clear);
                }
                log.projection(name).ifPresent(projection -> clear(projection::clear));
                processor.resetTokens();
            });
        } catch (io.footfall.core.store.TokenPositions.HeldElsewhereException e) {
            processor.start();
            throw heldElsewhere("name", e);
        } catch (RuntimeException e) {
            // nothing was cleared (each clear is one transaction that rolled back): the processor goes on where it was
            processor.start();
            throw new jakarta.ws.rs.WebApplicationException(Problem.response(Response.Status.SERVICE_UNAVAILABLE,
                    new Problem("replay_not_started", null, "the read model could not be cleared ("
                            + io.footfall.core.config.SafeErrors.describe(e) + "); nothing changed, try again")));
        }
        processor.start();
        return Response.accepted(Map.of("status", "replaying", "name", name)).build();
    }

    /** 409: another live instance holds the processor; the replay must be asked of that one. */
    static jakarta.ws.rs.WebApplicationException heldElsewhere(String field, io.footfall.core.store.TokenPositions.HeldElsewhereException e) {
        return new jakarta.ws.rs.WebApplicationException(Problem.response(Response.Status.CONFLICT, new Problem(
                "held_by_another_instance", field, e.getMessage() + "; nothing changed. Ask that instance"
                        + " (GET /api/v1/cluster lists who holds what), or try again after it released the processor")));
    }

    /** Attempts at clearing a read model that lost a deadlock. */
    static final int CLEAR_ATTEMPTS = 5;

    /**
     * Clears a read model in a transaction of its own. Its {@code TRUNCATE} takes exclusive locks table by table, so a
     * reader that holds one of them and waits for another (an API or plugin read of profiles and identity links) can
     * deadlock with it; PostgreSQL then aborts one side, and when that is the clear, it is tried again.
     */
    private static void clear(Runnable clear) {
        for (int attempt = 1; ; attempt++) {
            try {
                io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(clear);
                return;
            } catch (RuntimeException e) {
                if (attempt >= CLEAR_ATTEMPTS || !deadlock(e)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Whether PostgreSQL aborted the transaction to break a deadlock (SQLSTATE 40P01, which Hibernate reports as a
     * {@code PessimisticLockException}), anywhere in the causes or the suppressed exceptions.
     */
    static boolean deadlock(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "40P01".equals(sql.getSQLState())
                    || t instanceof jakarta.persistence.PessimisticLockException) {
                return true;
            }
            for (Throwable s : t.getSuppressed()) {
                if (s != t && deadlock(s)) {
                    return true;
                }
            }
        }
        return false;
    }

    private StreamingEventProcessor processor(String name) {
        if (!names().contains(name)) {
            throw Problem.notFound("projection " + name);
        }
        return log.processor(name).orElseThrow(() -> new jakarta.ws.rs.WebApplicationException(Problem.response(
                Response.Status.SERVICE_UNAVAILABLE, new Problem("role_not_enabled", "footfall.roles",
                        "this instance does not run processors; replay on an instance with the process role"))));
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
            return new Status(name, stored.claimed(), stored.replaying(), position, head, Math.max(0, head - position), false);
        }
        long position = io.footfall.core.store.ProcessedPosition.lowest(p);
        boolean replaying = segments.values().stream().anyMatch(EventTrackerStatus::isReplaying);
        boolean error = segments.values().stream().anyMatch(EventTrackerStatus::isErrorState);
        return new Status(name, p.isRunning(), replaying, position, head, Math.max(0, head - position), error);
    }
}
