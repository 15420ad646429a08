package io.footfall.collector.http;

import io.footfall.api.event.EventKind;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
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

    @POST
    @Path("/batch")
    @Operation(summary = "Send a batch of events")
    public CompletionStage<Response> batch(byte[] body, @HeaderParam("Authorization") String auth,
                                           @HeaderParam("Content-Encoding") String encoding) {
        return handle(body, auth, encoding, null);
    }

    @POST
    @Path("/b")
    public CompletionStage<Response> batchShort(byte[] body, @HeaderParam("Authorization") String auth,
                                                @HeaderParam("Content-Encoding") String encoding) {
        return handle(body, auth, encoding, null);
    }

    @POST
    @Path("/track")
    @Operation(summary = "Record a user action")
    public CompletionStage<Response> track(byte[] body, @HeaderParam("Authorization") String auth,
                                           @HeaderParam("Content-Encoding") String encoding) {
        return handle(body, auth, encoding, EventKind.TRACK);
    }

    @POST
    @Path("/t")
    public CompletionStage<Response> trackShort(byte[] body, @HeaderParam("Authorization") String auth,
                                                @HeaderParam("Content-Encoding") String encoding) {
        return handle(body, auth, encoding, EventKind.TRACK);
    }

    @POST
    @Path("/page")
    @Operation(summary = "Record a page view")
    public CompletionStage<Response> page(byte[] body, @HeaderParam("Authorization") String auth,
                                          @HeaderParam("Content-Encoding") String encoding) {
        return handle(body, auth, encoding, EventKind.PAGE);
    }

    @POST
    @Path("/p")
    public CompletionStage<Response> pageShort(byte[] body, @HeaderParam("Authorization") String auth,
                                               @HeaderParam("Content-Encoding") String encoding) {
        return handle(body, auth, encoding, EventKind.PAGE);
    }

    @POST
    @Path("/screen")
    @Operation(summary = "Record a screen view")
    public CompletionStage<Response> screen(byte[] body, @HeaderParam("Authorization") String auth,
                                            @HeaderParam("Content-Encoding") String encoding) {
        return handle(body, auth, encoding, EventKind.SCREEN);
    }

    @POST
    @Path("/s")
    public CompletionStage<Response> screenShort(byte[] body, @HeaderParam("Authorization") String auth,
                                                 @HeaderParam("Content-Encoding") String encoding) {
        return handle(body, auth, encoding, EventKind.SCREEN);
    }

    @POST
    @Path("/identify")
    @Operation(summary = "Tie a user to their actions and record traits")
    public CompletionStage<Response> identify(byte[] body, @HeaderParam("Authorization") String auth,
                                              @HeaderParam("Content-Encoding") String encoding) {
        return handle(body, auth, encoding, EventKind.IDENTIFY);
    }

    @POST
    @Path("/i")
    public CompletionStage<Response> identifyShort(byte[] body, @HeaderParam("Authorization") String auth,
                                                   @HeaderParam("Content-Encoding") String encoding) {
        return handle(body, auth, encoding, EventKind.IDENTIFY);
    }

    @POST
    @Path("/group")
    @Operation(summary = "Associate a user with a group")
    public CompletionStage<Response> group(byte[] body, @HeaderParam("Authorization") String auth,
                                           @HeaderParam("Content-Encoding") String encoding) {
        return handle(body, auth, encoding, EventKind.GROUP);
    }

    @POST
    @Path("/g")
    public CompletionStage<Response> groupShort(byte[] body, @HeaderParam("Authorization") String auth,
                                                @HeaderParam("Content-Encoding") String encoding) {
        return handle(body, auth, encoding, EventKind.GROUP);
    }

    @POST
    @Path("/alias")
    @Operation(summary = "Merge two user identities")
    public CompletionStage<Response> alias(byte[] body, @HeaderParam("Authorization") String auth,
                                           @HeaderParam("Content-Encoding") String encoding) {
        return handle(body, auth, encoding, EventKind.ALIAS);
    }

    @POST
    @Path("/a")
    public CompletionStage<Response> aliasShort(byte[] body, @HeaderParam("Authorization") String auth,
                                                @HeaderParam("Content-Encoding") String encoding) {
        return handle(body, auth, encoding, EventKind.ALIAS);
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
