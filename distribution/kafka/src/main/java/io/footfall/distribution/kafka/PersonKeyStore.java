package io.footfall.distribution.kafka;

import io.footfall.core.keys.PersonKeyTable;
import io.footfall.core.keys.PersonKeys;
import io.footfall.core.privacy.ErasureHook;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
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

    private PersonKeyTable table;

    @PostConstruct
    void init() {
        table = new PersonKeyTable(dataSource, TABLE);
    }

    /** The rows of these identifiers and of the persons they belong to, in one query. */
    public List<PersonKeys.Row> load(Set<String> identifiers) {
        return table.load(identifiers);
    }

    /** Writes a batch's changes (see {@link PersonKeyTable#write}); returns the statements sent. */
    public int write(PersonKeys keys, Predicate<String> erased) {
        return table.write(keys, erased);
    }

    /** Empties the map: the relay starts over from a new token. Call inside the transaction that creates the token. */
    public void clear() {
        table.clear();
    }

    @Override
    public void erase(Connection connection, Set<String> identifiers) throws SQLException {
        table.erase(connection, identifiers);
    }
}
