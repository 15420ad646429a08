package io.footfall.core.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

/**
 * A read model kept current from the event log by a tracking processor of its own: the extension point through
 * which modules outside platform-core (reporting, …) add projections without platform-core knowing them.
 *
 * <p>Every CDI bean implementing this interface is registered by {@link EventLog} at startup as a single-threaded
 * tracking event processor named {@link #name()}, with its token in the shared token store, starting from the tail
 * of the log. Axon calls the {@code @EventHandler} methods of {@link #handler()} (a bean that must not be a client
 * proxy: use {@code @Singleton}) inside the processor's unit of work, whose JTA transaction also commits the token,
 * so a batch is applied exactly once. A projection should buffer a batch's changes in a unit-of-work resource and
 * write them once per batch.
 *
 * <p>{@code POST /api/v1/projections/{name}/replay} stops the processor, calls {@link #clear()} in a transaction of
 * its own, resets the token and restarts it. Erasure of a person calls {@link #erase} inside its transaction.
 */
public interface Projection {

    /** Processor name, unique among projections and plugins, e.g. {@code reporting}. */
    String name();

    /** The object whose {@code @EventHandler} methods fold events (often the projection itself). */
    Object handler();

    /** Events per processor transaction when the processor is behind; at the head batches are smaller. */
    default int batchSize() {
        return 500;
    }

    /**
     * Whether the read model may be folded on several segments, each person's events on one of them (ADR 0021, step 5):
     * {@code footfall.processing.segments.<name>} above 1 then splits the processor, and its segments are claimed across
     * {@code process} instances like the profile projection's. A projection that answers {@code true} promises that
     * its handler may be called concurrently, once per segment, each call with its own unit of work; that each
     * batch writes only rows of the persons it was handed (rows other persons share, such as rollups, are changed by
     * commutative deltas, written so that two segments cannot deadlock); and that what it reads of the read model
     * is its own persons' rows. The host delivers each person's events in log order on one segment; where people
     * regroup (a merge across person keys, an unmerge), every segment has committed what came before, and the event
     * is handed over alone. Default {@code false}: one segment.
     */
    default boolean foldsByPerson() {
        return false;
    }

    /** Deletes the read model before a replay. Called inside a transaction. */
    void clear();

    /**
     * Deletes what the read model holds about the erased identifiers ({@code user:…}, {@code anon:…}, person ids).
     *
     * @param connection  the erasure's connection, inside its transaction
     * @param identifiers the erased identifiers
     */
    default void erase(Connection connection, Set<String> identifiers) throws SQLException {
    }
}
