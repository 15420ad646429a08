package io.footfall.collector.http;

import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Server-side CSV import ({@code backfill --server}): whole lines of a UserBehavior or MovieLens file per request,
 * authenticated by write key like the tracking API. See docs/collectors.md.
 */
@Path("/v1/import")
@jakarta.annotation.security.PermitAll
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tracking API", description = "Segment-compatible event collection")
public class ImportResource {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ImportResource.class);

    @Inject
    CsvImportHandler handler;

    @POST
    @Blocking
    @Operation(summary = "Import whole lines of a CSV file (format userbehavior or movielens); answered once committed")
    public CompletionStage<Response> importLines(byte[] body, @QueryParam("format") String format, @QueryParam("tag") String tag,
                                                 @QueryParam("firstLine") @DefaultValue("1") String firstLine,
                                                 @HeaderParam("Authorization") String auth,
                                                 @HeaderParam("Content-Encoding") String encoding) {
        long first;
        try {
            first = Long.parseLong(firstLine.trim());
        } catch (NumberFormatException e) {
            first = -1;
        }
        try {
            return handler.handle(new CsvImportHandler.Request(body, auth, encoding, format, tag, first));
        } catch (RuntimeException e) {
            LOG.errorf("import request failed: %s", e.getClass().getName());
            return java.util.concurrent.CompletableFuture.completedFuture(Response.serverError().type(MediaType.APPLICATION_JSON)
                    .entity(ApiError.of("internal_error", null, "the request could not be handled; send it again")).build());
        }
    }
}
