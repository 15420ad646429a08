package io.footfall.collector.http;

import io.footfall.api.event.EventKind;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The Segment/RudderStack-compatible tracking API: {@code /v1/batch} and one endpoint per call,
 * with the browser SDKs' short paths. Authenticated by write key, not by user accounts.
 */
@Path("/v1")
@jakarta.annotation.security.PermitAll
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tracking API", description = "Segment-compatible event collection")
public class TrackingApiResource {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(TrackingApiResource.class);

    @Inject
    TrackingRequestHandler handler;

    @Context
    HttpServerRequest http;

    /** Path segment → the call it stands for; {@code b} is a batch (no single kind). */
    private static final java.util.Map<String, EventKind> CALLS = callTable();

    private static java.util.Map<String, EventKind> callTable() {
        java.util.Map<String, EventKind> calls = new java.util.HashMap<>();
        for (EventKind kind : EventKind.values()) {
            calls.put(kind.wireName(), kind);
            calls.put(kind.wireName().substring(0, 1), kind);
        }
        return java.util.Collections.unmodifiableMap(calls);
    }

    @POST
    @Path("/batch")
    @Operation(summary = "Send a batch of events")
    public CompletionStage<Response> batch(byte[] body, @HeaderParam("Authorization") String auth,
                                           @HeaderParam("Content-Encoding") String encoding) {
        return handle(body, auth, encoding, null);
    }

    /**
     * One message per request: {@code track}, {@code page}, {@code screen}, {@code identify},
     * {@code group}, {@code alias}, and the browser SDKs' short paths {@code t p s i g a} (and {@code b}
     * for batches).
     */
    @POST
    @Path("/{call: track|page|screen|identify|group|alias|t|p|s|i|g|a|b}")
    @Operation(summary = "Send one event (track, page, screen, identify, group, alias; or a batch to /v1/b)")
    public CompletionStage<Response> single(@PathParam("call") String call, byte[] body,
                                            @HeaderParam("Authorization") String auth,
                                            @HeaderParam("Content-Encoding") String encoding) {
        return handle(body, auth, encoding, CALLS.get(call));
    }

    private CompletionStage<Response> handle(byte[] body, String auth, String encoding, EventKind kind) {
        String ip = http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
        try {
            return handler.handle(new TrackingRequestHandler.Request(body, auth, encoding, ip, kind));
        } catch (RuntimeException e) {
            LOG.errorf("tracking request failed: %s", e.getClass().getName());
            return java.util.concurrent.CompletableFuture.completedFuture(Response.serverError()
                    .type(MediaType.APPLICATION_JSON)
                    .entity(ApiError.of("internal_error", null, "the request could not be handled; nothing was stored"))
                    .build());
        }
    }
}
