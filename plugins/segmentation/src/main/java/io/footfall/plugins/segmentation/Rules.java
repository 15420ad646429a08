package io.footfall.plugins.segmentation;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.Product;
import io.footfall.api.event.StandardEvent;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Rule segments: the JSON condition language, its validation (errors carry a JSON pointer to the bad part) and
 * evaluation against a {@link UserState}. The language is documented in {@code docs/plugins/segmentation.md}.
 */
final class Rules {

    /** Longest window a counter may have. */
    static final Duration MAX_WITHIN = Duration.ofDays(366);
    /** Largest {@code atLeast}. */
    static final int MAX_AT_LEAST = 10_000;
    /** Most rule segments in one document. */
    static final int MAX_SEGMENTS = 500;
    static final long DAY = 86_400_000L;

    /** One validation error: where (JSON pointer into the definitions document) and what. */
    record Error(String pointer, String message) {
        @Override
        public String toString() {
            return (pointer.isEmpty() ? "/" : pointer) + ": " + message;
        }
    }

    /** Thrown when a definitions document is invalid; lists every error found. */
    static final class InvalidRulesException extends IllegalArgumentException {
        private final transient List<Error> errors;

        InvalidRulesException(List<Error> errors) {
            super(errors.toString());
            this.errors = List.copyOf(errors);
        }

        List<Error> errors() {
            return errors;
        }
    }

    /** A rule segment. */
    record Segment(String id, String name, String description, Condition when) {
    }

    /**
     * What can change a segment's value when one of the user's events arrives. Time alone changes a value only at the
     * instants {@link Condition#nextChange} names, which the plugin's expiry schedule covers; so a segment none of whose
     * triggers an event touches keeps its value, and is not evaluated again for that event.
     *
     * @param anyEvent  true when every event may change it (comparisons of events, sessions, daysSinceLastSeen)
     * @param counters  keys of the counters it counts
     * @param types     standard event types that change a profile field it compares (orders, views, cart adds, …)
     * @param segments  segments it refers to (rule, RFM, cluster)
     */
    record Triggers(boolean anyEvent, Set<String> counters, Set<StandardEvent> types, Set<String> segments) {

        static Triggers of(Condition c) {
            Set<String> counters = new java.util.HashSet<>();
            Set<StandardEvent> types = java.util.EnumSet.noneOf(StandardEvent.class);
            Set<String> segments = new java.util.HashSet<>();
            boolean any = collect(c, counters, types, segments);
            return new Triggers(any, Set.copyOf(counters), types.isEmpty() ? Set.of() : java.util.EnumSet.copyOf(types), Set.copyOf(segments));
        }

        private static boolean collect(Condition c, Set<String> counters, Set<StandardEvent> types, Set<String> segments) {
            if (c instanceof Count n) {
                counters.add(n.counter().key());
                return false;
            }
            if (c instanceof Compare cmp) {
                switch (cmp.field()) {
                    case "events", "sessions", "daysSinceLastSeen" -> {
                        return true;
                    }
                    case "productViews" -> types.add(StandardEvent.PRODUCT_VIEWED);
                    case "cartAdds" -> types.add(StandardEvent.PRODUCT_ADDED);
                    case "checkouts" -> types.add(StandardEvent.CHECKOUT_STARTED);
                    default -> types.add(StandardEvent.ORDER_COMPLETED); // revenue, orders, averageOrderValue, daysSinceLastOrder
                }
                return false;
            }
            if (c instanceof InSegment ref) {
                segments.add(ref.segment());
                return false;
            }
            if (c instanceof Not not) {
                return collect(not.condition(), counters, types, segments);
            }
            if (c instanceof All all) {
                return collectAll(all.conditions(), counters, types, segments);
            }
            return collectAll(((Any) c).conditions(), counters, types, segments);
        }

        private static boolean collectAll(List<Condition> parts, Set<String> counters, Set<StandardEvent> types, Set<String> segments) {
            boolean any = false;
            for (Condition part : parts) {
                any |= collect(part, counters, types, segments);
            }
            return any;
        }

