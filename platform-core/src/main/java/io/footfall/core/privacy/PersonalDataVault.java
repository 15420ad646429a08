package io.footfall.core.privacy;

import io.footfall.core.store.SealedPersonalData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

/**
 * Keeps one AES-256 key per person identifier ({@code user:…}, {@code anon:…}) and seals personal
 * data with it (AES-GCM, random 96-bit nonce). Destroying a key (erasure) makes every event sealed
 * with it unreadable, in the log and in any copy or backup of it ("crypto-shredding").
 */
@ApplicationScoped
public class PersonalDataVault {

    private static final int CACHE_SIZE = 100_000;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    /** Ciphers are not thread-safe but cheap to re-initialise; looking one up per event was not cheap. */
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    });
    private final Map<String, SecretKey> cache = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SecretKey> eldest) {
            return size() > CACHE_SIZE;
        }
    });

    @Inject
    DataSource dataSource;

    /**
     * Returns the keys of these subjects, creating those that do not exist yet on the given
     * connection (inside the caller's transaction). Call {@link #remember(Map)} with the result
     * once that transaction has committed.
     */
    public Map<String, SecretKey> keysFor(Connection connection, Set<String> subjects) throws SQLException {
        Map<String, SecretKey> keys = new HashMap<>();
        Set<String> missing = new java.util.HashSet<>();
        for (String subject : subjects) {
            SecretKey key = cache.get(subject);
            if (key != null) {
                keys.put(subject, key);
            } else {
                missing.add(subject);
            }
        }
        if (missing.isEmpty()) {
            return keys;
        }
        keys.putAll(load(connection, missing));
        missing.removeAll(keys.keySet());
        if (!missing.isEmpty()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO subject_key (subject, key_bytes, created_at) VALUES (?, ?, ?) ON CONFLICT (subject) DO NOTHING")) {
                Timestamp now = Timestamp.from(Instant.now());
                for (String subject : missing) {
                    byte[] raw = new byte[32];
                    random.nextBytes(raw);
                    insert.setString(1, subject);
                    insert.setBytes(2, raw);
                    insert.setTimestamp(3, now);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            // another node may have won a race: read back what is stored
            keys.putAll(load(connection, missing));
        }
        return keys;
    }

    /** Caches keys after the transaction that created or read them committed. */
    public void remember(Map<String, SecretKey> keys) {
        cache.putAll(keys);
    }

    /** Seals the plaintext with the subject's key. */
    public SealedPersonalData seal(String subject, SecretKey key, byte[] plaintext) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(subject.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] ciphertext = cipher.doFinal(plaintext);
            return new SealedPersonalData(subject, ByteBuffer.allocate(nonce.length + ciphertext.length)
                    .put(nonce).put(ciphertext).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** Opens sealed data, or returns empty when the subject's key was destroyed. */
    public Optional<byte[]> open(SealedPersonalData sealed) {
        SecretKey key = cache.get(sealed.subject());
        if (key == null) {
            try (Connection c = dataSource.getConnection()) {
                key = load(c, Set.of(sealed.subject())).get(sealed.subject());
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read subject keys", e);
            }
            if (key == null) {
                return Optional.empty();
            }
            cache.put(sealed.subject(), key);
        }
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.sealed(), 0, NONCE_BYTES));
            cipher.updateAAD(sealed.subject().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return Optional.of(cipher.doFinal(sealed.sealed(), NONCE_BYTES, sealed.sealed().length - NONCE_BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealed personal data of " + sealed.subject().length() + "-char subject is corrupt", e);
        }
    }

    /** Destroys the keys of these subjects on the given connection, and forgets them. */
    public int destroy(Connection connection, Collection<String> subjects) throws SQLException {
        subjects.forEach(cache::remove);
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM subject_key WHERE subject = ANY (?)")) {
            delete.setArray(1, connection.createArrayOf("varchar", subjects.toArray()));
            int n = delete.executeUpdate();
            subjects.forEach(cache::remove);
            return n;
        }
    }

    private static Map<String, SecretKey> load(Connection connection, Set<String> subjects) throws SQLException {
        Map<String, SecretKey> keys = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT subject, key_bytes FROM subject_key WHERE subject = ANY (?)")) {
            Array array = connection.createArrayOf("varchar", subjects.toArray());
            select.setArray(1, array);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    keys.put(rs.getString(1), new SecretKeySpec(rs.getBytes(2), "AES"));
                }
            }
        }
        return keys;
    }
}
