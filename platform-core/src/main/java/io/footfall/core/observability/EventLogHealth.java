package io.footfall.core.observability;

import io.footfall.core.store.EventLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the event log: Axon's runtime is started and the profile projection runs. A
 * projection that is retrying after an error keeps the instance ready (ingestion still works;
 * profiles catch up when the cause is fixed) and shows it in the check's data.
 */
@Readiness
@ApplicationScoped
public class EventLogHealth implements HealthCheck {

    @Inject
    EventLog log;
    @Inject
    io.footfall.core.config.InstanceRoles roles;

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("footfall-event-log");
        if (log.started() && !roles.process()) {
            // appends only: the processors run on instances with the process role
            return builder.up().withData("roles", String.join(",", roles.names())).build();
        }
        var profiles = log.started() ? log.processor(EventLog.PROFILES) : java.util.Optional.<org.axonframework.eventhandling.StreamingEventProcessor>empty();
        if (profiles.isEmpty()) {
            return builder.down().withData("reason", "the event log is not started").build();
        }
        var status = profiles.get().processingStatus().values();
        boolean error = status.stream().anyMatch(EventTrackerStatus::isErrorState);
        return builder.status(profiles.get().isRunning())
                .withData("profilesRunning", profiles.get().isRunning())
                .withData("profilesInError", error)
                .build();
    }
}
