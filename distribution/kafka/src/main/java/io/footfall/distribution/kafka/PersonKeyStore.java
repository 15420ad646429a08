package io.footfall.distribution.kafka;

import io.footfall.core.privacy.ErasureHook;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * The relay's person-key map in PostgreSQL ({@code relay_person_key}, migration V14): read once per relay batch, written
 * once per batch, inside the batch's transaction (the one that commits the relay's token), so a rolled-back batch leaves
 * no trace. Cleared when the relay's token is created anew (a relay started over replays the log into an empty map,
 * which gives the same keys again); an erased person's rows are deleted by the erasure ({@link ErasureHook}).
 */
@ApplicationScoped
public class PersonKeyStore implements ErasureHook {

    static final String TABLE = "relay_person_key";

    @Inject
    DataSource dataSource;

    /** The rows of these identifiers and of the persons they belong to, in one query. */
    public List<PersonKeys.Row> load(Set<String> identifiers) {
        List<PersonKeys.Row> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement(
                "SELECT identifier, person_id, person_key, since_index FROM " + TABLE + " WHERE identifier = ANY (?) "
                        + "UNION SELECT p.identifier, p.person_id, p.person_key, p.since_index FROM " + TABLE + " r JOIN " + TABLE
                        + " p ON p.identifier = r.person_id WHERE r.identifier = ANY (?)")) {
            java.sql.Array ids = c.createArrayOf("varchar", identifiers.toArray());
            select.setArray(1, ids);
            select.setArray(2, ids);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new PersonKeys.Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the relay's person keys", e);
        }
        return rows;
    }

    /**
     * Writes a batch's changes: its merges in log order, then its new and changed rows (one JDBC batch each), leaving out
     * rows of identifiers erased meanwhile.
     *
     * @return the statements sent (0 to 2 round trips)
     */
    public int write(PersonKeys keys, Predicate<String> erased) {
        List<PersonKeys.Move> moves = keys.moves();
        List<PersonKeys.Row> changed = keys.changed().stream()
                .filter(r -> !erased.test(r.identifier()) && !erased.test(r.person())).toList();
        if (moves.isEmpty() && changed.isEmpty()) {
            return 0;
        }
        int statements = 0;
        try (Connection c = dataSource.getConnection()) {
            if (!moves.isEmpty()) {
                try (PreparedStatement move = c.prepareStatement(
                        "UPDATE " + TABLE + " SET person_id = ?, person_key = NULL, since_index = ? WHERE person_id = ?")) {
                    for (PersonKeys.Move m : moves) {
                        move.setString(1, m.to());
                        move.setLong(2, m.since());
                        move.setString(3, m.from());
                        move.addBatch();
                    }
                    move.executeBatch();
                    statements++;
                }
            }
            if (!changed.isEmpty()) {
                try (PreparedStatement upsert = c.prepareStatement(
                        "INSERT INTO " + TABLE + " (identifier, person_id, person_key, since_index) VALUES (?, ?, ?, ?) "
                                + "ON CONFLICT (identifier) DO UPDATE SET person_id = EXCLUDED.person_id, "
                                + "person_key = EXCLUDED.person_key, since_index = EXCLUDED.since_index")) {
                    for (PersonKeys.Row r : changed) {
                        upsert.setString(1, r.identifier());
                        upsert.setString(2, r.person());
                        upsert.setString(3, r.key());
                        upsert.setLong(4, r.since());
                        upsert.addBatch();
                    }
                    upsert.executeBatch();
                    statements++;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the relay's person keys", e);
        }
        return statements;
    }

    /** Empties the map: the relay starts over from a new token. Call inside the transaction that creates the token. */
    public void clear() {
        try (Connection c = dataSource.getConnection(); PreparedStatement delete = c.prepareStatement("DELETE FROM " + TABLE)) {
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot clear the relay's person keys", e);
        }
    }

    /** Deletes the rows of the erased identifiers and of every identifier of their persons. */
    @Override
    public void erase(Connection connection, Set<String> identifiers) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE identifier = ANY (?) "
                + "OR person_id = ANY (?) OR person_id IN (SELECT person_id FROM " + TABLE + " WHERE identifier = ANY (?))")) {
            java.sql.Array ids = connection.createArrayOf("varchar", identifiers.toArray());
            delete.setArray(1, ids);
            delete.setArray(2, ids);
            delete.setArray(3, ids);
            delete.executeUpdate();
        }
    }
}
