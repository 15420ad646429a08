package io.footfall.core.plugin;

import io.footfall.core.store.PluginResultRecorded;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;

/**
 * Keeps the latest result per plugin, type and key in {@code plugin_result}, for the insights and
 * results APIs. Written in the same transaction that appends the {@link PluginResultRecorded} events
 * to the log, so the read model and the log agree without a stream consumer re-reading every event.
 */
final class ResultReadModel {

    private ResultReadModel() {
    }

    /** Upserts results on the given (transaction-bound) connection; {@code position} is the log position they were computed at. */
    static void upsert(Connection c, List<PluginResultRecorded> results, long position) throws SQLException {
        if (results.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = c.prepareStatement(
                "INSERT INTO plugin_result (plugin_id, result_type, result_key, user_id, payload, position, recorded_at) "
                        + "VALUES (?, ?, ?, ?, ?::jsonb, ?, ?) ON CONFLICT (plugin_id, result_type, result_key) DO UPDATE SET "
                        + "user_id = EXCLUDED.user_id, payload = EXCLUDED.payload, position = EXCLUDED.position, recorded_at = EXCLUDED.recorded_at")) {
            // only the latest result per key: a batch may publish a key twice (a user entering and leaving a segment),
            // and one multi-row upsert (pgjdbc's reWriteBatchedInserts) cannot touch a row twice
            java.util.Map<List<String>, PluginResultRecorded> latest = new java.util.LinkedHashMap<>();
            for (PluginResultRecorded r : results) {
                latest.remove(List.of(r.pluginId(), r.resultType(), r.key()));
                latest.put(List.of(r.pluginId(), r.resultType(), r.key()), r);
            }
            for (PluginResultRecorded r : latest.values()) {
                upsert.setString(1, r.pluginId());
                upsert.setString(2, r.resultType());
                upsert.setString(3, r.key());
                upsert.setString(4, r.userId());
                upsert.setString(5, r.payload());
                upsert.setLong(6, position);
                upsert.setTimestamp(7, Timestamp.from(r.recordedAt()));
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }
}
