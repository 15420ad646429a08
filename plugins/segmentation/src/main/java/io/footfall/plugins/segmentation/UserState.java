package io.footfall.plugins.segmentation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the plugin keeps about one user (keyed by the user id, or the anonymous id until the visitor is
 * identified): the profile facts the rules and features need, folded from the consumed events; the recent
 * timestamps of each rule counter; the current segment memberships; and the RFM scores.
 *
 * <p>All times are event times in epoch milliseconds. Encoded with {@link DataOutputStream}, format {@value #FORMAT}.
 */
final class UserState {

    /**
     * Format 3 added {@link #lastTransitionAt} and {@link #sameInstant}; format 2 added {@link #anonymous}; formats 1
     * and 2 still decode.
     */
    static final byte FORMAT = 3;
    /** Most distinct categories kept per user. */
    static final int MAX_CATEGORIES = 200;

    long firstSeen = Long.MIN_VALUE;
    long lastSeen = Long.MIN_VALUE;
    long events;
    long productViews;
    long cartAdds;
    long checkouts;
    long orders;
    double revenue;
    long lastOrderAt = Long.MIN_VALUE;
    long sessions;
    long sessionEvents;
    long sessionMillis;
    long sessionStart = Long.MIN_VALUE;
    /** Category → product views, cart adds and ordered lines (counts). */
    final TreeMap<String, Long> categories = new TreeMap<>();
    /** Counter key → the most recent matching event times, ascending, at most the counter's cap. */
    final TreeMap<String, long[]> windows = new TreeMap<>();
    /** Segment id → membership score, for the segments the user is in now. */
    final TreeMap<String, Double> memberships = new TreeMap<>();
    /** RFM scores 1–5, 0 when not scored. */
    int r;
    int f;
    int m;
    /** True when the key is an anonymous id (the latest event had no user id): derived events carry it as such. */
    boolean anonymous;
    /** The instant of the user's scheduled re-evaluation (expiry index key), or {@link Long#MAX_VALUE}. */
    long expiryAt = Long.MAX_VALUE;
    /** Event time of the user's latest segment transition. */
    long lastTransitionAt = Long.MIN_VALUE;
    /** "segment|change" → transitions of that kind at {@link #lastTransitionAt} so far. */
    final TreeMap<String, Integer> sameInstant = new TreeMap<>();

    /**
     * Counts a transition ({@code fact} = "segment|change") at event time {@code at}; returns how many of the same
     * kind the user had at that millisecond before it (0 for the first). Entering, leaving and re-entering a segment
     * within one millisecond are three facts, and the third needs a key of its own.
     */
    int repeatAt(String fact, long at) {
        if (at != lastTransitionAt) {
            lastTransitionAt = at;
            sameInstant.clear();
        }
        return sameInstant.merge(fact, 1, Integer::sum) - 1;
    }

    boolean isEmpty() {
        return events == 0;
    }

    /** Adds one event time to a counter, keeping the {@code cap} most recent. */
    void count(String counter, long at, int cap) {
        long[] old = windows.get(counter);
        long[] next;
        if (old == null) {
            next = new long[] {at};
        } else {
            next = Arrays.copyOf(old, old.length + 1);
            next[old.length] = at;
            Arrays.sort(next);
            if (next.length > cap) {
                next = Arrays.copyOfRange(next, next.length - cap, next.length);
            }
        }
        windows.put(counter, next);
    }

    /** Number of a counter's event times in {@code (now − within, now]}. */
    int countWithin(String counter, long now, long within) {
        long[] times = windows.get(counter);
        if (times == null) {
            return 0;
        }
        int n = 0;
        for (long t : times) {
            if (t > now - within && t <= now) {
                n++;
            }
        }
        return n;
    }

    /** Drops counter times that can no longer be inside their window at {@code now}. */
    void prune(String counter, long now, long within) {
        long[] times = windows.get(counter);
        if (times == null) {
            return;
        }
        int keep = 0;
        for (long t : times) {
            if (t > now - within) {
                keep++;
            }
        }
        if (keep == 0) {
            windows.remove(counter);
        } else if (keep < times.length) {
            windows.put(counter, Arrays.copyOfRange(times, times.length - keep, times.length));
        }
    }

    /** Takes over another state (an anonymous visitor's history when the visitor is identified). */
    void absorb(UserState o) {
        if (isEmpty()) {
            firstSeen = o.firstSeen;
            lastSeen = o.lastSeen;
            sessionStart = o.sessionStart;
        } else {
            firstSeen = Math.min(firstSeen, o.firstSeen);
            if (o.lastSeen > lastSeen) {
                lastSeen = o.lastSeen;
                sessionStart = o.sessionStart;
            }
        }
        events += o.events;
        productViews += o.productViews;
        cartAdds += o.cartAdds;
        checkouts += o.checkouts;
        orders += o.orders;
        revenue += o.revenue;
        lastOrderAt = Math.max(lastOrderAt, o.lastOrderAt);
        sessions += o.sessions;
        sessionEvents += o.sessionEvents;
        sessionMillis += o.sessionMillis;
        o.categories.forEach((c, n) -> categories.merge(c, n, Long::sum));
        o.windows.forEach((k, times) -> {
            long[] mine = windows.get(k);
            if (mine == null) {
                windows.put(k, times.clone());
            } else {
                long[] all = Arrays.copyOf(mine, mine.length + times.length);
                System.arraycopy(times, 0, all, mine.length, times.length);
                Arrays.sort(all);
                int cap = Math.max(mine.length, times.length);
                windows.put(k, Arrays.copyOfRange(all, Math.max(0, all.length - cap), all.length));
            }
        });
    }

    /** Counts a category, keeping at most {@value #MAX_CATEGORIES} (the rarest is dropped). */
    void category(String category, long n) {
        categories.merge(category, n, Long::sum);
        if (categories.size() > MAX_CATEGORIES) {
            String rarest = null;
            long least = Long.MAX_VALUE;
            for (Map.Entry<String, Long> e : categories.entrySet()) {
                if (e.getValue() < least) {
                    least = e.getValue();
                    rarest = e.getKey();
                }
            }
            categories.remove(rarest);
        }
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            for (long v : new long[] {firstSeen, lastSeen, events, productViews, cartAdds, checkouts, orders, lastOrderAt,
                    sessions, sessionEvents, sessionMillis, sessionStart, expiryAt}) {
                out.writeLong(v);
            }
            out.writeDouble(revenue);
            out.writeByte(r);
            out.writeByte(f);
            out.writeByte(m);
            out.writeInt(categories.size());
            for (Map.Entry<String, Long> e : categories.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeInt(windows.size());
            for (Map.Entry<String, long[]> e : windows.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                for (long t : e.getValue()) {
                    out.writeLong(t);
                }
            }
            out.writeInt(memberships.size());
            for (Map.Entry<String, Double> e : memberships.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeDouble(e.getValue());
            }
            out.writeBoolean(anonymous);
            out.writeLong(lastTransitionAt);
            out.writeInt(sameInstant.size());
            for (Map.Entry<String, Integer> e : sameInstant.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static UserState decode(byte[] bytes) {
        UserState s = new UserState();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format < 1 || format > FORMAT) {
                throw new IllegalStateException("unknown segmentation state format " + format);
            }
            s.firstSeen = in.readLong();
            s.lastSeen = in.readLong();
            s.events = in.readLong();
            s.productViews = in.readLong();
            s.cartAdds = in.readLong();
            s.checkouts = in.readLong();
            s.orders = in.readLong();
            s.lastOrderAt = in.readLong();
            s.sessions = in.readLong();
            s.sessionEvents = in.readLong();
            s.sessionMillis = in.readLong();
            s.sessionStart = in.readLong();
            s.expiryAt = in.readLong();
            s.revenue = in.readDouble();
            s.r = in.readByte();
            s.f = in.readByte();
            s.m = in.readByte();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                s.categories.put(in.readUTF(), in.readLong());
            }
            n = in.readInt();
            for (int i = 0; i < n; i++) {
                String key = in.readUTF();
                long[] times = new long[in.readInt()];
                for (int j = 0; j < times.length; j++) {
                    times[j] = in.readLong();
                }
                s.windows.put(key, times);
            }
            n = in.readInt();
            for (int i = 0; i < n; i++) {
                s.memberships.put(in.readUTF(), in.readDouble());
            }
            s.anonymous = format >= 2 && in.readBoolean();
            if (format >= 3) {
                s.lastTransitionAt = in.readLong();
                n = in.readInt();
                for (int i = 0; i < n; i++) {
                    s.sameInstant.put(in.readUTF(), in.readInt());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("corrupt segmentation state", e);
        }
        return s;
    }
}
