package io.footfall.reporting;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rollups of segments: per segment, the sum of its current members' contributions to {@code report_reach},
 * {@code report_cohort}, {@code report_counter} (events, sessions, events by type), {@code report_product_day},
 * {@code report_search_day}, {@code report_funnel} and the saved funnels' rollups, in the {@code report_seg_*} tables, so that a report with a
 * segment reads a few rows per day like one without.
 *
 * <p>Membership comes through the log ({@code Segment Entered} / {@code Segment Exited} of the segmentation plugin,
 * {@code report_segment_member}). A person's contribution to every rollup is a function of their per-person rows
 * alone (their days, category and brand days, step, product and search rows, funnel entries), so: entering adds the
 * person's stored contribution ({@link #apply} with sign +1, set-based SQL over the per-person rows), leaving
 * subtracts it, and a batch's events of a current member add the fold's per-person deltas ({@link Deltas}). A person
 * whose rows a merge moves is taken out of their segments before the batch and put back after it, so the rollups of a
 * segment always equal the rollups computed from its members' per-person rows.
 */
final class SegmentRollups {


    /** Joins the (segment, person) pairs bound as two arrays. */
    private static final String PAIRS = " JOIN unnest(?::varchar[], ?::varchar[]) m(seg, person) ON x.person = m.person ";

    /**
     * Adds ({@code sign} 1) or subtracts (−1) the stored contributions of {@code persons} (person → their segments) to
     * those segments' rollups: what entering or leaving does. One statement per rollup for all pairs.
     */
    static void apply(Connection c, Map<String, ? extends Collection<String>> persons, int sign) throws SQLException {
        List<String> segs = new ArrayList<>();
        List<String> people = new ArrayList<>();
        persons.forEach((person, segments) -> segments.forEach(s -> {
            segs.add(s);
            people.add(person);
        }));
        if (segs.isEmpty()) {
            return;
        }
        Object[] ids = people.stream().distinct().toArray();
        // events and sessions per day
        run(c, "INSERT INTO report_seg_counter (segment, day, metric, key, n) SELECT m.seg, x.day, k.metric, '', "
                + "sum(CASE k.metric WHEN 'events' THEN x.events ELSE x.sessions END) * ? FROM report_user_day x" + PAIRS
                + "CROSS JOIN (VALUES ('" + ReportFold.EVENTS + "'), ('" + ReportFold.SESSIONS + "')) k(metric) GROUP BY 1, 2, 3 "
                + "ON CONFLICT (segment, day, metric, key, part) DO UPDATE SET n = report_seg_counter.n + EXCLUDED.n", sign, segs, people);
        // events by type
        run(c, "INSERT INTO report_seg_counter (segment, day, metric, key, n) SELECT m.seg, x.day, '" + ReportFold.TYPE + "', x.event_type, "
                + "sum(x.n) * ? FROM report_user_step x" + PAIRS + "GROUP BY 1, 2, 4 "
                + "ON CONFLICT (segment, day, metric, key, part) DO UPDATE SET n = report_seg_counter.n + EXCLUDED.n", sign, segs, people);
        run(c, "INSERT INTO report_seg_product_day (segment, day, product_id, views, carts, purchases) SELECT m.seg, x.day, x.product_id, "
                + "sum(x.views) * ?1, sum(x.carts) * ?1, sum(x.purchases) * ?1 FROM report_user_product x" + PAIRS + "GROUP BY 1, 2, 3 "
                + "ON CONFLICT (segment, day, product_id, part) DO UPDATE SET views = report_seg_product_day.views + EXCLUDED.views, "
                + "carts = report_seg_product_day.carts + EXCLUDED.carts, purchases = report_seg_product_day.purchases + EXCLUDED.purchases",
                sign, segs, people);
        run(c, "INSERT INTO report_seg_search_day (segment, day, query, searches, no_result, no_click) SELECT m.seg, x.day, x.query, "
                + "sum(x.searches) * ?1, sum(x.no_result) * ?1, sum(x.no_click) * ?1 FROM report_user_search x" + PAIRS + "GROUP BY 1, 2, 3 "
                + "ON CONFLICT (segment, day, query, part) DO UPDATE SET searches = report_seg_search_day.searches + EXCLUDED.searches, "
                + "no_result = report_seg_search_day.no_result + EXCLUDED.no_result, no_click = report_seg_search_day.no_click + EXCLUDED.no_click",
                sign, segs, people);
        run(c, "INSERT INTO report_seg_funnel (segment, day, prev_day, depth, n) SELECT m.seg, x.day, x.prev_day, x.depth, count(*) * ? "
                + "FROM report_funnel_entry x" + PAIRS + "GROUP BY 1, 2, 3, 4 "
                + "ON CONFLICT (segment, day, prev_day, depth, part) DO UPDATE SET n = report_seg_funnel.n + EXCLUDED.n", sign, segs, people);
        run(c, "INSERT INTO report_seg_saved_funnel (segment, funnel, day, prev_day, depth, n) SELECT m.seg, x.funnel, x.day, x.prev_day, "
                + "x.depth, count(*) * ? FROM report_saved_funnel_entry x" + PAIRS + "GROUP BY 1, 2, 3, 4, 5 "
                + "ON CONFLICT (segment, funnel, day, prev_day, depth, part) DO UPDATE SET n = report_seg_saved_funnel.n + EXCLUDED.n", sign, segs, people);
        // distinct people: each day of a person in a scope against their previous day in it (as the fold keeps report_reach)
        String reach = "INSERT INTO report_seg_reach (segment, dimension, day, value, prev_day, n) SELECT m.seg, x.dimension, x.day, x.value, "
                + "x.prev, count(*) * ? FROM (%s) x" + PAIRS + "GROUP BY 1, 2, 3, 4, 5 "
                + "ON CONFLICT (segment, dimension, day, value, prev_day, part) DO UPDATE SET n = report_seg_reach.n + EXCLUDED.n";
        String none = "DATE '" + ReportFold.NONE + "'";
        run(c, String.format(reach, "SELECT person, '" + ReportFold.ACTIVE + "' AS dimension, day, '' AS value, COALESCE(lag(day) OVER "
                + "(PARTITION BY person ORDER BY day), " + none + ") AS prev FROM report_user_day WHERE person = ANY (?)"), sign, ids, segs, people);
        run(c, String.format(reach, "SELECT person, dimension, day, value, COALESCE(lag(day) OVER (PARTITION BY person, dimension, value "
                + "ORDER BY day), " + none + ") AS prev FROM report_affinity WHERE person = ANY (?)"), sign, ids, segs, people);
        run(c, String.format(reach, "SELECT person, dimension, day, '' AS value, COALESCE(lag(day) OVER (PARTITION BY person, dimension "
                + "ORDER BY day), " + none + ") AS prev FROM (SELECT DISTINCT person, dimension, day FROM report_affinity WHERE person = ANY (?)) a"),
                sign, ids, segs, people);
        // cohorts: each person once per ISO week active, on their first day active in it, under their first day
        run(c, "INSERT INTO report_seg_cohort (segment, first_day, day, n) SELECT m.seg, x.first_day, x.day, count(*) * ? FROM "
                + "(SELECT person, day, min(day) OVER (PARTITION BY person) AS first_day, row_number() OVER (PARTITION BY person, "
                + "date_trunc('week', day) ORDER BY day) AS rn FROM report_user_day WHERE person = ANY (?)) x" + PAIRS + "WHERE x.rn = 1 "
                + "GROUP BY 1, 2, 3 ON CONFLICT (segment, first_day, day, part) DO UPDATE SET n = report_seg_cohort.n + EXCLUDED.n", sign, ids, segs, people);
    }

