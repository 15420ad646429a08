package io.footfall.testkit;

import io.footfall.api.store.StateStore;
import io.footfall.api.store.TimersInState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link StateStore} in memory, with the host's limits (keys at most 512 characters, values at most 16 MB)
 * and its transactional behaviour: between {@link #begin()} and {@link #commit()} writes are pending and
 * visible to the plugin only; {@link #rollback()} discards them, as the host does for a batch that fails.
 * Outside a transaction, writes apply at once. Values are copied in and out.
 *
 * @since 0.1
 */
public final class InMemoryStateStore implements StateStore {

    /** Longest key the host accepts. */
    public static final int MAX_KEY_LENGTH = 512;
    /** Largest value the host accepts, in bytes. */
    public static final int MAX_VALUE_BYTES = 16 * 1024 * 1024;

    private static final byte[] DELETED = new byte[0];

    private final TreeMap<String, byte[]> committed = new TreeMap<>();
    private TreeMap<String, byte[]> pending;

    /** An empty store. */
    public InMemoryStateStore() {
    }

    @Override
    public synchronized Optional<byte[]> get(String key) {
        checkKey(key);
        byte[] value = pending != null && pending.containsKey(key) ? pending.get(key) : committed.get(key);
        return value == null || value == DELETED ? Optional.empty() : Optional.of(value.clone());
    }

    @Override
    public synchronized void put(String key, byte[] value) {
        TimersInState.refuseHostKey(key);
        write(key, value);
    }

    private synchronized void write(String key, byte[] value) {
        checkKey(key);
        Objects.requireNonNull(value, "value");
        if (value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("state value of " + value.length + " bytes exceeds " + MAX_VALUE_BYTES);
        }
        (pending != null ? pending : committed).put(key, value.clone());
    }

    @Override
    public synchronized void delete(String key) {
        TimersInState.refuseHostKey(key);
        remove(key);
    }

    private synchronized void remove(String key) {
        checkKey(key);
        if (pending != null) {
            pending.put(key, DELETED);
        } else {
            committed.remove(key);
        }
    }

    @Override
    public synchronized List<String> keys(String prefix, int limit) {
        Objects.requireNonNull(prefix, "prefix");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        List<String> out = new ArrayList<>();
        for (String key : view().keySet()) {
            if (out.size() >= limit) {
                break;
            }
            if (key.startsWith(prefix)) {
                out.add(key);
            }
        }
        return out;
    }

    /** Starts a transaction: later writes are pending until {@link #commit()} or {@link #rollback()}. */
    public synchronized void begin() {
        if (pending != null) {
            throw new IllegalStateException("a transaction is already open");
        }
        pending = new TreeMap<>();
    }

    /** Applies the pending writes. */
    public synchronized void commit() {
        if (pending == null) {
            throw new IllegalStateException("no open transaction");
        }
        pending.forEach((k, v) -> {
            if (v == DELETED) {
                committed.remove(k);
            } else {
                committed.put(k, v);
            }
        });
        pending = null;
    }

    /** Discards the pending writes. */
    public synchronized void rollback() {
        pending = null;
    }

    /** True while a transaction is open. */
    public synchronized boolean inTransaction() {
        return pending != null;
    }

    /**
     * A store holding this one's committed content (pending writes are not copied, as another process instance
     * reading the database would not see them).
     *
     * @since 0.3
     */
    public synchronized InMemoryStateStore copy() {
        InMemoryStateStore out = new InMemoryStateStore();
        committed.forEach((k, v) -> out.committed.put(k, v.clone()));
        return out;
    }

    /** Removes everything, pending writes included. */
    public synchronized void clear() {
        committed.clear();
        pending = null;
    }

    /** Number of keys (as the plugin sees them). */
    public synchronized int size() {
        return view().size();
    }

    /** A copy of the content as the plugin sees it, sorted by key. */
    public synchronized Map<String, byte[]> snapshot() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        view().forEach((k, v) -> out.put(k, v.clone()));
        return Collections.unmodifiableMap(out);
    }

    /** True when both snapshots hold the same keys with byte-equal values. */
    public static boolean sameContent(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private TreeMap<String, byte[]> view() {
        if (pending == null || pending.isEmpty()) {
            return committed;
        }
        TreeMap<String, byte[]> merged = new TreeMap<>(committed);
        pending.forEach((k, v) -> {
            if (v == DELETED) {
                merged.remove(k);
            } else {
                merged.put(k, v);
            }
        });
        return merged;
    }

    /**
     * This store as the host writes it: keys of {@link TimersInState#HOST_PREFIX} (the plugin's timers) are accepted, as
     * the host's own writes; the plugin's are refused.
     *
     * @since 1.9
     */
    public StateStore hostView() {
        return TimersInState.hostView(this, this::write, this::remove);
    }

    private static void checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("state key must have 1 to " + MAX_KEY_LENGTH + " characters: length " + key.length());
        }
    }
}
