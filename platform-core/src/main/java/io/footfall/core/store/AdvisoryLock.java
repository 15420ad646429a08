package io.footfall.core.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A PostgreSQL transaction-level advisory lock ({@code pg_advisory_xact_lock}): taken on a connection inside a
 * transaction, released when the transaction ends. Serialises work across instances that share the database.
 */
public final class AdvisoryLock {

    private AdvisoryLock() {
    }

    /** Waits for the lock under {@code key} and holds it until the connection's transaction ends. */
    public static void forTransaction(Connection c, long key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            s.setLong(1, key);
            s.execute();
        }
    }

    /**
     * Waits for the lock under {@code key} in shared mode and holds it until the connection's transaction ends: shared
     * holders run together, and {@link #forTransaction} (exclusive) waits for all of them and holds new ones off.
     */
    public static void sharedForTransaction(Connection c, long key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock_shared(?)")) {
            s.setLong(1, key);
            s.execute();
        }
    }
}
