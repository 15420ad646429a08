package io.footfall.reporting;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The default funnel ({@link ReportParams#DEFAULT_STEPS} within {@link #WINDOW}, the dashboard's) kept as a rollup, so
 * that it is answered without joining per-person rows on request.
 *
 * <p>A person enters a funnel over [from, to] on their first day in the range with a step-1 occurrence, at that
 * day's first occurrence {@code t0}; how far they get from there (the depth: each next step at or after the previous
 * one and no later than {@code t0 + window}, on the same per-day first/last times as the live query) depends on that
 * day only, not on the range. So every day on which a person has a step-1 occurrence is an entry (day, the person's
 * previous step-1 day, depth) in {@code report_funnel_entry}, summed into {@code report_funnel}; the funnel of
 * [from, to] is the entries of days in the range whose previous step-1 day is before {@code from}, counted per depth.
 * After each batch the entries of the persons whose funnel steps changed are recomputed from their
 * {@code report_user_step} rows; the difference goes into {@code report_funnel}.
 */
final class FunnelRollup {

    /** Window of the rolled-up funnel. */
    static final Duration WINDOW = Duration.ofDays(7);

    private FunnelRollup() {
    }

    /** Whether a funnel request is the rolled-up one. */
    static boolean covers(List<String> steps, Duration window) {
        return steps.equals(ReportParams.DEFAULT_STEPS) && window.equals(WINDOW);
    }

    /** A person's occurrences of one step type on one day. */
    record Occurrences(LocalDate day, Instant first, Instant last) {
    }

    /** An entry: a day with a step-1 occurrence, the previous such day ({@link ReportFold#NONE} for none) and the depth reached. */
    record Entry(LocalDate day, LocalDate prev, int depth) {
    }

    /**
     * A person's entries from their occurrences of each step (index = step, each list in day order), as the live
     * query would count them: from the day's first step-1 occurrence, each next step's earliest usable time.
     */
    static List<Entry> entries(List<List<Occurrences>> steps, Duration window) {
        List<Entry> out = new ArrayList<>();
        LocalDate prev = ReportFold.NONE;
        for (Occurrences start : steps.get(0)) {
            Instant t0 = start.first();
            Instant deadline = t0.plus(window);
            Instant t = t0;
            int depth = 1;
            for (int i = 1; i < steps.size(); i++) {
                Instant next = null;
                for (Occurrences o : steps.get(i)) {
                    if (!o.last().isBefore(t) && !o.first().isAfter(deadline)) {
                        Instant at = o.first().isAfter(t) ? o.first() : t;
                        next = next == null || at.isBefore(next) ? at : next;
                    }
                }
                if (next == null) {
                    break;
                }
                t = next;
                depth++;
            }
            out.add(new Entry(start.day(), prev, depth));
            prev = start.day();
        }
        return out;
    }

    /**
     * Recomputes the entries of {@code persons} (their funnel steps changed) and drops those of {@code gone} (merged
     * into another person or erased), writing the differences into {@code report_funnel}.
     */
    static void update(Connection c, Collection<String> persons, Collection<String> gone) throws SQLException {
        update(c, persons, gone, EntrySink.NONE);
    }

    /** Receives the change of each person's entries. */
    @FunctionalInterface
    interface EntrySink {
        /** Ignores the changes (their segments' copies are handled as a whole by the caller). */
        EntrySink NONE = (person, e, n) -> {
        };

        /** {@code n} (1 or −1) times the entry {@code e} of {@code person}. */
        void add(String person, Entry e, long n);
    }

    /** As {@link #update(Connection, Collection, Collection)}, telling {@code sink} every person's entry changes. */
    static void update(Connection c, Collection<String> persons, Collection<String> gone, EntrySink sink) throws SQLException {
        Map<Entry, Long> delta = new TreeMap<>((a, b) -> {
            int x = a.day().compareTo(b.day());
            x = x != 0 ? x : a.prev().compareTo(b.prev());
            return x != 0 ? x : Integer.compare(a.depth(), b.depth());
        });
        Set<String> all = new HashSet<>(persons);
        all.addAll(gone);
        if (all.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM report_funnel_entry WHERE person = ANY (?) RETURNING day, prev_day, depth, person")) {
            s.setArray(1, c.createArrayOf("varchar", all.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Entry e = new Entry(rs.getObject(1, LocalDate.class), rs.getObject(2, LocalDate.class), rs.getInt(3));
                    delta.merge(e, -1L, Long::sum);
                    sink.add(rs.getString(4), e, -1);
                }
            }
        }
        Set<String> live = new HashSet<>(persons);
        live.removeAll(gone);
        Map<String, List<List<Occurrences>>> steps = steps(c, live, ReportParams.DEFAULT_STEPS);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO report_funnel_entry (person, day, prev_day, depth) VALUES (?, ?, ?, ?)")) {
            boolean any = false;
            for (Map.Entry<String, List<List<Occurrences>>> p : steps.entrySet()) {
                for (Entry e : entries(p.getValue(), WINDOW)) {
                    delta.merge(e, 1L, Long::sum);
                    sink.add(p.getKey(), e, 1);
                    s.setString(1, p.getKey());
                    s.setObject(2, e.day());
                    s.setObject(3, e.prev());
                    s.setInt(4, e.depth());
                    s.addBatch();
                    any = true;
                }
            }
            if (any) {
                s.executeBatch();
            }
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO report_funnel (day, prev_day, depth, n) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (day, prev_day, depth, part) DO UPDATE SET n = report_funnel.n + EXCLUDED.n")) {
            boolean any = false;
            for (Map.Entry<Entry, Long> e : delta.entrySet()) {
                if (e.getValue() != 0) {
                    s.setObject(1, e.getKey().day());
                    s.setObject(2, e.getKey().prev());
                    s.setInt(3, e.getKey().depth());
                    s.setLong(4, e.getValue());
                    s.addBatch();
                    any = true;
                }
            }
            if (any) {
                s.executeBatch();
            }
        }
    }

    /**
     * The stored step occurrences of these persons, per person and per step of {@code types} in order, by day (a type
     * listed as several steps feeds each of them). Empty for no persons.
     */
    static Map<String, List<List<Occurrences>>> steps(Connection c, Collection<String> persons, List<String> types) throws SQLException {
        Map<String, List<List<Occurrences>>> steps = new HashMap<>();
        if (persons.isEmpty()) {
            return steps;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT person, event_type, day, first_at, last_at FROM report_user_step "
                + "WHERE person = ANY (?) AND event_type = ANY (?) ORDER BY person, day")) {
            s.setArray(1, c.createArrayOf("varchar", persons.toArray()));
            s.setArray(2, c.createArrayOf("varchar", types.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    List<List<Occurrences>> mine = steps.computeIfAbsent(rs.getString(1), k -> {
                        List<List<Occurrences>> l = new ArrayList<>();
                        types.forEach(t -> l.add(new ArrayList<>()));
                        return l;
                    });
                    Occurrences o = new Occurrences(rs.getObject(3, LocalDate.class), rs.getTimestamp(4).toInstant(),
                            rs.getTimestamp(5).toInstant());
                    for (int i = 0; i < types.size(); i++) {
                        if (types.get(i).equals(rs.getString(2))) {
                            mine.get(i).add(o);
                        }
                    }
                }
            }
        }
        return steps;
    }

    /** People per depth (index 0 = depth 1) entering in [from, to], of everyone or of a segment's current members. */
    static long[] read(Connection c, LocalDate from, LocalDate to, int steps, String segment) throws SQLException {
        long[] atDepth = new long[steps];
        try (PreparedStatement s = c.prepareStatement("SELECT depth, sum(n) FROM " + ReportQueries.table("report_funnel", segment) + " WHERE "
                + ReportQueries.of(segment) + "day BETWEEN ? AND ? AND prev_day < ? GROUP BY depth")) {
            int i = 1;
            if (segment != null) {
                s.setString(i++, segment);
            }
            s.setObject(i++, from);
            s.setObject(i++, to);
            s.setObject(i, from);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    atDepth[rs.getInt(1) - 1] += rs.getLong(2);
                }
            }
        }
        long[] reached = new long[steps];
        long sum = 0;
        for (int i = steps - 1; i >= 0; i--) {
            sum += atDepth[i];
            reached[i] = sum;
        }
        return reached;
    }
}
