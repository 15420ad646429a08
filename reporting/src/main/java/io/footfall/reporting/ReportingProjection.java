package io.footfall.reporting;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.core.privacy.ErasedSubjects;
import io.footfall.core.profile.ProfileFolder;
import io.footfall.core.store.EventLogReader;
import io.footfall.core.store.IdentityUnlinked;
import io.footfall.core.store.Projection;
import io.footfall.core.store.RecordedBehavior;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The reporting read models, kept current by the tracking processor {@value #NAME}. One processor batch is one
 * transaction with the processor's token: the persons it touches are read with one query, every event is folded in
 * memory ({@link ReportFold}), and each table's deltas are written with one batched upsert (rewritten by the driver
 * into multi-row statements) when the unit of work commits.
 */
@Singleton
public class ReportingProjection implements Projection {

    /** Processor name. */
    public static final String NAME = "reporting";
    /** Tables of the read model, cleared on replay. */
    static final List<String> TABLES = List.of("report_counter", "report_person", "report_user_day", "report_user_step",
            "report_affinity", "report_product_day", "report_product", "report_search_day", "report_reach", "report_cohort",
            "report_span", "report_identity", "report_user_product", "report_user_search", "report_funnel", "report_funnel_entry",
            "report_segment_member", "report_seg_reach", "report_seg_cohort", "report_seg_counter", "report_seg_product_day",
            "report_seg_search_day", "report_seg_funnel", "report_saved_funnel_entry", "report_saved_funnel_rollup", "report_seg_saved_funnel");
    /** Tables with a {@code person} column, whose rows erasure deletes. */
    static final List<String> PERSON_TABLES = List.of("report_person", "report_user_day", "report_user_step", "report_affinity",
            "report_span", "report_user_product", "report_user_search", "report_funnel_entry");

    private static final String BATCH = ReportingProjection.class.getName() + ".batch";

    @Inject
    DataSource dataSource;
    @Inject
    ErasedSubjects erased;
    @Inject
    EventLogReader reader;

    /** Source of the segmentation plugin's derived events (membership transitions). */
    static final String SEGMENT_SOURCE = "plugin:segmentation";
    /** Type label of a transition into a segment. */
    static final String SEGMENT_ENTERED = "Segment Entered";
    /** Type label of a transition out of a segment. */
    static final String SEGMENT_EXITED = "Segment Exited";

    /** Positions read from the log per query when an unmerge re-folds the persons' histories. */
    static final int UNLINK_READ_CHUNK = 5000;

    @ConfigProperty(name = "footfall.reports.batch-size", defaultValue = "1000")
    int batchSize;

    /** Segments the processor folds on ({@link #foldsByPerson}; ADR 0021, step 5). */
    @ConfigProperty(name = "footfall.processing.segments.reporting", defaultValue = "1")
    int segments;

