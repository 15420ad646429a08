package io.footfall.core.observability;

import io.footfall.core.config.SafeErrors;
import io.footfall.core.plugin.DeadLetters;
import io.footfall.core.plugin.PluginHost;
import io.footfall.core.plugin.PluginRuntimeView;
import io.footfall.core.store.EventLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Gauges of the log's processors for Prometheus ({@code /q/metrics}): how far each processor (the
 * profile projection, contributed projections such as reporting, every plugin, the {@link ReportedProcessor}s such as the
 * Kafka relay) is behind the head of the log, whether it is in error, and per
 * plugin its processed events, failed batches and parked dead letters. The rows are refreshed on a
 * schedule (one query for the head, one per plugin for dead letters), not on every scrape, and
 * plugins that come and go get and lose their rows.
 */
@ApplicationScoped
public class ProcessingMetrics {

    private static final Logger LOG = Logger.getLogger(ProcessingMetrics.class);

    @Inject
    MeterRegistry registry;
    @Inject
    EventLog log;
    @Inject
    PluginHost plugins;
    @Inject
    DeadLetters deadLetters;
    @Inject
    io.footfall.core.store.ProjectionDeadLetters projectionDeadLetters;
    /** Processors run by modules outside platform-core (the Kafka relay). */
    @Inject
    jakarta.enterprise.inject.Instance<ReportedProcessor> reported;

    @ConfigProperty(name = "footfall.metrics.refresh", defaultValue = "PT5S")
    java.time.Duration refresh;

    private MultiGauge lag;
    private MultiGauge errors;
    private MultiGauge processed;
    private MultiGauge failed;
    private MultiGauge parked;
    private MultiGauge parkedEvents;
    private ScheduledExecutorService scheduler;

    void start(@Observes @Priority(40) StartupEvent startup) {
        lag = MultiGauge.builder("footfall.processor.lag").baseUnit("events")
                .description("events in the log not yet handled by the processor").register(registry);
        errors = MultiGauge.builder("footfall.processor.error")
                .description("1 when the processor is in error (retrying, or a plugin stopped for failing), else 0")
                .register(registry);
        processed = MultiGauge.builder("footfall.plugin.processed").baseUnit("events")
                .description("events handed to the plugin since start").register(registry);
        failed = MultiGauge.builder("footfall.plugin.failed.batches")
                .description("batches the plugin failed since start").register(registry);
        parked = MultiGauge.builder("footfall.plugin.dead.letters")
                .description("parked batches waiting for retry or drop").register(registry);
        parkedEvents = MultiGauge.builder("footfall.projection.dead.letters").baseUnit("events")
                .description("events the projection failed on every time, parked and skipped (ADR 0023)").register(registry);
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "footfall-metrics");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::refreshSafely, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes @Priority(3) ShutdownEvent shutdown) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private void refreshSafely() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.debugf("processor metrics not refreshed: %s", SafeErrors.describe(e));
        }
    }

    /** Reads the positions of all processors and replaces the gauges' rows. */
    void refresh() {
        long head = log.head();
        List<MultiGauge.Row<?>> lagRows = new ArrayList<>();
        List<MultiGauge.Row<?>> errorRows = new ArrayList<>();
        List<String> projections = new ArrayList<>(List.of(EventLog.PROFILES));
        log.projections().forEach(p -> projections.add(p.name()));
        List<MultiGauge.Row<?>> parkedEventRows = new ArrayList<>();
        for (String name : projections) {
            // counted by every instance: the letters are in the shared database
            parkedEventRows.add(MultiGauge.Row.of(Tags.of("processor", name), projectionDeadLetters.parked(name)));
            // only processors this instance folds: with several instances, each reports the segments it holds
            log.processor(name).filter(p -> !p.processingStatus().isEmpty()).ifPresent(p -> {
                Tags tags = Tags.of("processor", name);
                lagRows.add(MultiGauge.Row.of(tags, lagOf(p, head)));
                errorRows.add(MultiGauge.Row.of(tags, inError(p) ? 1 : 0));
            });
        }
        for (ReportedProcessor processor : reported) {
            java.util.OptionalLong position = processor.reportedPosition();
            if (position.isPresent()) {
                Tags tags = Tags.of("processor", processor.name());
                lagRows.add(MultiGauge.Row.of(tags, position.getAsLong() < 0 ? head + 1 : Math.max(0, head - position.getAsLong())));
                errorRows.add(MultiGauge.Row.of(tags, processor.inError() ? 1 : 0));
            }
        }
        List<MultiGauge.Row<?>> processedRows = new ArrayList<>();
        List<MultiGauge.Row<?>> failedRows = new ArrayList<>();
        List<MultiGauge.Row<?>> parkedRows = new ArrayList<>();
        for (PluginRuntimeView plugin : plugins.plugins()) {
            Tags tags = Tags.of("processor", "plugin:" + plugin.id());
            Tags pluginTags = Tags.of("plugin", plugin.id());
            if (plugin.holdsSegments()) {
                long position = plugin.position();
                lagRows.add(MultiGauge.Row.of(tags, position < 0 ? head + 1 : Math.max(0, head - position)));
            }
            // a plugin the host stopped for failing (FAILED, QUARANTINED) is in error; disabled is not
            String state = plugin.state();
            errorRows.add(MultiGauge.Row.of(tags, "FAILED".equals(state) || "QUARANTINED".equals(state) ? 1 : 0));
            processedRows.add(MultiGauge.Row.of(pluginTags, plugin.processedEvents()));
            failedRows.add(MultiGauge.Row.of(pluginTags, plugin.failedBatches()));
            parkedRows.add(MultiGauge.Row.of(pluginTags, deadLetters.parked(plugin.id())));
        }
        lag.register(lagRows, true);
        errors.register(errorRows, true);
        processed.register(processedRows, true);
        failed.register(failedRows, true);
        parked.register(parkedRows, true);
        parkedEvents.register(parkedEventRows, true);
    }

    private static long lagOf(StreamingEventProcessor processor, long head) {
        long position = io.footfall.core.store.ProcessedPosition.lowest(processor);
        return Math.max(0, head - position);
    }

    private static boolean inError(StreamingEventProcessor processor) {
        return processor.processingStatus().values().stream().anyMatch(EventTrackerStatus::isErrorState);
    }
}
