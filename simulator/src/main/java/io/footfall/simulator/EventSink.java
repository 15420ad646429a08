package io.footfall.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Receives the simulator's messages, in timestamp order, one at a time. The simulator never closes a sink:
 * its owner does (typically with try-with-resources), and a sink that delivers asynchronously reports delivery
 * failures from {@link #accept} or {@link #close} at the latest.
 */
@FunctionalInterface
public interface EventSink extends AutoCloseable {

    /**
     * Takes one Segment message. The sink may keep the node; the simulator does not touch it afterwards.
     *
     * @throws java.io.UncheckedIOException or another runtime exception if the message cannot be delivered
     */
    void accept(ObjectNode message);

    /** Flushes and releases resources. The default does nothing. */
    @Override
    default void close() {
    }
}
