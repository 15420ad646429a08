package io.footfall.core.cluster;

import io.footfall.core.config.InstanceRoles;
import io.footfall.core.config.SafeErrors;
import io.footfall.core.plugin.PluginHost;
import io.footfall.core.store.EventLog;
import io.footfall.core.store.ProcessingThreads;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The instances sharing this database, each announcing itself in {@code cluster_instance} with a heartbeat: its roles
 * and the processors it runs. The token store shows only who <em>holds</em> a processor; an instance that has just
 * started holds nothing and is visible only here. A killed instance's row goes stale (not live after
 * {@code footfall.cluster.instance-timeout}) and is deleted an hour later; a stopped one deletes its own.
 */
@ApplicationScoped
public class ClusterInstances {

    private static final Logger LOG = Logger.getLogger(ClusterInstances.class);

    @Inject
    DataSource dataSource;
    @Inject
    InstanceRoles roles;
    @Inject
    EventLog log;
    @Inject
    PluginHost plugins;

    @ConfigProperty(name = "footfall.cluster.heartbeat", defaultValue = "PT2S")
    Duration heartbeat;
    @ConfigProperty(name = "footfall.cluster.instance-timeout", defaultValue = "PT10S")
    Duration instanceTimeout;

    private final Instant started = Instant.now();
    private ScheduledExecutorService scheduler;

    void start(@Observes @Priority(60) StartupEvent startup) {
        try {
            beat(); // at once, so that the others see this instance before its first period
        } catch (RuntimeException e) {
            LOG.debugf("heartbeat skipped this round: %s", SafeErrors.describe(e));
        }
        scheduler = ProcessingThreads.every("cluster-heartbeat", heartbeat, this::beat, LOG, "heartbeat");
    }

    /** Leaves before the processors stop (EventLog stops at priority 5), so the others rebalance at once. */
    void stop(@Observes @Priority(4) ShutdownEvent shutdown) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("DELETE FROM cluster_instance WHERE node = ?")) {
            s.setString(1, EventLog.NODE);
            s.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("instance row not removed: %s", SafeErrors.describe(e));
        }
    }

    /** This instance's name, as in the token store. */
    public String node() {
        return EventLog.NODE;
    }

    /** How long a heartbeat counts: an instance not heard from for longer is not live. */
    public Duration instanceTimeout() {
        return instanceTimeout;
    }

    /**
     * The processors this instance runs and could hold, least important first: the plugins' (by name), the
     * contributed projections' (by name), the profile projection last. Empty without the {@code process} role.
     */
    public Map<String, StreamingEventProcessor> runningProcessors() {
        Map<String, StreamingEventProcessor> running = new LinkedHashMap<>(plugins.runningProcessors());
        Map<String, StreamingEventProcessor> projections = new TreeMap<>();
        for (Map.Entry<String, EventProcessor> entry : log.processors().entrySet()) {
            if (entry.getValue() instanceof StreamingEventProcessor streaming && streaming.isRunning()
                    && !EventLog.PROFILES.equals(entry.getKey())) {
                projections.put(entry.getKey(), streaming);
            }
        }
        running.putAll(projections);
        log.processor(EventLog.PROFILES).filter(StreamingEventProcessor::isRunning)
                .ifPresent(p -> running.put(EventLog.PROFILES, p));
        return running;
    }

    /** Every instance that announced itself, live or not, by name. */
    public List<ClusterNode> nodes() {
        List<ClusterNode> nodes = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT node, roles, processors, started_at, seen_at, seen_at > now() - make_interval(secs => ?)"
                        + " FROM cluster_instance ORDER BY node")) {
            s.setDouble(1, instanceTimeout.toMillis() / 1000.0);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    nodes.add(new ClusterNode(rs.getString(1), split(rs.getString(2)), split(rs.getString(3)),
                            rs.getTimestamp(4).toInstant(), rs.getTimestamp(5).toInstant(), rs.getBoolean(6)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the cluster's instances", e);
        }
        return nodes;
    }

    private static List<String> split(String joined) {
        return joined == null || joined.isBlank() ? List.of() : Arrays.asList(joined.split(","));
    }

    /** Writes this instance's row (roles, the processors it runs now, the time) and drops rows dead for an hour. */
    void beat() {
        String processors = String.join(",", runningProcessors().keySet());
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO cluster_instance (node, roles, processors, started_at, seen_at)"
                    + " VALUES (?, ?, ?, ?, now()) ON CONFLICT (node) DO UPDATE SET roles = excluded.roles,"
                    + " processors = excluded.processors, seen_at = excluded.seen_at")) {
                s.setString(1, EventLog.NODE);
                s.setString(2, String.join(",", roles.names()));
                s.setString(3, processors);
                s.setTimestamp(4, Timestamp.from(started));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM cluster_instance WHERE seen_at < now() - interval '1 hour'")) {
                s.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the heartbeat", e);
        }
    }
}
