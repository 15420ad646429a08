package io.footfall.reporting;

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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Funnels operators save ({@code /api/v1/reports/funnels}), materialised like the default funnel
 * ({@link FunnelRollup}): every day with a step-1 occurrence of a person is an entry (day, the person's previous such
 * day, depth reached) in {@code report_saved_funnel_entry}, summed per funnel in {@code report_saved_funnel_rollup}.
 *
 * <p>From the moment a funnel is saved the reporting processor keeps the entries of every person whose occurrences of
 * its steps change (or who is merged, unmerged or erased); its history is filled in once by a background backfill that
 * recomputes every person's entries from {@code report_user_step}, 500 persons per transaction, with its progress in
 * the funnel's row. Both recompute a person's entries from scratch and take the funnel's row lock, so they can run in
 * any order. Saving takes the table's lock first, so a processor batch that read the funnels before the save commits
 * before the backfill starts. Until the backfill is done, {@code funnel=<id>} is answered by the query on request.
 * Each segment has its copy of every saved funnel ({@code report_seg_saved_funnel}): the processor's and the
 * backfill's entry changes of a member go to their segments, and entering or leaving a segment adds or takes out the
 * person's entries ({@link SegmentRollups}).
 */
@ApplicationScoped
public class SavedFunnels {

    /** Most saved funnels (each costs the processor a query per batch). */
    public static final int MAX_FUNNELS = 20;
    /** Persons per backfill transaction. */
    static final int BACKFILL_CHUNK = 500;
    /** Backfill states. */
    static final String RUNNING = "running";
    static final String DONE = "done";
    static final String FAILED = "failed";

    private static final Logger LOG = Logger.getLogger(SavedFunnels.class);

    @Inject
    DataSource dataSource;

    /** Set when the app stops: a backfill cut then stays {@code running} and resumes at the next start. */
    private volatile boolean stopping;

