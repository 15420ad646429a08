package io.footfall.core.plugin;

import io.footfall.api.store.StateStore;
import io.footfall.api.store.TimersInState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * A plugin's state in {@code plugin_state}. Writes are buffered while the plugin handles a batch
 * (on its own thread) and flushed by the host on the processor's thread, inside the transaction
 * that also moves the plugin's position: state and position never disagree. Training buffers its
 * writes apart ({@link Lane}): they commit when training succeeds, never with a batch, and a failed
 * batch does not drop them (nor a failed training a batch's); so does each delivery of a batch
 * ({@link Lane.Batch}), for plugins folded on several segments at once. Reads see the caller's own
 * share's pending writes, then what is committed.
 */
final class BufferedStateStore implements StateStore {

    private static final int MAX_KEY = 512;
    private static final int MAX_VALUE = 16 * 1024 * 1024;

    private final String pluginId;
    private final DataSource dataSource;
    /** Per share ({@link Lane#currentShare()}): key → new value, or {@link #DELETED}. Guarded by {@code this}. */
    private final Map<Object, Map<String, byte[]>> pendingByShare = new HashMap<>();
    /** Marks a deleted key in a share's buffer. */
    private static final byte[] DELETED = new byte[0];

    BufferedStateStore(String pluginId, DataSource dataSource) {
        this.pluginId = pluginId;
        this.dataSource = dataSource;
    }

    /** The share's buffer; callers hold {@code this}. */
    private Map<String, byte[]> pending(Object share) {
        return pendingByShare.computeIfAbsent(share, l -> new HashMap<>());
    }

    /**
     * What the current share (and the share it falls back to) has pending for the key: null when nothing, {@link #DELETED}
     * for a delete. Callers hold {@code this}.
     */
    private byte[] pendingValue(Object share, String key) {
        for (Object s = share; s != null; s = Lane.fallback(s)) {
            Map<String, byte[]> pending = pendingByShare.get(s);
            if (pending != null && pending.containsKey(key)) {
                return pending.get(key);
            }
        }
        return null;
    }

    /** The keys the share has written or deleted and not yet flushed (for tests). */
    synchronized java.util.Set<String> pendingKeys(Object share) {
        return java.util.Set.copyOf(pending(share).keySet());
    }

    // reads of committed state run outside the monitor: batches of several segments read at once (ADR 0021)
    @Override
    public Optional<byte[]> get(String key) {
        Object share = Lane.currentShare();
        synchronized (this) {
            byte[] value = pendingValue(share, key);
            if (value != null) {
                return value == DELETED ? Optional.empty() : Optional.of(value);
            }
        }
        return HostIo.call(() -> {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT value FROM plugin_state WHERE plugin_id = ? AND key = ?")) {
                s.setString(1, pluginId);
                s.setString(2, key);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.<byte[]>empty();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read plugin state", e);
            }
        });
    }

    /** One {@code key = ANY(?)} query for the keys the caller's share has not written (those answer from the buffer). */
    @Override
    public Map<String, byte[]> getAll(java.util.Collection<String> keys) {
        Object share = Lane.currentShare();
        Map<String, byte[]> out = new HashMap<>();
        List<String> read = new ArrayList<>();
        synchronized (this) {
            for (String key : new java.util.LinkedHashSet<>(keys)) {
                byte[] value = pendingValue(share, key);
                if (value == null) {
                    read.add(key);
                } else if (value != DELETED) {
                    out.put(key, value);
                }
            }
        }
        if (read.isEmpty()) {
            return out;
        }
        return HostIo.call(() -> {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT key, value FROM plugin_state WHERE plugin_id = ? AND key = ANY (?)")) {
                s.setString(1, pluginId);
                s.setArray(2, c.createArrayOf("varchar", read.toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getBytes(2));
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read plugin state", e);
            }
            return out;
        });
    }

    @Override
    public void put(String key, byte[] value) {
        TimersInState.refuseHostKey(key);
        write(key, value);
    }

    private void write(String key, byte[] value) {
        check(key);
        if (value == null || value.length > MAX_VALUE) {
            throw new IllegalArgumentException("state values must be present and at most 16 MB");
        }
        byte[] copy = value.clone(); // a new array: never the DELETED instance
        Object share = Lane.currentShare();
        synchronized (this) {
            pending(share).put(key, copy);
        }
    }

    @Override
    public void delete(String key) {
        TimersInState.refuseHostKey(key);
        remove(key);
    }

    private void remove(String key) {
        check(key);
        Object share = Lane.currentShare();
        synchronized (this) {
            pending(share).put(key, DELETED);
        }
    }

    @Override
    public List<String> keys(String prefix, int limit) {
        Object share = Lane.currentShare();
        Map<String, byte[]> pending = new HashMap<>();
        synchronized (this) {
            // the fallback share first, so that the current share's own writes win
            List<Object> shares = new ArrayList<>();
            for (Object s = share; s != null; s = Lane.fallback(s)) {
                shares.add(0, s);
            }
            for (Object s : shares) {
                Map<String, byte[]> p = pendingByShare.get(s);
                if (p != null) {
                    pending.putAll(p);
                }
            }
        }
        int pendingCount = pending.size();
        TreeSet<String> keys = HostIo.call(() -> {
            TreeSet<String> stored = new TreeSet<>();
            try (Connection c = dataSource.getConnection();
                 PreparedStatement s = c.prepareStatement(
                         "SELECT key FROM plugin_state WHERE plugin_id = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?")) {
                s.setString(1, pluginId);
                s.setString(2, prefix);
                s.setString(3, prefix + Character.MAX_VALUE);
                s.setLong(4, (long) limit + pendingCount); // long: limit may be Integer.MAX_VALUE
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        stored.add(rs.getString(1));
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read plugin state", e);
            }
            return stored;
        });
        pending.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                if (v == DELETED) {
                    keys.remove(k);
                } else {
                    keys.add(k);
                }
            }
        });
        return new ArrayList<>(keys).subList(0, Math.min(limit, keys.size()));
    }

    /**
     * Writes the share's buffered changes on the given (transaction-bound) connection, in key order: two segments' batches
     * that both write a key lock their rows in one order (no deadlock).
     */
    void flush(Object share, Connection c) throws SQLException {
        java.util.TreeMap<String, byte[]> pending;
        synchronized (this) {
            Map<String, byte[]> buffered = pendingByShare.remove(share);
            if (buffered == null || buffered.isEmpty()) {
                return;
            }
            pending = new java.util.TreeMap<>(buffered);
        }
        try (PreparedStatement upsert = c.prepareStatement("INSERT INTO plugin_state (plugin_id, key, value) VALUES (?, ?, ?) "
                + "ON CONFLICT (plugin_id, key) DO UPDATE SET value = EXCLUDED.value");
             PreparedStatement delete = c.prepareStatement("DELETE FROM plugin_state WHERE plugin_id = ? AND key = ?")) {
            for (Map.Entry<String, byte[]> e : pending.entrySet()) {
                boolean deleted = e.getValue() == DELETED;
                PreparedStatement s = deleted ? delete : upsert;
                s.setString(1, pluginId);
                s.setString(2, e.getKey());
                if (!deleted) {
                    s.setBytes(3, e.getValue());
                }
                s.addBatch();
            }
            upsert.executeBatch();
            delete.executeBatch();
        }
    }

    /** Forgets the share's buffered changes (its batch or training failed). */
    synchronized void discard(Object share) {
        pendingByShare.remove(share);
    }

    /** Deletes all state of the plugin (replay from scratch). */
    static void clear(Connection c, String pluginId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM plugin_state WHERE plugin_id = ?")) {
            s.setString(1, pluginId);
            s.executeUpdate();
        }
    }

    /**
     * The same store as the host writes it: keys of {@link TimersInState#HOST_PREFIX} (the plugin's timers) are accepted.
     */
    StateStore hostView() {
        return TimersInState.hostView(this, this::write, this::remove);
    }

    private static void check(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY) {
            throw new IllegalArgumentException("state keys must be 1 to 512 characters");
        }
    }
}
