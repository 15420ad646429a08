package io.footfall.core.privacy;

import io.footfall.core.profile.Identifiers;
import io.footfall.core.profile.ProfileQueries;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Erases a customer (GDPR art. 17): destroys the keys of every identifier of the person, so their
 * personal data in the log is unreadable, purges their profile, identity links, timeline and
 * failed events, what contributed projections and {@link ErasureHook}s hold about them, and records the identifiers so projections skip them from now on and on replay.
 */
@ApplicationScoped
public class Erasure {

    private static final Logger LOG = Logger.getLogger(Erasure.class);

    @Inject
    DataSource dataSource;
    @Inject
    PersonalDataVault vault;
    @Inject
    ProfileQueries profiles;
    @Inject
    ErasedSubjects erased;
    @Inject
    io.footfall.core.store.EventLog eventLog;
    /** Other stores keyed by identifier (the Kafka relay's person keys, …). */
    @Inject
    jakarta.enterprise.inject.Instance<ErasureHook> hooks;

    /**
     * What an erasure did.
     *
     * @param identifiers  identifiers erased
     * @param keysDestroyed keys destroyed
     * @param profiles     profiles purged
     */
    public record Result(Set<String> identifiers, int keysDestroyed, int profiles) {
    }

    /**
     * The failed events that name a person: attributed to one of its identifiers (first parameter), or unattributed
     * (a body that is not JSON) with one of its ids in the raw text (second parameter, {@link #rawPatterns}).
     */
    static final String FAILED_EVENTS_NAMING = "subject = ANY (?) OR (subject IS NULL AND raw LIKE ANY (?))";

    /** Erases the person the id belongs to (user id, anonymous id or person id). */
    @Transactional
    public Result erase(String id) {
        String person = profiles.personOf(id).orElse(null);
        try (Connection c = dataSource.getConnection()) {
            Set<String> identifiers = scope(c, id, person);
            Object[] ids = identifiers.toArray();
            int keys = vault.destroy(c, identifiers);
            int purged = update(c, "DELETE FROM profile WHERE person_id = ANY (?)", ids);
            update(c, "DELETE FROM profile_timeline WHERE identifier = ANY (?)", ids);
            update(c, "DELETE FROM identity_link WHERE identifier = ANY (?) OR person_id = ANY (?)", ids);
            try (PreparedStatement failed = c.prepareStatement("DELETE FROM failed_event WHERE " + FAILED_EVENTS_NAMING)) {
                failed.setArray(1, c.createArrayOf("varchar", ids));
                failed.setArray(2, c.createArrayOf("varchar", rawPatterns(identifiers)));
                failed.executeUpdate();
            }
            // what plugins published about the person; they no longer see the person's events, live or on replay
            update(c, "DELETE FROM plugin_result WHERE user_id = ANY (?)", rawIds(identifiers));
            for (io.footfall.core.store.Projection projection : eventLog.projections()) {
                projection.erase(c, identifiers);
            }
            for (ErasureHook hook : hooks) {
                hook.erase(c, identifiers);
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO erased_subject (identifier, erased_at) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                for (String identifier : identifiers) {
                    insert.setString(1, identifier);
                    insert.setTimestamp(2, Timestamp.from(Instant.now()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            erased.add(identifiers);
            LOG.infof("erased a person: %d identifiers, %d keys destroyed", identifiers.size(), keys);
            return new Result(identifiers, keys, purged);
        } catch (SQLException e) {
            throw new IllegalStateException("erasure failed", e);
        }
    }

    /** The ids as clients send them: {@code user:alice} and {@code anon:a-1} are {@code alice} and {@code a-1}. */
    static Object[] rawIds(Set<String> identifiers) {
        Set<String> raw = new LinkedHashSet<>();
        for (String identifier : identifiers) {
            int colon = identifier.indexOf(':');
            raw.add(colon > 0 && (identifier.startsWith("user:") || identifier.startsWith("anon:")) ? identifier.substring(colon + 1) : identifier);
        }
        return raw.toArray();
    }

    /** LIKE patterns matching raw JSON text that holds one of the ids as a string: {@code %"alice"%}. */
    static Object[] rawPatterns(Set<String> identifiers) {
        Object[] raw = rawIds(identifiers);
        Object[] patterns = new Object[raw.length];
        for (int i = 0; i < raw.length; i++) {
            String json = new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString((String) raw[i]));
            patterns[i] = "%\"" + json.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "\"%";
        }
        return patterns;
    }

    /**
     * Every identifier the person's data may be kept under: the id as a user id and as an anonymous id, and, when it
     * belongs to a person, the person and its linked identifiers. What an erasure deletes and an export hands over.
     */
    static Set<String> scope(Connection c, String id, String person) throws SQLException {
        Set<String> identifiers = new LinkedHashSet<>();
        identifiers.add(Identifiers.user(id));
        identifiers.add(Identifiers.anonymous(id));
        if (person != null) {
            identifiers.add(person);
            try (PreparedStatement select = c.prepareStatement("SELECT identifier FROM identity_link WHERE person_id = ?")) {
                select.setString(1, person);
                try (var rs = select.executeQuery()) {
                    while (rs.next()) {
                        identifiers.add(rs.getString(1));
                    }
                }
            }
        }
        return identifiers;
    }

    private static int update(Connection c, String sql, Object[] ids) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            int parameters = statement.getParameterMetaData().getParameterCount();
            for (int i = 1; i <= parameters; i++) {
                statement.setArray(i, c.createArrayOf("varchar", ids));
            }
            return statement.executeUpdate();
        }
    }
}
