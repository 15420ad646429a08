package io.footfall.core.store;

import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import org.axonframework.common.transaction.Transaction;

/**
 * Lets Axon run its units of work in Narayana's JTA transactions, so the event store, the token
 * store and Hibernate projections share one transaction and one connection per unit of work.
 * Begins a transaction when none is active, otherwise joins the active one; rolling back a joined
 * transaction marks it rollback-only.
 */
public final class JtaTransactionBridge implements org.axonframework.common.transaction.TransactionManager {

    private final TransactionManager jta;

    public JtaTransactionBridge(TransactionManager jta) {
        this.jta = jta;
    }

    @Override
    public Transaction startTransaction() {
        try {
            if (jta.getStatus() == Status.STATUS_NO_TRANSACTION) {
                jta.begin();
                return new Owned();
            }
            return new Joined();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start a JTA transaction", e);
        }
    }

    private final class Owned implements Transaction {
        @Override
        public void commit() {
            try {
                if (jta.getStatus() == Status.STATUS_MARKED_ROLLBACK) {
                    jta.rollback();
                    throw new IllegalStateException("transaction was marked rollback-only");
                }
                jta.commit();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("commit failed", e);
            }
        }

        @Override
        public void rollback() {
            try {
                if (jta.getStatus() != Status.STATUS_NO_TRANSACTION) {
                    jta.rollback();
                }
            } catch (SystemException e) {
                throw new IllegalStateException("rollback failed", e);
            }
        }
    }

    private final class Joined implements Transaction {
        @Override
        public void commit() {
            // the owner of the transaction commits it
        }

        @Override
        public void rollback() {
            try {
                jta.setRollbackOnly();
            } catch (SystemException e) {
                throw new IllegalStateException("cannot mark the transaction rollback-only", e);
            }
        }
    }
}
