package io.footfall.core.plugin;

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
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Trains plugins on a schedule: each plugin may have an interval ({@code train_every}); when the
 * last scheduled run is older than that, a training job starts with the current time as cutoff.
 */
@ApplicationScoped
public class TrainingSchedule {

    private static final Logger LOG = Logger.getLogger(TrainingSchedule.class);
    /** Shortest interval accepted. */
    public static final Duration MINIMUM = Duration.ofSeconds(1);

    @Inject
    DataSource dataSource;
    @Inject
    TrainingJobs jobs;
    @Inject
    PluginHost host;

    @ConfigProperty(name = "footfall.plugins.schedule-check", defaultValue = "PT30S")
    Duration check;

    private ScheduledExecutorService timer;

    @Inject
    io.footfall.core.config.InstanceRoles roles;

    void start(@Observes @Priority(40) StartupEvent startup) {
        if (!roles.process()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "plugin-training-schedule");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, check.toMillis(), check.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes @Priority(1) ShutdownEvent shutdown) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** Sets (or with null clears) a plugin's training interval. */
    public void set(String pluginId, Duration every) {
        if (every != null && every.compareTo(MINIMUM) < 0) {
            throw new IllegalArgumentException("the interval must be at least " + MINIMUM);
        }
        host.runtime(pluginId);
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO plugin_config (plugin_id, enabled, config, updated_at, train_every) VALUES (?, TRUE, '{}', ?, ?) "
                        + "ON CONFLICT (plugin_id) DO UPDATE SET train_every = EXCLUDED.train_every, updated_at = EXCLUDED.updated_at")) {
            s.setString(1, pluginId);
            s.setTimestamp(2, Timestamp.from(Instant.now()));
            s.setString(3, every == null ? null : every.toString());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the training schedule", e);
        }
    }

    /** A plugin's training interval, if scheduled. */
    public Optional<Duration> get(String pluginId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT train_every FROM plugin_config WHERE plugin_id = ?")) {
            s.setString(1, pluginId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getString(1) != null ? Optional.of(Duration.parse(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the training schedule", e);
        }
    }

    void tick() {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT plugin_id, train_every, last_scheduled_training FROM plugin_config WHERE train_every IS NOT NULL AND enabled")) {
            Instant now = Instant.now();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    Timestamp last = rs.getTimestamp(3);
                    Duration every;
                    try {
                        every = Duration.parse(rs.getString(2));
                    } catch (DateTimeParseException e) {
                        continue;
                    }
                    if (last != null && last.toInstant().plus(every).isAfter(now) || host.plugin(id).isEmpty()) {
                        continue;
                    }
                    try {
                        jobs.start(id, now);
                        try (PreparedStatement mark = c.prepareStatement(
                                "UPDATE plugin_config SET last_scheduled_training = ? WHERE plugin_id = ?")) {
                            mark.setTimestamp(1, Timestamp.from(now));
                            mark.setString(2, id);
                            mark.executeUpdate();
                        }
                    } catch (TrainingJobs.AlreadyTraining running) {
                        // the next tick tries again
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("training schedule check failed: %s", io.footfall.core.config.SafeErrors.describe(e));
        }
    }
}
