package io.footfall.app;

import io.footfall.core.source.SourceRegistry;
import io.footfall.core.store.EventLog;
import io.footfall.core.store.ProcessedPosition;
import io.footfall.simulator.GroundTruth;
import io.footfall.simulator.HttpBatchSink;
import io.footfall.simulator.Simulator;
import io.footfall.simulator.SimulatorConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * {@code FOOTFALL_DEMO_DATA=true}: on a first start with an empty log, sends simulated storefront
 * traffic (the seeded simulator, through the public tracking API) so a newcomer sees profiles at once.
 */
@ApplicationScoped
public class DemoData {

    private static final Logger LOG = Logger.getLogger(DemoData.class);

    @Inject
    SourceRegistry sources;
    @Inject
    DataSource dataSource;
    @Inject
    EventLog log;

    @ConfigProperty(name = "footfall.demo-data", defaultValue = "false")
    boolean enabled;
    @ConfigProperty(name = "footfall.demo.users", defaultValue = "500")
    int users;
    @ConfigProperty(name = "footfall.demo.days", defaultValue = "30")
    int days;
    @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080")
    int port;

    void load(@Observes @Priority(100) StartupEvent startup) {
        if (!enabled || !logIsEmpty()) {
            return;
        }
        String writeKey = sources.create("demo storefront").writeKey();
        Thread loader = new Thread(() -> send(writeKey), "footfall-demo-data");
        loader.setDaemon(true);
        loader.start();
    }

    private void send(String writeKey) {
        URI base = URI.create("http://127.0.0.1:" + port);
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && !ready(client, base)) {
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
        SimulatorConfig config = SimulatorConfig.builder().users(users).days(days)
                .start(Instant.now().truncatedTo(ChronoUnit.DAYS).minus(days, ChronoUnit.DAYS)).build();
        try (HttpBatchSink sink = HttpBatchSink.builder(base, writeKey).build()) {
            long started = System.nanoTime();
            GroundTruth truth = Simulator.run(config, sink);
            LOG.infof("demo data loaded: %d events from %d simulated shoppers; profiles are being built", truth.totalEvents(), users);
            awaitProfiles(started);
        } catch (RuntimeException e) {
            LOG.warnf("demo data not loaded: %s", e.getClass().getSimpleName());
        }
    }

    /**
     * Says when the profile projection has folded the demo data, so a newcomer knows when the tour's profiles are
     * complete (a first start folds about 72,000 events; about a minute on 2 cores). Only where this instance folds
     * profiles on one segment; gives up quietly after ten minutes.
     */
    private void awaitProfiles(long started) {
        StreamingEventProcessor profiles = log.processor(EventLog.PROFILES).orElse(null);
        if (profiles == null || log.segments(EventLog.PROFILES) != 1) {
            return;
        }
        long head = log.head();
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!profiles.processingStatus().isEmpty() && ProcessedPosition.lowest(profiles) >= head) {
                LOG.infof("demo data folded into profiles %d s after the start of loading: the tour's profiles are ready",
                        Duration.ofNanos(System.nanoTime() - started).toSeconds());
                return;
            }
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        }
    }

    private static boolean ready(HttpClient client, URI base) {
        try {
            return client.send(HttpRequest.newBuilder(base.resolve("/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private boolean logIsEmpty() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM domainevententry)")) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the event log", e);
        }
    }
}
