package io.footfall.core.source;

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
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Sources and their write keys. A key is shown once, when created or rotated, and stored only as its SHA-256
 * hash (keys are 256-bit random, so a fast hash is enough). Verified keys are remembered by hash for
 * {@value #REMEMBER_SECONDS} s; a change publishes a notice ({@code ChangeNotices}) on which every instance forgets
 * the source's keys, so a disabled source or a rotated key stops working at once everywhere (within
 * {@value #REMEMBER_SECONDS} s on an instance whose listening connection was down).
 */
@ApplicationScoped
public class SourceRegistry {

    static final int REMEMBER_SECONDS = 30;
    /** The longest a rotated-out key may keep working. */
    public static final java.time.Duration MAX_OVERLAP = java.time.Duration.ofDays(30);

    private record Remembered(Source source, long untilNanos) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Remembered> byHash = new ConcurrentHashMap<>();

    @Inject
    DataSource dataSource;

    /**
     * A created source with its write key in clear, returned once.
     *
     * @param source   the source
     * @param writeKey its write key
     */
    public record Created(Source source, String writeKey) {
    }

    /** Creates a source with a new random write key. */
    public Created create(String name) {
        String key = newKey();
        return new Created(create(name, key, hash(key)), key);
    }

    /**
     * Creates a source with a given write key (bootstrap). Does nothing when a source has that key (enabled or not) or
     * had it: a key rotated out is never brought back.
     *
     * @return the source created, or empty when the key is known
     */
    public Optional<Source> createIfUnknown(String name, String writeKey) {
        String hash = hash(writeKey);
        try (Connection c = dataSource.getConnection(); PreparedStatement known = c.prepareStatement(
                "SELECT 1 FROM source WHERE write_key_hash = ? OR previous_key_hash = ? "
                        + "UNION ALL SELECT 1 FROM retired_write_key WHERE key_hash = ?")) {
            known.setString(1, hash);
            known.setString(2, hash);
            known.setString(3, hash);
            try (ResultSet rs = known.executeQuery()) {
                if (rs.next()) {
                    return Optional.empty();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read sources", e);
        }
        return Optional.of(create(name, writeKey, hash));
    }

    private Source create(String name, String writeKey, String hash) {
        String id = "src_" + HexFormat.of().formatHex(randomBytes(8));
        Instant now = Instant.now();
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO source (id, name, write_key_hash, created_at, enabled) VALUES (?, ?, ?, ?, TRUE)")) {
            insert.setString(1, id);
            insert.setString(2, name);
            insert.setString(3, hash);
            insert.setTimestamp(4, Timestamp.from(now));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create source", e);
        }
        return new Source(id, name, now, true, null, null);
    }

    /** The enabled source with this write key (its current key, or its previous one within the overlap). */
    public Optional<Source> authenticate(String writeKey) {
        if (writeKey == null || writeKey.isEmpty() || writeKey.length() > 512) {
            return Optional.empty();
        }
        String hash = hash(writeKey);
        Remembered cached = byHash.get(hash);
        long now = System.nanoTime();
        if (cached != null && cached.untilNanos() - now > 0) {
            return Optional.of(cached.source());
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(SELECT + " WHERE enabled AND (write_key_hash = ? "
                     + "OR (previous_key_hash = ? AND previous_key_until > now()))")) {
            select.setString(1, hash);
            select.setString(2, hash);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    byHash.remove(hash);
                    return Optional.empty();
                }
                Source source = row(rs);
                long until = now + REMEMBER_SECONDS * 1_000_000_000L;
                if (!hash.equals(rs.getString(7)) && source.previousKeyValidUntil() != null) {
                    // the previous key: remembered no longer than it is valid
                    long left = java.time.Duration.between(Instant.now(), source.previousKeyValidUntil()).toNanos();
                    until = now + Math.min(REMEMBER_SECONDS * 1_000_000_000L, Math.max(0, left));
                }
                byHash.put(hash, new Remembered(source, until));
                return Optional.of(source);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read sources", e);
        }
    }

    /** All sources. */
    public List<Source> list() {
        List<Source> sources = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(SELECT + " ORDER BY created_at");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                sources.add(row(rs));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read sources", e);
        }
        return sources;
    }

    /** One source. */
    public Optional<Source> find(String id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement(SELECT + " WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read sources", e);
        }
    }

    /** Renames and/or enables or disables a source (null: unchanged); empty when there is no such source. */
    public Optional<Source> update(String id, String name, Boolean enabled) {
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement(
                "UPDATE source SET name = COALESCE(?, name), enabled = COALESCE(?, enabled) WHERE id = ?")) {
            update.setString(1, name);
            update.setObject(2, enabled);
            update.setString(3, id);
            if (update.executeUpdate() == 0) {
                return Optional.empty();
            }
            io.footfall.core.cluster.ChangeNotices.publish(c, "source", id);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update source " + id, e);
        }
        forget(id);
        return find(id);
    }

    /**
     * A rotated key, returned once.
     *
     * @param source   the source after the rotation
     * @param writeKey its new write key
     */
    public record Rotated(Source source, String writeKey) {
    }

    /**
     * Gives the source a new random write key. The current key keeps working for {@code overlap} (zero: it stops at
     * once); a key rotated out before that stops now. Empty when there is no such source.
     */
    public Optional<Rotated> rotate(String id, java.time.Duration overlap) {
        String key = newKey();
        Instant now = Instant.now();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement retire = c.prepareStatement("INSERT INTO retired_write_key (key_hash, source_id, retired_at) "
                    + "SELECT write_key_hash, id, ? FROM source WHERE id = ? ON CONFLICT DO NOTHING");
                 PreparedStatement update = c.prepareStatement(
                         "UPDATE source SET previous_key_hash = CASE WHEN ? THEN write_key_hash END, previous_key_until = ?, "
                                 + "write_key_hash = ?, key_rotated_at = ? WHERE id = ?")) {
                retire.setTimestamp(1, Timestamp.from(now));
                retire.setString(2, id);
                retire.executeUpdate();
                boolean keep = !overlap.isZero();
                update.setBoolean(1, keep);
                update.setTimestamp(2, keep ? Timestamp.from(now.plus(overlap)) : null);
                update.setString(3, hash(key));
                update.setTimestamp(4, Timestamp.from(now));
                update.setString(5, id);
                if (update.executeUpdate() == 0) {
                    c.rollback();
                    return Optional.empty();
                }
                io.footfall.core.cluster.ChangeNotices.publish(c, "source", id);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot rotate the key of source " + id, e);
        }
        forget(id);
        return find(id).map(source -> new Rotated(source, key));
    }

    /** Forgets the remembered keys of a source on this instance. */
    public void forget(String id) {
        byHash.values().removeIf(r -> r.source().id().equals(id));
    }

    /** Forgets every remembered key on this instance. */
    public void forgetAll() {
        byHash.clear();
    }

    private static final String SELECT = "SELECT id, name, created_at, enabled, key_rotated_at, previous_key_until, write_key_hash FROM source";

    private static Source row(ResultSet rs) throws SQLException {
        Timestamp rotated = rs.getTimestamp(5);
        Timestamp previousUntil = rs.getTimestamp(6);
        Instant until = previousUntil == null ? null : previousUntil.toInstant();
        return new Source(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getBoolean(4),
                rotated == null ? null : rotated.toInstant(), until != null && until.isAfter(Instant.now()) ? until : null);
    }

    /** A new write key: 256 random bits, URL-safe Base64. */
    private String newKey() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static String hash(String writeKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(writeKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
