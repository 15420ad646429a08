package io.footfall.reporting;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.Map;

/**
 * Writes a folded batch: one batched upsert per table (the driver's {@code reWriteBatchedInserts} turns each into
 * multi-row statements). Keys are unique within a batch because the fold aggregated them, which a multi-row
 * {@code ON CONFLICT DO UPDATE} requires.
 */
final class ReportWriter {

    /** Binds one row's parameters. */
    @FunctionalInterface
    interface Binder<T> {
        void bind(PreparedStatement s, T row) throws SQLException;
    }

    private ReportWriter() {
    }

    static void write(Connection c, ReportFold fold) throws SQLException {
        write(c, fold, Map.of());
    }

    /**
     * Writes a folded batch and the segment rollups: the per-person deltas of current members go into their
     * segments; persons a merge involves leave their segments' rollups before the batch and come back after it (their
     * rows move); then the batch's net membership changes ({@code membership}) add or take out whole persons.
     */
    static void write(Connection c, ReportFold fold, Map<SegmentRollups.Member, Boolean> membership) throws SQLException {
        java.util.Set<String> merged = fold.mergeInvolved();
        java.util.Set<String> persons = new java.util.HashSet<>(fold.deltaPersons());
        persons.addAll(merged);
        membership.keySet().forEach(m -> persons.add(m.person()));
        java.util.List<SavedFunnels.Def> funnels = SavedFunnels.lockAll(c);
        Map<String, java.util.List<String>> segments = SegmentRollups.segmentsOf(c, persons);
        Map<String, java.util.List<String>> mergedMembers = new java.util.HashMap<>();
        merged.forEach(p -> {
            if (segments.containsKey(p)) {
                mergedMembers.put(p, segments.get(p));
            }
        });
        SegmentRollups.apply(c, mergedMembers, -1);
        writeDeltas(c, fold);
        SegmentRollups.Deltas deltas = new SegmentRollups.Deltas(segments, merged).add(fold);
        moveMerged(c, fold.finalLinks(), fold.mergedAway());
        FunnelRollup.update(c, fold.funnelPersons(), fold.mergedAway(), deltas::funnel);
        SavedFunnels.maintain(c, funnels, fold, deltas);
        deltas.write(c);
        SegmentRollups.apply(c, mergedMembers, 1);
        SegmentRollups.changeMembership(c, membership, segments);
    }

    /** A product detail's update: the new value when it is named and at least as late in the log as the stored one. */
    private static String latest(String column) {
        String at = column + "_at";
        String newer = "EXCLUDED." + column + " IS NOT NULL AND EXCLUDED." + at + " >= COALESCE(report_product." + at + ", -1)";
        return column + " = CASE WHEN " + newer + " THEN EXCLUDED." + column + " ELSE report_product." + column + " END, "
                + at + " = CASE WHEN " + newer + " THEN EXCLUDED." + at + " ELSE report_product." + at + " END";
    }

