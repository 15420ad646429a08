package io.footfall.core.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.plugin.EventHistory;
import io.footfall.api.plugin.TrainingContext;
import io.footfall.api.plugin.TrainingReport;
import io.footfall.core.config.InstanceRoles;
import io.footfall.core.config.SafeErrors;
import io.footfall.core.store.EventJson;
import io.footfall.core.store.EventLog;
import io.footfall.core.store.EventLogReader;
import io.footfall.core.store.ProcessingThreads;
import io.footfall.core.store.TokenPositions;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Training runs started through the API or the schedule, one at a time per plugin across every instance, with
 * progress any instance can show ({@code training_job}, V19).
 * <p>
 * A run of a plugin on one segment starts on the instance that folds the plugin (the live owner of its processor's
 * token), or, while nobody folds it, on any instance with the {@code process} role: a run's exclusive work
 * ({@link TrainingContext#exclusively}) must hold off the batches of the instance that folds. A plugin on several
 * segments is trained by any {@code process} instance asked: its exclusive work holds off every segment's batches
 * wherever they run, through the plugin's advisory lock (SPI 1.10). Asked of another
 * instance (a {@code serve} pod behind the admin UI, or a second {@code process} pod), the run is recorded as
 * {@code REQUESTED} and the folding instance starts it within {@code footfall.plugins.training-poll} (1 s), as replay
 * requests are carried out (ADR 0018). The running instance writes progress and a heartbeat to the row every poll and
 * reads cancellations from it; a run whose heartbeat is older than {@code footfall.plugins.training-stale} (30 s)
 * belonged to an instance that died and is marked {@code FAILED}, so the plugin can be trained again.
 */
@ApplicationScoped
public class TrainingJobs {

    private static final Logger LOG = Logger.getLogger(TrainingJobs.class);
    private static final String PLUGIN_PREFIX = "plugin:";
    private static final String COLUMNS = "id, plugin_id, status, progress, message, report::text, requested_at, requested_on, "
            + "started_at, run_by, finished_at";

    @Inject
    PluginHost host;
    @Inject
    EventLogReader reader;
    @Inject
    DataSource dataSource;
    @Inject
    InstanceRoles roles;

    @ConfigProperty(name = "footfall.plugins.training-poll", defaultValue = "PT1S")
    Duration poll;
    @ConfigProperty(name = "footfall.plugins.training-stale", defaultValue = "PT30S")
    Duration stale;

    private final ObjectMapper json = EventJson.create();
    /** Runs on this instance, until their outcome is stored. */
    private final Map<String, Job> running = new ConcurrentHashMap<>();
    private ScheduledExecutorService poller;

    /**
     * A training run.
     *
     * @param id          job id
     * @param pluginId    plugin
     * @param status      REQUESTED (waiting for the instance that folds the plugin), RUNNING, SUCCEEDED, FAILED or CANCELLED
     * @param progress    in [0, 1]
     * @param message     latest progress message or the error
     * @param report      the outcome ({@link TrainingReport} as JSON), once succeeded
     * @param requestedAt when it was asked for
     * @param requestedOn the instance it was asked of
     * @param startedAt   when it started, or null while requested
     * @param runBy       the instance running or having run it, or null while requested
     * @param finishedAt  end, or null
     */
    public record JobView(String id, String pluginId, String status, double progress, String message, JsonNode report,
                          Instant requestedAt, String requestedOn, Instant startedAt, String runBy, Instant finishedAt) {
    }

    /** A run on this instance: what its training context reports, read by the poller and the API. */
    private static final class Job {
        final String id;
        final String pluginId;
        final Instant requestedAt;
        final String requestedOn;
        final Instant startedAt = Instant.now();
        volatile String status = "RUNNING";
        volatile double progress;
        volatile String message = "started";
        volatile JsonNode report;
        volatile Instant finishedAt;
        volatile boolean cancelled;

        Job(String id, String pluginId, Instant requestedAt, String requestedOn) {
            this.id = id;
            this.pluginId = pluginId;
            this.requestedAt = requestedAt;
            this.requestedOn = requestedOn;
        }

        JobView view() {
            return new JobView(id, pluginId, status, progress, message, report, requestedAt, requestedOn, startedAt,
                    EventLog.NODE, finishedAt);
        }
    }

    /** Thrown when the plugin is already training (or a run of it is requested). */
    public static class AlreadyTraining extends RuntimeException {
        AlreadyTraining(String message) {
            super(message);
        }
    }

    void start(@Observes @Priority(41) StartupEvent startup) {
        if (!roles.process()) {
            return;
        }
        poller = ProcessingThreads.every("training-jobs", poll, this::tick, LOG, "training jobs check");
    }

    void stop(@Observes @Priority(1) ShutdownEvent shutdown) {
        if (poller != null) {
            poller.shutdownNow();
        }
        for (Job job : running.values()) {
            job.cancelled = true;
            try {
                finish(job, "FAILED", job.progress, "the instance running it stopped", null);
            } catch (RuntimeException e) {
                LOG.debugf("training job outcome not stored at shutdown: %s", SafeErrors.describe(e));
            }
        }
    }

    /**
     * Starts training the plugin on the history before {@code cutoff}: here when this instance folds the plugin (or
     * nobody does and it processes), otherwise as a request the folding instance carries out.
     */
    public JobView start(String pluginId, Instant cutoff) {
        PluginRuntime runtime = host.runtime(pluginId);
        failStale();
        boolean here = roles.process() && mayRunHere(pluginId, owners());
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO training_job (id, plugin_id, cutoff, status, message, requested_at, requested_on, started_at, run_by, "
                        + "heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, id);
            s.setString(2, pluginId);
            s.setTimestamp(3, Timestamp.from(cutoff));
            s.setString(4, here ? "RUNNING" : "REQUESTED");
            s.setString(5, here ? "started" : "requested; the instance that folds the plugin starts it");
            s.setTimestamp(6, Timestamp.from(now));
            s.setString(7, EventLog.NODE);
            s.setTimestamp(8, here ? Timestamp.from(now) : null);
            s.setString(9, here ? EventLog.NODE : null);
            s.setTimestamp(10, Timestamp.from(now));
            s.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                String active = active(pluginId).map(j -> " (job " + j.id() + ", " + j.status().toLowerCase() + ")").orElse("");
                throw new AlreadyTraining("plugin " + pluginId + " is already training" + active);
            }
            throw new IllegalStateException("cannot record the training job", e);
        }
        if (!here) {
            LOG.infof("training of plugin %s requested; the instance that folds it starts it", pluginId);
            return get(pluginId, id).orElseThrow();
        }
        return launch(runtime, new Job(id, pluginId, now, EventLog.NODE), cutoff).view();
    }

    /** A job of a plugin, as this instance knows it if it runs it, else as stored. */
    public Optional<JobView> get(String pluginId, String jobId) {
        Job local = running.get(jobId);
        if (local != null && local.pluginId.equals(pluginId)) {
            return Optional.of(local.view());
        }
        List<JobView> found = select(" WHERE id = ? AND plugin_id = ?", jobId, pluginId);
        return found.stream().findFirst();
    }

    /**
     * Asks a job to stop: a requested one is cancelled at once, a running one stops at its next check of
     * {@link TrainingContext#cancelled()} (here at once, on another instance within a poll).
     */
    public Optional<JobView> cancel(String pluginId, String jobId) {
        Job local = running.get(jobId);
        if (local != null && local.pluginId.equals(pluginId)) {
            local.cancelled = true;
        }
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("UPDATE training_job SET status = 'CANCELLED', finished_at = now(), "
                    + "message = 'cancelled before it started', cancel_requested = TRUE "
                    + "WHERE id = ? AND plugin_id = ? AND status = 'REQUESTED'")) {
                s.setString(1, jobId);
                s.setString(2, pluginId);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE training_job SET cancel_requested = TRUE "
                    + "WHERE id = ? AND plugin_id = ? AND status = 'RUNNING'")) {
                s.setString(1, jobId);
                s.setString(2, pluginId);
                s.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the cancellation", e);
        }
        return get(pluginId, jobId);
    }

    /** The plugin's requested or running job, if any. */
    private Optional<JobView> active(String pluginId) {
        return select(" WHERE plugin_id = ? AND status IN ('REQUESTED', 'RUNNING')", pluginId).stream().findFirst();
    }

    /**
     * One poll: fails runs whose instance died, writes this instance's runs' progress and heartbeat (reading their
     * cancellations), and starts the requested runs of plugins this instance folds.
     */
    void tick() {
        failStale();
        for (Job job : running.values()) {
            heartbeat(job);
        }
        List<JobView> requested = select(" WHERE status = 'REQUESTED' ORDER BY requested_at");
        if (requested.isEmpty()) {
            return;
        }
        Map<String, String> owners = owners();
        for (JobView request : requested) {
            if (host.plugin(request.pluginId()).isEmpty() || !mayRunHere(request.pluginId(), owners)) {
                continue;
            }
            Instant cutoff = claim(request.id());
            if (cutoff == null) {
                continue; // another instance started it, or it was cancelled
            }
            LOG.infof("training of plugin %s started, as requested on %s", request.pluginId(), request.requestedOn());
            launch(host.runtime(request.pluginId()),
                    new Job(request.id(), request.pluginId(), request.requestedAt(), request.requestedOn()), cutoff);
        }
    }

    /** Live owners of the plugins' processors, by plugin id. */
    private Map<String, String> owners() {
        Map<String, String> owners = new java.util.HashMap<>();
        for (TokenPositions.Claim claim : TokenPositions.claims(dataSource)) {
            if (claim.owner() != null && claim.processor().startsWith(PLUGIN_PREFIX)) {
                owners.putIfAbsent(claim.processor().substring(PLUGIN_PREFIX.length()), claim.owner());
            }
        }
        return owners;
    }

    /**
     * Whether this instance may train the plugin: any instance when the plugin folds on several segments (its exclusive
     * work holds every segment's batches off, on every instance, through the plugin's advisory lock); on one segment,
     * the instance that folds it, or any while nobody does.
     */
    private boolean mayRunHere(String pluginId, Map<String, String> owners) {
        if (host.runtime(pluginId).segments > 1) {
            return true;
        }
        String owner = owners.get(pluginId);
        return owner == null || owner.equals(EventLog.NODE);
    }

    /** Takes a requested run for this instance; its cutoff, or null when it is no longer requested. */
    private Instant claim(String jobId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE training_job SET "
                + "status = 'RUNNING', run_by = ?, started_at = now(), heartbeat_at = now(), message = 'started' "
                + "WHERE id = ? AND status = 'REQUESTED' RETURNING cutoff")) {
            s.setString(1, EventLog.NODE);
            s.setString(2, jobId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getTimestamp(1).toInstant() : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot claim the training job", e);
        }
    }

    /** Marks runs whose instance stopped sending heartbeats as failed. */
    private void failStale() {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE training_job SET "
                + "status = 'FAILED', message = 'the instance running it stopped', finished_at = now() "
                + "WHERE status = 'RUNNING' AND heartbeat_at < ?")) {
            s.setTimestamp(1, Timestamp.from(Instant.now().minus(stale)));
            int failed = s.executeUpdate();
            if (failed > 0) {
                LOG.warnf("%d training run(s) failed: the instance running them stopped", failed);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot check the training jobs", e);
        }
    }

    private void heartbeat(Job job) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE training_job SET "
                + "progress = ?, message = ?, heartbeat_at = now() WHERE id = ? AND status = 'RUNNING' RETURNING cancel_requested")) {
            s.setDouble(1, job.progress);
            s.setString(2, job.message);
            s.setString(3, job.id);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next() && rs.getBoolean(1)) {
                    job.cancelled = true;
                }
            }
        } catch (SQLException e) {
            LOG.warnf("training job heartbeat failed: %s", SafeErrors.describe(e));
        }
    }

    private Job launch(PluginRuntime runtime, Job job, Instant cutoff) {
        running.put(job.id, job);
        boolean personal = !runtime.descriptor.personalDataPurposes().isEmpty();
        TrainingContext context = new TrainingContext() {
            @Override
            public EventHistory history() {
                return (from, to, consumer) -> stream(runtime, personal, from, to, consumer);
            }

            @Override
            public Instant cutoff() {
                return cutoff;
            }

            @Override
            public void progress(double fraction, String message) {
                job.progress = Math.max(0, Math.min(1, fraction));
                job.message = message;
            }

            @Override
            public boolean cancelled() {
                return job.cancelled;
            }

            @Override
            public void exclusively(Runnable work) {
                runtime.exclusively(work);
            }
        };
        // the plugin's train() runs lowered on its guard's thread; this one commits what it wrote (append lock)
        Thread thread = new Thread(() -> {
            try {
                PluginRuntime.Trained run = runtime.train(context);
                TrainingReport report = run.report();
                if (run.cancelled()) {
                    finish(job, "CANCELLED", job.progress, report.summary().isEmpty() ? "cancelled" : report.summary(), json.valueToTree(report));
                } else {
                    // a cancellation the run never noticed: it finished, and what it wrote stands
                    String late = job.cancelled ? " (cancelled too late: the run had finished its work)" : "";
                    finish(job, "SUCCEEDED", 1, report.summary() + late, json.valueToTree(report));
                }
            } catch (Exception e) {
                LOG.warnf("training of plugin %s failed: %s", job.pluginId, e.getMessage());
                finish(job, "FAILED", job.progress, e.getMessage(), null);
            }
        }, "train-" + job.pluginId);
        thread.setDaemon(true);
        thread.start();
        return job;
    }

    /**
     * Stores a run's outcome, then shows it here: a client that sees the run ended may start the next one at once,
     * and the store must no longer hold this one as running by then.
     */
    private void finish(Job job, String status, double progress, String message, JsonNode report) {
        if (running.remove(job.id) == null) {
            return; // stored already (a shutdown, then the thread)
        }
        Instant at = Instant.now();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE training_job SET "
                + "status = ?, progress = ?, message = ?, report = CAST(? AS jsonb), finished_at = ?, heartbeat_at = ? "
                + "WHERE id = ? AND status = 'RUNNING'")) {
            s.setString(1, status);
            s.setDouble(2, progress);
            s.setString(3, message);
            s.setString(4, report == null ? null : json.writeValueAsString(report));
            s.setTimestamp(5, Timestamp.from(at));
            s.setTimestamp(6, Timestamp.from(at));
            s.setString(7, job.id);
            s.executeUpdate();
        } catch (SQLException | JsonProcessingException e) {
            LOG.warnf("training job outcome not stored: %s", SafeErrors.describe(e));
        } finally {
            job.report = report;
            job.progress = progress;
            job.message = message;
            job.finishedAt = at;
            job.status = status;
        }
    }

    private List<JobView> select(String where, String... parameters) {
        List<JobView> jobs = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM training_job" + where)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String report = rs.getString(6);
                    jobs.add(new JobView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4), rs.getString(5),
                            report == null ? null : json.readTree(report), instant(rs.getTimestamp(7)), rs.getString(8),
                            instant(rs.getTimestamp(9)), rs.getString(10), instant(rs.getTimestamp(11))));
                }
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot read the training jobs", e);
        }
        return jobs;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private long stream(PluginRuntime runtime, boolean personal, Instant from, Instant to, Consumer<BehaviorEvent> consumer) {
        long[] n = {0};
        long total = reader.stream(personal, logged -> {
            BehaviorEvent e = logged.event();
            if ((from == null || !e.occurredAt().isBefore(from)) && (to == null || e.occurredAt().isBefore(to))
                    && runtime.descriptor.consumes(e.typeLabel())) {
                consumer.accept(e);
                n[0]++;
            }
        });
        LOG.debugf("training history of %s: %d of %d events in range", runtime.id, n[0], total);
        return n[0];
    }
}
