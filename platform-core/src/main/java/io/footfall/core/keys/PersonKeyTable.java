package io.footfall.core.keys;

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
 * A person-key map in PostgreSQL (identifier, person, key, since; migrations V14 and V21), read once per batch of the
 * processor that owns it and written once per batch inside that batch's transaction (the one that commits the
 * processor's token), so a rolled-back batch leaves no trace. Each owner has a table of its own: the Kafka relay
 * ({@code relay_person_key}) and the person keyer ({@code person_key}) fold the log at their own pace.
 */
public final class PersonKeyTable {

    private final DataSource dataSource;
    private final String table;

    /** The map in {@code table} (a trusted constant, not user input). */
    public PersonKeyTable(DataSource dataSource, String table) {
        this.dataSource = dataSource;
        this.table = table;
    }

    /** The rows of these identifiers and of the persons they belong to, in one query. */
    public List<PersonKeys.Row> load(Set<String> identifiers) {
        List<PersonKeys.Row> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement(
                "SELECT identifier, person_id, person_key, since_index FROM " + table + " WHERE identifier = ANY (?) "
                        + "UNION SELECT p.identifier, p.person_id, p.person_key, p.since_index FROM " + table + " r JOIN " + table
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
            throw new IllegalStateException("cannot read the person keys of " + table, e);
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
                        "UPDATE " + table + " SET person_id = ?, person_key = NULL, since_index = ? WHERE person_id = ?")) {
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
                        "INSERT INTO " + table + " (identifier, person_id, person_key, since_index) VALUES (?, ?, ?, ?) "
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
            throw new IllegalStateException("cannot write the person keys of " + table, e);
        }
        return statements;
    }

    /** Empties the map: its owner starts over from a new token. Call inside the transaction that creates the token. */
    public void clear() {
        try (Connection c = dataSource.getConnection(); PreparedStatement delete = c.prepareStatement("DELETE FROM " + table)) {
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot clear the person keys of " + table, e);
        }
    }

    /** Deletes the rows of the erased identifiers and of every identifier of their persons. */
    public void erase(Connection connection, Set<String> identifiers) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE identifier = ANY (?) "
                + "OR person_id = ANY (?) OR person_id IN (SELECT person_id FROM " + table + " WHERE identifier = ANY (?))")) {
            java.sql.Array ids = connection.createArrayOf("varchar", identifiers.toArray());
            delete.setArray(1, ids);
            delete.setArray(2, ids);
            delete.setArray(3, ids);
            delete.executeUpdate();
        }
    }
}
