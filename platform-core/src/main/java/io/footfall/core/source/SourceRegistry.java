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
 * Sources and their write keys. A key is shown once, when created, and stored only as its SHA-256
 * hash (keys are 256-bit random, so a fast hash is enough). Verified keys are cached by hash.
 */
@ApplicationScoped
public class SourceRegistry {

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Source> byHash = new ConcurrentHashMap<>();

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
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        return new Created(create(name, key), key);
    }

    /** Creates a source with a given write key (bootstrap). Does nothing when a source with that key exists. */
    public Source create(String name, String writeKey) {
        String hash = hash(writeKey);
        Optional<Source> existing = authenticate(writeKey);
        if (existing.isPresent()) {
            return existing.get();
        }
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
        return new Source(id, name, now, true);
    }

    /** The enabled source with this write key. */
    public Optional<Source> authenticate(String writeKey) {
        if (writeKey == null || writeKey.isEmpty() || writeKey.length() > 512) {
            return Optional.empty();
        }
        String hash = hash(writeKey);
        Source cached = byHash.get(hash);
        if (cached != null) {
            return Optional.of(cached);
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT id, name, created_at, enabled FROM source WHERE write_key_hash = ? AND enabled")) {
            select.setString(1, hash);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Source source = new Source(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getBoolean(4));
                byHash.put(hash, source);
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
             PreparedStatement select = c.prepareStatement("SELECT id, name, created_at, enabled FROM source ORDER BY created_at");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                sources.add(new Source(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getBoolean(4)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read sources", e);
        }
        return sources;
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
