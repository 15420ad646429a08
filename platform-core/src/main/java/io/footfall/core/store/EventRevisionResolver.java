package io.footfall.core.store;

import io.footfall.api.event.EventRevision;
import java.util.Optional;
import org.axonframework.serialization.RevisionResolver;

/**
 * Reads Footfall's own {@link EventRevision} annotation so stored payloads carry their revision. The answer is kept
 * per class: Axon asks for every payload it serializes, and reading the annotation each time cost a map look-up
 * and a proxy call per stored event.
 */
public final class EventRevisionResolver implements RevisionResolver {

    private static final ClassValue<Optional<String>> REVISIONS = new ClassValue<>() {
        @Override
        protected Optional<String> computeValue(Class<?> type) {
            EventRevision revision = type.getAnnotation(EventRevision.class);
            return Optional.ofNullable(revision == null ? null : revision.value());
        }
    };

    @Override
    public String revisionOf(Class<?> payloadType) {
        return REVISIONS.get(payloadType).orElse(null);
    }
}
