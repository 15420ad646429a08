package io.footfall.reporting;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventKind;
import io.footfall.api.event.Product;
import io.footfall.api.event.StandardEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Folds one batch of events into the deltas of the reporting read models, in memory, without a database: the
 * projection loads the persons a batch touches, folds every event here, and writes each table's deltas with one
 * multi-row upsert (see {@link ReportingProjection}). Every map is sorted by its key so rows are written in a
 * stable order.
 *
 * <p>People are counted by identifier: {@code user:<userId>} when the event names a user, otherwise
 * {@code anon:<anonymousId>} (the spelling of identity links and erasure). Days are UTC dates of the event time.
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
    public record ProductInfo(String name, String category, String brand) {
    }

    private final Function<String, Person> loader;
    private final Map<String, Person> persons = new TreeMap<>();
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
     * A fold for one batch.
     *
     * @param loader the stored state of a person, or null for someone not seen yet (called at most once per person)
     */
    public ReportFold(Function<String, Person> loader) {
        this.loader = loader;
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
        String id = personOf(e);
        Instant t = e.occurredAt();
        LocalDate day = day(t);
        Person p = persons.computeIfAbsent(id, loader);
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
        }
        String type = e.typeLabel() != null ? e.typeLabel() : e.kind().wireName();
        add(counters, new CounterKey(day, TYPE, type), 1);
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
                product(e.product(), day, 0);
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
                product(e.product(), day, 1);
                affinity(p.id, e.product(), day);
            }
            case ORDER_COMPLETED -> {
                if (e.order() != null) {
                    for (Product line : e.order().products()) {
                        product(line, day, 2);
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
        row[0]++;
        if (resultCount(e.properties()) == 0) {
            row[1]++;
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

    private void product(Product product, LocalDate day, int column) {
        if (product == null || product.productId() == null) {
            return;
        }
        products.computeIfAbsent(new DayKey(day, product.productId()), k -> new long[3])[column]++;
        if (product.name() != null || product.category() != null || product.brand() != null) {
            ProductInfo known = productInfo.get(product.productId());
            productInfo.put(product.productId(), new ProductInfo(
                    product.name() != null ? product.name() : known == null ? null : known.name(),
                    product.category() != null ? product.category() : known == null ? null : known.category(),
                    product.brand() != null ? product.brand() : known == null ? null : known.brand()));
        }
    }

    private void affinity(String person, Product product, LocalDate day) {
        if (product == null) {
            return;
        }
        if (product.category() != null && !product.category().isBlank()) {
            add(affinity, new PersonAffinity(person, "c", product.category(), day), 1);
        }
        if (product.brand() != null && !product.brand().isBlank()) {
            add(affinity, new PersonAffinity(person, "b", product.brand(), day), 1);
        }
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
