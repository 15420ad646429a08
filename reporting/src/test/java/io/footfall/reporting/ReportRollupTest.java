package io.footfall.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventContext;
import io.footfall.api.event.EventKind;
import io.footfall.api.event.Product;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The rollups the reports read without a segment ({@code report_reach}, {@code report_cohort}) against brute force
 * over the per-person rows, and identity stitching: random traffic of people who browse anonymously, log in (some on
 * several devices, some never), with events arriving late and out of order, folded in random batches into an
 * in-memory copy of the read model that applies each batch's deltas and merges as {@link ReportWriter} does. Also
 * the per-person deltas the segment rollups ({@link SegmentRollups}) sum: each person's contribution stays what their
 * days give.
 */
class ReportRollupTest {

    private static final LocalDate D0 = LocalDate.parse("2026-01-05");
    private int ids;

    /** The stored read model, as far as the fold reads it, in memory. */
    static final class Memory implements ReportFold.Store {
        final Map<String, ReportFold.Person> persons = new HashMap<>();
        final Map<String, String> links = new HashMap<>();
        final Map<String, TreeSet<LocalDate>> activeDays = new HashMap<>();
        /** (person, dimension, value) → days; value-level only, the any-level is derived. */
        final Map<ReportFold.ScopeKey, TreeSet<LocalDate>> affinityDays = new HashMap<>();
        final Map<ReportFold.ReachKey, Long> reach = new TreeMap<>();
        final Map<ReportFold.CohortKey, Long> cohorts = new TreeMap<>();
        /**
         * Each person's reach and cohort contributions as the segment rollups keep them: the fold's per-person deltas,
         * except for persons a merge involves, whose contributions are recomputed from their days after the batch.
         */
        final Map<String, Map<Object, Long>> contributions = new HashMap<>();

        @Override
        public ReportFold.Person person(String id) {
            ReportFold.Person p = persons.get(id);
            return p == null ? null : new ReportFold.Person(p.id, p.firstDay, p.firstAt, p.lastAt, p.sessionId, p.pendingQuery, p.pendingAt);
        }

        @Override
        public String link(String identifier) {
            return links.get(identifier);
        }

        @Override
        public ReportFold.Span span(String person, String dimension, String value) {
            NavigableSet<LocalDate> d = days(person, dimension, value);
            return d.isEmpty() ? null : new ReportFold.Span(d.first(), d.last());
        }

        @Override
        public NavigableSet<LocalDate> days(String person, String dimension, String value) {
            if (dimension.equals(ReportFold.ACTIVE)) {
                return new TreeSet<>(activeDays.getOrDefault(person, new TreeSet<>()));
            }
            TreeSet<LocalDate> out = new TreeSet<>();
            affinityDays.forEach((k, d) -> {
                if (k.person().equals(person) && k.dimension().equals(dimension) && (value.isEmpty() || k.value().equals(value))) {
                    out.addAll(d);
                }
            });
            return out;
        }

        @Override
        public List<ReportFold.ScopeKey> scopes(String person) {
            Set<ReportFold.ScopeKey> out = new HashSet<>();
            affinityDays.keySet().forEach(k -> {
                if (k.person().equals(person)) {
                    out.add(k);
                    out.add(new ReportFold.ScopeKey(person, k.dimension(), ""));
                }
            });
            return new ArrayList<>(out);
        }

