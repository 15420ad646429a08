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
    private interface Binder<T> {
        void bind(PreparedStatement s, T row) throws SQLException;
    }

    private ReportWriter() {
    }

    static void write(Connection c, ReportFold fold) throws SQLException {
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
        upsert(c, fold.counters.entrySet(), "INSERT INTO report_counter (day, metric, key, n) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (day, metric, key) DO UPDATE SET n = report_counter.n + EXCLUDED.n", (s, e) -> {
                    s.setDate(1, Date.valueOf(e.getKey().day()));
                    s.setString(2, e.getKey().metric());
                    s.setString(3, e.getKey().key());
                    s.setLong(4, e.getValue());
                });
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
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (day, product_id) DO UPDATE SET views = report_product_day.views + EXCLUDED.views, "
                + "carts = report_product_day.carts + EXCLUDED.carts, purchases = report_product_day.purchases + EXCLUDED.purchases",
                ReportWriter::dayCounts);
        upsert(c, fold.productInfo.entrySet(), "INSERT INTO report_product (product_id, name, category, brand) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (product_id) DO UPDATE SET name = COALESCE(EXCLUDED.name, report_product.name), "
                + "category = COALESCE(EXCLUDED.category, report_product.category), brand = COALESCE(EXCLUDED.brand, report_product.brand)",
                (s, e) -> {
                    s.setString(1, e.getKey());
                    s.setString(2, e.getValue().name());
                    s.setString(3, e.getValue().category());
                    s.setString(4, e.getValue().brand());
                });
        upsert(c, fold.searches.entrySet(), "INSERT INTO report_search_day (day, query, searches, no_result, no_click) "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (day, query) DO UPDATE SET searches = report_search_day.searches + EXCLUDED.searches, "
                + "no_result = report_search_day.no_result + EXCLUDED.no_result, no_click = report_search_day.no_click + EXCLUDED.no_click",
                ReportWriter::dayCounts);
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
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (T row : rows) {
                binder.bind(s, row);
                s.addBatch();
            }
            s.executeBatch();
        }
    }
}
