package io.footfall.plugins.churn;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventKind;
import io.footfall.api.event.Order;
import io.footfall.api.event.Product;
import io.footfall.api.event.StandardEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * One user's behaviour, folded into one bucket per UTC day, so that features can be computed as of any cutoff
 * without keeping every event.
 *
 * <p>Everything a feature reads lives in a day bucket (counts, money, first and last event time of the day,
 * category and brand hashes), or is stamped with the instant it became known (the account creation date of an
 * {@code identify}). {@link FeatureExtractor} only reads buckets of days before the cutoff's day (and the account
 * date only when it became known before that day); that is what makes features point-in-time.
 *
 * <p>Sessions: an event more than {@value #SESSION_GAP_MINUTES} minutes after the user's previous event starts a
 * session, counted on the day of its first event; the gap between two events of one session adds to the session
 * time of the later event's day. This needs the time of the previous event ({@link #lastEventMillis}), which is
 * bookkeeping, never a feature.
 *
 * <p>Service signals — deliveries ({@link #DELIVERY_EVENTS}) and support tickets ({@link #TICKET_EVENTS}), custom
 * track events of a shop's backend — are kept in buckets of their own ({@link Service}): they are no visit, start no
 * session and leave the day buckets (and so the activity and the no-visit label) alone.
 *
 * <p>Days older than {@value #RETENTION_DAYS} days before the latest event are dropped, keeping state bounded.
 */
final class UserHistory {

    /** Inactivity that ends a session. */
    static final int SESSION_GAP_MINUTES = 30;
    /** Days of history kept. */
    static final int RETENTION_DAYS = 400;
    /** Distinct category or brand hashes kept per day. */
    static final int MAX_TAGS_PER_DAY = 32;
    /** Version of the binary form (1: without the service signals, 2: without the session snapshots; both still read). */
    static final byte FORMAT = 3;
    /**
     * The events of a session after which a snapshot is taken for in-session propensity (the prediction points): the
     * session's counts so far, and later whether an order followed in the same session.
     */
    static final int[] SNAPSHOT_POINTS = {5, 10, 20};
    /** Ints per snapshot: point, events, views, adds, checkouts, searches, seconds since the session's start, label. */
    static final int SNAPSHOT_FIELDS = 8;
    /** Snapshots kept per day at most (a robot's hundreds of sessions are not a shopper's). */
    static final int MAX_SNAPSHOTS_PER_DAY = 64;
    /** Running counters of the current session: events, views, adds, checkouts, searches, orders. */
    static final int SESSION_COUNTERS = 6;
    /** Track event names read as a delivery outcome ({@code late}, or {@code delay_days}/{@code delayDays} above 0). */
    static final java.util.Set<String> DELIVERY_EVENTS = java.util.Set.of("order delivered", "order shipment delivered");
    /** Track event names read as a support contact. */
    static final java.util.Set<String> TICKET_EVENTS =
            java.util.Set.of("support ticket opened", "support ticket created", "ticket opened", "ticket created");

    private static final long DAY_MS = 86_400_000L;
    private static final long SESSION_GAP_MS = SESSION_GAP_MINUTES * 60_000L;

    /** The aggregates of one UTC day. */
    static final class Day {
        int events;
        int pages;
        int views;
        int searches;
        int adds;
        int removes;
        int cartViews;
        int checkouts;
        int orders;
        int refunds;
        int coupons;
        int wishlist;
        int reviews;
        int sessions;
        int sessionSeconds;
        int discountedOrders;
        double revenue;
        double discount;
        /** Milliseconds into the day of the first and last event, and of the last order (−1: none). */
        int firstMs = Integer.MAX_VALUE;
        int lastMs = -1;
        int lastOrderMs = -1;
        int[] categories = new int[0];
        int[] brands = new int[0];
        /** Snapshots of the sessions that started this day, {@link #SNAPSHOT_FIELDS} ints each. */
        int[] snapshots = new int[0];

        void merge(Day o) {
            events += o.events;
            pages += o.pages;
            views += o.views;
            searches += o.searches;
            adds += o.adds;
            removes += o.removes;
            cartViews += o.cartViews;
            checkouts += o.checkouts;
            orders += o.orders;
            refunds += o.refunds;
            coupons += o.coupons;
            wishlist += o.wishlist;
            reviews += o.reviews;
            sessions += o.sessions;
            sessionSeconds += o.sessionSeconds;
            discountedOrders += o.discountedOrders;
            revenue += o.revenue;
            discount += o.discount;
            firstMs = Math.min(firstMs, o.firstMs);
            lastMs = Math.max(lastMs, o.lastMs);
            lastOrderMs = Math.max(lastOrderMs, o.lastOrderMs);
            for (int c : o.categories) {
                categories = addTag(categories, c);
            }
            for (int b : o.brands) {
                brands = addTag(brands, b);
            }
            if (o.snapshots.length > 0) {
                int[] both = Arrays.copyOf(snapshots, snapshots.length + o.snapshots.length);
                System.arraycopy(o.snapshots, 0, both, snapshots.length, o.snapshots.length);
                snapshots = both;
            }
        }
    }

    /**
     * The service signals of one UTC day: deliveries and support tickets. They come from the shop's backend (or a
     * support desk), not from a visit, so they are kept apart from the day buckets: they are no activity, start no
     * session and do not count for the no-visit label.
     */
    static final class Service {
        int deliveries;
        int lateDeliveries;
        int tickets;
        /** Milliseconds into the day of the last late delivery and of the last ticket (−1: none). */
        int lastLateMs = -1;
        int lastTicketMs = -1;

        void merge(Service o) {
            deliveries += o.deliveries;
            lateDeliveries += o.lateDeliveries;
            tickets += o.tickets;
            lastLateMs = Math.max(lastLateMs, o.lastLateMs);
            lastTicketMs = Math.max(lastTicketMs, o.lastTicketMs);
        }
    }

    private final TreeMap<Integer, Day> days = new TreeMap<>();
    private final TreeMap<Integer, Service> service = new TreeMap<>();
    private long lastEventMillis = Long.MIN_VALUE;
    /** Account creation (epoch day) from an identify trait, and when that became known; MIN_VALUE: unknown. */
    private long accountCreatedDay = Long.MIN_VALUE;
    private long accountKnownMillis = Long.MIN_VALUE;
    /** The current (latest) session: its start, the day it started, its first snapshot's index there, its counters. */
    private long sessionStartMillis = Long.MIN_VALUE;
    private int sessionDay;
    private int sessionFirstSnapshot;
    private int[] session = new int[SESSION_COUNTERS];

    /** The day buckets by epoch day (live view; callers must not change it). */
    TreeMap<Integer, Day> days() {
        return days;
    }

    /** The service signals by epoch day (live view; callers must not change it). */
    TreeMap<Integer, Service> service() {
        return service;
    }

    /** True when no visit was added (service signals alone do not count). */
    boolean isEmpty() {
        return days.isEmpty();
    }

    /** Time of the latest event, or empty. */
    Instant lastEvent() {
        if (days.isEmpty()) {
            return null;
        }
        Map.Entry<Integer, Day> last = days.lastEntry();
        return Instant.ofEpochMilli(last.getKey() * DAY_MS + last.getValue().lastMs);
    }

    /** Account creation day, if an identify before {@code cutoffMillis} told it. */
    long accountCreatedDayKnownBefore(long cutoffMillis) {
        return accountKnownMillis != Long.MIN_VALUE && accountKnownMillis < cutoffMillis ? accountCreatedDay : Long.MIN_VALUE;
    }

    /** Folds one event in. */
    void add(BehaviorEvent e) {
        long t = e.occurredAt().toEpochMilli();
        int epochDay = (int) Math.floorDiv(t, DAY_MS);
        int ms = (int) Math.floorMod(t, DAY_MS);
        if (serviceSignal(e, epochDay, ms)) {
            return;
        }
        Day d = days.computeIfAbsent(epochDay, k -> new Day());
        d.events++;
        d.firstMs = Math.min(d.firstMs, ms);
        d.lastMs = Math.max(d.lastMs, ms);
        if (lastEventMillis == Long.MIN_VALUE || t - lastEventMillis > SESSION_GAP_MS || t < lastEventMillis - SESSION_GAP_MS) {
            d.sessions++;
            sessionStartMillis = t;
            sessionDay = epochDay;
            sessionFirstSnapshot = d.snapshots.length / SNAPSHOT_FIELDS;
            session = new int[SESSION_COUNTERS];
        } else if (t > lastEventMillis) {
            d.sessionSeconds += (int) ((t - lastEventMillis) / 1000);
        }
        lastEventMillis = Math.max(lastEventMillis, t);
        inSession(e, t);

        if (e.kind() == EventKind.PAGE || e.kind() == EventKind.SCREEN) {
            d.pages++;
        } else if (e.kind() == EventKind.IDENTIFY) {
            accountCreated(e, t);
        }
        StandardEvent type = e.standardEvent().orElse(null);
        if (type != null) {
            switch (type) {
                case PRODUCT_VIEWED -> {
                    d.views++;
                    tag(d, e.product());
                }
                case PRODUCTS_SEARCHED -> d.searches++;
                case PRODUCT_ADDED, WISHLIST_PRODUCT_ADDED_TO_CART -> {
                    d.adds++;
                    tag(d, e.product());
                }
                case PRODUCT_REMOVED -> d.removes++;
                case CART_VIEWED -> d.cartViews++;
                case CHECKOUT_STARTED -> d.checkouts++;
                case COUPON_APPLIED -> d.coupons++;
                case ORDER_REFUNDED, ORDER_CANCELLED -> d.refunds++;
                case PRODUCT_ADDED_TO_WISHLIST -> d.wishlist++;
                case PRODUCT_REVIEWED -> d.reviews++;
                case ORDER_COMPLETED -> order(d, e.order(), ms);
                default -> {
                }
            }
        }
        prune(epochDay);
    }

    /**
     * Counts an event into the current session: an order labels the session's snapshots so far (an order followed
     * them); after the event, a session that reached a prediction point without an order gets a snapshot.
     */
    private void inSession(BehaviorEvent e, long t) {
        Day start = days.get(sessionDay);
        if (start == null) {
            return; // pruned
        }
        StandardEvent type = e.standardEvent().orElse(null);
        if (type == StandardEvent.ORDER_COMPLETED) {
            for (int i = sessionFirstSnapshot * SNAPSHOT_FIELDS; i < start.snapshots.length; i += SNAPSHOT_FIELDS) {
                start.snapshots[i + SNAPSHOT_FIELDS - 1] = 1;
            }
            session[5]++;
        }
        session[0]++;
        if (type == StandardEvent.PRODUCT_VIEWED) {
            session[1]++;
        } else if (type == StandardEvent.PRODUCT_ADDED || type == StandardEvent.WISHLIST_PRODUCT_ADDED_TO_CART) {
            session[2]++;
        } else if (type == StandardEvent.CHECKOUT_STARTED) {
            session[3]++;
        } else if (type == StandardEvent.PRODUCTS_SEARCHED) {
            session[4]++;
        }
        if (session[5] == 0 && start.snapshots.length < MAX_SNAPSHOTS_PER_DAY * SNAPSHOT_FIELDS
                && Arrays.stream(SNAPSHOT_POINTS).anyMatch(p -> p == session[0])) {
            int[] more = Arrays.copyOf(start.snapshots, start.snapshots.length + SNAPSHOT_FIELDS);
            int at = start.snapshots.length;
            more[at] = session[0];
            System.arraycopy(session, 0, more, at + 1, 5);
            more[at + 6] = (int) Math.max(0, (t - sessionStartMillis) / 1000);
            start.snapshots = more;
        }
    }

    /**
     * The current session's counts as a snapshot (label 0), when it started on {@code epochDay}; else null. Live
     * in-session propensity reads it.
     */
    int[] currentSession(int epochDay) {
        if (sessionStartMillis == Long.MIN_VALUE || sessionDay != epochDay) {
            return null;
        }
        int[] snapshot = new int[SNAPSHOT_FIELDS];
        snapshot[0] = session[0];
        System.arraycopy(session, 0, snapshot, 1, 5);
        snapshot[6] = (int) Math.max(0, (lastEventMillis - sessionStartMillis) / 1000);
        return snapshot;
    }

    /** Folds a delivery or support ticket into the service signals; false when the event is neither. */
    private boolean serviceSignal(BehaviorEvent e, int epochDay, int ms) {
        if (e.kind() != EventKind.TRACK || e.name() == null || e.standardEvent().isPresent()) {
            return false;
        }
        String name = e.name().trim().toLowerCase(java.util.Locale.ROOT);
        if (DELIVERY_EVENTS.contains(name)) {
            Service s = service.computeIfAbsent(epochDay, k -> new Service());
            s.deliveries++;
            if (late(e.properties())) {
                s.lateDeliveries++;
                s.lastLateMs = Math.max(s.lastLateMs, ms);
            }
        } else if (TICKET_EVENTS.contains(name)) {
            Service s = service.computeIfAbsent(epochDay, k -> new Service());
            s.tickets++;
            s.lastTicketMs = Math.max(s.lastTicketMs, ms);
        } else {
            return false;
        }
        prune(epochDay);
        return true;
    }

    /** A delivery is late when {@code late} is true, or else when {@code delay_days} (or {@code delayDays}) is above 0. */
    static boolean late(Map<String, Object> properties) {
        Object late = properties.get("late");
        if (late instanceof Boolean b) {
            return b;
        }
        if (late instanceof String text && !text.isBlank()) {
            return Boolean.parseBoolean(text.trim());
        }
        Object delay = properties.containsKey("delay_days") ? properties.get("delay_days") : properties.get("delayDays");
        if (delay instanceof Number n) {
            return n.doubleValue() > 0;
        }
        if (delay instanceof String text) {
            try {
                return Double.parseDouble(text.trim()) > 0;
            } catch (NumberFormatException notNumber) {
                return false;
            }
        }
        return false;
    }

    private static void order(Day d, Order order, int ms) {
        d.orders++;
        d.lastOrderMs = Math.max(d.lastOrderMs, ms);
        if (order == null) {
            return;
        }
        double revenue = money(order.revenueOrDerived());
        double discount = money(order.discount());
        d.revenue += revenue;
        d.discount += discount;
        if (discount > 0 || (order.coupon() != null && !order.coupon().isBlank())) {
            d.discountedOrders++;
        }
        for (Product p : order.products()) {
            tag(d, p);
        }
    }

    private static double money(BigDecimal value) {
        if (value == null) {
            return 0;
        }
        double v = value.doubleValue();
        return Double.isFinite(v) && v > 0 ? v : 0;
    }

    private void accountCreated(BehaviorEvent e, long t) {
        Object created = e.traits().get("createdAt");
        if (created == null) {
            created = e.traits().get("created_at");
        }
        if (!(created instanceof String text) || text.isBlank()) {
            return;
        }
        long day;
        try {
            day = OffsetDateTime.parse(text.trim()).toInstant().toEpochMilli();
        } catch (DateTimeParseException notIso) {
            try {
                day = java.time.LocalDate.parse(text.trim()).toEpochDay() * DAY_MS;
            } catch (DateTimeParseException notDate) {
                return;
            }
        }
        day = Math.floorDiv(day, DAY_MS);
        if (accountKnownMillis == Long.MIN_VALUE || t < accountKnownMillis) {
            accountKnownMillis = t;
            accountCreatedDay = day;
        }
    }

    private static void tag(Day d, Product p) {
        if (p == null) {
            return;
        }
        if (p.category() != null && !p.category().isBlank()) {
            d.categories = addTag(d.categories, p.category().trim().hashCode());
        }
        if (p.brand() != null && !p.brand().isBlank()) {
            d.brands = addTag(d.brands, p.brand().trim().hashCode());
        }
    }

    private static int[] addTag(int[] tags, int tag) {
        for (int t : tags) {
            if (t == tag) {
                return tags;
            }
        }
        if (tags.length >= MAX_TAGS_PER_DAY) {
            return tags;
        }
        int[] more = Arrays.copyOf(tags, tags.length + 1);
        more[tags.length] = tag;
        Arrays.sort(more);
        return more;
    }

    private void prune(int latestDay) {
        while (!days.isEmpty() && days.firstKey() < latestDay - RETENTION_DAYS) {
            days.pollFirstEntry();
        }
        while (!service.isEmpty() && service.firstKey() < latestDay - RETENTION_DAYS) {
            service.pollFirstEntry();
        }
    }

    /** Adds another history (an anonymous visitor's, once identified) to this one. */
    void absorb(UserHistory other) {
        int before = days.containsKey(other.sessionDay) ? days.get(other.sessionDay).snapshots.length / SNAPSHOT_FIELDS : 0;
        if (other.sessionStartMillis != Long.MIN_VALUE && other.sessionStartMillis >= sessionStartMillis) {
            // the visitor's session is the latest: it goes on as the user's (a login within a visit)
            sessionStartMillis = other.sessionStartMillis;
            sessionDay = other.sessionDay;
            sessionFirstSnapshot = before + other.sessionFirstSnapshot;
            session = other.session.clone();
        }
        other.days.forEach((day, d) -> days.computeIfAbsent(day, k -> new Day()).merge(d));
        other.service.forEach((day, d) -> service.computeIfAbsent(day, k -> new Service()).merge(d));
        lastEventMillis = Math.max(lastEventMillis, other.lastEventMillis);
        if (other.accountKnownMillis != Long.MIN_VALUE
                && (accountKnownMillis == Long.MIN_VALUE || other.accountKnownMillis < accountKnownMillis)) {
            accountKnownMillis = other.accountKnownMillis;
            accountCreatedDay = other.accountCreatedDay;
        }
        int latest = Math.max(days.isEmpty() ? Integer.MIN_VALUE : days.lastKey(),
                service.isEmpty() ? Integer.MIN_VALUE : service.lastKey());
        if (latest != Integer.MIN_VALUE) {
            prune(latest);
        }
    }

    /** The binary form (big-endian, {@link DataOutputStream}), starting with format byte {@value #FORMAT}. */
    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + days.size() * 96);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(lastEventMillis);
            out.writeLong(accountCreatedDay);
            out.writeLong(accountKnownMillis);
            out.writeInt(days.size());
            for (Map.Entry<Integer, Day> e : days.entrySet()) {
                Day d = e.getValue();
                out.writeInt(e.getKey());
                for (int v : new int[] {d.events, d.pages, d.views, d.searches, d.adds, d.removes, d.cartViews, d.checkouts,
                        d.orders, d.refunds, d.coupons, d.wishlist, d.reviews, d.sessions, d.sessionSeconds,
                        d.discountedOrders, d.firstMs, d.lastMs, d.lastOrderMs}) {
                    out.writeInt(v);
                }
                out.writeDouble(d.revenue);
                out.writeDouble(d.discount);
                writeTags(out, d.categories);
                writeTags(out, d.brands);
                out.writeShort(d.snapshots.length);
                for (int v : d.snapshots) {
                    out.writeInt(v);
                }
            }
            out.writeInt(service.size());
            for (Map.Entry<Integer, Service> e : service.entrySet()) {
                Service d = e.getValue();
                out.writeInt(e.getKey());
                out.writeInt(d.deliveries);
                out.writeInt(d.lateDeliveries);
                out.writeInt(d.tickets);
                out.writeInt(d.lastLateMs);
                out.writeInt(d.lastTicketMs);
            }
            out.writeLong(sessionStartMillis);
            out.writeInt(sessionDay);
            out.writeInt(sessionFirstSnapshot);
            for (int v : session) {
                out.writeInt(v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeTags(DataOutputStream out, int[] tags) throws IOException {
        out.writeByte(tags.length);
        for (int t : tags) {
            out.writeInt(t);
        }
    }

    /**
     * Reads the binary form.
     *
     * @throws IllegalStateException when the bytes are not a history of a known format
     */
    static UserHistory decode(byte[] bytes) {
        UserHistory h = new UserHistory();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format < 1 || format > FORMAT) {
                throw new IllegalStateException("unknown churn history format " + format);
            }
            h.lastEventMillis = in.readLong();
            h.accountCreatedDay = in.readLong();
            h.accountKnownMillis = in.readLong();
            int n = in.readInt();
            if (n < 0 || n > RETENTION_DAYS + 2) {
                throw new IllegalStateException("corrupt churn history: " + n + " days");
            }
            for (int i = 0; i < n; i++) {
                int day = in.readInt();
                Day d = new Day();
                d.events = in.readInt();
                d.pages = in.readInt();
                d.views = in.readInt();
                d.searches = in.readInt();
                d.adds = in.readInt();
                d.removes = in.readInt();
                d.cartViews = in.readInt();
                d.checkouts = in.readInt();
                d.orders = in.readInt();
                d.refunds = in.readInt();
                d.coupons = in.readInt();
                d.wishlist = in.readInt();
                d.reviews = in.readInt();
                d.sessions = in.readInt();
                d.sessionSeconds = in.readInt();
                d.discountedOrders = in.readInt();
                d.firstMs = in.readInt();
                d.lastMs = in.readInt();
                d.lastOrderMs = in.readInt();
                d.revenue = in.readDouble();
                d.discount = in.readDouble();
                d.categories = readTags(in);
                d.brands = readTags(in);
                if (format >= 3) {
                    int k = in.readUnsignedShort();
                    if (k % SNAPSHOT_FIELDS != 0) {
                        throw new IllegalStateException("corrupt churn history: " + k + " snapshot ints");
                    }
                    d.snapshots = new int[k];
                    for (int j = 0; j < k; j++) {
                        d.snapshots[j] = in.readInt();
                    }
                }
                h.days.put(day, d);
            }
            int m = format == 1 ? 0 : in.readInt();
            if (m < 0 || m > RETENTION_DAYS + 2) {
                throw new IllegalStateException("corrupt churn history: " + m + " service days");
            }
            for (int i = 0; i < m; i++) {
                int day = in.readInt();
                Service d = new Service();
                d.deliveries = in.readInt();
                d.lateDeliveries = in.readInt();
                d.tickets = in.readInt();
                d.lastLateMs = in.readInt();
                d.lastTicketMs = in.readInt();
                h.service.put(day, d);
            }
            if (format >= 3) {
                h.sessionStartMillis = in.readLong();
                h.sessionDay = in.readInt();
                h.sessionFirstSnapshot = in.readInt();
                for (int j = 0; j < SESSION_COUNTERS; j++) {
                    h.session[j] = in.readInt();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("corrupt churn history", e);
        }
        return h;
    }

    private static int[] readTags(DataInputStream in) throws IOException {
        int n = in.readUnsignedByte();
        if (n > MAX_TAGS_PER_DAY) {
            throw new IllegalStateException("corrupt churn history: " + n + " tags");
        }
        int[] tags = new int[n];
        for (int i = 0; i < n; i++) {
            tags[i] = in.readInt();
        }
        return tags;
    }
}
