package io.footfall.core.observability;

import io.footfall.core.ingest.IngestPipeline;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Liveness and readiness of ingestion: the group-commit writer thread is alive and the pipeline
 * accepts requests. (The database's own check comes from the data source; processors report their
 * lag, which says nothing about whether the process should be restarted.)
 */
@Liveness
@Readiness
@ApplicationScoped
public class IngestHealth implements HealthCheck {

    @Inject
    IngestPipeline pipeline;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("footfall-ingest")
                .status(pipeline.healthy())
                .withData("queuedEvents", pipeline.queuedEvents())
                .withData("committedEvents", pipeline.committedEvents())
                .build();
    }
}
