package io.footfall.core.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;

/**
 * A processor's position as stored in the token store, read without claiming it: what every instance sees,
 * whichever instance holds the segments (several instances share one PostgreSQL, see {@code footfall.roles}).
 */
public final class TokenPositions {

    /** A claim older than this is considered abandoned (Axon's claim timeout in {@link EventLog}). */
    static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(10);

    private TokenPositions() {
    }

    /**
     * The stored state of a processor over its segments.
     *
     * @param position  everything at or below it has been handled (lowest over segments), -1 before the first event
     * @param claimed   whether every segment is claimed by a live instance (its claim renewed within the timeout)
     * @param replaying whether a segment is replaying
     * @param segments  how many segments are stored (0: the processor never ran)
     */
    public record Stored(long position, boolean claimed, boolean replaying, int segments) {
    }

    /**
     * Whether a token is still replaying: a {@link ReplayToken} whose position has not reached the position the log
     * stood at when the replay began. Axon keeps the replay token until an event beyond that position arrives, so on an
     * idle log a finished replay would show as replaying until the next event. (Positions, not {@code covers}: the two
     * tokens may remember different gaps below the same position.)
     */
    public static boolean replaying(TrackingToken token) {
        if (!(token instanceof ReplayToken replay)) {
            return false;
        }
        TrackingToken current = replay.getCurrentToken();
        TrackingToken atReset = replay.getTokenAtReset();
        if (current == null || atReset == null) {
            return current == null;
        }
        return current.position().orElse(-1) < atReset.position().orElse(-1);
    }

    /** Reads a processor's stored tokens. */
    public static Stored read(DataSource dataSource, Serializer serializer, String processor) {
        long position = Long.MAX_VALUE;
        boolean claimed = true;
        boolean replaying = false;
        int segments = 0;
        Instant now = Instant.now();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT token, tokentype, timestamp, owner FROM tokenentry WHERE processorname = ?")) {
            s.setString(1, processor);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    segments++;
                    byte[] bytes = rs.getBytes(1);
                    TrackingToken token = bytes == null ? null
                            : serializer.deserialize(new SimpleSerializedObject<>(bytes, byte[].class, rs.getString(2), null));
                    position = Math.min(position, ProcessedPosition.of(token));
                    replaying |= replaying(token);
                    claimed &= liveOwner(rs.getString(4), rs.getString(3), now) != null;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the token store", e);
        }
        return segments == 0 ? new Stored(-1, false, false, 0) : new Stored(position, claimed, replaying, segments);
    }

    /**
     * One stored segment of a processor and who holds it.
     *
     * @param processor the processor's name
     * @param segment   the segment's id
     * @param owner     the instance (token store node id) holding a live claim on it, or null when nobody does (never
     *                  claimed, released, or the holder's claim was not renewed within the claim timeout)
     */
    public record Claim(String processor, int segment, String owner) {
    }

    /** Every stored segment of every processor, with its live owner. */
    public static List<Claim> claims(DataSource dataSource) {
        List<Claim> claims = new ArrayList<>();
        Instant now = Instant.now();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT processorname, segment, owner, timestamp FROM tokenentry ORDER BY processorname, segment");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                claims.add(new Claim(rs.getString(1), rs.getInt(2), liveOwner(rs.getString(3), rs.getString(4), now)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the token store", e);
        }
        return claims;
    }

    /** A processor's reset was refused: another live instance holds one of its segments. */
    public static final class HeldElsewhereException extends RuntimeException {
        HeldElsewhereException(String processor, String owner) {
            super("processor " + processor + " is held by instance " + owner);
        }
    }

    /**
     * Locks a processor's token rows for the current transaction ({@code SELECT … FOR UPDATE}, on the connection the
     * transaction enlisted) and checks that no other live instance holds a segment. Until the transaction ends, no
     * instance can claim them: a reset (replay) done in the same transaction cannot race with another instance that
     * would otherwise go on folding into a read model being cleared. Call it after this instance's processor has been
     * shut down (its release writes these rows).
     *
     * @throws HeldElsewhereException naming the holder
     */
    public static void lockForReset(DataSource dataSource, String processor, String self) {
        Instant now = Instant.now();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT owner, timestamp FROM tokenentry WHERE processorname = ? FOR UPDATE")) {
            s.setString(1, processor);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String owner = liveOwner(rs.getString(1), rs.getString(2), now);
                    if (owner != null && !owner.equals(self)) {
                        throw new HeldElsewhereException(processor, owner);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot lock the token store", e);
        }
    }

    /** The owner of a token row whose claim is live (renewed within the claim timeout), else null. */
    private static String liveOwner(String owner, String stamp, Instant now) {
        return owner != null && stamp != null && claimedSince(stamp).plus(CLAIM_TIMEOUT).isAfter(now) ? owner : null;
    }

    /** Axon writes the claim time as ISO-8601; anything else counts as a claim made now. */
    private static Instant claimedSince(String stamp) {
        try {
            return Instant.parse(stamp);
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.now();
        }
    }
}
