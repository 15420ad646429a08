package io.footfall.core.plugin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Where the log's event time stood when a plugin's one-segment fold last committed (plugin SPI 1.8,
 * {@code plugin_watermark}): the latest {@code occurredAt} of every behaviour event up to the fold's token, so that the
 * next batch goes on from it. Written in the transaction of the token; cleared with the plugin's state. A plugin folded
 * on several segments reads the event time from the person keyer instead ({@code EventLog#watermarkAt}).
 */
final class FoldWatermark {

    private FoldWatermark() {
    }

    /** The stored event time, epoch millis; {@link Long#MIN_VALUE} when the fold has seen no event yet. */
    static long read(Connection c, String pluginId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT millis FROM plugin_watermark WHERE plugin_id = ?")) {
            s.setString(1, pluginId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : Long.MIN_VALUE;
            }
        }
    }

    /** Stores the event time the fold has reached. */
    static void write(Connection c, String pluginId, long millis) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO plugin_watermark (plugin_id, millis) VALUES (?, ?) "
                + "ON CONFLICT (plugin_id) DO UPDATE SET millis = excluded.millis")) {
            s.setString(1, pluginId);
            s.setLong(2, millis);
            s.executeUpdate();
        }
    }

    /** Forgets where the fold stood (a replay from scratch, with the plugin's state). */
    static void clear(Connection c, String pluginId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM plugin_watermark WHERE plugin_id = ?")) {
            s.setString(1, pluginId);
            s.executeUpdate();
        }
    }
}
