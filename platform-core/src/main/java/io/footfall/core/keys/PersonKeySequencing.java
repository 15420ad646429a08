package io.footfall.core.keys;

import io.footfall.core.store.ProcessedPosition;
import java.util.OptionalLong;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.async.SequencingPolicy;

/**
 * Axon's sequencing policy for a processor folding on several segments (ADR 0021): the hash of the event's person key as
 * the person keyer fixed it, so every event of a person goes to one segment, in log order. Read from the
 * {@link KeyedEventSource}, which hands out only keyed events. An event without a key (it names nobody, or its person
 * was erased) has no sequencing requirement.
 */
public final class PersonKeySequencing implements SequencingPolicy<EventMessage<?>> {

    private final PersonKeyIndex index;

    /** The policy over the keyer's output. */
    public PersonKeySequencing(PersonKeyIndex index) {
        this.index = index;
    }

    @Override
    public Object getSequenceIdentifierFor(EventMessage<?> event) {
        if (event instanceof TrackedEventMessage<?> tracked) {
            OptionalLong key = index.keyAt(ProcessedPosition.of(tracked.trackingToken()));
            if (key.isPresent()) {
                return key.getAsLong();
            }
        }
        return null;
    }
}
