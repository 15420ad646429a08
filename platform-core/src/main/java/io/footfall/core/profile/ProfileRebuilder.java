package io.footfall.core.profile;

import io.footfall.core.store.EventLogReader;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** Folds a person's profile from the log: for merges, and for the profile as of an instant. */
final class ProfileRebuilder {

    private ProfileRebuilder() {
    }

    /**
     * Folds every event of every identifier currently linked to the person, in order of occurrence
     * (ties by log position), up to and including {@code asOf} when given.
     */
    static ProfileState fold(EntityManager em, EventLogReader reader, String personId, Instant asOf) {
        List<String> identifiers = em.createQuery(
                "SELECT l.identifier FROM IdentityLinkEntity l WHERE l.personId = :p", String.class)
                .setParameter("p", personId).getResultList();
        ProfileState state = new ProfileState();
        state.personId = personId;
        if (identifiers.isEmpty()) {
            return state;
        }
        String jpql = "SELECT t.globalIndex FROM TimelineEntry t WHERE t.identifier IN :ids"
                + (asOf == null ? "" : " AND t.occurredAt <= :asOf");
        var query = em.createQuery(jpql, Long.class).setParameter("ids", identifiers);
        if (asOf != null) {
            query.setParameter("asOf", asOf);
        }
        List<Long> positions = query.getResultList();
        reader.read(positions, true).stream()
                .sorted(Comparator.comparing((EventLogReader.LoggedEvent l) -> l.event().occurredAt())
                        .thenComparingLong(EventLogReader.LoggedEvent::globalIndex))
                .forEach(l -> ProfileFolder.apply(state, l.event()));
        return state;
    }
}
