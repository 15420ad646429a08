package io.footfall.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.footfall.core.store.CopyEventStorageEngine;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The log's uniqueness after Flyway V16 (ADR 0019): a plain event's id is unique (the durable dedup), and two events
 * of one aggregate at one sequence number are still refused, although plain events are no longer in that index.
 * Everything is written in one transaction that is rolled back, under the append lock, so the log is left as it was.
 */
@QuarkusTest
class LogSchemaTest {

    @Inject
    DataSource ds;

    @Test
    void eventIdsAreUniqueAndSoAreAnAggregatesSequenceNumbers() throws Exception {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                CopyEventStorageEngine.lockAppends(c);
                String plain = UUID.randomUUID().toString();
                insert(c, plain, plain, 0);
                SQLException sameId = assertThrows(SQLException.class, () -> insertInSavepoint(c, plain, plain, 0));
                assertEquals("23505", sameId.getSQLState());
                assertEquals(true, sameId.getMessage().contains("domainevententry_event_id"), sameId.getMessage());

                String aggregate = "aggregate-" + UUID.randomUUID();
                insert(c, UUID.randomUUID().toString(), aggregate, 0);
                insert(c, UUID.randomUUID().toString(), aggregate, 1);
                SQLException sameSequence = assertThrows(SQLException.class,
                        () -> insertInSavepoint(c, UUID.randomUUID().toString(), aggregate, 1));
                assertEquals("23505", sameSequence.getSQLState());
                assertEquals(true, sameSequence.getMessage().contains("domainevententry_aggregate_seq"), sameSequence.getMessage());
            } finally {
                c.rollback();
            }
        }
    }

    private static void insertInSavepoint(Connection c, String eventId, String aggregateId, long sequence) throws SQLException {
        java.sql.Savepoint savepoint = c.setSavepoint();
        try {
            insert(c, eventId, aggregateId, sequence);
        } finally {
            c.rollback(savepoint);
        }
    }

    private static void insert(Connection c, String eventId, String aggregateId, long sequence) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO domainevententry (globalindex, eventidentifier, aggregateidentifier, sequencenumber, type, timestamp,
                                              payloadtype, payloadrevision, payload, metadata)
                SELECT COALESCE(MAX(globalindex), 0) + 1, ?, ?, ?, null, '2026-11-30T00:00:00Z', 'test', null, '\\x7b7d', null
                FROM domainevententry""")) {
            insert.setString(1, eventId);
            insert.setString(2, aggregateId);
            insert.setLong(3, sequence);
            insert.executeUpdate();
        }
    }
}
