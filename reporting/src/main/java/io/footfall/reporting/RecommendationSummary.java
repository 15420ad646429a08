package io.footfall.reporting;

import io.footfall.core.config.InstanceRoles;
import io.footfall.core.store.ProcessingThreads;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * How many users' current recommendation lists hold each item ({@code report_recommended_item}), the read model of
 * the recommendation report's coverage and most recommended items.
 *
 * <p>The lists are the recommender's latest {@code recommended:user:*} results in {@code plugin_result}, replaced
 * whole by each batch and each training, so the counts are recomputed from them in one set-based statement on a
 * timer ({@code footfall.reports.recommendations-refresh}, default one minute) rather than on every request: a
 * request reads at most one row per recommended item. A refresh that took {@code d} waits at least {@code 20 × d}
 * before the next, so that at any size it costs at most about 5 % of a core. Several instances with {@code process}
 * refresh once per period: the one whose transaction gets the advisory lock does it, the others skip.
 */
@ApplicationScoped
public class RecommendationSummary {

    /** The recommender plugin's id. */
    static final String PLUGIN = "recommender";
    /** Key of the advisory lock one refresh holds ({@code pg_try_advisory_xact_lock}). */
    private static final long LOCK = 0x466f6f7452656331L;
    private static final Logger LOG = Logger.getLogger(RecommendationSummary.class);

    @Inject
    DataSource dataSource;
    @Inject
    InstanceRoles roles;

    @ConfigProperty(name = "footfall.reports.recommendations-refresh", defaultValue = "PT1M")
    Duration every;

    private ScheduledExecutorService timer;
    private volatile Instant notBefore = Instant.EPOCH;

    /**
     * The counts' state.
     *
     * @param refreshedAt when they were last recomputed, or null before the first time
     * @param lists       users with a list then
     */
    public record State(Instant refreshedAt, long lists) {
    }

    void start(@Observes StartupEvent startup) {
        if (!roles.process()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(ProcessingThreads.named("report-recommendations", true));
        long ms = Math.max(100, every.toMillis());
        timer.scheduleWithFixedDelay(this::tick, 0, ms, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void tick() {
        if (Instant.now().isBefore(notBefore)) {
            return;
        }
        try {
            long started = System.nanoTime();
            if (refresh()) {
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                notBefore = Instant.now().plus(took.multipliedBy(20)).minus(every);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("cannot refresh the recommendation report's counts: %s", e.getMessage());
        }
    }

    /**
     * Recomputes the counts from the current lists; false when another instance holds the lock.
     */
    boolean refresh() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
                    s.setLong(1, LOCK);
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        if (!rs.getBoolean(1)) {
                            c.rollback();
                            return false;
                        }
                    }
                }
                Instant now = Instant.now();
                try (PreparedStatement s = c.prepareStatement("DELETE FROM report_recommended_item")) {
                    s.executeUpdate();
                }
                // one pass over the lists: the CTE is read once for the counts and the number of lists
                try (PreparedStatement s = c.prepareStatement("WITH lists AS MATERIALIZED (SELECT payload FROM plugin_result WHERE plugin_id = ? "
                        + "AND result_type = 'RANKED_ITEMS' AND result_key LIKE 'recommended:user:%'), "
                        + "counted AS (INSERT INTO report_recommended_item (item_id, n) SELECT i ->> 'itemId', count(*) FROM lists, "
                        + "jsonb_array_elements(payload -> 'items') i WHERE i ->> 'itemId' IS NOT NULL GROUP BY 1) "
                        + "UPDATE report_recommended_state SET refreshed_at = ?, lists = (SELECT count(*) FROM lists)")) {
                    s.setString(1, PLUGIN);
                    s.setTimestamp(2, Timestamp.from(now));
                    s.executeUpdate();
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** When the counts were last recomputed. */
    public State state(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT refreshed_at, lists FROM report_recommended_state");
             ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                return new State(null, 0);
            }
            Timestamp at = rs.getTimestamp(1);
            return new State(at == null ? null : at.toInstant(), rs.getLong(2));
        }
    }
}