    private static void run(Connection c, String sql, Object... args) throws SQLException {
        // ?1 (the sign used several times) is bound once per use
        int uses = sql.split("\\?1", -1).length - 1;
        String text = sql.replace("?1", "?");
        try (PreparedStatement s = c.prepareStatement(text)) {
            int i = 1;
            for (int a = 0; a < args.length; a++) {
                Object arg = args[a];
                int times = a == 0 && uses > 0 ? uses : 1;
                for (int t = 0; t < times; t++) {
                    if (arg instanceof List<?> list) {
                        s.setArray(i++, c.createArrayOf("varchar", list.toArray()));
                    } else if (arg instanceof Object[] array) {
                        s.setArray(i++, c.createArrayOf("varchar", array));
                    } else {
                        s.setObject(i++, arg);
                    }
                }
            }
            s.executeUpdate();
        }
    }

    /** The segments each of {@code persons} is a current member of (persons in none are left out). */
    static Map<String, List<String>> segmentsOf(Connection c, Collection<String> persons) throws SQLException {
        Map<String, List<String>> out = new HashMap<>();
        if (persons.isEmpty()) {
            return out;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT person, segment FROM report_segment_member WHERE person = ANY (?) ORDER BY segment")) {
            s.setArray(1, c.createArrayOf("varchar", persons.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return out;
    }

    /**
     * Applies a batch's net membership changes ((segment, person) → member at the end of the batch), after its rows
     * are written: a person entering adds their contribution as stored now, one leaving subtracts it. {@code before}
     * is the membership at the start of the batch of at least the changed persons; a change back to it does nothing.
     */
    static void changeMembership(Connection c, Map<Member, Boolean> changes, Map<String, List<String>> before) throws SQLException {
        Map<String, List<String>> entered = new TreeMap<>();
        Map<String, List<String>> exited = new TreeMap<>();
        changes.forEach((m, member) -> {
            boolean was = before.getOrDefault(m.person(), List.of()).contains(m.segment());
            if (member && !was) {
                entered.computeIfAbsent(m.person(), k -> new ArrayList<>()).add(m.segment());
            } else if (!member && was) {
                exited.computeIfAbsent(m.person(), k -> new ArrayList<>()).add(m.segment());
            }
        });
        apply(c, exited, -1);
        apply(c, entered, 1);
        members(c, exited, "DELETE FROM report_segment_member m USING unnest(?::varchar[], ?::varchar[]) x(seg, person) "
                + "WHERE m.segment = x.seg AND m.person = x.person");
        members(c, entered, "INSERT INTO report_segment_member (segment, person) SELECT seg, person FROM unnest(?::varchar[], ?::varchar[]) "
                + "x(seg, person) ON CONFLICT DO NOTHING");
    }

    private static void members(Connection c, Map<String, List<String>> pairs, String sql) throws SQLException {
        if (pairs.isEmpty()) {
            return;
        }
        List<String> segs = new ArrayList<>();
        List<String> people = new ArrayList<>();
        pairs.forEach((person, segments) -> segments.forEach(s -> {
            segs.add(s);
            people.add(person);
        }));
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, c.createArrayOf("varchar", segs.toArray()));
            s.setArray(2, c.createArrayOf("varchar", people.toArray()));
            s.executeUpdate();
        }
    }

    /** Takes erased persons out of their segments' rollups and memberships. */
    static void erase(Connection c, Set<String> persons) throws SQLException {
        Map<String, List<String>> segments = segmentsOf(c, persons);
        apply(c, segments, -1);
        try (PreparedStatement s = c.prepareStatement("DELETE FROM report_segment_member WHERE person = ANY (?)")) {
            s.setArray(1, c.createArrayOf("varchar", persons.toArray()));
            s.executeUpdate();
        }
    }

    /** A person in a segment. */
    record Member(String segment, String person) {
    }

    /**
     * A batch's per-person deltas summed into the segments of the persons who are members (persons in {@code skip}
     * are left out: their segments are recomputed around the batch), then written with one upsert per table.
     */
    static final class Deltas {
        private final Map<String, List<String>> segments;
        private final Set<String> skip;
        final Map<List<Object>, Long> reach = new TreeMap<>(Deltas::compare);
        final Map<List<Object>, Long> cohorts = new TreeMap<>(Deltas::compare);
        final Map<List<Object>, Long> counters = new TreeMap<>(Deltas::compare);
        final Map<List<Object>, long[]> products = new TreeMap<>(Deltas::compare);
        final Map<List<Object>, long[]> searches = new TreeMap<>(Deltas::compare);
        final Map<List<Object>, Long> funnel = new TreeMap<>(Deltas::compare);
        final Map<List<Object>, Long> savedFunnels = new TreeMap<>(Deltas::compare);

        Deltas(Map<String, List<String>> segments, Set<String> skip) {
            this.segments = segments;
            this.skip = skip;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private static int compare(List<Object> a, List<Object> b) {
            for (int i = 0; i < a.size(); i++) {
                int c = ((Comparable) a.get(i)).compareTo(b.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        }

        private List<String> of(String person) {
            return skip.contains(person) ? List.of() : segments.getOrDefault(person, List.of());
        }

        /** Sums the fold's per-person deltas into the members' segments. */
        Deltas add(ReportFold fold) {
            fold.personReach.forEach((k, n) -> of(k.person()).forEach(s -> reach.merge(List.of(s, k.key().dimension(), k.key().day(),
                    k.key().value(), k.key().prev()), n, Long::sum)));
            fold.personCohorts.forEach((k, n) -> of(k.person()).forEach(s -> cohorts.merge(List.of(s, k.key().first(), k.key().day()),
                    n, Long::sum)));
            fold.activity.forEach((k, a) -> of(k.person()).forEach(s -> {
                counters.merge(List.of(s, k.day(), ReportFold.EVENTS, ""), a.events, Long::sum);
                counters.merge(List.of(s, k.day(), ReportFold.SESSIONS, ""), a.sessions, Long::sum);
            }));
            fold.steps.forEach((k, step) -> of(k.person()).forEach(s -> counters.merge(List.of(s, k.day(), ReportFold.TYPE, k.type()),
                    step.count, Long::sum)));
            fold.userProducts.forEach((k, row) -> of(k.person()).forEach(s -> sum(products, List.of(s, k.day(), k.key()), row)));
            fold.userSearches.forEach((k, row) -> of(k.person()).forEach(s -> sum(searches, List.of(s, k.day(), k.key()), row)));
            return this;
        }

        /** A change of a person's default-funnel entries ({@link FunnelRollup#update}). */
        void funnel(String person, FunnelRollup.Entry e, long n) {
            of(person).forEach(s -> funnel.merge(List.of(s, e.day(), e.prev(), e.depth()), n, Long::sum));
        }

        /** A change of a person's entries of a saved funnel ({@link SavedFunnels#update}). */
        void savedFunnel(String funnelId, String person, FunnelRollup.Entry e, long n) {
            of(person).forEach(s -> savedFunnels.merge(List.of(s, funnelId, e.day(), e.prev(), e.depth()), n, Long::sum));
        }

        private static void sum(Map<List<Object>, long[]> map, List<Object> key, long[] row) {
            long[] to = map.computeIfAbsent(key, k -> new long[3]);
            for (int i = 0; i < 3; i++) {
                to[i] += row[i];
            }
        }

        void write(Connection c) throws SQLException {
            ReportWriter.upsertRows(c, reach.entrySet(), "INSERT INTO report_seg_reach (segment, dimension, day, value, prev_day, n) "
                    + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (segment, dimension, day, value, prev_day, part) DO UPDATE SET n = report_seg_reach.n + EXCLUDED.n",
                    (s, e) -> bind(s, e.getKey(), e.getValue()), e -> e.getValue() != 0);
            ReportWriter.upsertRows(c, cohorts.entrySet(), "INSERT INTO report_seg_cohort (segment, first_day, day, n) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (segment, first_day, day, part) DO UPDATE SET n = report_seg_cohort.n + EXCLUDED.n",
                    (s, e) -> bind(s, e.getKey(), e.getValue()), e -> e.getValue() != 0);
            ReportWriter.upsertRows(c, counters.entrySet(), "INSERT INTO report_seg_counter (segment, day, metric, key, n) VALUES (?, ?, ?, ?, ?) "
                    + "ON CONFLICT (segment, day, metric, key, part) DO UPDATE SET n = report_seg_counter.n + EXCLUDED.n",
                    (s, e) -> bind(s, e.getKey(), e.getValue()), e -> e.getValue() != 0);
            ReportWriter.upsertRows(c, products.entrySet(), "INSERT INTO report_seg_product_day (segment, day, product_id, views, carts, purchases) "
                    + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (segment, day, product_id, part) DO UPDATE SET views = report_seg_product_day.views + EXCLUDED.views, "
                    + "carts = report_seg_product_day.carts + EXCLUDED.carts, purchases = report_seg_product_day.purchases + EXCLUDED.purchases",
                    (s, e) -> bind(s, e.getKey(), e.getValue()), e -> true);
            ReportWriter.upsertRows(c, searches.entrySet(), "INSERT INTO report_seg_search_day (segment, day, query, searches, no_result, no_click) "
                    + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (segment, day, query, part) DO UPDATE SET searches = report_seg_search_day.searches + EXCLUDED.searches, "
                    + "no_result = report_seg_search_day.no_result + EXCLUDED.no_result, no_click = report_seg_search_day.no_click + EXCLUDED.no_click",
                    (s, e) -> bind(s, e.getKey(), e.getValue()), e -> true);
            ReportWriter.upsertRows(c, funnel.entrySet(), "INSERT INTO report_seg_funnel (segment, day, prev_day, depth, n) VALUES (?, ?, ?, ?, ?) "
                    + "ON CONFLICT (segment, day, prev_day, depth, part) DO UPDATE SET n = report_seg_funnel.n + EXCLUDED.n",
                    (s, e) -> bind(s, e.getKey(), e.getValue()), e -> e.getValue() != 0);
            ReportWriter.upsertRows(c, savedFunnels.entrySet(), "INSERT INTO report_seg_saved_funnel (segment, funnel, day, prev_day, depth, n) "
                    + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (segment, funnel, day, prev_day, depth, part) DO UPDATE SET n = report_seg_saved_funnel.n + EXCLUDED.n",
                    (s, e) -> bind(s, e.getKey(), e.getValue()), e -> e.getValue() != 0);
        }

        private static void bind(PreparedStatement s, List<Object> key, Object value) throws SQLException {
            int i = 1;
            for (Object k : key) {
                s.setObject(i++, k);
            }
            if (value instanceof long[] row) {
                for (long n : row) {
                    s.setLong(i++, n);
                }
            } else {
                s.setObject(i, value);
            }
        }
    }

    private SegmentRollups() {
    }
}