        /** What ReportWriter does with a folded batch: deltas under the persons they were folded for, then the merges. */
        void apply(ReportFold fold) {
            Set<String> involved = fold.mergeInvolved();
            fold.personReach.forEach((k, n) -> {
                if (!involved.contains(k.person())) {
                    contributions.computeIfAbsent(k.person(), x -> new HashMap<>()).merge(k.key(), n, Long::sum);
                }
            });
            fold.personCohorts.forEach((k, n) -> {
                if (!involved.contains(k.person())) {
                    contributions.computeIfAbsent(k.person(), x -> new HashMap<>()).merge(k.key(), n, Long::sum);
                }
            });
            fold.persons().values().forEach(p -> persons.put(p.id, p));
            fold.activity.keySet().forEach(k -> activeDays.computeIfAbsent(k.person(), x -> new TreeSet<>()).add(k.day()));
            fold.affinity.keySet().forEach(k -> affinityDays.computeIfAbsent(new ReportFold.ScopeKey(k.person(), k.dimension(), k.value()),
                    x -> new TreeSet<>()).add(k.day()));
            fold.reach.forEach((k, n) -> reach.merge(k, n, Long::sum));
            fold.cohorts.forEach((k, n) -> cohorts.merge(k, n, Long::sum));
            Map<String, String> finals = fold.finalLinks();
            for (String from : fold.mergedAway()) {
                String to = finals.get(from);
                TreeSet<LocalDate> days = activeDays.remove(from);
                if (days != null) {
                    activeDays.computeIfAbsent(to, x -> new TreeSet<>()).addAll(days);
                }
                for (ReportFold.ScopeKey k : new ArrayList<>(affinityDays.keySet())) {
                    if (k.person().equals(from)) {
                        affinityDays.computeIfAbsent(new ReportFold.ScopeKey(to, k.dimension(), k.value()), x -> new TreeSet<>())
                                .addAll(affinityDays.remove(k));
                    }
                }
                persons.remove(from);
                links.replaceAll((i, p) -> p.equals(from) ? to : p);
            }
            links.putAll(finals);
            involved.forEach(p -> contributions.put(p, fromDays(p)));
        }

        /** A person's contributions computed from their stored days (what the segment rollups' SQL does on entering). */
        Map<Object, Long> fromDays(String person) {
            ReportFold f = new ReportFold(id -> null);
            if (activeDays.containsKey(person)) {
                f.contribute(person, ReportFold.ACTIVE, "", activeDays.get(person), 1);
            }
            Map<String, TreeSet<LocalDate>> any = new HashMap<>();
            affinityDays.forEach((k, d) -> {
                if (k.person().equals(person)) {
                    f.contribute(person, k.dimension(), k.value(), d, 1);
                    any.computeIfAbsent(k.dimension(), x -> new TreeSet<>()).addAll(d);
                }
            });
            any.forEach((dimension, d) -> f.contribute(person, dimension, "", d, 1));
            Map<Object, Long> out = new HashMap<>();
            f.personReach.forEach((k, n) -> out.merge(k.key(), n, Long::sum));
            f.personCohorts.forEach((k, n) -> out.merge(k.key(), n, Long::sum));
            return out;
        }
    }

    private BehaviorEvent event(EventKind kind, String name, String user, String anon, Instant at, Product product) {
        return new BehaviorEvent("e" + ids++, "m" + ids, kind, name, user, anon, null, null, at, at, null, null, "src",
                product, null, null, EventContext.empty(), Map.of(), Map.of());
    }

    private BehaviorEvent alias(String user, String previous, Instant at) {
        return new BehaviorEvent("e" + ids++, "m" + ids, EventKind.ALIAS, null, user, null, previous, null, at, at, null, null, "src",
                null, null, null, EventContext.empty(), Map.of(), Map.of());
    }

    /** A shared device stays with the first user who logged in on it; alias merges the previous user into the new one. */
    @Test
    void sharedDevicesAndAlias() {
        Memory stored = new Memory();
        Instant t = D0.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().plusSeconds(36_000);
        List<List<BehaviorEvent>> batches = List.of(
                List.of(event(EventKind.PAGE, null, null, "a1", t, null), event(EventKind.IDENTIFY, null, "u1", "a1", t.plusSeconds(86_400), null)),
                List.of(event(EventKind.IDENTIFY, null, "u2", "a1", t.plusSeconds(2 * 86_400), null),
                        event(EventKind.PAGE, null, null, "a1", t.plusSeconds(3 * 86_400), null)),
                List.of(alias("u3", "u2", t.plusSeconds(4 * 86_400))));
        for (List<BehaviorEvent> batch : batches) {
            ReportFold fold = new ReportFold(stored);
            batch.forEach(fold::fold);
            stored.apply(fold);
        }
        assertEquals(Map.of("user:u1", new TreeSet<>(List.of(D0, D0.plusDays(1), D0.plusDays(3))),
                "user:u3", new TreeSet<>(List.of(D0.plusDays(2), D0.plusDays(4)))), stored.activeDays);
        assertEquals(Set.of("user:u1", "user:u3"), stored.persons.keySet());
        assertEquals("user:u1", stored.links.get("anon:a1"));
        assertEquals("user:u3", stored.links.get("user:u2"));
        assertEquals(2, reach(stored, "a", "", D0, D0.plusDays(4), false));
        assertEquals(1, reach(stored, "a", "", D0.plusDays(2), D0.plusDays(2), true), "u3's first day is u2's");
    }

