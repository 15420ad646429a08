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
 * and while no broker has answered it for {@code unreachable-after} ({@link KafkaCollector.State#UNREACHABLE}:
 * nothing listens at the bootstrap servers, the network or the cluster is down), so a collector that silently
 * stopped consuming cannot go unnoticed; the data's {@code reason} says why (no personal data). UP when it
 * consumes, and when it is off or stopped on purpose. Not a liveness check: restarting the process would not
 * help more than the collector's own retries do.
 */
@Readiness
@ApplicationScoped
public class KafkaCollectorHealth implements HealthCheck {

    @Inject
    KafkaCollector collector;

    @Override
    public HealthCheckResponse call() {
        KafkaCollector.Status st = collector.status();
        boolean down = st.state() == KafkaCollector.State.RESTARTING || st.state() == KafkaCollector.State.UNREACHABLE;
        HealthCheckResponseBuilder b = HealthCheckResponse.named("footfall-kafka-collector")
                .status(!down)
                .withData("state", st.state().name())
                .withData("restarts", st.restarts());
        if (down) {
            String reason = st.state() == KafkaCollector.State.UNREACHABLE
                    ? java.util.Objects.requireNonNullElse(collector.unreachableReason(), "no Kafka broker answers")
                    : "the consumer died and is being replaced" + (st.lastError() != null ? ": " + st.lastError() : "");
            b.withData("reason", reason);
            if (st.state() == KafkaCollector.State.RESTARTING && st.lastError() != null) {
                b.withData("lastError", st.lastError());
            }
        }
        return b.build();
    }
}
