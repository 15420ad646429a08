package io.footfall.distribution.kafka;

import io.footfall.core.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Operators' view of the Kafka relay: whether it runs here, the position Kafka acknowledged, the lag, failures. */
@Path("/api/v1/distribution/kafka")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
@Tag(name = "Distribution", description = "Publishing the log to Kafka")
public class KafkaRelayResource {

    @Inject
    KafkaRelay relay;

    @GET
    @Operation(summary = "Kafka relay status: running, holding the token, topic, acknowledged position, lag, counters, last error")
    public KafkaRelay.Status status() {
        return relay.status();
    }
}
