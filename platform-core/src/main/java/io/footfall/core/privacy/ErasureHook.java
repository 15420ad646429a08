package io.footfall.core.privacy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

/**
 * A store outside the projections that keeps rows per identifier (for example the Kafka relay's person keys): every CDI
 * bean implementing it is called by {@link Erasure} inside the erasure's transaction, after the projections'
 * {@link io.footfall.core.store.Projection#erase}, to delete what it holds about the erased person.
 */
public interface ErasureHook {

    /**
     * Deletes what this store holds about the erased identifiers ({@code user:…}, {@code anon:…}, person ids).
     *
     * @param connection  the erasure's connection, inside its transaction
     * @param identifiers the erased identifiers
     */
    void erase(Connection connection, Set<String> identifiers) throws SQLException;
}
