package io.footfall.app;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Direct reads of the test database, to check what is really stored. */
public final class Db {
    private Db() {
    }

    public static long count(DataSource ds, String sql, Object... args) {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public static List<String> strings(DataSource ds, String sql, Object... args) {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
        return out;
    }

    /**
     * Stores a plugin result as the plugin host publishes it (the results read model {@code plugin_result}), replacing
     * one with the same key: tests that need a plugin's output without training it.
     */
    public static void pluginResult(java.sql.Connection c, String plugin, String type, String key, String user, String payload)
            throws java.sql.SQLException {
        try (java.sql.PreparedStatement s = c.prepareStatement("INSERT INTO plugin_result (plugin_id, result_type, result_key, user_id, payload, "
                + "position, recorded_at) VALUES (?, ?, ?, ?, ?::jsonb, 0, now()) ON CONFLICT (plugin_id, result_type, result_key) DO UPDATE SET "
                + "user_id = EXCLUDED.user_id, payload = EXCLUDED.payload, position = 0, recorded_at = now()")) {
            s.setString(1, plugin);
            s.setString(2, type);
            s.setString(3, key);
            s.setString(4, user);
            s.setString(5, payload);
            s.executeUpdate();
        }
    }
}
