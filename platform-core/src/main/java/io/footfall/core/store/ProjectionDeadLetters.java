package io.footfall.core.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The projections' dead letters (ADR 0023): events a projection failed on every time, parked by {@link PoisonEvents}
 * and skipped by the projection's processor from then on. A replay of the projection tries them again.
 *
 * <p>A letter holds the event's position, id and type and the error's class names and SQL states, never the event's
 * data or the error's message (database errors quote rows).
 */
@ApplicationScoped
public class ProjectionDeadLetters {

    /** Parked: skipped, waiting for an operator. */
    public static final String PARKED = "PARKED";
    /** Dropped: still skipped; an operator has seen it and accepts the gap. */
    public static final String DROPPED = "DROPPED";
    /** Replayed: the projection was replayed since, which tried the event again. */
    public static final String REPLAYED = "REPLAYED";
    /** Every status, for validating filters. */
    public static final List<String> STATUSES = List.of(PARKED, DROPPED, REPLAYED);

    /**
     * A parked event.
     *
     * @param id        the letter's id
     * @param processor the projection's processor
     * @param position  the event's position in the log
     * @param eventId   the event's message id
     * @param eventType the event's type, e.g. {@code Product Viewed}
     * @param error     why it failed: exception classes and SQL states
     * @param status    {@link #PARKED}, {@link #DROPPED} or {@link #REPLAYED}
     * @param createdAt when it was parked
     * @param updatedAt when its status last changed
     */
    public record DeadLetter(long id, String processor, long position, String eventId, String eventType, String error,
                             String status, Instant createdAt, Instant updatedAt) {
    }

    @Inject
    DataSource dataSource;

    /**
     * Parks an event, in a transaction of its own; nothing when the processor already skips that position (another
     * instance parked it first).
     */
    public void park(String processor, long position, String eventId, String eventType, String error) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO projection_dead_letter (processor, position, event_id, event_type, error, created_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            Timestamp now = Timestamp.from(Instant.now());
            s.setString(1, processor);
            s.setLong(2, position);
            s.setString(3, cut(eventId, 100));
            s.setString(4, cut(eventType, 200));
            s.setString(5, cut(error, 1000));
            s.setTimestamp(6, now);
            s.setTimestamp(7, now);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot park a dead letter of " + processor, e);
        }
    }

    /** The positions the processor skips (parked or dropped letters), read on the caller's connection. */
    Set<Long> skipped(Connection c, String processor) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT position FROM projection_dead_letter WHERE processor = ? AND status IN ('PARKED', 'DROPPED')")) {
            s.setString(1, processor);
            try (ResultSet rs = s.executeQuery()) {
                Set<Long> out = new HashSet<>();
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
                return out;
            }
        }
    }

    /** The positions the processor skips, in a connection of its own. */
    public Set<Long> skipped(String processor) {
        try (Connection c = dataSource.getConnection()) {
            return skipped(c, processor);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the dead letters of " + processor, e);
        }
    }

    /**
     * Before a replay, on the replay's transaction: the processor's letters are tried again, so none is skipped any
     * more. An event that still fails is parked again, as a new letter.
     */
    public void replaying(String processor) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE projection_dead_letter SET status = 'REPLAYED', updated_at = ? WHERE processor = ? AND status IN ('PARKED', 'DROPPED')")) {
            s.setTimestamp(1, Timestamp.from(Instant.now()));
            s.setString(2, processor);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot mark the dead letters of " + processor + " replayed", e);
        }
    }

    /** Letters of a processor (of one status, or all), oldest first. */
    public List<DeadLetter> list(String processor, String status, int limit) {
        List<DeadLetter> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(SELECT
                + " WHERE processor = ? AND (CAST(? AS VARCHAR) IS NULL OR status = ?) ORDER BY id LIMIT ?")) {
            s.setString(1, processor);
            s.setString(2, status);
            s.setString(3, status);
            s.setInt(4, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the dead letters of " + processor, e);
        }
        return out;
    }

    /** One letter of a processor. */
    public Optional<DeadLetter> get(String processor, long id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(SELECT + " WHERE processor = ? AND id = ?")) {
            s.setString(1, processor);
            s.setLong(2, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the dead letters of " + processor, e);
        }
    }

    /** Marks a parked letter dropped; false when it is not parked. */
    public boolean drop(String processor, long id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE projection_dead_letter SET status = 'DROPPED', updated_at = ? WHERE processor = ? AND id = ? AND status = 'PARKED'")) {
            s.setTimestamp(1, Timestamp.from(Instant.now()));
            s.setString(2, processor);
            s.setLong(3, id);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop a dead letter of " + processor, e);
        }
    }

    /** Parked letters of a processor. */
    public long parked(String processor) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM projection_dead_letter WHERE processor = ? AND status = 'PARKED'")) {
            s.setString(1, processor);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the dead letters of " + processor, e);
        }
    }

    private static String cut(String value, int length) {
        String v = value == null ? "" : value;
        return v.length() > length ? v.substring(0, length) : v;
    }

    private static final String SELECT = "SELECT id, processor, position, event_id, event_type, error, status, created_at, updated_at "
            + "FROM projection_dead_letter";

    private static DeadLetter row(ResultSet rs) throws SQLException {
        return new DeadLetter(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getTimestamp(8).toInstant(), rs.getTimestamp(9).toInstant());
    }
}