    private static Product product(int category, int brand) {
        return new Product("p" + category + "-" + brand, null, null, "cat" + category, "brand" + brand, null, BigDecimal.ONE, "EUR", null, null, null);
    }

    @Test
    void rollupsEqualBruteForceUnderLateEventsMergesAndRandomBatches() {
        for (long seed = 1; seed <= 25; seed++) {
            check(seed);
        }
    }

    private void check(long seed) {
        Random r = new Random(seed);
        List<BehaviorEvent> log = new ArrayList<>();
        // who each anonymous id finally belongs to (its user, if it ever logged in)
        Map<String, String> owner = new HashMap<>();
        int users = 12;
        for (int u = 0; u < users; u++) {
            String user = "u" + u;
            int devices = 1 + r.nextInt(3);
            boolean logsIn = r.nextInt(4) != 0;
            for (int d = 0; d < devices; d++) {
                String anon = user + "-dev" + d;
                int loginAt = logsIn ? r.nextInt(40) : Integer.MAX_VALUE;
                if (logsIn) {
                    owner.put(anon, user);
                }
                int n = 4 + r.nextInt(12);
                for (int i = 0; i < n; i++) {
                    int day = r.nextInt(40);
                    Instant at = D0.plusDays(day).atStartOfDay(java.time.ZoneOffset.UTC).toInstant().plusSeconds(r.nextInt(86_000));
                    boolean afterLogin = day >= loginAt;
                    String who = afterLogin && r.nextBoolean() ? user : null;
                    Product p = r.nextInt(3) == 0 ? null : product(r.nextInt(4), r.nextInt(3));
                    log.add(event(EventKind.TRACK, p == null ? "Cart Viewed" : "Product Viewed", who, who == null ? anon : null, at, p));
                }
                if (logsIn) {
                    Instant at = D0.plusDays(loginAt).atStartOfDay(java.time.ZoneOffset.UTC).toInstant().plusSeconds(r.nextInt(86_000));
                    log.add(event(EventKind.IDENTIFY, null, user, anon, at, null));
                }
            }
        }
        Collections.shuffle(log, r);
        // the login of an anonymous id is somewhere in the log; events of it before and after all count for the user
        Memory stored = new Memory();
        int i = 0;
        while (i < log.size()) {
            int size = 1 + r.nextInt(30);
            ReportFold fold = new ReportFold(stored);
            for (BehaviorEvent e : log.subList(i, Math.min(log.size(), i + size))) {
                fold.fold(e);
            }
            stored.apply(fold);
            i += size;
        }

        // expected people: a user with the anonymous ids that logged in; anonymous ids that never did on their own
        Map<String, TreeSet<LocalDate>> expected = new HashMap<>();
        Map<ReportFold.ScopeKey, TreeSet<LocalDate>> expectedScopes = new HashMap<>();
        for (BehaviorEvent e : log) {
            String person = e.userId() != null ? "user:" + e.userId()
                    : owner.containsKey(e.anonymousId()) ? "user:" + owner.get(e.anonymousId()) : "anon:" + e.anonymousId();
            LocalDate day = ReportFold.day(e.occurredAt());
            expected.computeIfAbsent(person, x -> new TreeSet<>()).add(day);
            if (e.product() != null) {
                for (String[] dv : new String[][] {{"c", e.product().category()}, {"c", ""}, {"b", e.product().brand()}, {"b", ""}}) {
                    expectedScopes.computeIfAbsent(new ReportFold.ScopeKey(person, dv[0], dv[1]), x -> new TreeSet<>()).add(day);
                }
            }
        }
        assertEquals(expected, stored.activeDays, "seed " + seed + ": one person per user and their anonymous ids");
        assertEquals(expected.keySet(), stored.persons.keySet(), "seed " + seed);
        // the per-person deltas the segment rollups sum keep each person's contribution equal to what their days give
        Set<String> everyone = new HashSet<>(stored.contributions.keySet());
        everyone.addAll(expected.keySet());
        for (String person : everyone) {
            Map<Object, Long> kept = new HashMap<>(stored.contributions.getOrDefault(person, Map.of()));
            kept.values().removeIf(n -> n == 0);
            assertEquals(stored.fromDays(person), kept, "seed " + seed + ": contributions of " + person);
        }

        for (int k = 0; k < 60; k++) {
            LocalDate a = D0.plusDays(r.nextInt(42) - 1);
            LocalDate b = a.plusDays(r.nextInt(20));
            long active = expected.values().stream().filter(days -> days.subSet(a, true, b, true).size() > 0).count();
            long fresh = expected.values().stream().filter(days -> !days.first().isBefore(a) && !days.first().isAfter(b)).count();
            assertEquals(active, reach(stored, "a", "", a, b, false), "seed " + seed + " active " + a + ".." + b);
            assertEquals(fresh, reach(stored, "a", "", a, b, true), "seed " + seed + " new " + a + ".." + b);
            for (String[] dv : new String[][] {{"c", ""}, {"c", "cat1"}, {"b", "brand2"}}) {
                long people = expectedScopes.entrySet().stream().filter(en -> en.getKey().dimension().equals(dv[0]) && en.getKey().value().equals(dv[1])
                        && en.getValue().subSet(a, true, b, true).size() > 0).count();
                assertEquals(people, reach(stored, dv[0], dv[1], a, b, false), "seed " + seed + " " + dv[0] + ":" + dv[1] + " " + a + ".." + b);
            }
        }
        // cohorts: people by first day, active per ISO week (up to a range end mid-week)
        for (int k = 0; k < 20; k++) {
            LocalDate to = D0.plusDays(r.nextInt(45));
            Map<List<LocalDate>, Long> brute = new HashMap<>();
            for (TreeSet<LocalDate> days : expected.values()) {
                LocalDate cohort = ReportFold.monday(days.first());
                if (days.first().isAfter(to)) {
                    continue;
                }
                days.headSet(to, true).stream().map(ReportFold::monday).distinct().forEach(w -> brute.merge(List.of(cohort, w), 1L, Long::sum));
            }
            Map<List<LocalDate>, Long> rolled = new HashMap<>();
            stored.cohorts.forEach((key, n) -> {
                if (!key.first().isAfter(to) && !key.day().isAfter(to) && n != 0) {
                    rolled.merge(List.of(ReportFold.monday(key.first()), ReportFold.monday(key.day())), n, Long::sum);
                }
            });
            rolled.values().removeIf(n -> n == 0);
            assertEquals(brute, rolled, "seed " + seed + " cohorts up to " + to);
        }
    }

    /** What the report queries compute: contributions of days in [a, b] whose previous day is before a (or none, for new people). */
    private static long reach(Memory m, String dimension, String value, LocalDate a, LocalDate b, boolean onlyNew) {
        long n = 0;
        for (Map.Entry<ReportFold.ReachKey, Long> e : m.reach.entrySet()) {
            ReportFold.ReachKey k = e.getKey();
            if (k.dimension().equals(dimension) && k.value().equals(value) && !k.day().isBefore(a) && !k.day().isAfter(b)
                    && (onlyNew ? k.prev().equals(ReportFold.NONE) : k.prev().isBefore(a))) {
                n += e.getValue();
            }
        }
        return n;
    }
}
