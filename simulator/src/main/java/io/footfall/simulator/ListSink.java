package io.footfall.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Keeps every message in memory, for tests and small simulations. Not thread-safe. */
public final class ListSink implements EventSink {

    private final List<ObjectNode> messages = new ArrayList<>();

    @Override
    public void accept(ObjectNode message) {
        messages.add(message);
    }

    /** The messages received so far, in order (a read-only view). */
    public List<ObjectNode> messages() {
        return Collections.unmodifiableList(messages);
    }
}