    /**
     * The part of the rollups ({@code V23__report_rollup_parts.sql}) an erasure writes when the processor folds on
     * several segments: no segment's.
     */
    static final int ERASURE_PART = -1;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Object handler() {
        return this;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public void clear() {
        try (Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.executeUpdate("TRUNCATE " + String.join(", ", TABLES));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot clear the reporting read model", e);
        }
    }

    /**
     * Deletes the rows of the persons of {@code identifiers} (also the persons they were merged into) and takes them
     * out of the rollups: active people, cohorts, category/brand reach, the default funnel, and the per-day events and
     * sessions.
     * Event counts by type, products and searches per day are counts of things that happened, not of people: they stay.
     */
    @Override
    public void erase(Connection c, Set<String> identifiers) throws SQLException {
        if (segments > 1) {
            writeToPart(c, ERASURE_PART);
        }
        eraseRows(c, identifiers, true);
    }

    /**
     * Every person's events on one segment: per-person rows are written by their segment only, the rollups (sums over
     * people) by deltas into the segment's own part of them, so segments never wait for each other's rows.
     */
    @Override
    public boolean foldsByPerson() {
        return true;
    }

    /**
     * Makes the rest of the transaction add to {@code part} of the rollups: their {@code part} column's default reads
     * the transaction's setting {@code footfall.report_part}.
     */
    static void writeToPart(Connection c, int part) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT set_config('footfall.report_part', ?, true)")) {
            s.setString(1, Integer.toString(part));
            s.execute();
        }
    }

    /**
     * Takes the persons of {@code identifiers} out of the read model (see {@link #erase}); their segment memberships
     * are forgotten when {@code forget} (erasure), kept otherwise (an unmerge folds the persons again).
     */
    private void eraseRows(Connection c, Set<String> identifiers, boolean forget) throws SQLException {
        Set<String> persons = new HashSet<>(identifiers);
        try (PreparedStatement s = c.prepareStatement("SELECT person FROM report_identity WHERE identifier = ANY (?)")) {
            s.setArray(1, c.createArrayOf("varchar", identifiers.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    persons.add(rs.getString(1));
                }
            }
        }
        Object[] ids = persons.toArray();
        // the saved funnels' row locks first, as the processor's batches and the funnels' backfills take them: a
        // backfill chunk then never recomputes these persons between their segments' subtraction and their deletion
        SavedFunnels.lockAll(c, true);
        if (forget) {
            SegmentRollups.erase(c, persons);
        } else {
            SegmentRollups.apply(c, SegmentRollups.segmentsOf(c, persons), -1);
        }
        ReportFold rollback = new ReportFold(id -> null);
        Map<String, java.util.NavigableSet<LocalDate>> active = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT person, day, events, sessions FROM report_user_day WHERE person = ANY (?)")) {
            s.setArray(1, c.createArrayOf("varchar", ids));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    LocalDate day = rs.getObject(2, LocalDate.class);
                    active.computeIfAbsent(rs.getString(1), k -> new java.util.TreeSet<>()).add(day);
                    rollback.counters.merge(new ReportFold.CounterKey(day, ReportFold.EVENTS, ""), -rs.getLong(3), Long::sum);
                    rollback.counters.merge(new ReportFold.CounterKey(day, ReportFold.SESSIONS, ""), -rs.getLong(4), Long::sum);
                }
            }
        }
        active.forEach((person, days) -> rollback.contribute(person, ReportFold.ACTIVE, "", days, -1));
        Map<ReportFold.ScopeKey, java.util.NavigableSet<LocalDate>> scoped = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT person, dimension, value, day FROM report_affinity WHERE person = ANY (?)")) {
            s.setArray(1, c.createArrayOf("varchar", ids));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    LocalDate day = rs.getObject(4, LocalDate.class);
                    scoped.computeIfAbsent(new ReportFold.ScopeKey(rs.getString(1), rs.getString(2), rs.getString(3)), k -> new java.util.TreeSet<>()).add(day);
                    scoped.computeIfAbsent(new ReportFold.ScopeKey(rs.getString(1), rs.getString(2), ""), k -> new java.util.TreeSet<>()).add(day);
                }
            }
        }
        scoped.forEach((k, days) -> rollback.contribute(k.person(), k.dimension(), k.value(), days, -1));
        ReportWriter.writeRollups(c, rollback);
        FunnelRollup.update(c, List.of(), persons);
        SavedFunnels.erase(c, persons);
        for (String table : PERSON_TABLES) {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE person = ANY (?)")) {
                s.setArray(1, c.createArrayOf("varchar", ids));
                s.executeUpdate();
            }
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM report_identity WHERE identifier = ANY (?) OR person = ANY (?)")) {
            s.setArray(1, c.createArrayOf("varchar", ids));
            s.setArray(2, c.createArrayOf("varchar", ids));
            s.executeUpdate();
        }
    }

    /** Folds one behaviour event into the batch. */
    @EventHandler
    public void on(RecordedBehavior recorded, TrackingToken token) {
        BehaviorEvent event = recorded.event();
        if (isErased(event)) {
            return;
        }
        Batch batch = batch();
        long position = token.position().orElse(-1L);
        if (position >= 0 && !batch.positions.add(position)) {
            // a replaying processor can hand the same event twice in one batch; count it once
            return;
        }
        if (ProfileFolder.isDerived(event)) {
            // a plugin's derived event is not the user's behaviour (as in the profiles); segment transitions are memberships
            SegmentRollups.Member m = membership(event);
            if (m != null) {
                batch.membership.put(m, event.typeLabel().equals(SEGMENT_ENTERED));
            }
            return;
        }
        batch.fold.position = position;
        batch.fold.fold(event);
    }

    /**
     * The (segment, person) a {@code Segment Entered}/{@code Segment Exited} event of the segmentation plugin is about,
     * or null for any other event and for a visitor's (the segment filter counts users: {@code user:<userId>}).
     */
    static SegmentRollups.Member membership(BehaviorEvent e) {
        if (!SEGMENT_SOURCE.equals(e.sourceId()) || !(SEGMENT_ENTERED.equals(e.typeLabel()) || SEGMENT_EXITED.equals(e.typeLabel()))) {
            return null;
        }
        Object segment = e.properties().get("segmentId");
        if (e.userId() == null || e.userId().isBlank() || !(segment instanceof String id) || id.isBlank()) {
            return null;
        }
        return new SegmentRollups.Member(id, "user:" + e.userId());
    }

    /**
     * An unmerge: the identifier ({@code anon:<id>}, else an aliased {@code user:<id>}) that was stitched into the
     * user becomes its own person again, as of this point in the log. When the identifier currently counts for
     * {@code user:<userId>}, the batch folded so far is written, the user's person is taken out of the read model
     * ({@link #erase}, which also rolls back the rollups; the searches without a click are rolled back too), and the
     * behaviour events before this position of every identifier of that person are folded again in log order, with
     * the merges that this or an earlier unmerge separated left out. Counts of things that happened (events by type,
     * products, searches) are not folded twice. Otherwise nothing happens (as in the profiles).
     */
    @EventHandler
    public void on(IdentityUnlinked unlinked, TrackingToken token) {
        Batch batch = batch();
        long position = token.position().orElseThrow();
        if (!batch.positions.add(position)) {
            return;
        }
        batch.flush();
        batch.reset();
        try (Connection c = dataSource.getConnection()) {
            if (segments > 1) {
                writeToPart(c, batch.part);
            }
            unlink(c, unlinked, position);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot apply an unmerge to the reporting read model", e);
        }
    }

    private void unlink(Connection c, IdentityUnlinked unlinked, long position) throws SQLException {
        if (unlinked.userId() == null || unlinked.anonymousId() == null) {
            return;
        }
        String user = "user:" + unlinked.userId();
        List<String> candidates = List.of("anon:" + unlinked.anonymousId(), "user:" + unlinked.anonymousId());
        boolean linked = false;
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM report_identity WHERE identifier = ANY (?) AND person = ?")) {
            s.setArray(1, c.createArrayOf("varchar", candidates.toArray()));
            s.setString(2, user);
            try (ResultSet rs = s.executeQuery()) {
                linked = rs.next();
            }
        }
        if (!linked) {
            return;
        }
        Set<String> identifiers = new HashSet<>();
        identifiers.add(user);
        try (PreparedStatement s = c.prepareStatement("SELECT identifier FROM report_identity WHERE person = ?")) {
            s.setString(1, user);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    identifiers.add(rs.getString(1));
                }
            }
        }
        // searches without a click depend on who is one person: take the user's out, the re-fold adds them again
        try (PreparedStatement s = c.prepareStatement("INSERT INTO report_search_day (day, query, searches, no_result, no_click) "
                + "SELECT day, query, 0, 0, -sum(no_click) FROM report_user_search WHERE person = ? GROUP BY day, query HAVING sum(no_click) <> 0 "
                + "ON CONFLICT (day, query, part) DO UPDATE SET no_click = report_search_day.no_click + EXCLUDED.no_click")) {
            s.setString(1, user);
            s.executeUpdate();
        }
        eraseRows(c, Set.of(user), false);
        // the unmerges up to this one, and the persons' behaviour events before it, in log order
        List<long[]> apart = new java.util.ArrayList<>();
        Map<Long, String[]> pairs = new HashMap<>();
        List<EventLogReader.LoggedPayload> events = new java.util.ArrayList<>();
        for (long from = 0; from < position; from += UNLINK_READ_CHUNK) {
            for (EventLogReader.LoggedPayload p : reader.readRange(from, Math.min(from + UNLINK_READ_CHUNK, position))) {
                if (p.payload() instanceof RecordedBehavior r) {
                    if (identifiers.contains(ReportFold.personOf(r.event())) && !isErased(r.event()) && !ProfileFolder.isDerived(r.event())) {
                        events.add(p);
                    }
                } else if (p.payload() instanceof IdentityUnlinked u && u.userId() != null && u.anonymousId() != null) {
                    pairs.put(p.globalIndex(), new String[] {"user:" + u.userId(), u.anonymousId()});
                }
            }
        }
        pairs.put(position, new String[] {user, unlinked.anonymousId()});
        Batch refold = new Batch();
        long[] at = {0};
        refold.fold.keepApart = (identifier, person) -> {
            for (Map.Entry<Long, String[]> e : pairs.entrySet()) {
                String[] pair = e.getValue();
                if (e.getKey() > at[0] && pair[0].equals(person)
                        && (identifier.equals("anon:" + pair[1]) || identifier.equals("user:" + pair[1]))) {
                    return true;
                }
            }
            return false;
        };
        for (EventLogReader.LoggedPayload p : events) {
            at[0] = p.globalIndex();
            refold.fold.fold(((RecordedBehavior) p.payload()).event());
        }
        if (refold.fold.isEmpty()) {
            return;
        }
        // counts of things that happened were folded when the events came: keep only what depends on the persons
        refold.fold.counters.keySet().removeIf(k -> !k.metric().equals(ReportFold.EVENTS) && !k.metric().equals(ReportFold.SESSIONS));
        refold.fold.products.clear();
        refold.fold.productInfo.clear();
        refold.fold.searches.values().forEach(row -> {
            row[0] = 0;
            row[1] = 0;
        });
        refold.fold.searches.values().removeIf(row -> row[2] == 0);
        ReportWriter.write(c, refold.fold);
    }

    private boolean isErased(BehaviorEvent e) {
        return erased.about(e);
    }

    private Batch batch() {
        UnitOfWork<?> uow = CurrentUnitOfWork.get().root();
        return uow.getOrComputeResource(BATCH, key -> {
            Batch b = new Batch();
            b.part = io.footfall.core.store.EventLog.segmentOf(uow, NAME);
            if (uow instanceof BatchingUnitOfWork<?> batching) {
                b.prefetch(batching.getMessages());
            }
            uow.onPrepareCommit(u -> b.flush());
            return b;
        });
    }

    /**
     * One processor batch: what it touches of the stored read model, mostly loaded up front with a few queries
     * (identity links, persons, category and brand spans of the batch's events), and the fold's deltas.
     */
    private final class Batch implements ReportFold.Store {
        final Map<String, ReportFold.Person> loaded = new HashMap<>();
        final Set<String> prefetched = new HashSet<>();
        final Map<String, String> links = new HashMap<>();
        final Map<ReportFold.ScopeKey, ReportFold.Span> spans = new HashMap<>();
        final Set<ReportFold.ScopeKey> spansRead = new HashSet<>();
        final Set<Long> positions = new HashSet<>();
        /** Membership transitions of this batch: (segment, person) → member after the latest one. */
        final Map<SegmentRollups.Member, Boolean> membership = new java.util.LinkedHashMap<>();
        /** The part of the rollups this batch adds to: its segment's id. */
        int part;
        ReportFold fold = new ReportFold(this);

        /** Forgets what was read and folded (written by {@link #flush}): the read model changed under it. */
        void reset() {
            loaded.clear();
            prefetched.clear();
            links.clear();
            spans.clear();
            spansRead.clear();
            membership.clear();
            fold = new ReportFold(this);
        }

        void prefetch(List<? extends Message<?>> messages) {
            Set<String> identifiers = new HashSet<>();
            for (Message<?> m : messages) {
                if (m.getPayload() instanceof RecordedBehavior r && !ProfileFolder.isDerived(r.event())) {
                    BehaviorEvent e = r.event();
                    identifiers.add(ReportFold.personOf(e));
                    if (e.userId() != null && !e.userId().isBlank() && e.anonymousId() != null && !e.anonymousId().isBlank()) {
                        identifiers.add("anon:" + e.anonymousId());
                    }
                    if (e.previousId() != null && !e.previousId().isBlank()) {
                        identifiers.add("user:" + e.previousId());
                        identifiers.add("anon:" + e.previousId());
                    }
                }
            }
            readLinks(identifiers);
            Set<String> people = new HashSet<>(identifiers);
            identifiers.forEach(id -> {
                if (links.get(id) != null) {
                    people.add(links.get(id));
                }
            });
            read(people);
            Set<ReportFold.ScopeKey> keys = new HashSet<>();
            for (Message<?> m : messages) {
                if (m.getPayload() instanceof RecordedBehavior r) {
                    String id = ReportFold.personOf(r.event());
                    String person = links.get(id) != null ? links.get(id) : id;
                    scopeKeys(person, r.event().product(), keys);
                    if (r.event().order() != null) {
                        r.event().order().products().forEach(p -> scopeKeys(person, p, keys));
                    }
                }
            }
            readSpans(keys);
        }

        private void scopeKeys(String person, io.footfall.api.event.Product p, Set<ReportFold.ScopeKey> keys) {
            if (p == null) {
                return;
            }
            if (p.category() != null && !p.category().isBlank()) {
                keys.add(new ReportFold.ScopeKey(person, ReportFold.CATEGORY, p.category()));
                keys.add(new ReportFold.ScopeKey(person, ReportFold.CATEGORY, ""));
            }
            if (p.brand() != null && !p.brand().isBlank()) {
                keys.add(new ReportFold.ScopeKey(person, ReportFold.BRAND, p.brand()));
                keys.add(new ReportFold.ScopeKey(person, ReportFold.BRAND, ""));
            }
        }

        @Override
        public ReportFold.Person person(String id) {
            if (!prefetched.contains(id)) {
                read(Set.of(id));
            }
            return loaded.get(id);
        }

        @Override
        public String link(String identifier) {
            if (!links.containsKey(identifier)) {
                readLinks(Set.of(identifier));
            }
            return links.get(identifier);
        }

        @Override
        public ReportFold.Span span(String person, String dimension, String value) {
            ReportFold.ScopeKey k = new ReportFold.ScopeKey(person, dimension, value);
            if (!spansRead.contains(k)) {
                readSpans(Set.of(k));
            }
            return spans.get(k);
        }

        @Override
        public java.util.NavigableSet<LocalDate> days(String person, String dimension, String value) {
            java.util.NavigableSet<LocalDate> days = new java.util.TreeSet<>();
            String sql = dimension.equals(ReportFold.ACTIVE) ? "SELECT day FROM report_user_day WHERE person = ?"
                    : value.isEmpty() ? "SELECT DISTINCT day FROM report_affinity WHERE person = ? AND dimension = ?"
                    : "SELECT day FROM report_affinity WHERE person = ? AND dimension = ? AND value = ?";
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, person);
                if (!dimension.equals(ReportFold.ACTIVE)) {
                    s.setString(2, dimension);
                    if (!value.isEmpty()) {
                        s.setString(3, value);
                    }
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        days.add(rs.getObject(1, LocalDate.class));
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read a person's reporting days", e);
            }
            return days;
        }

        @Override
        public List<ReportFold.ScopeKey> scopes(String person) {
            List<ReportFold.ScopeKey> out = new java.util.ArrayList<>();
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                    "SELECT dimension, value FROM report_span WHERE person = ?")) {
                s.setString(1, person);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ReportFold.ScopeKey(person, rs.getString(1), rs.getString(2)));
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read a person's reporting scopes", e);
            }
            return out;
        }

        private void readLinks(Set<String> identifiers) {
            Set<String> wanted = new HashSet<>(identifiers);
            wanted.removeAll(links.keySet());
            if (wanted.isEmpty()) {
                return;
            }
            wanted.forEach(id -> links.put(id, null));
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                    "SELECT identifier, person FROM report_identity WHERE identifier = ANY (?)")) {
                s.setArray(1, c.createArrayOf("varchar", wanted.toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        links.put(rs.getString(1), rs.getString(2));
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read reporting identity links", e);
            }
        }

        private void readSpans(Set<ReportFold.ScopeKey> keys) {
            Set<ReportFold.ScopeKey> wanted = new HashSet<>(keys);
            wanted.removeAll(spansRead);
            if (wanted.isEmpty()) {
                return;
            }
            spansRead.addAll(wanted);
            List<String> persons = new java.util.ArrayList<>();
            List<String> dimensions = new java.util.ArrayList<>();
            List<String> values = new java.util.ArrayList<>();
            wanted.forEach(k -> {
                persons.add(k.person());
                dimensions.add(k.dimension());
                values.add(k.value());
            });
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                    "SELECT r.person, r.dimension, r.value, r.first_day, r.last_day FROM report_span r "
                            + "JOIN unnest(?::varchar[], ?::varchar[], ?::varchar[]) k(p, d, v) ON r.person = k.p AND r.dimension = k.d AND r.value = k.v")) {
                s.setArray(1, c.createArrayOf("varchar", persons.toArray()));
                s.setArray(2, c.createArrayOf("varchar", dimensions.toArray()));
                s.setArray(3, c.createArrayOf("varchar", values.toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        spans.put(new ReportFold.ScopeKey(rs.getString(1), rs.getString(2), rs.getString(3)),
                                new ReportFold.Span(rs.getObject(4, LocalDate.class), rs.getObject(5, LocalDate.class)));
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read reporting spans", e);
            }
        }

        private void read(Set<String> ids) {
            Set<String> wanted = new HashSet<>(ids);
            wanted.removeAll(prefetched);
            if (wanted.isEmpty()) {
                return;
            }
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                    "SELECT person, first_day, first_at, last_at, session_id, pending_query, pending_at FROM report_person WHERE person = ANY (?)")) {
                s.setArray(1, c.createArrayOf("varchar", wanted.toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        java.sql.Timestamp pendingAt = rs.getTimestamp(7);
                        loaded.put(rs.getString(1), new ReportFold.Person(rs.getString(1), rs.getDate(2).toLocalDate(),
                                rs.getTimestamp(3).toInstant(), rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getString(6),
                                pendingAt == null ? null : pendingAt.toInstant()));
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read reporting persons", e);
            }
            prefetched.addAll(wanted);
        }

        void flush() {
            if (fold.isEmpty() && membership.isEmpty()) {
                return;
            }
            try (Connection c = dataSource.getConnection()) {
                if (segments > 1) {
                    writeToPart(c, part);
                }
                ReportWriter.write(c, fold, membership);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot write the reporting read model", e);
            }
        }
    }

}
