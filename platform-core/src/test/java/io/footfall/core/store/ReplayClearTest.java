package io.footfall.core.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** A replay's clear is tried again only when it lost a deadlock, however the failure wraps it. */
class ReplayClearTest {

    @Test
    void aDeadlockIsRecognisedInCausesAndSuppressedExceptions() {
        SQLException deadlock = new SQLException("ERROR: deadlock detected", "40P01");
        assertTrue(ProjectionReplays.deadlock(deadlock));
        assertTrue(ProjectionReplays.deadlock(new IllegalStateException("commit failed", new RuntimeException(deadlock))));
        RuntimeException rolledBack = new IllegalStateException("the transaction was rolled back");
        rolledBack.addSuppressed(new jakarta.persistence.PessimisticLockException("JDBC exception executing SQL [deadlock detected]"));
        assertTrue(ProjectionReplays.deadlock(rolledBack));
        assertFalse(ProjectionReplays.deadlock(new IllegalStateException("x", new SQLException("unique", "23505"))));
        assertFalse(ProjectionReplays.deadlock(new IllegalStateException("no cause")));
    }
}
