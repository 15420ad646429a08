package io.footfall.core.plugin;

import io.footfall.core.store.PluginResultRecorded;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import javax.sql.DataSource;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.TrackingToken;

/** Keeps the latest result per plugin, type and key in {@code plugin_result}, for the insights and results APIs. */
@Singleton
public class ResultProjection {

    @Inject
    DataSource dataSource;

    @EventHandler
    public void on(PluginResultRecorded r, TrackingToken token) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement upsert = c.prepareStatement(
                "INSERT INTO plugin_result (plugin_id, result_type, result_key, user_id, payload, position, recorded_at) "
                        + "VALUES (?, ?, ?, ?, ?::jsonb, ?, ?) ON CONFLICT (plugin_id, result_type, result_key) DO UPDATE SET "
                        + "user_id = EXCLUDED.user_id, payload = EXCLUDED.payload, position = EXCLUDED.position, recorded_at = EXCLUDED.recorded_at "
                        + "WHERE plugin_result.position <= EXCLUDED.position")) {
            upsert.setString(1, r.pluginId());
            upsert.setString(2, r.resultType());
            upsert.setString(3, r.key());
            upsert.setString(4, r.userId());
            upsert.setString(5, r.payload());
            upsert.setLong(6, token.position().orElse(0));
            upsert.setTimestamp(7, Timestamp.from(r.recordedAt()));
            upsert.executeUpdate();
        }
    }

    /** Clears the read model before a replay. Call inside a transaction. */
    public void clear(Connection c) throws SQLException {
        try (var s = c.createStatement()) {
            s.execute("TRUNCATE plugin_result");
        }
    }
}
