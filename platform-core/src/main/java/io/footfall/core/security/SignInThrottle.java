package io.footfall.core.security;

import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Slows password guessing against local accounts: after {@value #FREE_FAILURES} wrong passwords in a row for one account
 * from one client address, that pair is refused without a password check for 5 s, doubling with every further failure
 * up to 5 minutes. A correct password resets the pair, and so do 15 quiet minutes. Keyed by account and address
 * together, so that someone guessing from one address does not lock the account's owner out elsewhere.
 *
 * <p>The count is kept in PostgreSQL ({@code sign_in_failure}, V29), so every instance of a cluster slows the same
 * pair: spreading guesses over the pods behind a load balancer gains nothing, and a restart forgets nothing. Times are
 * the database's, so the pods' clocks need not agree. A row holds only a SHA-256 of the pair. Shared by every password
 * check of local accounts: HTTP Basic, the sign-in form, and the current password a password change must give. When
 * the database cannot be read the check goes on unslowed (it needs the database itself, and fails there).
 */
@jakarta.inject.Singleton
public class SignInThrottle {

    private static final Logger LOG = Logger.getLogger(SignInThrottle.class);

    /** Failures in a row that cost nothing but the check. */
    static final int FREE_FAILURES = 10;
    private static final Duration FIRST_BLOCK = Duration.ofSeconds(5);
    private static final Duration MAX_BLOCK = Duration.ofMinutes(5);
    /** A pair quiet for this long starts over. */
    static final Duration FORGET = Duration.ofMinutes(15);
    /** How often an instance deletes pairs that have started over. */
    private static final long PURGE_EVERY_NANOS = 60_000_000_000L;

    /** A pair's count of failures in a row, the last one's time and the end of its wait. */
    record Failures(int count, Instant last, Instant blockedUntil) {

        /** The pair after one more wrong password at {@code now}. */
        Failures next(Instant now) {
            int n = last == null || last.plus(FORGET).isBefore(now) ? 1 : count + 1;
            Instant until = now;
            if (n >= FREE_FAILURES) {
                int doublings = Math.min(n - FREE_FAILURES, 10);
                Duration block = FIRST_BLOCK.multipliedBy(1L << doublings);
                until = now.plus(block.compareTo(MAX_BLOCK) > 0 ? MAX_BLOCK : block);
            }
            return new Failures(n, now, until);
        }

        /** Whole seconds still to wait at {@code now}, at least 1 while blocked; 0 when the pair may try. */
        long waitSeconds(Instant now) {
            if (blockedUntil == null) {
                return 0;
            }
            long millis = Duration.between(now, blockedUntil).toMillis();
            return millis <= 0 ? 0 : Math.max(1, (millis + 999) / 1000);
        }
    }

    @Inject
    DataSource dataSource;

    private volatile long lastPurge = System.nanoTime() - PURGE_EVERY_NANOS;

    /** Seconds the pair must still wait before its next password check, 0 when it may try now. */
    public long waitSeconds(String username, String client) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT failures, last_at, blocked_until, clock_timestamp() FROM sign_in_failure WHERE pair = ?")) {
            select.setBytes(1, pair(username, client));
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? read(rs).waitSeconds(instant(rs, 4)) : 0;
            }
        } catch (SQLException e) {
            LOG.warnf("cannot read failed sign-ins, not slowing this check: %s", e.getMessage());
            return 0;
        }
    }

    /** Counts a wrong password of the pair (in one transaction, so concurrent failures on any instance all count). */
    public void failed(String username, String client) {
        byte[] pair = pair(username, client);
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement ensure = c.prepareStatement("INSERT INTO sign_in_failure (pair, failures, last_at, blocked_until)"
                         + " VALUES (?, 0, '-infinity', '-infinity') ON CONFLICT (pair) DO NOTHING");
                 PreparedStatement lock = c.prepareStatement(
                         "SELECT failures, last_at, blocked_until, clock_timestamp() FROM sign_in_failure WHERE pair = ? FOR UPDATE");
                 PreparedStatement update = c.prepareStatement(
                         "UPDATE sign_in_failure SET failures = ?, last_at = ?, blocked_until = ? WHERE pair = ?")) {
                ensure.setBytes(1, pair);
                ensure.executeUpdate();
                lock.setBytes(1, pair);
                Failures next;
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    next = read(rs).next(instant(rs, 4));
                }
                update.setInt(1, next.count());
                update.setObject(2, next.last().atOffset(ZoneOffset.UTC));
                update.setObject(3, next.blockedUntil().atOffset(ZoneOffset.UTC));
                update.setBytes(4, pair);
                update.executeUpdate();
                purgeNowAndThen(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            LOG.warnf("cannot count a failed sign-in: %s", e.getMessage());
        }
    }

    /** A correct password: the pair starts over. */
    public void succeeded(String username, String client) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM sign_in_failure WHERE pair = ?")) {
            delete.setBytes(1, pair(username, client));
            delete.executeUpdate();
        } catch (SQLException e) {
            LOG.warnf("cannot reset failed sign-ins: %s", e.getMessage());
        }
    }

    /** Deletes, at most once a minute per instance, the pairs that have started over (an address trying many names). */
    private void purgeNowAndThen(Connection c) throws SQLException {
        long now = System.nanoTime();
        if (now - lastPurge < PURGE_EVERY_NANOS) {
            return;
        }
        lastPurge = now;
        try (PreparedStatement purge = c.prepareStatement("DELETE FROM sign_in_failure WHERE last_at < clock_timestamp() - ?::interval"
                + " AND blocked_until < clock_timestamp()")) {
            purge.setString(1, FORGET.toSeconds() + " seconds");
            purge.executeUpdate();
        }
    }

    private static Failures read(ResultSet rs) throws SQLException {
        int count = rs.getInt(1);
        return count == 0 ? new Failures(0, null, null) : new Failures(count, instant(rs, 2), instant(rs, 3));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    /** The client's address as the HTTP layer sees it (behind a proxy: as its forwarding settings resolve it). */
    public static String clientAddress(io.vertx.core.http.HttpServerRequest request) {
        return request == null || request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress();
    }

    /** SHA-256 of the lower-cased account name and the address: the same for the same pair on every instance. */
    static byte[] pair(String username, String client) {
        try {
            String key = username.toLowerCase(Locale.ROOT) + '\u0000' + (client == null ? "" : client);
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
