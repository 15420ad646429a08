package io.footfall.collector.http;

import io.footfall.core.source.SourceRegistry;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The settings document Segment's browser library (analytics-next) loads before it sends anything,
 * served here so a page can load it with {@code cdnURL} pointing at Footfall instead of Segment's
 * CDN. It names only the "Segment.io" destination, with Footfall's tracking API as its host, so
 * the library sends its events here and loads no other integrations.
 */
@Path("/v1/projects")
@jakarta.annotation.security.PermitAll
@Tag(name = "Tracking API", description = "Segment-compatible event collection")
public class ProjectSettingsResource {

    @Inject
    SourceRegistry sources;

    @Context
    HttpServerRequest http;

    @GET
    @Path("/{writeKey}/settings")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Settings for Segment's analytics-next (load it with cdnURL set to this server)")
    public Response settings(@PathParam("writeKey") String writeKey) {
        if (sources.authenticate(writeKey).isEmpty()) {
            return Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON)
                    .entity(ApiError.of("unknown_write_key", "writeKey", "no enabled source has this write key")).build();
        }
        String scheme = http.scheme() == null ? "http" : http.scheme();
        String host = http.authority() != null ? http.authority().toString() : http.getHeader("Host");
        Map<String, Object> segmentIo = Map.of(
                "apiKey", writeKey,
                "apiHost", host + "/v1",
                "protocol", scheme,
                "unbundledIntegrations", List.of(),
                "addBundledMetadata", false,
                "maybeBundledConfigIds", Map.of());
        Map<String, Object> enabled = Map.of("__default", Map.of("enabled", true, "integrations", Map.of()));
        Map<String, Object> settings = Map.of(
                "integrations", Map.of("Segment.io", segmentIo),
                "plan", Map.of("track", enabled, "identify", Map.of("__default", Map.of("enabled", true)),
                        "group", Map.of("__default", Map.of("enabled", true))),
                "edgeFunction", Map.of(),
                "analyticsNextEnabled", true,
                "middlewareSettings", Map.of(),
                "enabledMiddleware", Map.of(),
                "metrics", Map.of("sampleRate", 0),
                "legacyVideoPluginsEnabled", false,
                "remotePlugins", List.of());
        return Response.ok(settings).header("Cache-Control", "public, max-age=60").build();
    }
}
