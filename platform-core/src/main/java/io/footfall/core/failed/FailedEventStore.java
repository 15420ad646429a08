package io.footfall.core.failed;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Reads and resolves rejected events. Rows are written by the ingest pipeline, in the same commit as the accepted ones. */
@ApplicationScoped
public class FailedEventStore {

    /** The states of a failed event. */
    public enum Status { OPEN, REPROCESSED, DROPPED }

    /**
     * A stored failed event.
     *
     * @param id         id
     * @param status     OPEN until reprocessed or dropped
     * @param event      what was rejected and why
     * @param resolvedAt when it was reprocessed or dropped
     */
    public record Stored(long id, Status status, FailedEvent event, Instant resolvedAt) {
    }

    @Inject
    DataSource dataSource;

    /** A page of failed events with the given status, by id, after {@code afterId}. */
    public List<Stored> list(Status status, long afterId, int limit) {
        List<Stored> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(SELECT + " WHERE status = ? AND id > ? ORDER BY id LIMIT ?")) {
            select.setString(1, status.name());
            select.setLong(2, afterId);
            select.setInt(3, limit);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read failed events", e);
        }
        return rows;
    }

    /**
     * How many failed events with a status there are per reason and field.
     *
     * @param reason the typed reason
     * @param field  the field at fault, or null
     * @param count  events
     */
    public record ReasonCount(String reason, String field, long count) {
    }

    /** Counts of the failed events with the given status per reason and field, most first. */
    public List<ReasonCount> countByReason(Status status) {
        List<ReasonCount> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT reason, field, count(*) FROM failed_event WHERE status = ? "
                     + "GROUP BY reason, field ORDER BY 3 DESC, 1, 2 NULLS FIRST")) {
            select.setString(1, status.name());
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    out.add(new ReasonCount(rs.getString(1), rs.getString(2), rs.getLong(3)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count failed events", e);
        }
        return out;
    }

    /** One failed event. */
    public Optional<Stored> get(long id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(SELECT + " WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read failed events", e);
        }
    }

    /** Marks an open failed event resolved; false when it was not open. */
    public boolean resolve(long id, Status status) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement(
                     "UPDATE failed_event SET status = ?, resolved_at = ? WHERE id = ? AND status = 'OPEN'")) {
            update.setString(1, status.name());
            update.setTimestamp(2, Timestamp.from(Instant.now()));
            update.setLong(3, id);
            return update.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update failed events", e);
        }
    }

    private static final String SELECT = "SELECT id, status, source_id, received_at, reason, field, message, subject, raw, resolved_at, origin_key FROM failed_event";

    private static Stored row(ResultSet rs) throws SQLException {
        Timestamp resolved = rs.getTimestamp(10);
        return new Stored(rs.getLong(1), Status.valueOf(rs.getString(2)),
                new FailedEvent(rs.getString(3), rs.getTimestamp(4).toInstant(), FailureReason.valueOf(rs.getString(5)),
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(11)),
                resolved == null ? null : resolved.toInstant());
    }
}
