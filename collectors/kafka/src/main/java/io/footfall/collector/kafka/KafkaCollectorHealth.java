package io.footfall.collector.kafka;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the Kafka collector ({@code footfall-kafka-collector} in {@code /q/health/ready}): DOWN
 * while its consumer died of an unexpected error and is being replaced ({@link KafkaCollector.State#RESTARTING}),
 * so a collector that silently stopped consuming cannot go unnoticed. UP when it consumes, and when it is
 * off or stopped on purpose. Not a liveness check: restarting the process would not help more than the
 * collector's own restart does.
 */
@Readiness
@ApplicationScoped
public class KafkaCollectorHealth implements HealthCheck {

    @Inject
    KafkaCollector collector;

    @Override
    public HealthCheckResponse call() {
        KafkaCollector.Status st = collector.status();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("footfall-kafka-collector")
                .status(st.state() != KafkaCollector.State.RESTARTING)
                .withData("state", st.state().name())
                .withData("restarts", st.restarts());
        if (st.state() == KafkaCollector.State.RESTARTING && st.lastError() != null) {
            b.withData("lastError", st.lastError());
        }
        return b.build();
    }
}
