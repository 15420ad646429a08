package io.footfall.core.store;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventRevision;

/**
 * The payload Footfall stores in the Axon event log for one behaviour event: the canonical event
 * with its personal data removed, and that personal data sealed with the person's key.
 *
 * @param event    the event without personal traits and without the full IP
 * @param personal the sealed personal data, or null when the event carried none
 */
@EventRevision("1")
public record RecordedBehavior(BehaviorEvent event, SealedPersonalData personal) {
}
