package io.footfall.core.store;

import java.util.List;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;

/**
 * The chain that turns stored payloads of older {@link io.footfall.api.event.EventRevision revisions}
 * into the current shape, applied by the event store and by {@link EventLogReader} alike. Stored
 * events are never rewritten: when a payload's shape changes, raise its revision and add an
 * upcaster here (e.g. an Axon {@code SingleEventUpcaster} on the JSON tree from revision "1" to "2").
 */
public final class Upcasters {

    private Upcasters() {
    }

    /** The upcasters, oldest revision first. None yet: every stored payload is at revision 1. */
    static List<EventUpcaster> all() {
        return List.of();
    }

    /** The chain of {@link #all()}. */
    public static EventUpcasterChain chain() {
        return new EventUpcasterChain(all());
    }
}