    /** Writes the rows of a fold, all keyed by the person they were folded for. */
    private static void writeDeltas(Connection c, ReportFold fold) throws SQLException {
        upsert(c, fold.persons().values(), "INSERT INTO report_person (person, first_day, first_at, last_at, session_id, "
                + "pending_query, pending_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (person) DO UPDATE SET "
                + "first_day = EXCLUDED.first_day, first_at = EXCLUDED.first_at, last_at = EXCLUDED.last_at, "
                + "session_id = EXCLUDED.session_id, pending_query = EXCLUDED.pending_query, pending_at = EXCLUDED.pending_at", (s, p) -> {
                    s.setString(1, p.id);
                    s.setDate(2, Date.valueOf(p.firstDay));
                    s.setTimestamp(3, Timestamp.from(p.firstAt));
                    s.setTimestamp(4, Timestamp.from(p.lastAt));
                    s.setString(5, p.sessionId);
                    s.setString(6, p.pendingQuery);
                    s.setTimestamp(7, p.pendingAt == null ? null : Timestamp.from(p.pendingAt));
                });
        writeRollups(c, fold);
        upsert(c, fold.activity.entrySet(), "INSERT INTO report_user_day (day, person, events, sessions) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (day, person) DO UPDATE SET events = report_user_day.events + EXCLUDED.events, "
                + "sessions = report_user_day.sessions + EXCLUDED.sessions", (s, e) -> {
                    s.setDate(1, Date.valueOf(e.getKey().day()));
                    s.setString(2, e.getKey().person());
                    s.setLong(3, e.getValue().events);
                    s.setLong(4, e.getValue().sessions);
                });
        upsert(c, fold.steps.entrySet(), "INSERT INTO report_user_step (person, event_type, day, first_at, last_at, n) "
                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person, event_type, day) DO UPDATE SET "
                + "first_at = LEAST(report_user_step.first_at, EXCLUDED.first_at), "
                + "last_at = GREATEST(report_user_step.last_at, EXCLUDED.last_at), n = report_user_step.n + EXCLUDED.n", (s, e) -> {
                    s.setString(1, e.getKey().person());
                    s.setString(2, e.getKey().type());
                    s.setDate(3, Date.valueOf(e.getKey().day()));
                    s.setTimestamp(4, Timestamp.from(e.getValue().first));
                    s.setTimestamp(5, Timestamp.from(e.getValue().last));
                    s.setLong(6, e.getValue().count);
                });
        upsert(c, fold.affinity.entrySet(), "INSERT INTO report_affinity (dimension, value, day, person, n) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (dimension, value, day, person) DO UPDATE SET n = report_affinity.n + EXCLUDED.n", (s, e) -> {
                    s.setString(1, e.getKey().dimension());
                    s.setString(2, e.getKey().value());
                    s.setDate(3, Date.valueOf(e.getKey().day()));
                    s.setString(4, e.getKey().person());
                    s.setLong(5, e.getValue());
                });
        upsert(c, fold.products.entrySet(), "INSERT INTO report_product_day (day, product_id, views, carts, purchases) "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (day, product_id, part) DO UPDATE SET views = report_product_day.views + EXCLUDED.views, "
                + "carts = report_product_day.carts + EXCLUDED.carts, purchases = report_product_day.purchases + EXCLUDED.purchases",
                ReportWriter::dayCounts);
        // each detail from the latest event in the log that named it, whichever batch commits last (segments, ADR 0021)
        upsert(c, fold.productInfo.entrySet(), "INSERT INTO report_product (product_id, name, category, brand, name_at, category_at, brand_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (product_id) DO UPDATE SET "
                + latest("name") + ", " + latest("category") + ", " + latest("brand"),
                (s, e) -> {
                    ReportFold.ProductInfo p = e.getValue();
                    s.setString(1, e.getKey());
                    s.setString(2, p.name());
                    s.setString(3, p.category());
                    s.setString(4, p.brand());
                    s.setLong(5, p.nameAt());
                    s.setLong(6, p.categoryAt());
                    s.setLong(7, p.brandAt());
                });
        upsert(c, fold.searches.entrySet(), "INSERT INTO report_search_day (day, query, searches, no_result, no_click) "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (day, query, part) DO UPDATE SET searches = report_search_day.searches + EXCLUDED.searches, "
                + "no_result = report_search_day.no_result + EXCLUDED.no_result, no_click = report_search_day.no_click + EXCLUDED.no_click",
                ReportWriter::dayCounts);
        upsert(c, fold.userProducts.entrySet(), "INSERT INTO report_user_product (person, day, product_id, views, carts, purchases) "
                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person, day, product_id) DO UPDATE SET views = report_user_product.views + EXCLUDED.views, "
                + "carts = report_user_product.carts + EXCLUDED.carts, purchases = report_user_product.purchases + EXCLUDED.purchases",
                ReportWriter::personDayCounts);
        upsert(c, fold.userSearches.entrySet(), "INSERT INTO report_user_search (person, day, query, searches, no_result, no_click) "
                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person, day, query) DO UPDATE SET searches = report_user_search.searches + EXCLUDED.searches, "
                + "no_result = report_user_search.no_result + EXCLUDED.no_result, no_click = report_user_search.no_click + EXCLUDED.no_click",
                ReportWriter::personDayCounts);
        upsert(c, fold.scopes.entrySet(), "INSERT INTO report_span (person, dimension, value, first_day, last_day) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (person, dimension, value) DO UPDATE SET first_day = EXCLUDED.first_day, last_day = EXCLUDED.last_day", (s, e) -> {
                    s.setString(1, e.getKey().person());
                    s.setString(2, e.getKey().dimension());
                    s.setString(3, e.getKey().value());
                    s.setObject(4, e.getValue().first);
                    s.setObject(5, e.getValue().last);
                }, e -> e.getValue().dirty && e.getValue().first != null && !e.getKey().dimension().equals(ReportFold.ACTIVE));
    }

    private static void personDayCounts(PreparedStatement s, Map.Entry<ReportFold.PersonDayKey, long[]> e) throws SQLException {
        s.setString(1, e.getKey().person());
        s.setObject(2, e.getKey().day());
        s.setString(3, e.getKey().key());
        s.setLong(4, e.getValue()[0]);
        s.setLong(5, e.getValue()[1]);
        s.setLong(6, e.getValue()[2]);
    }

    /** The rollups every report without a segment reads: reach, cohorts and per-day counters (also for erasure). */
    static void writeRollups(Connection c, ReportFold fold) throws SQLException {
        upsert(c, fold.reach.entrySet(), "INSERT INTO report_reach (dimension, day, value, prev_day, n) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (dimension, day, value, prev_day, part) DO UPDATE SET n = report_reach.n + EXCLUDED.n", (s, e) -> {
                    s.setString(1, e.getKey().dimension());
                    s.setObject(2, e.getKey().day());
                    s.setString(3, e.getKey().value());
                    s.setObject(4, e.getKey().prev());
                    s.setLong(5, e.getValue());
                }, e -> e.getValue() != 0);
        upsert(c, fold.cohorts.entrySet(), "INSERT INTO report_cohort (first_day, day, n) VALUES (?, ?, ?) "
                + "ON CONFLICT (first_day, day, part) DO UPDATE SET n = report_cohort.n + EXCLUDED.n", (s, e) -> {
                    s.setObject(1, e.getKey().first());
                    s.setObject(2, e.getKey().day());
                    s.setLong(3, e.getValue());
                }, e -> e.getValue() != 0);
        upsert(c, fold.counters.entrySet(), "INSERT INTO report_counter (day, metric, key, n) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (day, metric, key, part) DO UPDATE SET n = report_counter.n + EXCLUDED.n", (s, e) -> {
                    s.setDate(1, Date.valueOf(e.getKey().day()));
                    s.setString(2, e.getKey().metric());
                    s.setString(3, e.getKey().key());
                    s.setLong(4, e.getValue());
                }, e -> e.getValue() != 0);
    }

    /**
     * Moves the rows of persons merged into another (identity stitching) to that person, and records the links.
     * One statement per table for the whole batch: the rows are grouped by target so that no row is updated twice.
     */
    private static void moveMerged(Connection c, Map<String, String> links, java.util.Set<String> merged) throws SQLException {
        if (links.isEmpty()) {
            return;
        }
        java.util.List<String> from = new java.util.ArrayList<>();
        java.util.List<String> to = new java.util.ArrayList<>();
        for (String f : merged) {
            from.add(f);
            to.add(links.get(f));
        }
        if (!from.isEmpty()) {
            String join = " JOIN unnest(?::varchar[], ?::varchar[]) m(f, t) ON x.person = m.f ";
            move(c, from, to, "INSERT INTO report_user_day (day, person, events, sessions) SELECT x.day, m.t, sum(x.events), sum(x.sessions) "
                    + "FROM report_user_day x" + join + "GROUP BY 1, 2 ON CONFLICT (day, person) DO UPDATE SET "
                    + "events = report_user_day.events + EXCLUDED.events, sessions = report_user_day.sessions + EXCLUDED.sessions", "report_user_day");
            move(c, from, to, "INSERT INTO report_user_step (person, event_type, day, first_at, last_at, n) SELECT m.t, x.event_type, x.day, "
                    + "min(x.first_at), max(x.last_at), sum(x.n) FROM report_user_step x" + join + "GROUP BY 1, 2, 3 "
                    + "ON CONFLICT (person, event_type, day) DO UPDATE SET first_at = LEAST(report_user_step.first_at, EXCLUDED.first_at), "
                    + "last_at = GREATEST(report_user_step.last_at, EXCLUDED.last_at), n = report_user_step.n + EXCLUDED.n", "report_user_step");
            move(c, from, to, "INSERT INTO report_affinity (dimension, value, day, person, n) SELECT x.dimension, x.value, x.day, m.t, sum(x.n) "
                    + "FROM report_affinity x" + join + "GROUP BY 1, 2, 3, 4 ON CONFLICT (person, dimension, value, day) DO UPDATE SET "
                    + "n = report_affinity.n + EXCLUDED.n", "report_affinity");
            move(c, from, to, "INSERT INTO report_user_product (person, day, product_id, views, carts, purchases) SELECT m.t, x.day, x.product_id, "
                    + "sum(x.views), sum(x.carts), sum(x.purchases) FROM report_user_product x" + join + "GROUP BY 1, 2, 3 "
                    + "ON CONFLICT (person, day, product_id) DO UPDATE SET views = report_user_product.views + EXCLUDED.views, "
                    + "carts = report_user_product.carts + EXCLUDED.carts, purchases = report_user_product.purchases + EXCLUDED.purchases",
                    "report_user_product");
            move(c, from, to, "INSERT INTO report_user_search (person, day, query, searches, no_result, no_click) SELECT m.t, x.day, x.query, "
                    + "sum(x.searches), sum(x.no_result), sum(x.no_click) FROM report_user_search x" + join + "GROUP BY 1, 2, 3 "
                    + "ON CONFLICT (person, day, query) DO UPDATE SET searches = report_user_search.searches + EXCLUDED.searches, "
                    + "no_result = report_user_search.no_result + EXCLUDED.no_result, no_click = report_user_search.no_click + EXCLUDED.no_click",
                    "report_user_search");
            move(c, from, to, "INSERT INTO report_span (person, dimension, value, first_day, last_day) SELECT m.t, x.dimension, x.value, "
                    + "min(x.first_day), max(x.last_day) FROM report_span x" + join + "GROUP BY 1, 2, 3 "
                    + "ON CONFLICT (person, dimension, value) DO UPDATE SET first_day = LEAST(report_span.first_day, EXCLUDED.first_day), "
                    + "last_day = GREATEST(report_span.last_day, EXCLUDED.last_day)", "report_span");
            try (PreparedStatement s = c.prepareStatement("DELETE FROM report_person WHERE person = ANY (?)")) {
                s.setArray(1, c.createArrayOf("varchar", from.toArray()));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE report_identity r SET person = m.t FROM unnest(?::varchar[], ?::varchar[]) m(f, t) "
                    + "WHERE r.person = m.f")) {
                s.setArray(1, c.createArrayOf("varchar", from.toArray()));
                s.setArray(2, c.createArrayOf("varchar", to.toArray()));
                s.executeUpdate();
            }
        }
        upsert(c, links.entrySet(), "INSERT INTO report_identity (identifier, person) VALUES (?, ?) ON CONFLICT (identifier) DO UPDATE SET "
                + "person = EXCLUDED.person", (s, e) -> {
                    s.setString(1, e.getKey());
                    s.setString(2, e.getValue());
                });
    }

    private static void move(Connection c, java.util.List<String> from, java.util.List<String> to, String insert, String table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(insert)) {
            s.setArray(1, c.createArrayOf("varchar", from.toArray()));
            s.setArray(2, c.createArrayOf("varchar", to.toArray()));
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE person = ANY (?)")) {
            s.setArray(1, c.createArrayOf("varchar", from.toArray()));
            s.executeUpdate();
        }
    }

    /** A (day, key) row with three counters: products (views, carts, purchases) and searches (all, no result, no click). */
    private static void dayCounts(PreparedStatement s, Map.Entry<ReportFold.DayKey, long[]> e) throws SQLException {
        s.setDate(1, Date.valueOf(e.getKey().day()));
        s.setString(2, e.getKey().key());
        s.setLong(3, e.getValue()[0]);
        s.setLong(4, e.getValue()[1]);
        s.setLong(5, e.getValue()[2]);
    }

    /** One batched statement over {@code rows}; nothing is sent when there are none. */
    private static <T> void upsert(Connection c, Collection<T> rows, String sql, Binder<T> binder) throws SQLException {
        upsert(c, rows, sql, binder, r -> true);
    }

    /** One batched statement over the {@code rows} that pass {@code keep}; nothing is sent when none do. */
    static <T> void upsertRows(Connection c, Collection<T> rows, String sql, Binder<T> binder, java.util.function.Predicate<T> keep)
            throws SQLException {
        upsert(c, rows, sql, binder, keep);
    }

    private static <T> void upsert(Connection c, Collection<T> rows, String sql, Binder<T> binder, java.util.function.Predicate<T> keep)
            throws SQLException {
        PreparedStatement s = null;
        try {
            for (T row : rows) {
                if (!keep.test(row)) {
                    continue;
                }
                if (s == null) {
                    s = c.prepareStatement(sql);
                }
                binder.bind(s, row);
                s.addBatch();
            }
            if (s != null) {
                s.executeBatch();
            }
        } finally {
            if (s != null) {
                s.close();
            }
        }
    }
}
