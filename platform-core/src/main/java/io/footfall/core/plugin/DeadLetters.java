package io.footfall.core.plugin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Each plugin's dead-letter queue: batches it failed on, kept by log position for retry or drop. */
@ApplicationScoped
public class DeadLetters {

    /**
     * A parked batch.
     *
     * @param id        id
     * @param pluginId  plugin
     * @param positions log positions of the batch's events
     * @param error     why it failed
     * @param attempts  how often it was tried
     * @param status    PARKED, RETRIED or DROPPED
     * @param createdAt when it was first parked
     */
    public record DeadLetter(long id, String pluginId, List<Long> positions, String error, int attempts, String status, Instant createdAt) {
    }

    @Inject
    DataSource dataSource;

    /** Parks a batch on the given (transaction-bound) connection. */
    void park(Connection c, String pluginId, List<Long> positions, String error) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO plugin_dead_letter (plugin_id, positions, first_position, last_position, "
                + "error, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            Timestamp now = Timestamp.from(Instant.now());
            s.setString(1, pluginId);
            s.setArray(2, c.createArrayOf("bigint", positions.toArray()));
            s.setLong(3, positions.get(0));
            s.setLong(4, positions.get(positions.size() - 1));
            s.setString(5, error.length() > 1000 ? error.substring(0, 1000) : error);
            s.setTimestamp(6, now);
            s.setTimestamp(7, now);
            s.executeUpdate();
        }
    }

    /** Parked (or all) dead letters of a plugin, oldest first. */
    public List<DeadLetter> list(String pluginId, String status, int limit) {
        List<DeadLetter> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(SELECT
                + " WHERE plugin_id = ? AND (CAST(? AS VARCHAR) IS NULL OR status = ?) ORDER BY id LIMIT ?")) {
            s.setString(1, pluginId);
            s.setString(2, status);
            s.setString(3, status);
            s.setInt(4, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read dead letters", e);
        }
        return out;
    }

    /** One dead letter. */
    public Optional<DeadLetter> get(String pluginId, long id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(SELECT + " WHERE plugin_id = ? AND id = ?")) {
            s.setString(1, pluginId);
            s.setLong(2, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read dead letters", e);
        }
    }

    /** Counts parked dead letters of a plugin. */
    public long parked(String pluginId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM plugin_dead_letter WHERE plugin_id = ? AND status = 'PARKED'")) {
            s.setString(1, pluginId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read dead letters", e);
        }
    }

    /** Sets the status of a parked letter (and counts an attempt when retried but failed again). */
    void update(Connection c, long id, String status, String error) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE plugin_dead_letter SET status = ?, attempts = attempts + 1, "
                + "error = COALESCE(?, error), updated_at = ? WHERE id = ?")) {
            s.setString(1, status);
            s.setString(2, error == null ? null : error.length() > 1000 ? error.substring(0, 1000) : error);
            s.setTimestamp(3, Timestamp.from(Instant.now()));
            s.setLong(4, id);
            s.executeUpdate();
        }
    }

    /** Marks a letter dropped. */
    public void dropped(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE plugin_dead_letter SET status = 'DROPPED', updated_at = ? WHERE id = ?")) {
            s.setTimestamp(1, Timestamp.from(Instant.now()));
            s.setLong(2, id);
            s.executeUpdate();
        }
    }

    private static final String SELECT = "SELECT id, plugin_id, positions, error, attempts, status, created_at FROM plugin_dead_letter";

    private static DeadLetter row(ResultSet rs) throws SQLException {
        Array positions = rs.getArray(3);
        Long[] values = (Long[]) positions.getArray();
        return new DeadLetter(rs.getLong(1), rs.getString(2), Arrays.asList(values), rs.getString(4), rs.getInt(5),
                rs.getString(6), rs.getTimestamp(7).toInstant());
    }
}
