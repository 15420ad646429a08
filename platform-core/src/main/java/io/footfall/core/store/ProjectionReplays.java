package io.footfall.core.store;

import io.footfall.core.profile.ProfileProjection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.axonframework.eventhandling.StreamingEventProcessor;

/**
 * Replays a projection (the profile projection or a contributed one) on this instance: stops its processor, locks its
 * token rows ({@link TokenPositions#lockForReset}), clears the read model, resets the token to the start of the log and
 * starts the processor again.
 */
@ApplicationScoped
public class ProjectionReplays {

    /** Attempts at clearing a read model that lost a deadlock. */
    public static final int CLEAR_ATTEMPTS = 5;

    @Inject
    EventLog log;
    @Inject
    ProfileProjection profiles;
    @Inject
    DataSource dataSource;
    @Inject
    ProjectionDeadLetters deadLetters;

    /** The read model could not be cleared; nothing changed, the processor goes on where it was. */
    public static final class NotClearedException extends RuntimeException {
        NotClearedException(RuntimeException cause) {
            super(cause);
        }
    }

    /**
     * Replays here.
     *
     * @param processor      this instance's processor of the projection
     * @param name           the projection's name
     * @param inTransaction  runs in the reset's transaction after the lock (e.g. marking a request done); throwing
     *                       rolls the reset back
     * @throws TokenPositions.HeldElsewhereException when another live instance holds it (nothing changed)
     * @throws NotClearedException when the read model could not be cleared (nothing changed)
     */
    public void replayHere(StreamingEventProcessor processor, String name, Runnable inTransaction) throws Exception {
        processor.shutdownAsync().get(30, TimeUnit.SECONDS);
        try {
            // the token rows stay locked until the reset commits: no other instance can claim the processor and fold
            // into the read model while it is cleared
            io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
                TokenPositions.lockForReset(dataSource, name, EventLog.NODE);
                inTransaction.run();
                // the replay tries parked events again (ADR 0023)
                deadLetters.replaying(name);
                try {
                    if (EventLog.PROFILES.equals(name)) {
                        clear(profiles::clear);
                    }
                    log.projection(name).ifPresent(projection -> clear(projection::clear));
                } catch (RuntimeException e) {
                    // nothing was cleared (each clear is one transaction that rolled back)
                    throw new NotClearedException(e);
                }
                processor.resetTokens();
            });
        } catch (RuntimeException e) {
            processor.start();
            throw e;
        }
        processor.start();
    }

    /**
     * Clears a read model in a transaction of its own. Its {@code TRUNCATE} takes exclusive locks table by table, so a
     * reader that holds one of them and waits for another (an API or plugin read of profiles and identity links) can
     * deadlock with it; PostgreSQL then aborts one side, and when that is the clear, it is tried again.
     */
    private static void clear(Runnable clear) {
        for (int attempt = 1; ; attempt++) {
            try {
                io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(clear);
                return;
            } catch (RuntimeException e) {
                if (attempt >= CLEAR_ATTEMPTS || !deadlock(e)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Whether PostgreSQL aborted the transaction to break a deadlock (SQLSTATE 40P01, which Hibernate reports as a
     * {@code PessimisticLockException}), anywhere in the causes or the suppressed exceptions.
     */
    public static boolean deadlock(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "40P01".equals(sql.getSQLState())
                    || t instanceof jakarta.persistence.PessimisticLockException) {
                return true;
            }
            for (Throwable s : t.getSuppressed()) {
                if (s != t && deadlock(s)) {
                    return true;
                }
            }
        }
        return false;
    }
}
