package io.footfall.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.core.store.PlannerStatistics;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Footfall analyses its changed tables when the server's autovacuum does not (docs/adr/0022): a table changed beyond
 * the server's threshold gets statistics, one changed less does not, and an instance that finds another one analysing
 * skips the round.
 */
@QuarkusTest
class PlannerStatisticsTest {

    @Inject
    PlannerStatistics statistics;
    @Inject
    DataSource ds;

    @Test
    void changedTablesAreAnalysedOnceAndSmallChangesAreLeftAlone() throws Exception {
        sql("DROP TABLE IF EXISTS analyse_probe_big, analyse_probe_small");
        sql("CREATE TABLE analyse_probe_big (id int PRIMARY KEY, shade text)");
        sql("CREATE TABLE analyse_probe_small (id int PRIMARY KEY)");
        sql("INSERT INTO analyse_probe_big SELECT i, 'shade-' || (i % 7) FROM generate_series(1, 5000) i");
        sql("INSERT INTO analyse_probe_small SELECT i FROM generate_series(1, 10) i");
        awaitCountedChanges("analyse_probe_big", 5000);
        awaitCountedChanges("analyse_probe_small", 10);

        List<String> analysed = statistics.analyseChanged();
        assertTrue(analysed.contains("public.analyse_probe_big"), "analysed: " + analysed);
        assertFalse(analysed.contains("public.analyse_probe_small"), "10 changed rows are under the server's threshold: " + analysed);
        assertEquals(1, Db.count(ds, "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'analyse_probe_big' AND last_analyze IS NOT NULL"));
        assertEquals(7, Db.count(ds, "SELECT n_distinct::bigint FROM pg_stats WHERE tablename = 'analyse_probe_big' AND attname = 'shade'"),
                "the planner now knows the column's distinct values");
        assertEquals(0, Db.count(ds, "SELECT count(*) FROM pg_stats WHERE tablename = 'analyse_probe_small'"));

        Poll.until(Duration.ofSeconds(10), () -> Db.count(ds,
                "SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE relname = 'analyse_probe_big'"), n -> n == 0);
        assertFalse(statistics.analyseChanged().contains("public.analyse_probe_big"), "nothing changed since: not analysed again");
        sql("DROP TABLE analyse_probe_big, analyse_probe_small");
    }

    @Test
    void anInstanceFindingAnotherAnalysingSkipsTheRound() throws Exception {
        sql("DROP TABLE IF EXISTS analyse_probe_busy");
        sql("CREATE TABLE analyse_probe_busy (id int PRIMARY KEY)");
        sql("INSERT INTO analyse_probe_busy SELECT i FROM generate_series(1, 5000) i");
        awaitCountedChanges("analyse_probe_busy", 5000);
        try (Connection other = ds.getConnection(); PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_lock(?)")) {
            lock.setLong(1, PlannerStatistics.LOCK);
            lock.execute();
            try {
                assertEquals(List.of(), statistics.analyseChanged(), "another instance holds the round");
            } finally {
                try (PreparedStatement unlock = other.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    unlock.setLong(1, PlannerStatistics.LOCK);
                    unlock.execute();
                }
            }
        }
        assertTrue(statistics.analyseChanged().contains("public.analyse_probe_busy"));
        sql("DROP TABLE analyse_probe_busy");
    }

    @Test
    void theDefaultModeAnalysesOnlyWhenTheServerDoesNot() throws Exception {
        sql("DROP TABLE IF EXISTS analyse_probe_auto");
        sql("CREATE TABLE analyse_probe_auto (id int PRIMARY KEY)");
        sql("INSERT INTO analyse_probe_auto SELECT i FROM generate_series(1, 5000) i");
        awaitCountedChanges("analyse_probe_auto", 5000);
        boolean serverAnalyses = "on".equals(Db.strings(ds, "SELECT current_setting('autovacuum')").get(0));
        assertEquals(serverAnalyses, statistics.serverAnalyses());
        List<String> analysed = statistics.round();
        // with autovacuum on, the server's own worker may analyse the table meanwhile; Footfall must not
        assertEquals(!serverAnalyses, analysed.contains("public.analyse_probe_auto"), "autovacuum on: " + serverAnalyses + ", analysed " + analysed);
        sql("DROP TABLE analyse_probe_auto");
    }

    /** The server counts a transaction's changes when the backend flushes its statistics (up to a second later). */
    private void awaitCountedChanges(String table, long rows) {
        Poll.until(Duration.ofSeconds(15), () -> Db.count(ds,
                "SELECT coalesce(max(n_mod_since_analyze), 0) FROM pg_stat_user_tables WHERE relname = ?", table), n -> n >= rows);
    }

    private void sql(String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
            if (serverVersion(c) >= 15) {
                s.execute("SELECT pg_stat_force_next_flush()"); // its transaction's end reports the changes at once
            }
        }
    }

    private static int serverVersion(Connection c) throws java.sql.SQLException {
        return c.getMetaData().getDatabaseMajorVersion();
    }
}
