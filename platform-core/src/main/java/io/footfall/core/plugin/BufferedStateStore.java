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
 * that also moves the plugin's position: state and position never disagree.
 */
final class BufferedStateStore implements StateStore {

    private static final int MAX_KEY = 512;
    private static final int MAX_VALUE = 16 * 1024 * 1024;

    private final String pluginId;
    private final DataSource dataSource;
    /** key → new value, or null for a delete. */
    private final Map<String, byte[]> pending = new HashMap<>();

    BufferedStateStore(String pluginId, DataSource dataSource) {
        this.pluginId = pluginId;
        this.dataSource = dataSource;
    }

    @Override
    public synchronized Optional<byte[]> get(String key) {
        if (pending.containsKey(key)) {
            return Optional.ofNullable(pending.get(key));
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT value FROM plugin_state WHERE plugin_id = ? AND key = ?")) {
            s.setString(1, pluginId);
            s.setString(2, key);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read plugin state", e);
        }
    }

    @Override
    public synchronized void put(String key, byte[] value) {
        check(key);
        if (value == null || value.length > MAX_VALUE) {
            throw new IllegalArgumentException("state values must be present and at most 16 MB");
        }
        pending.put(key, value.clone());
    }

    @Override
    public synchronized void delete(String key) {
        check(key);
        pending.put(key, null);
    }

    @Override
    public synchronized List<String> keys(String prefix, int limit) {
        TreeSet<String> keys = new TreeSet<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT key FROM plugin_state WHERE plugin_id = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?")) {
            s.setString(1, pluginId);
            s.setString(2, prefix);
            s.setString(3, prefix + Character.MAX_VALUE);
            s.setInt(4, limit + pending.size());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read plugin state", e);
        }
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

    /** Writes buffered changes on the given (transaction-bound) connection. */
    synchronized void flush(Connection c) throws SQLException {
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

    /** Forgets buffered changes (the batch failed). */
    synchronized void discard() {
        pending.clear();
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