    private final ExecutorService backfills = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "report-funnel-backfill");
        t.setDaemon(true);
        return t;
    });

    /**
     * A saved funnel.
     *
     * @param id        identifier ({@code [a-z0-9][a-z0-9-]{0,62}})
     * @param name      a name for people, or null
     * @param steps     the event types, in order
     * @param window    the window after step 1 (ISO-8601)
     * @param createdAt when it was saved
     * @param backfill  its history's backfill
     */
    public record Funnel(String id, String name, List<String> steps, String window, Instant createdAt, Backfill backfill) {
        Duration duration() {
            return Duration.parse(window);
        }
    }

    /**
     * Progress of a funnel's backfill.
     *
     * @param state  {@code running}, {@code done} or {@code failed}
     * @param done   persons recomputed so far
     * @param total  persons in the read model when it started
     * @param error  why it failed, if it did
     */
    public record Backfill(String state, long done, long total, String error) {
    }

    /** A funnel as the processor maintains it. */
    record Def(String id, List<String> steps, Duration window) {
    }

    void onStart(@Observes StartupEvent start) {
        // a backfill interrupted by a stop continues where it was
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT id FROM report_saved_funnel WHERE backfill_state = ?")) {
            s.setString(1, RUNNING);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    backfills.submit(() -> backfill(id));
                }
            }
        } catch (SQLException e) {
            LOG.warnf("cannot resume the saved funnels' backfills: %s", e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        stopping = true;
        backfills.shutdownNow();
    }

    /**
     * Saves a funnel and starts its backfill.
     *
     * @return the funnel, or empty when the id is taken
     * @throws IllegalStateException when {@link #MAX_FUNNELS} are saved already
     */
    public Optional<Funnel> create(String id, String name, List<String> steps, Duration window) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                // waits for a processor batch that read the funnels before this one existed (see the class comment)
                try (PreparedStatement s = c.prepareStatement("LOCK TABLE report_saved_funnel IN EXCLUSIVE MODE")) {
                    s.execute();
                }
                long saved;
                try (PreparedStatement s = c.prepareStatement("SELECT count(*), count(*) FILTER (WHERE id = ?) FROM report_saved_funnel")) {
                    s.setString(1, id);
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        saved = rs.getLong(1);
                        if (rs.getLong(2) > 0) {
                            c.rollback();
                            return Optional.empty();
                        }
                    }
                }
                if (saved >= MAX_FUNNELS) {
                    c.rollback();
                    throw new IllegalStateException("at most " + MAX_FUNNELS + " funnels can be saved");
                }
                try (PreparedStatement s = c.prepareStatement("INSERT INTO report_saved_funnel (id, name, steps, window_seconds, created_at, "
                        + "backfill_state, backfill_done, backfill_total) VALUES (?, ?, ?, ?, ?, ?, 0, (SELECT count(*) FROM report_person))")) {
                    s.setString(1, id);
                    s.setString(2, name);
                    s.setArray(3, c.createArrayOf("varchar", steps.toArray()));
                    s.setLong(4, window.getSeconds());
                    s.setTimestamp(5, Timestamp.from(Instant.now()));
                    s.setString(6, RUNNING);
                    s.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot save the funnel", e);
        }
        backfills.submit(() -> backfill(id));
        return get(id);
    }

    /** Every saved funnel, by id. */
    public List<Funnel> list() {
        return query("SELECT id, name, steps, window_seconds, created_at, backfill_state, backfill_done, backfill_total, backfill_error "
                + "FROM report_saved_funnel ORDER BY id", null);
    }

    /** A saved funnel. */
    public Optional<Funnel> get(String id) {
        return query("SELECT id, name, steps, window_seconds, created_at, backfill_state, backfill_done, backfill_total, backfill_error "
                + "FROM report_saved_funnel WHERE id = ?", id).stream().findFirst();
    }

    /** Deletes a saved funnel with its entries; false when there was none. */
    public boolean delete(String id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("DELETE FROM report_saved_funnel WHERE id = ?")) {
            s.setString(1, id);
            return s.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete the funnel", e);
        }
    }

    /**
     * People per step (index 0 = step 1) entering a saved funnel in [from, to]: of everyone from its rollup, of a
     * segment's current members from the segment's copy of it ({@code report_seg_saved_funnel}, {@link SegmentRollups}).
     */
    public long[] read(Funnel f, LocalDate from, LocalDate to, String segment) {
        int steps = f.steps().size();
        long[] atDepth = new long[steps];
        String sql = segment == null
                ? "SELECT depth, sum(n) FROM report_saved_funnel_rollup WHERE funnel = ? AND day BETWEEN ? AND ? AND prev_day < ? GROUP BY depth"
                : "SELECT depth, sum(n) FROM report_seg_saved_funnel WHERE funnel = ? AND day BETWEEN ? AND ? AND prev_day < ? AND segment = ? "
                        + "GROUP BY depth";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, f.id());
            s.setObject(2, from);
            s.setObject(3, to);
            s.setObject(4, from);
            if (segment != null) {
                s.setString(5, segment);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    atDepth[rs.getInt(1) - 1] += rs.getLong(2);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the funnel", e);
        }
        long[] reached = new long[steps];
        long sum = 0;
        for (int i = steps - 1; i >= 0; i--) {
            sum += atDepth[i];
            reached[i] = sum;
        }
        return reached;
    }

    private List<Funnel> query(String sql, String id) {
        List<Funnel> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            if (id != null) {
                s.setString(1, id);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long done = rs.getLong(7);
                    // total is the person count when the backfill started; persons seen since then are recomputed too
                    out.add(new Funnel(rs.getString(1), rs.getString(2), Arrays.asList((String[]) rs.getArray(3).getArray()),
                            window(rs.getLong(4)), rs.getTimestamp(5).toInstant(),
                            new Backfill(rs.getString(6), done, Math.max(done, rs.getLong(8)), rs.getString(9))));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the saved funnels", e);
        }
        return out;
    }

    /** A window as ISO-8601, in whole days when it is ({@code P3D} rather than Java's {@code PT72H}). */
    static String window(long seconds) {
        return seconds > 0 && seconds % 86_400 == 0 ? "P" + seconds / 86_400 + "D" : Duration.ofSeconds(seconds).toString();
    }

    /** Recomputes every person's entries of a funnel, {@link #BACKFILL_CHUNK} per transaction, resuming after the last one done. */
    void backfill(String id) {
        try {
            while (!Thread.currentThread().isInterrupted() && chunk(id)) {
                // next chunk
            }
        } catch (Exception e) {
            if (stopping) {
                return;
            }
            LOG.warnf("backfill of saved funnel %s failed: %s", id, e.getMessage());
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                    "UPDATE report_saved_funnel SET backfill_state = ?, backfill_error = ? WHERE id = ?")) {
                s.setString(1, FAILED);
                s.setString(2, String.valueOf(e.getMessage()));
                s.setString(3, id);
                s.executeUpdate();
            } catch (SQLException ignored) {
                // the state stays "running" and the backfill resumes at the next start
            }
        }
    }

    /** One backfill transaction; false when the funnel is done or gone. */
    private boolean chunk(String id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Def def;
                String after;
                try (PreparedStatement s = c.prepareStatement("SELECT steps, window_seconds, backfill_after, backfill_state FROM report_saved_funnel "
                        + "WHERE id = ? FOR UPDATE")) {
                    s.setString(1, id);
                    try (ResultSet rs = s.executeQuery()) {
                        if (!rs.next() || !RUNNING.equals(rs.getString(4))) {
                            c.rollback();
                            return false;
                        }
                        def = new Def(id, Arrays.asList((String[]) rs.getArray(1).getArray()), Duration.ofSeconds(rs.getLong(2)));
                        after = rs.getString(3);
                    }
                }
                List<String> persons = new ArrayList<>();
                try (PreparedStatement s = c.prepareStatement("SELECT person FROM report_person WHERE person > ? ORDER BY person LIMIT ?")) {
                    s.setString(1, after == null ? "" : after);
                    s.setInt(2, BACKFILL_CHUNK);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            persons.add(rs.getString(1));
                        }
                    }
                }
                if (!persons.isEmpty()) {
                    // the chunk's members' entry changes go to their segments' copies of the funnel
                    SegmentRollups.Deltas segments = new SegmentRollups.Deltas(SegmentRollups.segmentsOf(c, persons), Set.of());
                    update(c, def, persons, List.of(), new String[] {after == null ? "" : after, persons.get(persons.size() - 1)},
                            (person, e, n) -> segments.savedFunnel(id, person, e, n));
                    segments.write(c);
                }
                boolean more = persons.size() == BACKFILL_CHUNK;
                try (PreparedStatement s = c.prepareStatement("UPDATE report_saved_funnel SET backfill_done = backfill_done + ?, "
                        + "backfill_after = COALESCE(?, backfill_after), backfill_state = ? WHERE id = ?")) {
                    s.setLong(1, persons.size());
                    s.setString(2, persons.isEmpty() ? null : persons.get(persons.size() - 1));
                    s.setString(3, more ? RUNNING : DONE);
                    s.setString(4, id);
                    s.executeUpdate();
                }
                c.commit();
                return more;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    // ---- the processor's side ----

    /**
     * The saved funnels, locked for the rest of the processor's transaction (see the class comment). Called before the
     * batch is written. The processor's batches share the lock (its segments fold at once, ADR 0021); a backfill chunk
     * and an erasure take it alone.
     */
    static List<Def> lockAll(Connection c) throws SQLException {
        return lockAll(c, false);
    }

    /** The saved funnels, locked for the rest of the transaction, alone when {@code exclusive}. */
    static List<Def> lockAll(Connection c, boolean exclusive) throws SQLException {
        List<Def> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, steps, window_seconds FROM report_saved_funnel ORDER BY id FOR "
                + (exclusive ? "UPDATE" : "SHARE"));
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(new Def(rs.getString(1), Arrays.asList((String[]) rs.getArray(2).getArray()), Duration.ofSeconds(rs.getLong(3))));
            }
        }
        return out;
    }

    /**
     * Recomputes, for each funnel, the entries of the persons (after merges) with an occurrence of one of its steps in
     * the batch or merged into, and drops those of the persons merged away. After the batch's rows moved.
     */
    static void maintain(Connection c, List<Def> funnels, ReportFold fold, SegmentRollups.Deltas segments) throws SQLException {
        for (Def def : funnels) {
            Set<String> persons = new HashSet<>();
            Set<String> types = new HashSet<>(def.steps());
            fold.steps.keySet().forEach(k -> {
                if (types.contains(k.type())) {
                    persons.add(fold.resolve(k.person()));
                }
            });
            fold.mergedAway().forEach(p -> persons.add(fold.resolve(p)));
            persons.removeAll(fold.mergedAway());
            update(c, def, persons, fold.mergedAway(), null, (person, e, n) -> segments.savedFunnel(def.id(), person, e, n));
        }
    }

    /**
     * Takes erased (or unmerged, before their re-fold) persons out of every saved funnel; their segments' copies were
     * already taken out with the rest of their contribution ({@link SegmentRollups#apply}).
     */
    static void erase(Connection c, Set<String> persons) throws SQLException {
        for (Def def : lockAll(c, true)) {
            update(c, def, List.of(), persons, null, FunnelRollup.EntrySink.NONE);
        }
    }

    /**
     * Recomputes the entries of {@code persons} for one funnel from their {@code report_user_step} rows and drops
     * those of {@code gone}, writing the differences into {@code report_saved_funnel_rollup} (as
     * {@link FunnelRollup#update} does for the default funnel). {@code range} (after, last], when given, holds exactly
     * {@code persons} (a backfill chunk): their old entries are found by an index range scan rather than a list, which
     * the planner may turn into a scan of the whole (growing) table.
     */
    static void update(Connection c, Def def, Collection<String> persons, Collection<String> gone, String[] range, FunnelRollup.EntrySink sink)
            throws SQLException {
        Set<String> all = new HashSet<>(persons);
        all.addAll(gone);
        if (all.isEmpty()) {
            return;
        }
        Map<FunnelRollup.Entry, Long> delta = new TreeMap<>((a, b) -> {
            int x = a.day().compareTo(b.day());
            x = x != 0 ? x : a.prev().compareTo(b.prev());
            return x != 0 ? x : Integer.compare(a.depth(), b.depth());
        });
        try (PreparedStatement s = c.prepareStatement("DELETE FROM report_saved_funnel_entry WHERE funnel = ? AND "
                + (range == null ? "person = ANY (?)" : "person > ? AND person <= ?") + " RETURNING day, prev_day, depth, person")) {
            s.setString(1, def.id());
            if (range == null) {
                s.setArray(2, c.createArrayOf("varchar", all.toArray()));
            } else {
                s.setString(2, range[0]);
                s.setString(3, range[1]);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    FunnelRollup.Entry e = new FunnelRollup.Entry(rs.getObject(1, LocalDate.class), rs.getObject(2, LocalDate.class), rs.getInt(3));
                    delta.merge(e, -1L, Long::sum);
                    sink.add(rs.getString(4), e, -1);
                }
            }
        }
        Set<String> live = new HashSet<>(persons);
        live.removeAll(gone);
        Map<String, List<List<FunnelRollup.Occurrences>>> steps = FunnelRollup.steps(c, live, def.steps());
        try (PreparedStatement s = c.prepareStatement("INSERT INTO report_saved_funnel_entry (funnel, person, day, prev_day, depth) VALUES (?, ?, ?, ?, ?)")) {
            boolean any = false;
            for (Map.Entry<String, List<List<FunnelRollup.Occurrences>>> p : steps.entrySet()) {
                for (FunnelRollup.Entry e : FunnelRollup.entries(p.getValue(), def.window())) {
                    delta.merge(e, 1L, Long::sum);
                    sink.add(p.getKey(), e, 1);
                    s.setString(1, def.id());
                    s.setString(2, p.getKey());
                    s.setObject(3, e.day());
                    s.setObject(4, e.prev());
                    s.setInt(5, e.depth());
                    s.addBatch();
                    any = true;
                }
            }
            if (any) {
                s.executeBatch();
            }
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO report_saved_funnel_rollup (funnel, day, prev_day, depth, n) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (funnel, day, prev_day, depth, part) DO UPDATE SET n = report_saved_funnel_rollup.n + EXCLUDED.n")) {
            boolean any = false;
            for (Map.Entry<FunnelRollup.Entry, Long> e : delta.entrySet()) {
                if (e.getValue() != 0) {
                    s.setString(1, def.id());
                    s.setObject(2, e.getKey().day());
                    s.setObject(3, e.getKey().prev());
                    s.setInt(4, e.getKey().depth());
                    s.setLong(5, e.getValue());
                    s.addBatch();
                    any = true;
                }
            }
            if (any) {
                s.executeBatch();
            }
        }
    }
}
