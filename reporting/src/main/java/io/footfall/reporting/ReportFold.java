package io.footfall.reporting;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventKind;
import io.footfall.api.event.Product;
import io.footfall.api.event.StandardEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Folds one batch of events into the deltas of the reporting read models, in memory, without a database: the
 * projection loads the persons a batch touches, folds every event here, and writes each table's deltas with one
 * multi-row upsert (see {@link ReportingProjection}). Every map is sorted by its key so rows are written in a
 * stable order.
 *
 * <p>People are identifiers: {@code user:<userId>} when the event names a user, otherwise
 * {@code anon:<anonymousId>} (the spelling of identity links and erasure), and identity stitching is followed: an
 * event carrying both ids merges the anonymous person into the user (unless that anonymous id already belongs to
 * another user), {@code alias} merges the previous id's person into the user, and later events of a merged
 * identifier count for the person it was merged into. Days are UTC dates of the event time.
 *
 * <p>Distinct people are kept exact for any range of days by {@link #reach}: for every person and scope (active,
 * a category, a brand, any category or brand), each day in the scope contributes one to (day, previous day of the
 * person in the scope), so the people in a range [a, b] are the contributions of days in [a, b] whose previous day
 * is before a. {@link #cohorts} counts every person once per ISO week active, on the first day in that week.
 * A session starts at a person's first event, after {@link #SESSION_GAP} without events, or when the client's
 * session id changes; it is counted on the day of its first event. A search counts as "without a click" when the
 * person's next search or next session begins with no {@code Product Clicked}/{@code Product Viewed} after it.
 */
public final class ReportFold {

    /** A new session starts after this much inactivity (as the profile projection). */
    public static final Duration SESSION_GAP = Duration.ofMinutes(30);
    /** Longest search query kept; longer ones are cut. */
    public static final int MAX_QUERY = 200;
    /** Event properties that carry a search's number of results (the first numeric one present is used). */
    static final String[] RESULT_COUNT_PROPERTIES = {"results", "result_count", "results_count", "num_results", "total_results"};
    /** Metric of {@link #counters} counting events by type label. */
    public static final String TYPE = "type";
    /** Metric of {@link #counters}: recommendation lists shown ({@code Product List Viewed} with a {@code recommend…} list id). */
    public static final String REC_IMPRESSION = "rec_impression";
    /** Metric of {@link #counters}: clicks in recommendation lists ({@code Product Clicked} with a {@code recommend…} list id). */
    public static final String REC_CLICK = "rec_click";

    /** Step types of the rolled-up default funnel. */
    private static final Set<String> FUNNEL_STEPS = Set.copyOf(ReportParams.DEFAULT_STEPS);
    /** Stands for "no previous day" in {@link #reach}: the contribution of a person's first day in a scope. */
    public static final LocalDate NONE = LocalDate.of(1, 1, 1);
    /** Scope dimension of active people (value {@code ""}). */
    public static final String ACTIVE = "a";
    /** Scope dimension of categories (value {@code ""}: any category). */
    public static final String CATEGORY = "c";
    /** Scope dimension of brands (value {@code ""}: any brand). */
    public static final String BRAND = "b";
    /** Counter metric: sessions started per day (key {@code ""}). */
    public static final String SESSIONS = "sessions";
    /** Counter metric: events per day of people still in the read model (key {@code ""}). */
    public static final String EVENTS = "events";

    /**
     * What the fold reads of the stored read model; every method is called at most once per key and batch.
     * {@link #person} is required; the others default to "nothing stored", which is right for a fold that starts empty.
     */
    public interface Store {
        /** A person's stored state, or null for someone not seen yet. */
        Person person(String id);

        /** The person an identifier was merged into, or null when it is its own person. */
        default String link(String identifier) {
            return null;
        }

        /** First and last stored day of a person in a category or brand scope, or null when none. */
        default Span span(String person, String dimension, String value) {
            return null;
        }

        /** Every stored day of a person in a scope (active: {@code report_user_day}; others: {@code report_affinity}). */
        default NavigableSet<LocalDate> days(String person, String dimension, String value) {
            return new TreeSet<>();
        }

        /** The category and brand scopes a person has stored days in (dimension, value). */
        default List<ScopeKey> scopes(String person) {
            return List.of();
        }
    }

    /** First and last day of a person in a scope. */
    public record Span(LocalDate first, LocalDate last) {
    }

    /** A person in a scope: dimension {@link #ACTIVE} (value ""), {@link #CATEGORY} or {@link #BRAND} (value "" = any). */
    public record ScopeKey(String person, String dimension, String value) implements Comparable<ScopeKey> {
        @Override
        public int compareTo(ScopeKey o) {
            int c = person.compareTo(o.person);
            c = c != 0 ? c : dimension.compareTo(o.dimension);
            return c != 0 ? c : value.compareTo(o.value);
        }
    }

    /** Key of {@link #reach}: a day of a scope and the previous day of the people counted ({@link #NONE} for none). */
    public record ReachKey(String dimension, LocalDate day, String value, LocalDate prev) implements Comparable<ReachKey> {
        @Override
        public int compareTo(ReachKey o) {
            int c = dimension.compareTo(o.dimension);
            c = c != 0 ? c : day.compareTo(o.day);
            c = c != 0 ? c : value.compareTo(o.value);
            return c != 0 ? c : prev.compareTo(o.prev);
        }
    }

    /** Key of {@link #cohorts}: people first seen on {@code first}, active on {@code day} (their first day active in its week). */
    public record CohortKey(LocalDate first, LocalDate day) implements Comparable<CohortKey> {
        @Override
        public int compareTo(CohortKey o) {
            int c = first.compareTo(o.first);
            return c != 0 ? c : day.compareTo(o.day);
        }
    }

    /** A rollup key under the person whose contribution it is. */
    public record PersonKey<K>(String person, K key) {
    }

    /** Key of a per-person, per-day row of a product or a query. */
    public record PersonDayKey(String person, LocalDate day, String key) implements Comparable<PersonDayKey> {
        @Override
        public int compareTo(PersonDayKey o) {
            int c = person.compareTo(o.person);
            c = c != 0 ? c : day.compareTo(o.day);
            return c != 0 ? c : key.compareTo(o.key);
        }
    }

    /** A person's days in a scope as far as this batch knows them. */
    static final class Scope {
        /** First and last day; null when the person has none. */
        LocalDate first;
        LocalDate last;
        /** Every day, once loaded (or known to be complete); null otherwise. */
        NavigableSet<LocalDate> days;
        /** Days added by this batch while {@link #days} was not loaded. */
        final Set<LocalDate> added = new HashSet<>();
        /** Whether the span changed in this batch. */
        boolean dirty;
    }

    /** What the read model keeps per person between events. Mutable; owned by one batch. */
    public static final class Person {
        final String id;
        LocalDate firstDay;
        Instant firstAt;
        Instant lastAt;
        String sessionId;
        String pendingQuery;
        Instant pendingAt;

        /**
         * A person's stored state.
         *
         * @param id           identifier
         * @param firstDay     day of the first event
         * @param firstAt      time of the first event
         * @param lastAt       time of the latest event
         * @param sessionId    client session id of the latest event that had one
         * @param pendingQuery the latest search not yet followed by a click, if any
         * @param pendingAt    the time of that search
         */
        public Person(String id, LocalDate firstDay, Instant firstAt, Instant lastAt, String sessionId, String pendingQuery, Instant pendingAt) {
            this.id = id;
            this.firstDay = firstDay;
            this.firstAt = firstAt;
            this.lastAt = lastAt;
            this.sessionId = sessionId;
            this.pendingQuery = pendingQuery;
            this.pendingAt = pendingAt;
        }
    }

    /** Key of a per-day counter. */
    public record CounterKey(LocalDate day, String metric, String key) implements Comparable<CounterKey> {
        @Override
        public int compareTo(CounterKey o) {
            int c = day.compareTo(o.day);
            c = c != 0 ? c : metric.compareTo(o.metric);
            return c != 0 ? c : key.compareTo(o.key);
        }
    }

    /** Key of a per-person-per-day row. */
    public record PersonDay(String person, LocalDate day) implements Comparable<PersonDay> {
        @Override
        public int compareTo(PersonDay o) {
            int c = person.compareTo(o.person);
            return c != 0 ? c : day.compareTo(o.day);
        }
    }

    /** Key of a per-person, per-event-type, per-day row. */
    public record PersonStep(String person, String type, LocalDate day) implements Comparable<PersonStep> {
        @Override
        public int compareTo(PersonStep o) {
            int c = person.compareTo(o.person);
            c = c != 0 ? c : type.compareTo(o.type);
            return c != 0 ? c : day.compareTo(o.day);
        }
    }

    /** Key of a per-person, per-day category ({@code c}) or brand ({@code b}) row. */
    public record PersonAffinity(String person, String dimension, String value, LocalDate day) implements Comparable<PersonAffinity> {
        @Override
        public int compareTo(PersonAffinity o) {
            int c = person.compareTo(o.person);
            c = c != 0 ? c : dimension.compareTo(o.dimension);
            c = c != 0 ? c : value.compareTo(o.value);
            return c != 0 ? c : day.compareTo(o.day);
        }
    }

    /** Key of a per-day row of a product or a search query. */
    public record DayKey(LocalDate day, String key) implements Comparable<DayKey> {
        @Override
        public int compareTo(DayKey o) {
            int c = day.compareTo(o.day);
            return c != 0 ? c : key.compareTo(o.key);
        }
    }

    /** A person's activity on one day. */
    public static final class Activity {
        /** Events. */
        public long events;
        /** Sessions started. */
        public long sessions;
    }

    /** A person's occurrences of one event type on one day. */
    public static final class Step {
        /** First occurrence. */
        public Instant first;
        /** Last occurrence. */
        public Instant last;
        /** Occurrences. */
        public long count;
    }

    /** Catalogue details last seen for a product. */
    public record ProductInfo(String name, String category, String brand, long nameAt, long categoryAt, long brandAt) {

        /** What the product's details are after {@code newer}, the details an event at {@code at} named (nulls: not named). */
        ProductInfo then(String newName, String newCategory, String newBrand, long at) {
            return new ProductInfo(newName != null ? newName : name, newCategory != null ? newCategory : category,
                    newBrand != null ? newBrand : brand, newName != null ? at : nameAt, newCategory != null ? at : categoryAt,
                    newBrand != null ? at : brandAt);
        }
    }

    /** Log position of the event being folded ({@code -1} when unknown): the product details remember it (see {@link ProductInfo}). */
    long position = -1;

    private static final ProductInfo NO_INFO = new ProductInfo(null, null, null, -1, -1, -1);

    private final Store store;
    private final Map<String, Person> persons = new TreeMap<>();
    /** Identifiers whose stored person was looked up (also when there was none). */
    private final Set<String> looked = new HashSet<>();
    /** Identifier → person it was merged into, as stored or merged in this batch (null values: looked up, none). */
    private final Map<String, String> links = new HashMap<>();
    /** Merges of this batch in order: person → the person it was merged into. */
    final Map<String, String> merges = new LinkedHashMap<>();
    /** Identifiers linked to a person in this batch without a history to move (an anonymous id first seen at login). */
    final Map<String, String> newLinks = new LinkedHashMap<>();
    /** Persons whose every scope is loaded (before a merge). */
    private final Set<String> allScopes = new HashSet<>();
    final java.util.NavigableMap<ScopeKey, Scope> scopes = new TreeMap<>();
    final Map<ReachKey, Long> reach = new TreeMap<>();
    final Map<CohortKey, Long> cohorts = new TreeMap<>();
    /** {@link #reach} by the person whose contribution changed (for the segment rollups). */
    final Map<PersonKey<ReachKey>, Long> personReach = new HashMap<>();
    /** {@link #cohorts} by the person whose contribution changed (for the segment rollups). */
    final Map<PersonKey<CohortKey>, Long> personCohorts = new HashMap<>();
    /** Per person, day and product: views, carts, purchases. */
    final Map<PersonDayKey, long[]> userProducts = new TreeMap<>();
    /** Per person, day and query: searches, without result, without click. */
    final Map<PersonDayKey, long[]> userSearches = new TreeMap<>();
    /** Persons (as folded) with an occurrence of a step of the default funnel in this batch. */
    private final Set<String> funnelTouched = new HashSet<>();
    final Map<CounterKey, Long> counters = new TreeMap<>();
    final Map<PersonDay, Activity> activity = new TreeMap<>();
    final Map<PersonStep, Step> steps = new TreeMap<>();
    final Map<PersonAffinity, Long> affinity = new TreeMap<>();
    /** Per product and day: views, carts, purchases. */
    final Map<DayKey, long[]> products = new TreeMap<>();
    final Map<String, ProductInfo> productInfo = new TreeMap<>();
    /** Per query and day: searches, without result, without click. */
    final Map<DayKey, long[]> searches = new TreeMap<>();
    private long events;
    /**
     * Merges not to make: {@code (identifier, person)} pairs that an unmerge later in the log separated. Only the
     * re-fold of an unmerge sets it (see {@code ReportingProjection}); the live fold stitches every login.
     */
    java.util.function.BiPredicate<String, String> keepApart = (identifier, person) -> false;

    /**
     * A fold for one batch.
     *
     * @param store what is stored (a lambda is a store of persons only: the state of a person, or null for someone
     *              not seen yet)
     */
    public ReportFold(Store store) {
        this.store = store;
    }

    /** The identifier events of this user or anonymous id are counted under. */
    public static String personOf(BehaviorEvent e) {
        return e.userId() != null && !e.userId().isBlank() ? "user:" + e.userId() : "anon:" + e.anonymousId();
    }

    /** UTC date of an instant. */
    public static LocalDate day(Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC);
    }

    /** A search query as counted: trimmed, lower case, inner blanks collapsed, at most {@link #MAX_QUERY} characters. */
    public static String normaliseQuery(String query) {
        if (query == null) {
            return null;
        }
        String q = query.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        if (q.isEmpty()) {
            return null;
        }
        return q.length() > MAX_QUERY ? q.substring(0, MAX_QUERY) : q;
    }

    /** Folds one event. */
    public void fold(BehaviorEvent e) {
        events++;
        String id = identify(e);
        Instant t = e.occurredAt();
        LocalDate day = day(t);
        Person p = person(id);
        touch(new ScopeKey(id, ACTIVE, ""), day);
        String sessionId = e.context().sessionId();
        boolean newSession;
        if (p == null) {
            p = new Person(id, day, t, t, sessionId, null, null);
            persons.put(id, p);
            newSession = true;
        } else {
            newSession = t.isAfter(p.lastAt.plus(SESSION_GAP))
                    || (sessionId != null && p.sessionId != null && !sessionId.equals(p.sessionId) && !t.isBefore(p.lastAt));
            if (t.isBefore(p.firstAt)) {
                p.firstAt = t;
                p.firstDay = day;
            }
            if (t.isAfter(p.lastAt)) {
                p.lastAt = t;
            }
            if (sessionId != null) {
                p.sessionId = sessionId;
            }
        }
        if (newSession) {
            closePendingSearch(p);
        }
        Activity a = activity.computeIfAbsent(new PersonDay(id, day), k -> new Activity());
        a.events++;
        if (newSession) {
            a.sessions++;
            add(counters, new CounterKey(day, SESSIONS, ""), 1);
        }
        add(counters, new CounterKey(day, EVENTS, ""), 1);
        String type = e.typeLabel() != null ? e.typeLabel() : e.kind().wireName();
        add(counters, new CounterKey(day, TYPE, type), 1);
        if (FUNNEL_STEPS.contains(type)) {
            funnelTouched.add(id);
        }
        Step s = steps.computeIfAbsent(new PersonStep(id, type, day), k -> new Step());
        s.first = s.first == null || t.isBefore(s.first) ? t : s.first;
        s.last = s.last == null || t.isAfter(s.last) ? t : s.last;
        s.count++;
        if (e.kind() == EventKind.TRACK) {
            commerce(e, p, day);
        }
    }

    private void commerce(BehaviorEvent e, Person p, LocalDate day) {
        StandardEvent standard = e.standardEvent().orElse(null);
        if (standard == null) {
            return;
        }
        switch (standard) {
            case PRODUCT_VIEWED -> {
                product(p.id, e.product(), day, 0);
                affinity(p.id, e.product(), day);
                clicked(p, e.occurredAt());
            }
            case PRODUCT_CLICKED -> {
                affinity(p.id, e.product(), day);
                clicked(p, e.occurredAt());
                if (isRecommendationList(e) && e.product() != null && e.product().productId() != null) {
                    add(counters, new CounterKey(day, REC_CLICK, e.product().productId()), 1);
                }
            }
            case PRODUCT_LIST_VIEWED -> {
                if (isRecommendationList(e)) {
                    add(counters, new CounterKey(day, REC_IMPRESSION, ""), 1);
                }
            }
            case PRODUCT_ADDED -> {
                product(p.id, e.product(), day, 1);
                affinity(p.id, e.product(), day);
            }
            case ORDER_COMPLETED -> {
                if (e.order() != null) {
                    for (Product line : e.order().products()) {
                        product(p.id, line, day, 2);
                        affinity(p.id, line, day);
                    }
                }
            }
            case PRODUCTS_SEARCHED -> search(e, p, day);
            default -> {
            }
        }
    }

    private void search(BehaviorEvent e, Person p, LocalDate day) {
        String query = normaliseQuery(e.searchQuery() != null ? e.searchQuery() : text(e.properties().get("query")));
        if (query == null) {
            return;
        }
        closePendingSearch(p);
        long[] row = searches.computeIfAbsent(new DayKey(day, query), k -> new long[3]);
        long[] mine = userSearches.computeIfAbsent(new PersonDayKey(p.id, day, query), k -> new long[3]);
        row[0]++;
        mine[0]++;
        if (resultCount(e.properties()) == 0) {
            row[1]++;
            mine[1]++;
        }
        p.pendingQuery = query;
        p.pendingAt = e.occurredAt();
    }

    /** A click or product view at {@code t} answers the pending search if it came after it (events may arrive late). */
    private static void clicked(Person p, Instant t) {
        if (p.pendingQuery != null && !t.isBefore(p.pendingAt)) {
            p.pendingQuery = null;
            p.pendingAt = null;
        }
    }

    /** A search still waiting for a click has none: its session ended or another search followed. */
    private void closePendingSearch(Person p) {
        if (p.pendingQuery != null) {
            searches.computeIfAbsent(new DayKey(day(p.pendingAt), p.pendingQuery), k -> new long[3])[2]++;
            userSearches.computeIfAbsent(new PersonDayKey(p.id, day(p.pendingAt), p.pendingQuery), k -> new long[3])[2]++;
            p.pendingQuery = null;
            p.pendingAt = null;
        }
    }

    /** The number of results a search reported, or -1 when it reported none. */
    static long resultCount(Map<String, Object> properties) {
        for (String key : RESULT_COUNT_PROPERTIES) {
            Object v = properties.get(key);
            if (v instanceof Number n) {
                return n.longValue();
            }
            if (v instanceof String s) {
                try {
                    return Long.parseLong(s.trim());
                } catch (NumberFormatException ignored) {
                    // not a count
                }
            }
        }
        return -1;
    }

    private static boolean isRecommendationList(BehaviorEvent e) {
        String list = text(e.properties().get("list_id"));
        return list != null && list.toLowerCase(Locale.ROOT).startsWith("recommend");
    }

    private static String text(Object v) {
        return v == null ? null : v.toString();
    }

    private void product(String person, Product product, LocalDate day, int column) {
        if (product == null || product.productId() == null) {
            return;
        }
        products.computeIfAbsent(new DayKey(day, product.productId()), k -> new long[3])[column]++;
        userProducts.computeIfAbsent(new PersonDayKey(person, day, product.productId()), k -> new long[3])[column]++;
        if (product.name() != null || product.category() != null || product.brand() != null) {
            ProductInfo known = productInfo.getOrDefault(product.productId(), NO_INFO);
            productInfo.put(product.productId(), known.then(product.name(), product.category(), product.brand(), position));
        }
    }

    private void affinity(String person, Product product, LocalDate day) {
        if (product == null) {
            return;
        }
        if (product.category() != null && !product.category().isBlank()) {
            add(affinity, new PersonAffinity(person, CATEGORY, product.category(), day), 1);
            touch(new ScopeKey(person, CATEGORY, product.category()), day);
            touch(new ScopeKey(person, CATEGORY, ""), day);
        }
        if (product.brand() != null && !product.brand().isBlank()) {
            add(affinity, new PersonAffinity(person, BRAND, product.brand(), day), 1);
            touch(new ScopeKey(person, BRAND, product.brand()), day);
            touch(new ScopeKey(person, BRAND, ""), day);
        }
    }

    // ---- identity stitching ----

    private static String nonBlank(String s) {
        return s != null && !s.isBlank() ? s : null;
    }

    /** The person an event counts for, after applying the merge it implies (login or alias). */
    private String identify(BehaviorEvent e) {
        String user = nonBlank(e.userId()) != null ? "user:" + e.userId() : null;
        if (user == null) {
            return resolve(personOf(e));
        }
        String person = resolve(user);
        if (e.kind() == EventKind.ALIAS && nonBlank(e.previousId()) != null) {
            String previousUser = "user:" + e.previousId();
            String from = resolve(known(previousUser) ? previousUser : "anon:" + e.previousId());
            if (!keepApart.test(from, person)) {
                join(from, person);
            }
            return person;
        }
        if (nonBlank(e.anonymousId()) == null) {
            return person;
        }
        String anonymous = resolve("anon:" + e.anonymousId());
        // an anonymous id already stitched into another user stays there (shared devices)
        if (anonymous.startsWith("anon:") && !keepApart.test(anonymous, person)) {
            join(anonymous, person);
        }
        return person;
    }

    /** Merges {@code from} into {@code into} when it has a history, else only links it. */
    private void join(String from, String into) {
        if (from.equals(into)) {
            return;
        }
        if (person(from) != null) {
            merge(from, into);
        } else {
            links.put(from, into);
            newLinks.put(from, into);
        }
    }

    private boolean known(String identifier) {
        return link(identifier) != null || person(identifier) != null;
    }

    private String link(String identifier) {
        if (!links.containsKey(identifier)) {
            links.put(identifier, store.link(identifier));
        }
        return links.get(identifier);
    }

    /** The person an identifier's events count for now. */
    String resolve(String identifier) {
        String current = identifier;
        for (int i = 0; i < 1000; i++) {
            String next = link(current);
            if (next == null || next.equals(current)) {
                return current;
            }
            current = next;
        }
        throw new IllegalStateException("identity links form a cycle");
    }

    /** The state of a person: loaded once per batch (null when never seen); also sets up their active scope. */
    private Person person(String id) {
        if (looked.add(id)) {
            Person p = store.person(id);
            Scope active = new Scope();
            if (p == null) {
                active.days = new TreeSet<>();
            } else {
                persons.put(id, p);
                active.first = p.firstDay;
                active.last = day(p.lastAt);
            }
            scopes.put(new ScopeKey(id, ACTIVE, ""), active);
        }
        return persons.get(id);
    }

    /** Two people are one: their days, rows and state are combined under {@code into}. */
    private void merge(String from, String into) {
        Person a = person(from);
        Person b = person(into);
        loadAllScopes(from);
        loadAllScopes(into);
        List<ScopeKey> fromScopes = new ArrayList<>(scopes.subMap(new ScopeKey(from, "", ""), new ScopeKey(from + "\0", "", "")).keySet());
        for (ScopeKey k : fromScopes) {
            Scope sf = scopes.remove(k);
            load(sf, k);
            ScopeKey target = new ScopeKey(into, k.dimension(), k.value());
            Scope si = scope(target);
            load(si, target);
            NavigableSet<LocalDate> union = new TreeSet<>(si.days);
            union.addAll(sf.days);
            contribute(from, k.dimension(), k.value(), sf.days, -1);
            contribute(into, k.dimension(), k.value(), si.days, -1);
            contribute(into, k.dimension(), k.value(), union, 1);
            si.days = union;
            si.first = union.isEmpty() ? null : union.first();
            si.last = union.isEmpty() ? null : union.last();
            si.dirty = true;
        }
        if (b == null) {
            b = new Person(into, a.firstDay, a.firstAt, a.lastAt, a.sessionId, a.pendingQuery, a.pendingAt);
        } else {
            if (a.pendingQuery != null && b.pendingQuery != null) {
                closePendingSearch(a.pendingAt.isBefore(b.pendingAt) ? a : b);
            }
            if (a.firstAt.isBefore(b.firstAt)) {
                b.firstAt = a.firstAt;
                b.firstDay = a.firstDay;
            }
            if (a.lastAt.isAfter(b.lastAt)) {
                b.lastAt = a.lastAt;
                b.sessionId = a.sessionId != null ? a.sessionId : b.sessionId;
            }
            if (b.pendingQuery == null && a.pendingQuery != null) {
                b.pendingQuery = a.pendingQuery;
                b.pendingAt = a.pendingAt;
            }
        }
        persons.remove(from);
        persons.put(into, b);
        links.put(from, into);
        merges.put(from, into);
    }

    private void loadAllScopes(String person) {
        if (!allScopes.add(person)) {
            return;
        }
        load(scope(new ScopeKey(person, ACTIVE, "")), new ScopeKey(person, ACTIVE, ""));
        for (ScopeKey k : store.scopes(person)) {
            load(scope(k), k);
        }
        for (Map.Entry<ScopeKey, Scope> e : scopes.subMap(new ScopeKey(person, "", ""), new ScopeKey(person + "\0", "", "")).entrySet()) {
            load(e.getValue(), e.getKey());
        }
    }

    // ---- distinct people per scope ----

    private Scope scope(ScopeKey k) {
        Scope s = scopes.get(k);
        if (s != null) {
            return s;
        }
        if (k.dimension().equals(ACTIVE)) {
            person(k.person());
            return scopes.get(k);
        }
        s = new Scope();
        Span span = store.span(k.person(), k.dimension(), k.value());
        if (span == null) {
            s.days = new TreeSet<>();
        } else {
            s.first = span.first();
            s.last = span.last();
        }
        scopes.put(k, s);
        return s;
    }

    private void load(Scope s, ScopeKey k) {
        if (s.days == null) {
            s.days = new TreeSet<>(store.days(k.person(), k.dimension(), k.value()));
            s.days.addAll(s.added);
        }
    }

    /** A person was in a scope on a day: the reach and cohort contributions change if that day is new for them. */
    private void touch(ScopeKey k, LocalDate d) {
        Scope s = scope(k);
        boolean active = k.dimension().equals(ACTIVE);
        if (s.days == null) {
            if (d.equals(s.first) || d.equals(s.last) || s.added.contains(d)) {
                return;
            }
            if (d.isAfter(s.last)) {
                // in order: the common case, placed without reading the person's days
                reach(k.person(), new ReachKey(k.dimension(), d, k.value(), s.last), 1);
                if (active && !monday(d).equals(monday(s.last))) {
                    cohort(k.person(), new CohortKey(s.first, d), 1);
                }
                s.last = d;
                s.added.add(d);
                s.dirty = true;
                return;
            }
            load(s, k);
        }
        if (s.days.contains(d)) {
            return;
        }
        LocalDate prev = s.days.lower(d);
        LocalDate next = s.days.higher(d);
        reach(k.person(), new ReachKey(k.dimension(), d, k.value(), prev == null ? NONE : prev), 1);
        if (next != null) {
            reach(k.person(), new ReachKey(k.dimension(), next, k.value(), prev == null ? NONE : prev), -1);
            reach(k.person(), new ReachKey(k.dimension(), next, k.value(), d), 1);
        }
        if (active) {
            if (prev == null && next != null) {
                // a new first day: the person moves to another cohort
                cohortContributions(k.person(), s.days, -1);
                s.days.add(d);
                cohortContributions(k.person(), s.days, 1);
            } else {
                LocalDate first = prev == null ? d : s.days.first();
                LocalDate week = monday(d);
                LocalDate old = s.days.ceiling(week);
                if (old == null || !old.isBefore(week.plusDays(7))) {
                    cohort(k.person(), new CohortKey(first, d), 1);
                } else if (old.isAfter(d)) {
                    cohort(k.person(), new CohortKey(first, old), -1);
                    cohort(k.person(), new CohortKey(first, d), 1);
                }
                s.days.add(d);
            }
        } else {
            s.days.add(d);
        }
        s.first = s.days.first();
        s.last = s.days.last();
        s.dirty = true;
    }

    /** Adds (or with {@code sign} −1 removes) the reach and, for active people, cohort contributions of a person's days. */
    void contribute(String person, String dimension, String value, NavigableSet<LocalDate> days, int sign) {
        LocalDate prev = NONE;
        for (LocalDate d : days) {
            reach(person, new ReachKey(dimension, d, value, prev), sign);
            prev = d;
        }
        if (dimension.equals(ACTIVE)) {
            cohortContributions(person, days, sign);
        }
    }

    private void cohortContributions(String person, NavigableSet<LocalDate> days, int sign) {
        if (days.isEmpty()) {
            return;
        }
        LocalDate first = days.first();
        LocalDate week = null;
        for (LocalDate d : days) {
            LocalDate w = monday(d);
            if (!w.equals(week)) {
                cohort(person, new CohortKey(first, d), sign);
                week = w;
            }
        }
    }

    /** A change of a person's contributions to {@link #reach}, also kept per person ({@link #personReach}). */
    private void reach(String person, ReachKey key, long n) {
        add(reach, key, n);
        add(personReach, new PersonKey<>(person, key), n);
    }

    /** A change of a person's contributions to {@link #cohorts}, also kept per person ({@link #personCohorts}). */
    private void cohort(String person, CohortKey key, long n) {
        add(cohorts, key, n);
        add(personCohorts, new PersonKey<>(person, key), n);
    }

    /** The Monday of a day's ISO week. */
    public static LocalDate monday(LocalDate d) {
        return d.minusDays(d.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue());
    }

    /** The final person of every identifier merged or linked in this batch (chains of merges followed). */
    Map<String, String> finalLinks() {
        Map<String, String> out = new LinkedHashMap<>();
        merges.keySet().forEach(f -> out.put(f, resolve(f)));
        newLinks.keySet().forEach(f -> out.put(f, resolve(f)));
        return out;
    }

    /** The persons (after merges) whose default-funnel entries must be recomputed: new steps, or a merge into them. */
    Set<String> funnelPersons() {
        Set<String> out = new HashSet<>();
        funnelTouched.forEach(p -> out.add(resolve(p)));
        merges.keySet().forEach(p -> out.add(resolve(p)));
        out.removeAll(merges.keySet());
        return out;
    }

    /** Persons a merge of this batch involves: those merged away and the persons they ended up in. */
    Set<String> mergeInvolved() {
        Set<String> out = new HashSet<>(merges.keySet());
        merges.keySet().forEach(f -> out.add(resolve(f)));
        return out;
    }

    /** Persons with a per-person delta in this batch (rows, reach or cohort contributions). */
    Set<String> deltaPersons() {
        Set<String> out = new HashSet<>(persons.keySet());
        activity.keySet().forEach(k -> out.add(k.person()));
        steps.keySet().forEach(k -> out.add(k.person()));
        userProducts.keySet().forEach(k -> out.add(k.person()));
        userSearches.keySet().forEach(k -> out.add(k.person()));
        personReach.keySet().forEach(k -> out.add(k.person()));
        personCohorts.keySet().forEach(k -> out.add(k.person()));
        return out;
    }

    /** Persons merged into another in this batch: their stored rows move to {@link #finalLinks()}'s person. */
    Set<String> mergedAway() {
        return merges.keySet();
    }

    private static <K> void add(Map<K, Long> map, K key, long n) {
        map.merge(key, n, Long::sum);
    }

    /** The persons this batch touched, with their state after it. */
    public Map<String, Person> persons() {
        return persons;
    }

    /** Events folded. */
    public long events() {
        return events;
    }

    /** Whether nothing was folded. */
    public boolean isEmpty() {
        return events == 0;
    }

    /** Identifiers of the persons the batch touched. */
    public Set<String> personIds() {
        return persons.keySet();
    }
}
