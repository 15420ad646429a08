package io.footfall.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Counts messages and drops them; for benchmarks and dry runs. Not thread-safe. */
public final class CountingSink implements EventSink {

    private long count;

    @Override
    public void accept(ObjectNode message) {
        count++;
    }

    /** Messages received so far. */
    public long count() {
        return count;
    }
}
