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
 * Every instance with the {@code process} role checks the schedule for the plugins whose events it folds (a run's
 * exclusive work, {@link io.footfall.api.plugin.TrainingContext#exclusively}, must hold off that instance's batches),
 * and a due run starts once: the instance whose compare-and-set of {@code last_scheduled_training} succeeds runs it
 * (see {@link #claim}).
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
        timer = Executors.newSingleThreadScheduledExecutor(io.footfall.core.store.ProcessingThreads.named("plugin-training-schedule", true));
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
            Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
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
                    // a run starts where the plugin is folded: its exclusive work must hold off that instance's batches
                    if (last != null && last.toInstant().plus(every).isAfter(now)
                            || host.plugin(id).filter(PluginRuntimeView::holdsSegments).isEmpty()) {
                        continue;
                    }
                    if (!claim(c, id, last, now)) {
                        continue; // another instance started this run
                    }
                    try {
                        jobs.start(id, now);
                    } catch (TrainingJobs.AlreadyTraining running) {
                        release(c, id, last, now); // the next tick (here or elsewhere) tries again
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("training schedule check failed: %s", io.footfall.core.config.SafeErrors.describe(e));
        }
    }

    /**
     * Claims a due scheduled run: sets the plugin's last scheduled start to {@code now} only if it still holds
     * {@code seen}, the value this instance read. Of several instances that found the run due, exactly one wins.
     *
     * @return whether this instance won and should start the run
     */
    static boolean claim(Connection c, String pluginId, Timestamp seen, Instant now) throws SQLException {
        try (PreparedStatement claim = c.prepareStatement("UPDATE plugin_config SET last_scheduled_training = ? "
                + "WHERE plugin_id = ? AND last_scheduled_training IS NOT DISTINCT FROM ?")) {
            claim.setTimestamp(1, Timestamp.from(now));
            claim.setString(2, pluginId);
            claim.setTimestamp(3, seen);
            return claim.executeUpdate() == 1;
        }
    }

    /** Gives back a claimed run that could not start, so that it is due again. */
    private static void release(Connection c, String pluginId, Timestamp seen, Instant now) throws SQLException {
        try (PreparedStatement release = c.prepareStatement("UPDATE plugin_config SET last_scheduled_training = ? "
                + "WHERE plugin_id = ? AND last_scheduled_training = ?")) {
            release.setTimestamp(1, seen);
            release.setString(2, pluginId);
            release.setTimestamp(3, Timestamp.from(now));
            release.executeUpdate();
        }
    }

    /**
     * Claims a due run as the schedule check does, on a connection of its own: whether the last scheduled start
     * still was {@code seen} (null: never) and is now {@code now}.
     */
    public boolean claimDue(String pluginId, Instant seen, Instant now) {
        try (Connection c = dataSource.getConnection()) {
            return claim(c, pluginId, seen == null ? null : Timestamp.from(seen), now);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
