package io.footfall.core.plugin;

import io.footfall.api.store.StateStore;
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
 * batch does not drop them (nor a failed training a batch's). Reads see the caller's own lane's
 * pending writes, then what is committed.
 */
final class BufferedStateStore implements StateStore {

    private static final int MAX_KEY = 512;
    private static final int MAX_VALUE = 16 * 1024 * 1024;

    private final String pluginId;
    private final DataSource dataSource;
    /** Per lane: key → new value, or null for a delete. */
    private final Map<Lane, Map<String, byte[]>> pendingByLane = new java.util.EnumMap<>(Lane.class);

    BufferedStateStore(String pluginId, DataSource dataSource) {
        this.pluginId = pluginId;
        this.dataSource = dataSource;
    }

    private Map<String, byte[]> pending(Lane lane) {
        return pendingByLane.computeIfAbsent(lane, l -> new HashMap<>());
    }

    /** The keys the lane has written or deleted and not yet flushed (for tests). */
    synchronized java.util.Set<String> pendingKeys(Lane lane) {
        return java.util.Set.copyOf(pending(lane).keySet());
    }

    @Override
    public synchronized Optional<byte[]> get(String key) {
        Map<String, byte[]> pending = pending(Lane.current());
        if (pending.containsKey(key)) {
            return Optional.ofNullable(pending.get(key));
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

    /** One {@code key = ANY(?)} query for the keys the caller's lane has not written (those answer from the buffer). */
    @Override
    public synchronized Map<String, byte[]> getAll(java.util.Collection<String> keys) {
        Map<String, byte[]> pending = pending(Lane.current());
        Map<String, byte[]> out = new HashMap<>();
        List<String> read = new ArrayList<>();
        for (String key : new java.util.LinkedHashSet<>(keys)) {
            if (pending.containsKey(key)) {
                byte[] value = pending.get(key);
                if (value != null) {
                    out.put(key, value);
                }
            } else {
                read.add(key);
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
    public synchronized void put(String key, byte[] value) {
        check(key);
        if (value == null || value.length > MAX_VALUE) {
            throw new IllegalArgumentException("state values must be present and at most 16 MB");
        }
        pending(Lane.current()).put(key, value.clone());
    }

    @Override
    public synchronized void delete(String key) {
        check(key);
        pending(Lane.current()).put(key, null);
    }

    @Override
    public synchronized List<String> keys(String prefix, int limit) {
        Map<String, byte[]> pending = pending(Lane.current());
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
                if (v == null) {
                    keys.remove(k);
                } else {
                    keys.add(k);
                }
            }
        });
        return new ArrayList<>(keys).subList(0, Math.min(limit, keys.size()));
    }

    /** Writes the lane's buffered changes on the given (transaction-bound) connection. */
    synchronized void flush(Lane lane, Connection c) throws SQLException {
        Map<String, byte[]> pending = pending(lane);
        if (pending.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = c.prepareStatement("INSERT INTO plugin_state (plugin_id, key, value) VALUES (?, ?, ?) "
                + "ON CONFLICT (plugin_id, key) DO UPDATE SET value = EXCLUDED.value");
             PreparedStatement delete = c.prepareStatement("DELETE FROM plugin_state WHERE plugin_id = ? AND key = ?")) {
            for (Map.Entry<String, byte[]> e : pending.entrySet()) {
                PreparedStatement s = e.getValue() == null ? delete : upsert;
                s.setString(1, pluginId);
                s.setString(2, e.getKey());
                if (e.getValue() != null) {
                    s.setBytes(3, e.getValue());
                }
                s.addBatch();
            }
            upsert.executeBatch();
            delete.executeBatch();
        }
        pending.clear();
    }

    /** Forgets the lane's buffered changes (its batch or training failed). */
    synchronized void discard(Lane lane) {
        pending(lane).clear();
    }

    /** Deletes all state of the plugin (replay from scratch). */
    static void clear(Connection c, String pluginId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM plugin_state WHERE plugin_id = ?")) {
            s.setString(1, pluginId);
            s.executeUpdate();
        }
    }

    private static void check(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY) {
            throw new IllegalArgumentException("state keys must be 1 to 512 characters");
        }
    }
}
