package io.footfall.core.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sign-ins to the admin UI with local accounts, kept server-side so that they can end before their cookie does.
 *
 * <p>Quarkus's form login keeps the account name in an encrypted cookie that renews itself while in use; on its own it
 * cannot be revoked. So a sign-in also sets {@value #COOKIE}, a random token whose SHA-256 is a row of
 * {@code admin_session}, and a session is accepted only while that row exists, belongs to the cookie's account, has
 * been used within the idle timeout and is younger than {@code footfall.auth.session.lifetime}. Signing out deletes the
 * row, a password change deletes the account's other rows, deleting the account deletes them all. A checked token is
 * remembered for {@value #REMEMBER_SECONDS} s; ending a session publishes a notice ({@code ChangeNotices}) on which every
 * instance forgets it, so it stops at once everywhere (within {@value #REMEMBER_SECONDS} s should an instance miss the
 * notice while its listening connection is down).
 */
@ApplicationScoped
public class AdminSessions {

    /** The cookie holding the session's token (HttpOnly, SameSite=Strict). */
    public static final String COOKIE = "footfall-sid";
    static final int REMEMBER_SECONDS = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Known(String username, Set<String> roles, long until) {
    }

    /** Checked tokens by hash. */
    private final Map<String, Known> known = new ConcurrentHashMap<>();

    @Inject
    DataSource dataSource;

    @ConfigProperty(name = "quarkus.http.auth.form.timeout", defaultValue = "PT30M")
    Duration idleTimeout;
    @ConfigProperty(name = "footfall.auth.session.lifetime", defaultValue = "PT24H")
    Duration lifetime;

    /** Starts a session of the account and returns its token (stored only as a hash); removes sessions past their time. */
    public String open(String username) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        try (Connection c = dataSource.getConnection();
             PreparedStatement purge = c.prepareStatement("DELETE FROM admin_session WHERE last_seen_at < now() - ?::interval"
                     + " OR created_at < now() - ?::interval");
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO admin_session (id_hash, username, created_at, last_seen_at) VALUES (?, ?, now(), now())")) {
            // idle rows are kept a minute past the cookie's timeout: last_seen_at is written at most every few seconds
            purge.setString(1, idleTimeout.plusMinutes(1).toSeconds() + " seconds");
            purge.setString(2, lifetime.toSeconds() + " seconds");
            purge.executeUpdate();
            insert.setString(1, hash(token));
            insert.setString(2, username);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the session", e);
        }
        return token;
    }

    /**
     * The account's roles when the token is a live session of that account; empty when it is unknown, ended, past its
     * idle timeout or lifetime, or another account's.
     */
    public Optional<Set<String>> roles(String token, String username) {
        if (token == null || token.isEmpty() || username == null) {
            return Optional.empty();
        }
        String hash = hash(token);
        Known hit = known.get(hash);
        if (hit != null && hit.until() - System.nanoTime() > 0) {
            return hit.username().equals(username) ? Optional.of(hit.roles()) : Optional.empty();
        }
        known.remove(hash);
        try (Connection c = dataSource.getConnection();
             PreparedStatement touch = c.prepareStatement("UPDATE admin_session s SET last_seen_at = now() FROM account a"
                     + " WHERE s.id_hash = ? AND s.username = ? AND a.username = s.username"
                     + " AND s.last_seen_at >= now() - ?::interval AND s.created_at >= now() - ?::interval RETURNING a.roles")) {
            touch.setString(1, hash);
            touch.setString(2, username);
            touch.setString(3, idleTimeout.toSeconds() + " seconds");
            touch.setString(4, lifetime.toSeconds() + " seconds");
            try (ResultSet rs = touch.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Set<String> roles = Arrays.stream(rs.getString(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .collect(Collectors.toUnmodifiableSet());
                known.put(hash, new Known(username, roles, System.nanoTime() + REMEMBER_SECONDS * 1_000_000_000L));
                return Optional.of(roles);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read sessions", e);
        }
    }

    /**
     * Ends the token's session; with {@code everywhere}, every session of its account. Returns the account, empty when
     * the token was no session.
     */
    public Optional<String> close(String token, boolean everywhere) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        String hash = hash(token);
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM admin_session WHERE id_hash = ? RETURNING username")) {
            delete.setString(1, hash);
            known.remove(hash);
            try (ResultSet rs = delete.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String username = rs.getString(1);
                if (everywhere) {
                    try (PreparedStatement all = c.prepareStatement("DELETE FROM admin_session WHERE username = ?")) {
                        all.setString(1, username);
                        all.executeUpdate();
                    }
                    forget(username);
                }
                io.footfall.core.cluster.ChangeNotices.publish(c, "session", username);
                return Optional.of(username);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot end the session", e);
        }
    }

    /**
     * A live sign-in of an account, as its owner sees it.
     *
     * @param id         the first 16 hex digits of the token's SHA-256 (the token itself is never shown)
     * @param createdAt  when it signed in
     * @param lastSeenAt when it was last used (to within {@value #REMEMBER_SECONDS} s per instance)
     * @param current    whether it is the session asking
     */
    public record Session(String id, java.time.Instant createdAt, java.time.Instant lastSeenAt, boolean current) {
    }

    /** The account's live sessions, the most recently used first; {@code currentToken} (may be null) marks the asking one. */
    public java.util.List<Session> list(String username, String currentToken) {
        String current = currentToken == null || currentToken.isEmpty() ? "" : hash(currentToken);
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT id_hash, created_at, last_seen_at FROM admin_session"
                     + " WHERE username = ? AND last_seen_at >= now() - ?::interval AND created_at >= now() - ?::interval"
                     + " ORDER BY last_seen_at DESC, created_at DESC")) {
            select.setString(1, username);
            select.setString(2, idleTimeout.toSeconds() + " seconds");
            select.setString(3, lifetime.toSeconds() + " seconds");
            java.util.List<Session> sessions = new java.util.ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    String hash = rs.getString(1);
                    sessions.add(new Session(hash.substring(0, 16), rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant(),
                            hash.equals(current)));
                }
            }
            return sessions;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read sessions", e);
        }
    }

    /** Ends the account's session whose {@link Session#id} this is; false when it has none such. */
    public boolean end(String username, String id) {
        if (id == null || !id.matches("[0-9a-f]{16}")) {
            return false;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement(
                     "DELETE FROM admin_session WHERE username = ? AND id_hash LIKE ? RETURNING id_hash")) {
            delete.setString(1, username);
            delete.setString(2, id + "%");
            boolean ended = false;
            try (ResultSet rs = delete.executeQuery()) {
                while (rs.next()) {
                    known.remove(rs.getString(1));
                    ended = true;
                }
            }
            if (ended) {
                io.footfall.core.cluster.ChangeNotices.publish(c, "session", username);
            }
            return ended;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot end the session", e);
        }
    }

    /** Forgets what was remembered of the account's sessions: their next request checks them again. */
    public void forget(String username) {
        known.values().removeIf(k -> k.username().equals(username));
    }

    /** Forgets every remembered session check. */
    public void forgetAll() {
        known.clear();
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
