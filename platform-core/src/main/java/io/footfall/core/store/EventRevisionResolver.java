package io.footfall.core.store;

import io.footfall.api.event.EventRevision;
import org.axonframework.serialization.RevisionResolver;

/** Reads Footfall's own {@link EventRevision} annotation so stored payloads carry their revision. */
public final class EventRevisionResolver implements RevisionResolver {
    @Override
    public String revisionOf(Class<?> payloadType) {
        EventRevision revision = payloadType.getAnnotation(EventRevision.class);
        return revision == null ? null : revision.value();
    }
}
