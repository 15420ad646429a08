package io.footfall.core.store;

import io.footfall.core.config.SafeErrors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Keeps PostgreSQL's planner statistics of Footfall's tables current when the server does not: with
 * {@code autovacuum = off} nothing ever analyses them, so every query plan is made from default estimates, and the
 * plans cached on the pooled connections stay the ones made while a table was nearly empty (a plugin's state read
 * scanned all of the plugin's rows for each batch: 5 ms for 47 rows). Every
 * {@code footfall.db.analyze-interval} this analyses each table of the current schema whose rows changed since its
 * last analyse by more than the server's own autovacuum threshold ({@code autovacuum_analyze_threshold} +
 * {@code autovacuum_analyze_scale_factor} × rows), which is what autovacuum would have done. ANALYZE reads a sample and
 * does not block writes; analysing a table invalidates the plans cached for it. Vacuuming stays the operator's.
 *
 * <p>{@code footfall.db.analyze}: {@code auto} (default) only when the server runs with autovacuum off,
 * {@code always}, or {@code off}. With several instances one analyses at a time (an advisory lock), the others skip the
 * round. See docs/adr/0022-planner-statistics-without-autovacuum.md.
 */
@ApplicationScoped
public class PlannerStatistics {

    private static final Logger LOG = Logger.getLogger(PlannerStatistics.class);
    /** Advisory lock key of a round ("ff-analyze"), so that instances sharing the database take turns. */
    public static final long LOCK = 0x66662d616e616cL;

    /** When the keeper works. */
    public enum Mode {
        /** Only when the server's autovacuum is off. */
        AUTO,
        /** Whatever the server does. */
        ALWAYS,
        /** Never. */
        OFF;

        static Mode parse(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("footfall.db.analyze must be auto, always or off, not '" + value + "'");
            }
        }
    }

    @Inject
    DataSource dataSource;
    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "footfall.db.analyze", defaultValue = "auto")
    String mode;
    @ConfigProperty(name = "footfall.db.analyze-interval", defaultValue = "PT30S")
    Duration interval;

    private ScheduledExecutorService scheduler;
    private volatile Boolean serverAnalyses;
    /** {@code footfall.db.analyze}, parsed at start (an invalid value stops the start with the setting's name). */
    private Mode configured;

    void start(@Observes StartupEvent startup) {
        configured = Mode.parse(mode);
        if (configured != Mode.OFF) {
            scheduler = ProcessingThreads.every("planner-statistics", interval, () -> round(), LOG, "planner statistics");
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** One scheduled round: analyses the changed tables unless the mode says the server does it; returns them. */
    public List<String> round() {
        if (configured == Mode.OFF || (configured == Mode.AUTO && serverAnalyses())) {
            return List.of();
        }
        return analyseChanged();
    }

    /** Whether the server's autovacuum runs (asked once per start of Footfall; a server rarely switches it meanwhile). */
    public boolean serverAnalyses() {
        Boolean known = serverAnalyses;
        if (known == null) {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT current_setting('autovacuum')")) {
                rs.next();
                known = "on".equals(rs.getString(1));
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the server's autovacuum setting", e);
            }
            serverAnalyses = known;
            if (!known) {
                LOG.infof("the database server runs with autovacuum off: Footfall analyses its changed tables every %s "
                        + "(footfall.db.analyze)", interval);
            }
        }
        return known;
    }

    /**
     * Analyses every table of the current schema changed beyond the server's analyse threshold, unless another
     * instance is doing so. Returns the tables analysed (schema-qualified, quoted as in SQL).
     */
    public List<String> analyseChanged() {
        List<String> analysed = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                lock.setLong(1, LOCK);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return analysed;
                    }
                }
            }
            try {
                for (String table : changedTables(c)) {
                    try (Statement s = c.createStatement()) {
                        s.execute("ANALYZE " + table);
                    }
                    analysed.add(table);
                    Counter.builder("footfall.db.analyses").description("tables Footfall analysed because the server's autovacuum did not")
                            .tag("table", table).register(registry).increment();
                }
            } finally {
                try (PreparedStatement unlock = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    unlock.setLong(1, LOCK);
                    unlock.execute();
                }
            }
        } catch (SQLException e) {
            LOG.debugf("planner statistics not updated this round: %s", SafeErrors.describe(e));
        }
        if (!analysed.isEmpty()) {
            LOG.debugf("analysed %s", analysed);
        }
        return analysed;
    }

    /** The tables whose changes since their last analyse exceed what would make autovacuum analyse them. */
    private static List<String> changedTables(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT format('%I.%I', t.schemaname, t.relname) FROM pg_stat_user_tables t JOIN pg_class k ON k.oid = t.relid "
                        + "WHERE t.schemaname = current_schema() AND t.n_mod_since_analyze > "
                        + "current_setting('autovacuum_analyze_threshold')::float8 "
                        + "+ current_setting('autovacuum_analyze_scale_factor')::float8 * greatest(k.reltuples, 0) "
                        + "ORDER BY t.n_mod_since_analyze DESC")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }
}
