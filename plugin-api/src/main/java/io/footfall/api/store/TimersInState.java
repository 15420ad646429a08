package io.footfall.api.store;

import io.footfall.api.Experimental;
import io.footfall.api.plugin.Timer;
import io.footfall.api.plugin.Timers;
import io.footfall.api.plugin.UserRef;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * How a host keeps a plugin's {@link Timers} in the plugin's own state store, so that they commit, roll back and replay
 * with it: the host and the test kit both use this class, plugins use {@link io.footfall.api.plugin.PluginContext#timers()}.
 *
 * <p>Two keys per timer: {@code \u0001t/<due, 15 digits>/<u|a>/<id>} in due order (the index the host scans) and
 * {@code \u0001u/<u|a>/<id>} holding the user's current due time. Setting reads the current key (for many users at
 * once with {@link #setAll}) and replaces both, so the state holds exactly one index key per timer; an index key
 * whose user's current time differs (none is written so) is dropped when it comes due. Keys starting with
 * {@link #HOST_PREFIX} are the host's: the state store given here must accept them, the plugin's must not.
 *
 * @since 1.9
 */
@Experimental("how plugin timers are stored; may change")
public final class TimersInState implements Timers {

    /** Keys starting with this are written by the host only. */
    public static final String HOST_PREFIX = "\u0001";
    private static final String DUE = HOST_PREFIX + "t/";
    private static final String CURRENT = HOST_PREFIX + "u/";
    private static final int DIGITS = 15;

    private final StateStore state;

    /** @param state the plugin's state store, accepting keys of {@link #HOST_PREFIX} */
    public TimersInState(StateStore state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    /**
     * A store as the host writes it: reads go to {@code reads} (the plugin's view, pending writes included), writes to
     * {@code put} and {@code delete}, which accept the host's keys. What a state store that refuses the host's keys to
     * plugins hands this class.
     */
    public static StateStore hostView(StateStore reads, java.util.function.BiConsumer<String, byte[]> put,
                                      java.util.function.Consumer<String> delete) {
        return new StateStore() {
            @Override
            public Optional<byte[]> get(String key) {
                return reads.get(key);
            }

            @Override
            public Map<String, byte[]> getAll(java.util.Collection<String> keys) {
                return reads.getAll(keys);
            }

            @Override
            public void put(String key, byte[] value) {
                put.accept(key, value);
            }

            @Override
            public void delete(String key) {
                delete.accept(key);
            }

            @Override
            public List<String> keys(String prefix, int limit) {
                return reads.keys(prefix, limit);
            }
        };
    }

    /** Whether the key is the host's (plugins may not write it). */
    public static boolean isHostKey(String key) {
        return key.startsWith(HOST_PREFIX);
    }

    /** Refuses a plugin's write of one of the host's keys: what a state store checks before a plugin's put or delete. */
    public static void refuseHostKey(String key) {
        if (key != null && isHostKey(key)) {
            throw new IllegalArgumentException("state keys starting with \\u0001 are the host's (the plugin's timers)");
        }
    }

    @Override
    public void set(UserRef user, Instant at) {
        setAll(Map.of(user, Optional.of(at)));
    }

    @Override
    public void clear(UserRef user) {
        setAll(Map.of(user, Optional.empty()));
    }

    /** Reads the users' current times with one {@link StateStore#getAll}, drops their index keys and writes the new ones. */
    @Override
    public void setAll(Map<UserRef, Optional<Instant>> timers) {
        Map<String, String> dueByCurrentKey = new LinkedHashMap<>();
        timers.forEach((user, at) -> {
            Objects.requireNonNull(user, "user");
            dueByCurrentKey.put(CURRENT + ref(user), at.map(t -> digits(t.toEpochMilli())).orElse(null));
        });
        Map<String, byte[]> current = state.getAll(dueByCurrentKey.keySet());
        dueByCurrentKey.forEach((currentKey, due) -> {
            String ref = currentKey.substring(CURRENT.length());
            byte[] old = current.get(currentKey);
            String was = old == null ? null : new String(old, StandardCharsets.US_ASCII);
            if (Objects.equals(was, due)) {
                return;
            }
            if (was != null) {
                state.delete(DUE + was + "/" + ref);
            }
            if (due == null) {
                state.delete(currentKey);
            } else {
                state.put(currentKey, due.getBytes(StandardCharsets.US_ASCII));
                state.put(DUE + due + "/" + ref, new byte[0]);
            }
        });
    }

    /** The earliest due time of any index key (stale ones included: a lower bound), or {@link Long#MAX_VALUE} when none. */
    public long earliest() {
        List<String> first = state.keys(DUE, 1);
        return first.isEmpty() ? Long.MAX_VALUE : Long.parseLong(first.get(0).substring(DUE.length(), DUE.length() + DIGITS));
    }

    /**
     * Timers taken ({@link #take}) and where the next one stands.
     *
     * @param due  the timers taken, earliest first
     * @param next the due time (epoch millis) of the first index key after the due ones read ({@link Long#MAX_VALUE}:
     *             none; {@link Long#MIN_VALUE}: not known, the read stopped at its limit among due keys)
     */
    public record Taken(List<Timer> due, long next) {
    }

    /**
     * The timers due at {@code watermark} (epoch millis), earliest first, at most {@code limit}; removes them (and the
     * stale index keys passed on the way) from the state, so a timer fires once unless set again.
     */
    public List<Timer> takeDue(long watermark, int limit) {
        return take(watermark, limit, users -> users).due();
    }

    /**
     * The timers due at {@code watermark} (epoch millis) that the caller may take, earliest first, read among at most
     * {@code limit} due index keys; removes them (and stale index keys of those users) from the state, so a timer fires
     * once unless set again. Reads the index in growing pages (128 keys first), so a call with few timers due reads few
     * rows, and learns the next due time on the way. {@code mine} is handed the users of the due keys read and answers
     * those the caller may take (a segment: the users whose person it folds); the other users' keys are left alone,
     * stale or not: only the user's own segment writes them.
     */
    public Taken take(long watermark, int limit, UnaryOperator<Set<UserRef>> mine) {
        Map<String, UserRef> indexKeys = new LinkedHashMap<>();
        long next = Long.MAX_VALUE;
        for (int page = Math.min(limit, 128); ; page = Math.min(limit, page * 8)) {
            List<String> keys = state.keys(DUE, page);
            indexKeys.clear();
            next = Long.MAX_VALUE;
            for (String key : keys) {
                long at = Long.parseLong(key.substring(DUE.length(), DUE.length() + DIGITS));
                if (at > watermark) {
                    next = at;
                    break;
                }
                indexKeys.put(key, parse(key.substring(DUE.length() + DIGITS + 1)));
            }
            if (next != Long.MAX_VALUE || keys.size() < page) {
                break; // read past the due keys, or all of the index
            }
            if (page >= limit) {
                next = Long.MIN_VALUE; // the limit cut the due keys
                break;
            }
        }
        if (indexKeys.isEmpty()) {
            return new Taken(List.of(), next);
        }
        Set<UserRef> taken = mine.apply(new LinkedHashSet<>(indexKeys.values()));
        Set<String> currentKeys = new LinkedHashSet<>();
        indexKeys.forEach((key, user) -> {
            if (taken.contains(user)) {
                currentKeys.add(CURRENT + ref(user));
            }
        });
        if (currentKeys.isEmpty()) {
            return new Taken(List.of(), next);
        }
        Map<String, byte[]> current = state.getAll(currentKeys);
        List<Timer> due = new ArrayList<>();
        indexKeys.forEach((key, user) -> {
            if (!taken.contains(user)) {
                return;
            }
            state.delete(key);
            String digits = key.substring(DUE.length(), DUE.length() + DIGITS);
            String currentKey = CURRENT + ref(user);
            byte[] value = current.get(currentKey);
            // the user's current time names one index key; the others are stale
            if (value != null && digits.equals(new String(value, StandardCharsets.US_ASCII))) {
                state.delete(currentKey);
                due.add(new Timer(user, Instant.ofEpochMilli(Long.parseLong(digits))));
            }
        });
        return new Taken(due, next);
    }

    private static String ref(UserRef user) {
        return (user.anonymous() ? "a/" : "u/") + user.id();
    }

    private static UserRef parse(String ref) {
        return new UserRef(ref.substring(2), ref.charAt(0) == 'a');
    }

    private static String digits(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("a timer is due at or after 1970-01-01: " + Instant.ofEpochMilli(millis));
        }
        String d = Long.toString(millis);
        if (d.length() > DIGITS) {
            throw new IllegalArgumentException("a timer is due before the year 33658: " + Instant.ofEpochMilli(millis));
        }
        return "0".repeat(DIGITS - d.length()) + d;
    }
}