        /** True when the event (its matched counters, its type) or a changed segment may change the value. */
        boolean touchedBy(Touch touch, Set<String> changed) {
            if (anyEvent) {
                return true;
            }
            for (String counter : counters) {
                if (touch.counters().contains(counter)) {
                    return true;
                }
            }
            if (touch.type() != null && types.contains(touch.type())) {
                return true;
            }
            for (String segment : segments) {
                if (changed.contains(segment)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * What one event changed of a user's state, for {@link #evaluate(UserState, long, Predicate, Touch)}: the counters
     * it matched, its type label, its standard type (null for others), and the segments whose membership already
     * changed with it (RFM, when it was an order).
     */
    record Touch(Set<String> counters, String label, StandardEvent type, Set<String> changed) {
    }

    /** A counter: matching events of one type in a trailing window, keeping the {@code cap} most recent times. */
    record Counter(String key, String event, String category, String brand, String productId, long within, int cap) {
        boolean matches(BehaviorEvent e) {
            if (!event.equals(e.typeLabel())) {
                return false;
            }
            return matchesProducts(e);
        }

        /** The filters only, for an event already known to be of the counter's type. */
        boolean matchesProducts(BehaviorEvent e) {
            if (category == null && brand == null && productId == null) {
                return true;
            }
            if (e.product() != null && matches(e.product())) {
                return true;
            }
            if (e.order() != null) {
                for (Product p : e.order().products()) {
                    if (matches(p)) {
                        return true;
                    }
                }
            }
            return false;
        }

        private boolean matches(Product p) {
            if (category != null && (p.category() == null || !inCategory(p.category().trim(), category))) {
                return false;
            }
            if (brand != null && !brand.equals(p.brand())) {
                return false;
            }
            return productId == null || productId.equals(p.productId());
        }
    }

    /** True when {@code category} is {@code parent} or below it in the path ({@code Shoes} holds {@code Shoes/Running}). */
    static boolean inCategory(String category, String parent) {
        return category.equals(parent) || category.startsWith(parent + "/");
    }

    /** What a condition is evaluated against. */
    interface Subject {
        UserState state();

        long now();

        /** Membership of another segment (rule segments earlier in the order, RFM, clusters). */
        boolean member(String segment);
    }

    /** A condition of the language. */
    sealed interface Condition permits Count, Compare, InSegment, All, Any, Not {
        boolean test(Subject s);

        /** The earliest instant after {@code now} at which the value may change without a new event. */
        long nextChange(UserState state, long now);
    }

    /** {@code {"event": …, "where": {…}, "atLeast": n, "within": "P7D"}}. */
    record Count(Counter counter, int atLeast) implements Condition {
        @Override
        public boolean test(Subject s) {
            return s.state().countWithin(counter.key(), s.now(), counter.within()) >= atLeast;
        }

        @Override
        public long nextChange(UserState state, long now) {
            long[] times = state.windows.get(counter.key());
            long next = Long.MAX_VALUE;
            if (times != null) {
                for (long t : times) {
                    if (t > now - counter.within() && t + counter.within() > now) {
                        next = Math.min(next, t + counter.within());
                    }
                }
            }
            return next;
        }
    }

    /** {@code {"profile": field, "op": ">", "value": n}}. */
    record Compare(String field, String op, double value) implements Condition {
        @Override
        public boolean test(Subject s) {
            Double v = profileValue(s.state(), field, s.now());
            if (v == null) {
                return false;
            }
            return switch (op) {
                case ">" -> v > value;
                case ">=" -> v >= value;
                case "<" -> v < value;
                case "<=" -> v <= value;
                case "==" -> v == value;
                default -> v != value;
            };
        }

        @Override
        public long nextChange(UserState state, long now) {
            long since = switch (field) {
                case "daysSinceLastOrder" -> state.lastOrderAt;
                case "daysSinceLastSeen" -> state.lastSeen;
                default -> Long.MIN_VALUE;
            };
            if (since == Long.MIN_VALUE) {
                return Long.MAX_VALUE;
            }
            // the value (now − since) / day crosses the threshold at since + value·day; re-check just after it
            long boundary = since + (long) Math.floor(value * DAY);
            if (boundary > now) {
                return boundary;
            }
            return boundary + 1 > now ? boundary + 1 : Long.MAX_VALUE;
        }
    }

    /** {@code {"segment": id}}. */
    record InSegment(String segment) implements Condition {
        @Override
        public boolean test(Subject s) {
            return s.member(segment);
        }

        @Override
        public long nextChange(UserState state, long now) {
            return Long.MAX_VALUE;
        }
    }

    /** {@code {"all": [...]}}. */
    record All(List<Condition> conditions) implements Condition {
        @Override
        public boolean test(Subject s) {
            for (Condition c : conditions) {
                if (!c.test(s)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public long nextChange(UserState state, long now) {
            return min(conditions, state, now);
        }
    }

    /** {@code {"any": [...]}}. */
    record Any(List<Condition> conditions) implements Condition {
        @Override
        public boolean test(Subject s) {
            for (Condition c : conditions) {
                if (c.test(s)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public long nextChange(UserState state, long now) {
            return min(conditions, state, now);
        }
    }

    /** {@code {"not": {...}}}. */
    record Not(Condition condition) implements Condition {
        @Override
        public boolean test(Subject s) {
            return !condition.test(s);
        }

        @Override
        public long nextChange(UserState state, long now) {
            return condition.nextChange(state, now);
        }
    }

    private static long min(List<Condition> conditions, UserState state, long now) {
        long next = Long.MAX_VALUE;
        for (Condition c : conditions) {
            next = Math.min(next, c.nextChange(state, now));
        }
        return next;
    }

    /** The profile fields a comparison may use. */
    static final Set<String> PROFILE_FIELDS = Set.of("revenue", "orders", "averageOrderValue", "sessions", "events",
            "productViews", "cartAdds", "checkouts", "daysSinceLastOrder", "daysSinceLastSeen");

    /** A profile value, or null when the user has none (no order yet for the order fields). */
    static Double profileValue(UserState s, String field, long now) {
        return switch (field) {
            case "revenue" -> s.revenue;
            case "orders" -> (double) s.orders;
            case "averageOrderValue" -> s.orders == 0 ? null : s.revenue / s.orders;
            case "sessions" -> (double) s.sessions;
            case "events" -> (double) s.events;
            case "productViews" -> (double) s.productViews;
            case "cartAdds" -> (double) s.cartAdds;
            case "checkouts" -> (double) s.checkouts;
            case "daysSinceLastOrder" -> s.lastOrderAt == Long.MIN_VALUE ? null : (double) (now - s.lastOrderAt) / DAY;
            case "daysSinceLastSeen" -> s.lastSeen == Long.MIN_VALUE ? null : (double) (now - s.lastSeen) / DAY;
            default -> null;
        };
    }

    // ---------------------------------------------------------------- the parsed document

    private final List<Segment> segments;
    private final Map<String, Counter> counters;
    /** Per segment, in {@link #segments} order. */
    private final List<Triggers> triggers;
    /** Counters by the event type label they count. */
    private final Map<String, List<Counter>> countersByEvent;
    private final Map<String, Segment> byId;

    private Rules(List<Segment> segments, Map<String, Counter> counters) {
        this.segments = List.copyOf(segments);
        this.counters = Map.copyOf(counters);
        this.triggers = segments.stream().map(s -> Triggers.of(s.when())).toList();
        Map<String, Segment> byId = new HashMap<>();
        segments.forEach(seg -> byId.put(seg.id(), seg));
        this.byId = Map.copyOf(byId);
        Map<String, List<Counter>> byEvent = new HashMap<>();
        counters.values().forEach(c -> byEvent.computeIfAbsent(c.event(), e -> new ArrayList<>()).add(c));
        this.countersByEvent = Map.copyOf(byEvent);
    }

    /** No rule segments. */
    static Rules empty() {
        return new Rules(List.of(), Map.of());
    }

    /** The segments in evaluation order (a segment comes after every rule segment it refers to). */
    List<Segment> segments() {
        return segments;
    }

    /** The distinct counters of all conditions. */
    Iterable<Counter> counters() {
        return counters.values();
    }

    /** The counters of one event type label (what {@link BehaviorEvent#typeLabel} gives). */
    List<Counter> countersOf(String typeLabel) {
        return countersByEvent.getOrDefault(typeLabel, List.of());
    }

    /** True when the id is a rule segment of this document. */
    boolean has(String id) {
        return byId.containsKey(id);
    }

    /** The rule segment with this id, or null. */
    Segment segment(String id) {
        return byId.get(id);
    }

    /**
     * Parses and validates a definitions document.
     *
     * @param json the document: {@code {"segments": [{"id", "name"?, "description"?, "when": condition}, …]}}
     * @param known segment ids defined elsewhere that conditions may refer to (e.g. {@code rfm:…}); ids starting
     *              with {@code cluster:} are accepted as well
     * @throws InvalidRulesException listing every error with its JSON pointer
     */
    static Rules parse(String json, Set<String> known) {
        Object doc;
        try {
            doc = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new InvalidRulesException(List.of(new Error("", e.getMessage())));
        }
        Parser p = new Parser(known);
        List<Segment> parsed = p.document(doc);
        if (!p.errors.isEmpty()) {
            throw new InvalidRulesException(p.errors);
        }
        List<Segment> ordered = p.order(parsed);
        if (!p.errors.isEmpty()) {
            throw new InvalidRulesException(p.errors);
        }
        return new Rules(ordered, p.counters);
    }

    /** Collects errors instead of stopping at the first. */
    private static final class Parser {
        final Set<String> known;
        final List<Error> errors = new ArrayList<>();
        final Map<String, Counter> counters = new LinkedHashMap<>();
        final Map<String, Set<String>> references = new HashMap<>();
        final Map<String, String> pointers = new HashMap<>();
        Set<String> currentRefs;

        Parser(Set<String> known) {
            this.known = known;
        }

        List<Segment> document(Object doc) {
            List<Segment> out = new ArrayList<>();
            if (!(doc instanceof Map<?, ?> root)) {
                errors.add(new Error("", "must be an object with a \"segments\" array"));
                return out;
            }
            unknownMembers(root, "", Set.of("segments"));
            Object list = root.get("segments");
            if (!(list instanceof List<?> items)) {
                errors.add(new Error("/segments", "required: an array of segment definitions"));
                return out;
            }
            if (items.size() > MAX_SEGMENTS) {
                errors.add(new Error("/segments", "at most " + MAX_SEGMENTS + " segments"));
            }
            Set<String> ids = new LinkedHashSet<>();
            for (int i = 0; i < items.size(); i++) {
                String at = "/segments/" + i;
                if (!(items.get(i) instanceof Map<?, ?> def)) {
                    errors.add(new Error(at, "must be an object"));
                    continue;
                }
                unknownMembers(def, at, Set.of("id", "name", "description", "when"));
                String id = text(def, at, "id", true);
                if (id != null && !id.matches("[a-z0-9][a-z0-9-]{0,62}")) {
                    errors.add(new Error(at + "/id", "must match [a-z0-9][a-z0-9-]{0,62}"));
                    id = null;
                } else if (id != null && !ids.add(id)) {
                    errors.add(new Error(at + "/id", "duplicate segment id \"" + id + "\""));
                    id = null;
                }
                String name = text(def, at, "name", false);
                String description = text(def, at, "description", false);
                currentRefs = new LinkedHashSet<>();
                Condition when = null;
                if (!def.containsKey("when")) {
                    errors.add(new Error(at + "/when", "required: the segment's condition"));
                } else {
                    when = condition(def.get("when"), at + "/when");
                }
                if (id != null && when != null) {
                    references.put(id, currentRefs);
                    pointers.put(id, at);
                    out.add(new Segment(id, name == null ? id : name, description == null ? "" : description, when));
                }
            }
            // references to rule segments must name one of this document
            for (Map.Entry<String, Set<String>> e : references.entrySet()) {
                for (String ref : e.getValue()) {
                    if (ref.startsWith("cluster:") && !ref.matches("cluster:(0|[1-9][0-9]{0,2})")) {
                        errors.add(new Error(pointers.get(e.getKey()) + "/when", "refers to \"" + ref
                                + "\": a cluster is cluster:<n>, n a whole number (0, 1, 2, …)"));
                    } else if (!ids.contains(ref) && !known.contains(ref) && !ref.startsWith("cluster:")) {
                        errors.add(new Error(pointers.get(e.getKey()) + "/when", "refers to unknown segment \"" + ref + "\""));
                    }
                }
            }
            return out;
        }

        /** Orders segments so that each comes after the rule segments it refers to; reports cycles. */
        List<Segment> order(List<Segment> parsed) {
            Map<String, Segment> byId = new LinkedHashMap<>();
            parsed.forEach(s -> byId.put(s.id(), s));
            List<Segment> ordered = new ArrayList<>();
            Set<String> done = new LinkedHashSet<>();
            Set<String> visiting = new LinkedHashSet<>();
            for (String id : byId.keySet()) {
                visit(id, byId, done, visiting, ordered);
            }
            return ordered;
        }

        private void visit(String id, Map<String, Segment> byId, Set<String> done, Set<String> visiting, List<Segment> out) {
            if (done.contains(id) || !byId.containsKey(id)) {
                return;
            }
            if (!visiting.add(id)) {
                errors.add(new Error(pointers.get(id) + "/when", "segment \"" + id + "\" refers to itself through " + visiting));
                return;
            }
            for (String ref : references.getOrDefault(id, Set.of())) {
                visit(ref, byId, done, visiting, out);
            }
            visiting.remove(id);
            if (done.add(id)) {
                out.add(byId.get(id));
            }
        }

        Condition condition(Object node, String at) {
            if (!(node instanceof Map<?, ?> c)) {
                errors.add(new Error(at, "a condition must be an object"));
                return null;
            }
            if (c.containsKey("all") || c.containsKey("any")) {
                String op = c.containsKey("all") ? "all" : "any";
                unknownMembers(c, at, Set.of(op));
                if (!(c.get(op) instanceof List<?> items) || items.isEmpty()) {
                    errors.add(new Error(at + "/" + op, "must be a non-empty array of conditions"));
                    return null;
                }
                List<Condition> parts = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) {
                    parts.add(condition(items.get(i), at + "/" + op + "/" + i));
                }
                if (parts.contains(null)) {
                    return null;
                }
                return op.equals("all") ? new All(parts) : new Any(parts);
            }
            if (c.containsKey("not")) {
                unknownMembers(c, at, Set.of("not"));
                Condition inner = condition(c.get("not"), at + "/not");
                return inner == null ? null : new Not(inner);
            }
            if (c.containsKey("segment")) {
                unknownMembers(c, at, Set.of("segment"));
                String ref = text(c, at, "segment", true);
                if (ref == null) {
                    return null;
                }
                currentRefs.add(ref);
                return new InSegment(ref);
            }
            if (c.containsKey("profile")) {
                unknownMembers(c, at, Set.of("profile", "op", "value"));
                String field = text(c, at, "profile", true);
                if (field != null && !PROFILE_FIELDS.contains(field)) {
                    errors.add(new Error(at + "/profile", "unknown profile field \"" + field + "\"; one of " + new java.util.TreeSet<>(PROFILE_FIELDS)));
                    field = null;
                }
                String op = text(c, at, "op", true);
                if (op != null && !Set.of(">", ">=", "<", "<=", "==", "!=").contains(op)) {
                    errors.add(new Error(at + "/op", "must be one of >, >=, <, <=, ==, !="));
                    op = null;
                }
                Double value = number(c, at, "value", true, -1e15, 1e15);
                return field == null || op == null || value == null ? null : new Compare(field, op, value);
            }
            if (c.containsKey("event")) {
                unknownMembers(c, at, Set.of("event", "where", "atLeast", "within"));
                String event = text(c, at, "event", true);
                String category = null;
                String brand = null;
                String productId = null;
                boolean ok = event != null;
                if (c.containsKey("where")) {
                    if (!(c.get("where") instanceof Map<?, ?> where)) {
                        errors.add(new Error(at + "/where", "must be an object of filters"));
                        ok = false;
                    } else {
                        int before = errors.size();
                        unknownMembers(where, at + "/where", Set.of("category", "brand", "productId"));
                        category = text(where, at + "/where", "category", false);
                        brand = text(where, at + "/where", "brand", false);
                        productId = text(where, at + "/where", "productId", false);
                        ok &= errors.size() == before;
                    }
                }
                Double atLeast = c.containsKey("atLeast") ? number(c, at, "atLeast", true, 1, MAX_AT_LEAST) : Double.valueOf(1);
                if (atLeast != null && atLeast != Math.rint(atLeast)) {
                    errors.add(new Error(at + "/atLeast", "must be a whole number"));
                    atLeast = null;
                }
                Long within = null;
                String w = text(c, at, "within", true);
                if (w != null) {
                    try {
                        Duration d = Duration.parse(w);
                        if (d.isNegative() || d.isZero() || d.compareTo(MAX_WITHIN) > 0) {
                            errors.add(new Error(at + "/within", "must be a positive ISO-8601 duration of at most P366D"));
                        } else {
                            within = d.toMillis();
                        }
                    } catch (DateTimeParseException e) {
                        errors.add(new Error(at + "/within", "must be an ISO-8601 duration such as P7D or PT12H"));
                    }
                }
                if (!ok || atLeast == null || within == null) {
                    return null;
                }
                String key = event + "|" + nz(category) + "|" + nz(brand) + "|" + nz(productId) + "|" + within;
                int cap = atLeast.intValue();
                Counter existing = counters.get(key);
                Counter counter = new Counter(key, event, category, brand, productId, within,
                        existing == null ? cap : Math.max(cap, existing.cap()));
                counters.put(key, counter);
                return new Count(counter, cap);
            }
            errors.add(new Error(at, "unknown condition: expected one of event, profile, segment, all, any, not"));
            return null;
        }

        private void unknownMembers(Map<?, ?> map, String at, Set<String> allowed) {
            for (Object k : map.keySet()) {
                if (!allowed.contains(k)) {
                    errors.add(new Error(Json.pointer(at, k), "unknown member; allowed here: " + allowed));
                }
            }
        }

        private String text(Map<?, ?> map, String at, String member, boolean required) {
            Object v = map.get(member);
            if (v == null) {
                if (required) {
                    errors.add(new Error(at + "/" + member, "required"));
                }
                return null;
            }
            if (!(v instanceof String s) || s.isBlank()) {
                errors.add(new Error(at + "/" + member, "must be a non-empty string"));
                return null;
            }
            return s.trim();
        }

        private Double number(Map<?, ?> map, String at, String member, boolean required, double min, double max) {
            Object v = map.get(member);
            if (v == null) {
                if (required) {
                    errors.add(new Error(at + "/" + member, "required"));
                }
                return null;
            }
            if (!(v instanceof Double d)) {
                errors.add(new Error(at + "/" + member, "must be a number"));
                return null;
            }
            if (d < min || d > max) {
                errors.add(new Error(at + "/" + member, "must be between " + fmt(min) + " and " + fmt(max)));
                return null;
            }
            return d;
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
        }

        private static String nz(String s) {
            return s == null ? "" : s;
        }
    }

    /** Evaluates every rule segment for a user, in order; returns segment id → member. */
    Map<String, Boolean> evaluate(UserState state, long now, Predicate<String> otherMembership) {
        return evaluate(state, now, otherMembership, null);
    }

    /**
     * Evaluates, in order, the rule segments whose value the event ({@code touch}) may have changed — those it triggers
     * and those referring to a segment whose membership changed — or every segment when {@code touch} is null. A
     * segment left out keeps its current membership (read through {@code otherMembership}).
     *
     * @return segment id → member, for the segments evaluated
     */
    Map<String, Boolean> evaluate(UserState state, long now, Predicate<String> otherMembership, Touch touch) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        Set<String> changed = touch == null ? null : new java.util.HashSet<>(touch.changed());
        Subject subject = new Subject() {
            @Override
            public UserState state() {
                return state;
            }

            @Override
            public long now() {
                return now;
            }

            @Override
            public boolean member(String segment) {
                Boolean rule = out.get(segment);
                return rule != null ? rule : otherMembership.test(segment);
            }
        };
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (touch != null && !triggers.get(i).touchedBy(touch, changed)) {
                continue;
            }
            boolean member = s.when().test(subject);
            out.put(s.id(), member);
            if (changed != null && member != state.memberships.containsKey(s.id())) {
                changed.add(s.id());
            }
        }
        return out;
    }

    /** The earliest instant after {@code now} at which one of the given segments may change without a new event. */
    long nextChange(UserState state, long now, Set<String> of) {
        long next = Long.MAX_VALUE;
        for (Segment s : segments) {
            if (of.contains(s.id())) {
                next = Math.min(next, s.when().nextChange(state, now));
            }
        }
        return next;
    }

    /** The earliest instant after {@code now} at which some rule may change for this user without a new event. */
    long nextChange(UserState state, long now) {
        long next = Long.MAX_VALUE;
        for (Segment s : segments) {
            next = Math.min(next, s.when().nextChange(state, now));
        }
        return next;
    }
}
