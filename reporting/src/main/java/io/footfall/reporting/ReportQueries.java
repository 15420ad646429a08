package io.footfall.reporting;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.core.store.EventJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Reads the reports from the reporting read models and, for churn, recommendations and models, from the plugin
 * results read model and the model store. A {@code segment} argument, when not null, restricts a report to the
 * segment's current members: the rollups of everyone have segment versions ({@link SegmentRollups}).
 */
@ApplicationScoped
public class ReportQueries {

    /** Plugin whose scores feed the churn report. */
    public static final String CHURN_PLUGIN = "churn";
    /** Plugin whose lists feed the recommendation report. */
    public static final String RECOMMENDER_PLUGIN = "recommender";

    private static final TypeReference<Map<String, Double>> METRICS = new TypeReference<>() {
    };

    @Inject
    DataSource dataSource;
    @Inject
    SavedFunnels savedFunnels;
    @Inject
    RecommendationSummary summary;

    private final ObjectMapper json = EventJson.create();

    /**
     * The behaviour overview; {@code granularity} is {@code day}, {@code week} or {@code month} (checked by the caller),
     * of everyone or of a segment's current members ({@code segment} not null), from the rollups: people from
     * {@code report_reach} (people active in a period are its days' contributions whose previous day is before the
     * period's start, clipped to the range; new people have no previous day), sessions, events and events by type from
     * {@code report_counter}; a segment's from {@code report_seg_reach} and {@code report_seg_counter}. Reads a few rows
     * per day.
     */
    public Reports.Overview overview(ReportParams.Range range, String granularity, String segment) {
        String period = "date_trunc('" + granularity + "', day::timestamp)::date";
        Map<LocalDate, long[]> rows = new TreeMap<>();
        Map<LocalDate, Map<String, Long>> byType = new HashMap<>();
        long active;
        long fresh;
        long sessions = 0;
        long events = 0;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("SELECT " + period + ", sum(n) FILTER (WHERE prev_day < GREATEST(" + period + ", ?)), "
                    + "sum(n) FILTER (WHERE prev_day = ?) FROM " + table("report_reach", segment) + " WHERE " + of(segment)
                    + "dimension = 'a' AND value = '' AND day BETWEEN ? AND ? GROUP BY 1")) {
                bind(c, s, range.from(), ReportFold.NONE, segment, range.from(), range.to());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getLong(2) > 0) {
                            rows.put(rs.getDate(1).toLocalDate(), new long[] {rs.getLong(2), rs.getLong(3), 0, 0});
                        }
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(sum(n) FILTER (WHERE prev_day < ?), 0), COALESCE(sum(n) FILTER "
                    + "(WHERE prev_day = ?), 0) FROM " + table("report_reach", segment) + " WHERE " + of(segment)
                    + "dimension = 'a' AND value = '' AND day BETWEEN ? AND ?")) {
                bind(c, s, range.from(), ReportFold.NONE, segment, range.from(), range.to());
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    active = rs.getLong(1);
                    fresh = rs.getLong(2);
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT " + period + ", metric, key, sum(n) FROM " + table("report_counter", segment) + " WHERE "
                    + of(segment) + "day BETWEEN ? AND ? "
                    + "AND metric IN ('" + ReportFold.TYPE + "', '" + ReportFold.SESSIONS + "', '" + ReportFold.EVENTS + "') GROUP BY 1, 2, 3")) {
                bind(c, s, segment, range.from(), range.to());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        LocalDate p = rs.getDate(1).toLocalDate();
                        String metric = rs.getString(2);
                        long n = rs.getLong(4);
                        long[] row = rows.get(p);
                        if (metric.equals(ReportFold.TYPE)) {
                            byType.computeIfAbsent(p, k -> new TreeMap<>()).put(rs.getString(3), n);
                        } else if (metric.equals(ReportFold.SESSIONS)) {
                            sessions += n;
                            if (row != null) {
                                row[2] = n;
                            }
                        } else {
                            events += n;
                            if (row != null) {
                                row[3] = n;
                            }
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the overview", e);
        }
        List<Reports.Period> series = new ArrayList<>();
        rows.forEach((p, r) -> series.add(new Reports.Period(p.toString(), r[0], r[1], r[0] - r[1], r[2], r[3],
                byType.getOrDefault(p, new TreeMap<>()), null)));
        return new Reports.Overview(range.from().toString(), range.to().toString(), granularity, series,
                new Reports.Totals(active, fresh, active - fresh, sessions, events, null));
    }

    /**
     * A funnel: people whose first occurrence of step 1 in the range starts a chain in which every next step happens
     * at or after the previous one and no later than {@code window} after step 1 (later steps may fall after the
     * range's end). Occurrences are known per person, type and day as first and last time; a next step on a day
     * whose occurrences span the previous step's time counts from that time.
     */
    public Reports.Funnel funnel(ReportParams.Range range, List<String> steps, Duration window, String segment) {
        if (FunnelRollup.covers(steps, window)) {
            try (Connection c = dataSource.getConnection()) {
                return funnelOf(steps, FunnelRollup.read(c, range.from(), range.to(), steps.size(), segment), Reports.Funnel.ROLLUP);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the funnel", e);
            }
        }
        return funnelLive(range, steps, window, segment);
    }

    /**
     * A saved funnel once its backfill is done: of everyone from its rollup, of a segment from its members' entries
     * ({@link SavedFunnels#read}); while the backfill runs, counted on request ({@link #funnelLive}), which counts the
     * same.
     */
    public Reports.Funnel savedFunnel(ReportParams.Range range, SavedFunnels.Funnel f, String segment) {
        if (SavedFunnels.DONE.equals(f.backfill().state())) {
            return funnelOf(f.steps(), savedFunnels.read(f, range.from(), range.to(), segment), Reports.Funnel.SAVED);
        }
        return funnelLive(range, f.steps(), f.duration(), segment);
    }

    /** Conversion and drop-off from the people who reached each step. */
    private static Reports.Funnel funnelOf(List<String> steps, long[] reached, String source) {
        List<Reports.FunnelStep> out = new ArrayList<>();
        long start = reached[0];
        long previous = start;
        for (int i = 0; i < steps.size(); i++) {
            long users = reached[i];
            double fromPrevious = i == 0 ? 1.0 : previous == 0 ? 0.0 : Reports.round((double) users / previous);
            double fromStart = start == 0 ? 0.0 : Reports.round((double) users / start);
            out.add(new Reports.FunnelStep(steps.get(i), users, fromPrevious, fromStart, i == 0 ? 0L : previous - users, null));
            previous = users;
        }
        return new Reports.Funnel(out, source);
    }

    /**
     * The funnel from the per-person step rows (any steps and window, of everyone or of a segment's current members):
     * one hash join per step. The default funnel is read from its rollups instead ({@link FunnelRollup}); both count
     * the same.
     */
    public Reports.Funnel funnelLive(ReportParams.Range range, List<String> steps, Duration window, String segment) {
        // set-based: each step is one hash join of the previous step's people with the rows of the step's type in
        // [from, to + window] (one index range scan per step), never a lookup per person
        String interval = window.getSeconds() + " seconds";
        LocalDate lastDay = range.to().plusDays((window.getSeconds() + 86_399) / 86_400 + 1);
        StringBuilder sql = new StringBuilder("WITH s1 AS (SELECT person, min(first_at) AS t0, min(first_at) AS t FROM report_user_step "
                + "WHERE event_type = ? AND day BETWEEN ? AND ? " + (segment != null ? "AND person IN (SELECT person FROM report_segment_member "
                + "WHERE segment = ?) " : "") + "GROUP BY person)");
        for (int i = 2; i <= steps.size(); i++) {
            sql.append(", s").append(i).append(" AS (SELECT p.person, p.t0, min(GREATEST(u.first_at, p.t)) AS t FROM s").append(i - 1)
                    .append(" p JOIN report_user_step u ON u.person = p.person WHERE u.event_type = ? AND u.day BETWEEN ? AND ? ")
                    .append("AND u.last_at >= p.t AND u.first_at <= p.t0 + CAST(? AS interval) GROUP BY p.person, p.t0)");
        }
        sql.append(" SELECT ");
        for (int i = 1; i <= steps.size(); i++) {
            sql.append(i > 1 ? ", " : "").append("(SELECT count(*) FROM s").append(i).append(")");
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            List<Object> args = new ArrayList<>(List.of(steps.get(0), Date.valueOf(range.from()), Date.valueOf(range.to())));
            if (segment != null) {
                args.add(segment);
            }
            for (int i = 1; i < steps.size(); i++) {
                args.add(steps.get(i));
                args.add(Date.valueOf(range.from()));
                args.add(Date.valueOf(lastDay));
                args.add(interval);
            }
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 1, args.get(i));
            }
            long[] reached = new long[steps.size()];
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                for (int i = 0; i < reached.length; i++) {
                    reached[i] = rs.getLong(i + 1);
                }
            }
            return funnelOf(steps, reached, Reports.Funnel.ON_REQUEST);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the funnel", e);
        }
    }

    /**
     * Weekly cohorts of people first seen in the ISO weeks from the week of {@code from} to {@code to}, of everyone or
     * of a segment's current members.
     */
    public Reports.Cohorts cohorts(ReportParams.Range range, int weeks, String segment) {
        LocalDate firstWeek = range.from().minusDays(range.from().getDayOfWeek().getValue() - 1L);
        Map<LocalDate, long[]> active = new TreeMap<>();
        // report_cohort (a segment's: report_seg_cohort) counts each person once per week active, on their first day active in it
        String cohort = "date_trunc('week', first_day::timestamp)::date";
        String sql = "SELECT " + cohort + ", (day - " + cohort + ") / 7, sum(n) FROM " + table("report_cohort", segment) + " WHERE "
                + of(segment) + "first_day BETWEEN ? AND ? AND day < " + cohort + " + ? AND day <= ? GROUP BY 1, 2 HAVING sum(n) > 0";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(c, s, segment, firstWeek, range.to(), weeks * 7, range.to());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    active.computeIfAbsent(rs.getDate(1).toLocalDate(), k -> new long[weeks])[rs.getInt(2)] = rs.getLong(3);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the cohorts", e);
        }
        List<Reports.Cohort> out = new ArrayList<>();
        active.forEach((start, counts) -> {
            long size = counts[0];
            int elapsed = (int) Math.min(weeks, ChronoUnit.DAYS.between(start, range.to()) / 7 + 1);
            List<Double> retention = new ArrayList<>();
            List<Long> activeCounts = new ArrayList<>();
            for (int i = 0; i < elapsed; i++) {
                retention.add(size == 0 ? 0.0 : Reports.round((double) counts[i] / size));
                activeCounts.add(counts[i]);
            }
            String label = String.format("%d-W%02d", start.get(IsoFields.WEEK_BASED_YEAR), start.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            out.add(new Reports.Cohort(label, start.toString(), size, retention, activeCounts, null));
        });
        return new Reports.Cohorts(weeks, out);
    }

    /** Preference analysis of everyone or, every part, of a segment's current members (from the segment's rollups). */
    public Reports.Preferences preferences(ReportParams.Range range, int limit, String segment) {
        try (Connection c = dataSource.getConnection()) {
            return new Reports.Preferences(shares(c, "c", range, limit, segment), shares(c, "b", range, limit, segment),
                    topProducts(c, range, limit, segment), searches(c, range, limit, segment));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the preferences", e);
        }
    }

    /**
     * Category or brand shares from {@code report_reach} (a segment's: {@code report_seg_reach}): the people of a value
     * in the range are its days' contributions whose previous day is before the range (value {@code ''}: any category
     * or brand, the denominator).
     */
    private List<Reports.Share> shares(Connection c, String dimension, ReportParams.Range range, int limit, String segment) throws SQLException {
        String from = " FROM " + table("report_reach", segment) + " WHERE " + of(segment);
        long all;
        try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(sum(n), 0)" + from + "dimension = ? AND day BETWEEN ? AND ? "
                + "AND value = '' AND prev_day < ?")) {
            bind(c, s, segment, dimension, range.from(), range.to(), range.from());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                all = rs.getLong(1);
            }
        }
        List<Reports.Share> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT value, sum(n)" + from + "dimension = ? AND day BETWEEN ? AND ? "
                + "AND value <> '' AND prev_day < ? GROUP BY value HAVING sum(n) > 0 ORDER BY 2 DESC, 1 LIMIT ?")) {
            bind(c, s, segment, dimension, range.from(), range.to(), range.from(), limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long users = rs.getLong(2);
                    out.add(new Reports.Share(rs.getString(1), users, all == 0 ? 0.0 : Reports.round((double) users / all), null));
                }
            }
        }
        return out;
    }

    /**
     * Top products by views, cart adds and purchases with one scan of the range's rows of {@code report_product_day}
     * (a segment's: {@code report_seg_product_day}), summed per product and ranked in memory, then the names of the
     * listed products.
     */
    private Reports.TopProducts topProducts(Connection c, ReportParams.Range range, int limit, String segment) throws SQLException {
        String sql = "SELECT product_id, sum(views), sum(carts), sum(purchases) FROM " + table("report_product_day", segment) + " WHERE "
                + of(segment) + "day BETWEEN ? AND ? GROUP BY product_id";
        List<Tally> rows = tallies(c, sql, 3, range, segment);
        List<List<Tally>> top = new ArrayList<>();
        java.util.Set<String> listed = new java.util.HashSet<>();
        for (int col = 0; col < 3; col++) {
            List<Tally> ranked = Tally.top(rows, col, limit);
            ranked.forEach(r -> listed.add(r.key()));
            top.add(ranked);
        }
        Map<String, String> names = new HashMap<>();
        if (!listed.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement("SELECT product_id, name FROM report_product WHERE product_id = ANY (?)")) {
                bind(c, s, new ArrayList<>(listed));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        names.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        }
        List<List<Reports.ProductCount>> out = new ArrayList<>();
        for (int col = 0; col < 3; col++) {
            int k = col;
            out.add(top.get(col).stream().map(r -> new Reports.ProductCount(r.key(), names.get(r.key()), r.counts()[k], null)).toList());
        }
        return new Reports.TopProducts(out.get(0), out.get(1), out.get(2));
    }

    /** Queries without results and without a click, with one scan of the range's rows. */
    private Reports.Searches searches(Connection c, ReportParams.Range range, int limit, String segment) throws SQLException {
        String sql = "SELECT query, sum(no_result), sum(no_click) FROM " + table("report_search_day", segment) + " WHERE " + of(segment)
                + "day BETWEEN ? AND ? GROUP BY query HAVING sum(no_result) > 0 OR sum(no_click) > 0";
        List<Tally> rows = tallies(c, sql, 2, range, segment);
        List<List<Reports.QueryCount>> out = new ArrayList<>();
        for (int col = 0; col < 2; col++) {
            int k = col;
            out.add(Tally.top(rows, col, limit).stream().map(r -> new Reports.QueryCount(r.key(), r.counts()[k], null)).toList());
        }
        return new Reports.Searches(out.get(0), out.get(1));
    }

    /** A key (product, search query) with its summed counts, one per counted column. */
    private record Tally(String key, long[] counts) {
        /** The keys with a positive count in the column, highest first (ties by key), at most {@code limit}. */
        static List<Tally> top(List<Tally> rows, int column, int limit) {
            return rows.stream().filter(r -> r.counts[column] > 0)
                    .sorted(java.util.Comparator.comparingLong((Tally r) -> r.counts[column]).reversed().thenComparing(Tally::key))
                    .limit(limit).toList();
        }
    }

    /** Runs a range query (of a segment's rollup when given) whose rows are a key and {@code columns} sums. */
    private static List<Tally> tallies(Connection c, String sql, int columns, ReportParams.Range range, String segment) throws SQLException {
        List<Tally> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(c, s, segment, range.from(), range.to());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long[] counts = new long[columns];
                    for (int i = 0; i < columns; i++) {
                        counts[i] = rs.getLong(i + 2);
                    }
                    rows.add(new Tally(rs.getString(1), counts));
                }
            }
        }
        return rows;
    }

    /**
     * At-risk users of the churn plugin (band {@code high} or {@code medium}), highest probability first, with the
     * reasons of their churn score, the retention action as strategy and their value (the plugin's
     * {@code churn-context} score: revenue of the last 90 days); of everyone or of a segment's current members
     * ({@code report_segment_member}, as every other report). Reads the scores in rank order through the score index
     * ({@code plugin_result_user_score_rank}, V9) and stops at {@code limit}: no sort of all scores per request.
     */
    public Reports.Churn churn(int limit, Double minValue, String segment) {
        List<Reports.ChurnUser> out = new ArrayList<>();
        String sql = "SELECT c.user_id, (c.payload ->> 'score')::float8, c.payload ->> 'band', c.payload -> 'reasons', r.payload ->> 'band', "
                + "CASE WHEN jsonb_typeof(v.payload -> 'score') = 'number' THEN (v.payload ->> 'score')::float8 END FROM plugin_result c "
                + "LEFT JOIN plugin_result r ON r.plugin_id = c.plugin_id AND r.result_type = 'USER_SCORE' AND r.result_key = 'retention:' || c.user_id "
                + "LEFT JOIN plugin_result v ON v.plugin_id = c.plugin_id AND v.result_type = 'USER_SCORE' AND v.result_key = 'churn-context:' || c.user_id "
                // the index's predicate and key, so that the scan runs in rank order and stops at the limit
                + "WHERE c.plugin_id = ? AND c.result_type = 'USER_SCORE' AND jsonb_typeof(c.payload -> 'score') = 'number' "
                + "AND c.payload ->> 'name' = 'churn' AND c.payload ->> 'band' IN ('high', 'medium') "
                + (segment != null ? "AND EXISTS (SELECT 1 FROM report_segment_member m WHERE m.segment = ? AND m.person = 'user:' || c.user_id) " : "")
                + (minValue != null ? "AND jsonb_typeof(v.payload -> 'score') = 'number' AND (v.payload ->> 'score')::float8 >= ? " : "")
                + "ORDER BY (c.payload ->> 'score')::float8 DESC, c.user_id LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(c, s, CHURN_PLUGIN, segment, minValue, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    List<String> reasons = new ArrayList<>();
                    String r = rs.getString(4);
                    if (r != null) {
                        json.readTree(r).forEach(n -> reasons.add(n.path("text").asText()));
                    }
                    String action = rs.getString(5);
                    List<String> strategies = action == null || action.equals("none") ? List.of() : List.of(action);
                    double v = rs.getDouble(6);
                    Double value = rs.wasNull() ? null : v;
                    out.add(new Reports.ChurnUser(rs.getString(1), Reports.round(rs.getDouble(2)), rs.getString(3), value, reasons, strategies));
                }
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot read the churn report", e);
        }
        return new Reports.Churn(out);
    }

    /**
     * Coverage and most recommended items of the recommender's current per-user lists, from their counts
     * ({@link RecommendationSummary}, recomputed on a timer: {@code countedAt} says when); click-through in the range.
     */
    public Reports.Recommendations recommendations(ReportParams.Range range, int limit) {
        try (Connection c = dataSource.getConnection()) {
            List<Reports.ItemCount> most = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT item_id, n FROM report_recommended_item WHERE n > 0 ORDER BY n DESC, item_id LIMIT ?")) {
                s.setInt(1, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        most.add(new Reports.ItemCount(rs.getString(1), rs.getLong(2), null));
                    }
                }
            }
            long recommended = single(c, "SELECT count(*) FROM report_recommended_item WHERE n > 0");
            RecommendationSummary.State counted = summary.state(c);
            long catalogue = single(c, "SELECT count(*) FROM report_product");
            Double clickThrough;
            try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(sum(n) FILTER (WHERE metric = 'rec_impression'), 0), "
                    + "COALESCE(sum(n) FILTER (WHERE metric = 'rec_click'), 0) FROM report_counter WHERE day BETWEEN ? AND ? "
                    + "AND metric IN ('rec_impression', 'rec_click')")) {
                bind(c, s, range.from(), range.to(), null);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    long shown = rs.getLong(1);
                    clickThrough = shown == 0 ? null : Reports.round(Math.min(1.0, (double) rs.getLong(2) / shown));
                }
            }
            double coverage = catalogue == 0 ? 0.0 : Reports.round(Math.min(1.0, (double) recommended / catalogue));
            return new Reports.Recommendations(coverage, most, clickThrough,
                    counted.refreshedAt() == null ? null : counted.refreshedAt().toString(), counted.lists());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the recommendation report", e);
        }
    }

    /** Every plugin's model versions with metrics, newest first, marking the serving one. */
    public Reports.Models models() {
        Map<String, List<Reports.ModelVersion>> byPlugin = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("SELECT m.plugin_id, m.version, m.created_at, "
                + "m.metrics::text, m.version = (SELECT pr.version FROM plugin_model_promotion pr WHERE pr.plugin_id = m.plugin_id "
                + "ORDER BY pr.id DESC LIMIT 1) FROM plugin_model m ORDER BY 1, 2 DESC")) {
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    byPlugin.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new Reports.ModelVersion(rs.getInt(2),
                            rs.getTimestamp(3).toInstant(), rs.getBoolean(5), new TreeMap<>(json.readValue(rs.getString(4), METRICS))));
                }
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot read the model report", e);
        }
        List<Reports.PluginModels> out = new ArrayList<>();
        byPlugin.forEach((id, versions) -> out.add(new Reports.PluginModels(id, versions)));
        return new Reports.Models(out);
    }

    /** The rollup table of everyone, or its segment version ({@code report_seg_…}) when {@code segment} is given. */
    static String table(String table, String segment) {
        return segment == null ? table : table.replace("report_", "report_seg_");
    }

    /** The condition on the segment (followed by {@code AND}), nothing for everyone; binds the segment first. */
    static String of(String segment) {
        return segment == null ? "" : "segment = ? AND ";
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Binds arguments in order: dates as SQL dates (java.time), lists as varchar arrays; a null list is skipped (its SQL clause is left out). */
    private static void bind(Connection c, PreparedStatement s, Object... args) throws SQLException {
        int i = 1;
        for (Object a : args) {
            if (a == null) {
                continue;
            }
            if (a instanceof LocalDate d) {
                // java.time binding: java.sql.Date would shift the year-1 marker of report_reach through the Julian calendar
                s.setObject(i++, d);
            } else if (a instanceof List<?> list) {
                Array array = c.createArrayOf("varchar", list.toArray());
                s.setArray(i++, array);
            } else {
                s.setObject(i++, a);
            }
        }
    }
}
