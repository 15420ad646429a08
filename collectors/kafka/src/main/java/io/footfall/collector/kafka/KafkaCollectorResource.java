package io.footfall.collector.kafka;

import io.footfall.core.api.Problem;
import io.footfall.core.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operators' view of the Kafka collector: its status, and starting or stopping it with the
 * configured {@code footfall.collectors.kafka.*} settings without restarting the app.
 */
@Path("/api/v1/collectors/kafka")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
@Tag(name = "Collectors", description = "In-app collectors")
public class KafkaCollectorResource {

    @Inject
    KafkaCollector collector;
    @Inject
    Config config;

    @GET
    @Operation(summary = "Kafka collector status: running, topics, group, counters, lag, last error")
    public KafkaCollector.Status status() {
        return collector.status();
    }

    /** Starts consuming with the configured settings; 400 naming the property when one is missing, 409 when running. */
    @POST
    @Path("/start")
    @Operation(summary = "Start the Kafka collector with the configured footfall.collectors.kafka.* settings")
    public KafkaCollector.Status start() {
        KafkaCollectorSettings settings;
        try {
            settings = KafkaCollectorSettings.fromConfig(config);
        } catch (io.footfall.core.config.InvalidSetting e) {
            throw Problem.badRequest(e.property(), e.getMessage());
        }
        try {
            collector.start(settings);
        } catch (io.footfall.core.config.InvalidSetting e) {
            throw Problem.badRequest(e.property(), e.getMessage());
        } catch (IllegalStateException e) {
            throw new WebApplicationException(Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON)
                    .entity(new Problem("already_running", null, e.getMessage())).build());
        } catch (org.apache.kafka.common.KafkaException e) {
            throw Problem.badRequest(KafkaCollectorSettings.CLIENT_PREFIX + "*", "the Kafka consumer cannot be created: "
                    + io.footfall.core.config.SafeErrors.describe(e));
        }
        return collector.status();
    }

    /** Stops consuming after the appends in flight are committed (waits up to 60 s). */
    @POST
    @Path("/stop")
    @Operation(summary = "Stop the Kafka collector (appends in flight are committed first)")
    public KafkaCollector.Status stop() {
        if (!collector.stop(Duration.ofSeconds(60))) {
            throw new WebApplicationException(Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON)
                    .entity(new Problem("still_stopping", null, "the collector did not stop within 60 s")).build());
        }
        return collector.status();
    }
}
