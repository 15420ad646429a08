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
 * together, so that someone guessing from one address does not lock the account's owner out elsewhere. An address
 * is also counted on its own, over every account (password spraying: one common password tried against many names):
 * after {@value #FREE_ADDRESS_FAILURES} wrong passwords in a row from it, every password check from that address waits
 * the same way. A correct password from the address starts that series over too: a sprayer holds no valid password,
 * while an office behind one NAT address, whose people mistype now and then, keeps signing in.
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

    /** Failures in a row of one account from one address that cost nothing but the check. */
    static final int FREE_FAILURES = 10;
    /** Failures in a row from one address, over every account, that cost nothing but the check. */
    static final int FREE_ADDRESS_FAILURES = 50;
    private static final Duration FIRST_BLOCK = Duration.ofSeconds(5);
    private static final Duration MAX_BLOCK = Duration.ofMinutes(5);
    /** A pair quiet for this long starts over. */
    static final Duration FORGET = Duration.ofMinutes(15);
    /** How often an instance deletes pairs that have started over. */
    private static final long PURGE_EVERY_NANOS = 60_000_000_000L;

    /** A pair's count of failures in a row, the last one's time and the end of its wait. */
    record Failures(int count, Instant last, Instant blockedUntil) {

        /** The series after one more wrong password at {@code now}, waiting from the {@code free}-th failure on. */
        Failures next(Instant now, int free) {
            int n = last == null || last.plus(FORGET).isBefore(now) ? 1 : count + 1;
            Instant until = now;
            if (n >= free) {
                int doublings = Math.min(n - free, 10);
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

    /** Seconds the pair (or its address) must still wait before its next password check, 0 when it may try now. */
    public long waitSeconds(String username, String client) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT failures, last_at, blocked_until, clock_timestamp() FROM sign_in_failure WHERE pair IN (?, ?)")) {
            select.setBytes(1, pair(username, client));
            select.setBytes(2, address(client));
            long wait = 0;
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    wait = Math.max(wait, read(rs).waitSeconds(instant(rs, 4)));
                }
            }
            return wait;
        } catch (SQLException e) {
            LOG.warnf("cannot read failed sign-ins, not slowing this check: %s", e.getMessage());
            return 0;
        }
    }

    /**
     * Counts a wrong password of the pair and of its address (in one transaction, so concurrent failures on any
     * instance all count).
     */
    public void failed(String username, String client) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                count(c, pair(username, client), FREE_FAILURES);
                count(c, address(client), FREE_ADDRESS_FAILURES);
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

    /** One more failure of a series, in the connection's transaction. */
    private static void count(Connection c, byte[] pair, int free) throws SQLException {
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
                next = read(rs).next(instant(rs, 4), free);
            }
            update.setInt(1, next.count());
            update.setObject(2, next.last().atOffset(ZoneOffset.UTC));
            update.setObject(3, next.blockedUntil().atOffset(ZoneOffset.UTC));
            update.setBytes(4, pair);
            update.executeUpdate();
        }
    }

    /** A correct password: the pair and its address start over. */
    public void succeeded(String username, String client) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM sign_in_failure WHERE pair IN (?, ?)")) {
            delete.setBytes(1, pair(username, client));
            delete.setBytes(2, address(client));
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

    /** The address's own series: SHA-256 of a prefix no account name has (names cannot hold control characters) and the address. */
    static byte[] address(String client) {
        return pair("\u0001address", client);
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
