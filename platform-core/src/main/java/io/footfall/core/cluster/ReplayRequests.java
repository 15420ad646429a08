package io.footfall.core.cluster;

import io.footfall.core.config.InstanceRoles;
import io.footfall.core.config.SafeErrors;
import io.footfall.core.plugin.PluginHost;
import io.footfall.core.store.EventLog;
import io.footfall.core.store.ProcessingThreads;
import io.footfall.core.store.ProjectionReplays;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Replays asked of an instance that does not fold the processor (another instance holds it, or this one has no
 * {@code process} role): recorded in {@code replay_request} and carried out by the instance that holds the processor
 * (or, when nobody holds it, by one that runs it). That instance marks the request done in the transaction that resets
 * the processor's token, so a request is carried out once, and {@code GET /api/v1/cluster} shows who did it and when.
 */
@ApplicationScoped
public class ReplayRequests {

    private static final Logger LOG = Logger.getLogger(ReplayRequests.class);
    private static final String PLUGIN_PREFIX = "plugin:";
    /** How long a segment handed over for another instance's replay stays released here (renewed while pending). */
    static final Duration HAND_OVER = Duration.ofSeconds(12);
    private static final String COLUMNS = "processor, from_time, requested_at, requested_on, done_at, done_by, outcome";

    @Inject
    DataSource dataSource;
    @Inject
    InstanceRoles roles;
    @Inject
    ClusterInstances instances;
    @Inject
    ProjectionReplays projections;
    @Inject
    PluginHost plugins;

    @ConfigProperty(name = "footfall.cluster.replay-poll", defaultValue = "PT1S")
    Duration poll;

    private ScheduledExecutorService scheduler;

    /**
     * A replay request.
     *
     * @param processor   the processor (a projection's name, or {@code plugin:<id>})
     * @param from        for a plugin, the time to feed it again from (null: the start of the log)
     * @param requestedAt when it was asked for
     * @param requestedOn the instance that recorded it
     * @param doneAt      when it was carried out (null: pending)
     * @param doneBy      the instance that carried it out
     * @param outcome     {@code replayed}, or why it failed
     */
    public record Request(String processor, Instant from, Instant requestedAt, String requestedOn, Instant doneAt,
            String doneBy, String outcome) {
    }

    /** Thrown inside the reset's transaction when another instance carried the request out first. */
    private static final class AlreadyDone extends RuntimeException {
        AlreadyDone() {
            super("done by another instance", null, false, false);
        }
    }

    void start(@Observes @Priority(62) StartupEvent startup) {
        if (!roles.process()) {
            return;
        }
        scheduler = ProcessingThreads.every("replay-requests", poll, this::carryOut, LOG, "replay requests check");
    }

    void stop(@Observes @Priority(4) ShutdownEvent shutdown) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** Records a request (replacing an earlier one for the same processor). */
    public Request request(String processor, Instant from) {
        Request recorded;
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO replay_request (processor, from_time, requested_at, requested_on) VALUES (?, ?, now(), ?)"
                        + " ON CONFLICT (processor) DO UPDATE SET from_time = excluded.from_time, requested_at = excluded.requested_at,"
                        + " requested_on = excluded.requested_on, done_at = NULL, done_by = NULL, outcome = NULL"
                        + " RETURNING " + COLUMNS)) {
            s.setString(1, processor);
            s.setTimestamp(2, from == null ? null : Timestamp.from(from));
            s.setString(3, EventLog.NODE);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                recorded = read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the replay request", e);
        }
        LOG.infof("replay of %s requested; the instance holding it carries it out", processor);
        return recorded;
    }

    /** Every request, pending or done, newest first. */
    public List<Request> all() {
        return select("");
    }

    private List<Request> select(String where) {
        List<Request> requests = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM replay_request" + where + " ORDER BY requested_at DESC, processor");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                requests.add(read(rs));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the replay requests", e);
        }
        return requests;
    }

    private static Request read(ResultSet rs) throws SQLException {
        return new Request(rs.getString(1), instant(rs.getTimestamp(2)), instant(rs.getTimestamp(3)), rs.getString(4),
                instant(rs.getTimestamp(5)), rs.getString(6), rs.getString(7));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** Carries out the pending requests for processors this instance holds (or that nobody holds and it runs). */
    void carryOut() {
        List<Request> pending = select(" WHERE done_at IS NULL");
        if (pending.isEmpty()) {
            return;
        }
        Map<String, StreamingEventProcessor> running = instances.runningProcessors();
        // the owner of a processor's lowest claimed segment carries its replay out
        Map<String, String> owners = new HashMap<>();
        Map<String, List<Integer>> heldHere = new HashMap<>();
        for (TokenPositions.Claim claim : TokenPositions.claims(dataSource)) {
            if (claim.owner() != null) {
                owners.putIfAbsent(claim.processor(), claim.owner());
                if (EventLog.NODE.equals(claim.owner())) {
                    heldHere.computeIfAbsent(claim.processor(), k -> new ArrayList<>()).add(claim.segment());
                }
            }
        }
        for (Request request : pending) {
            String owner = owners.get(request.processor());
            boolean mine = EventLog.NODE.equals(owner) || owner == null && running.containsKey(request.processor());
            if (!mine) {
                // a processor whose segments are split over instances (ADR 0021): the others hand theirs to the one that
                // replays it, which can reset the tokens only when no other live instance holds a segment
                StreamingEventProcessor processor = running.get(request.processor());
                if (processor != null) {
                    for (int segment : heldHere.getOrDefault(request.processor(), List.of())) {
                        processor.releaseSegment(segment, HAND_OVER.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                    }
                }
                continue;
            }
            Runnable markDone = () -> {
                if (finish(request, "replayed") == 0) {
                    throw new AlreadyDone();
                }
            };
            try {
                if (request.processor().startsWith(PLUGIN_PREFIX)) {
                    plugins.replay(request.processor().substring(PLUGIN_PREFIX.length()), request.from(), markDone);
                } else {
                    StreamingEventProcessor processor = running.get(request.processor());
                    if (processor == null) {
                        continue;
                    }
                    projections.replayHere(processor, request.processor(), markDone);
                }
                LOG.infof("replayed %s, as requested on %s", request.processor(), request.requestedOn());
            } catch (Exception e) {
                if (causedBy(e, AlreadyDone.class) || causedBy(e, TokenPositions.HeldElsewhereException.class)) {
                    continue; // another instance does it
                }
                String why = SafeErrors.describe(e);
                LOG.warnf("replay of %s, as requested, failed: %s", request.processor(), why);
                try {
                    finish(request, "failed: " + why);
                } catch (RuntimeException notRecorded) {
                    LOG.debugf("replay request failure not recorded: %s", SafeErrors.describe(notRecorded));
                }
            }
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Marks a pending request done with its outcome; in the reset's transaction when it succeeded, so that of two
     * instances that both carried it out, the second finds no pending row (0) and rolls back.
     */
    private int finish(Request request, String outcome) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE replay_request SET done_at = now(), done_by = ?, outcome = ?"
                        + " WHERE processor = ? AND requested_at = ? AND done_at IS NULL")) {
            s.setString(1, EventLog.NODE);
            s.setString(2, outcome);
            s.setString(3, request.processor());
            s.setTimestamp(4, Timestamp.from(request.requestedAt()));
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot mark the replay request done", e);
        }
    }
}
