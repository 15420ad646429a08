package io.footfall.core.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.core.store.EventJson;
import io.footfall.core.store.EventLogReader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads profiles: live, as of an instant, and their event timelines. */
@ApplicationScoped
public class ProfileQueries {

    @Inject
    EntityManager em;
    @Inject
    EventLogReader reader;

    private final ObjectMapper json = EventJson.create();

    /** The identifiers an id may stand for, in the order they are tried: user id, anonymous id, person id. */
    private static String[] candidates(String id) {
        return new String[] {Identifiers.user(id), Identifiers.anonymous(id), id};
    }

    /** The person an id belongs to: tried as a user id, then an anonymous id, then a person id. */
    @Transactional
    public Optional<String> personOf(String id) {
        for (String identifier : candidates(id)) {
            IdentityLinkEntity link = em.find(IdentityLinkEntity.class, identifier);
            if (link != null) {
                return Optional.of(link.personId);
            }
        }
        return Optional.empty();
    }

    /** The live folded state of a person (with personal traits). */
    @Transactional
    public Optional<ProfileState> state(String id) {
        return personOf(id).map(person -> em.find(ProfileEntity.class, person)).map(this::decode);
    }

    /**
     * The live folded states of several ids at once (keyed by the id asked for; ids without a profile left out), each
     * resolved as {@link #state}: as a user id, then an anonymous id, then a person id. Two queries for all of them.
     */
    @Transactional
    public Map<String, ProfileState> states(java.util.Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        java.util.Set<String> identifiers = new java.util.HashSet<>();
        ids.forEach(id -> identifiers.addAll(List.of(candidates(id))));
        Map<String, String> persons = new java.util.HashMap<>();
        for (IdentityLinkEntity link : em.createQuery("SELECT l FROM IdentityLinkEntity l WHERE l.identifier IN :ids",
                IdentityLinkEntity.class).setParameter("ids", identifiers).getResultList()) {
            persons.put(link.identifier, link.personId);
        }
        Map<String, String> personOfId = new java.util.LinkedHashMap<>();
        for (String id : ids) {
            java.util.Arrays.stream(candidates(id)).map(persons::get).filter(java.util.Objects::nonNull).findFirst()
                    .ifPresent(person -> personOfId.put(id, person));
        }
        if (personOfId.isEmpty()) {
            return Map.of();
        }
        Map<String, ProfileState> byPerson = new java.util.HashMap<>();
        for (ProfileEntity p : em.createQuery("SELECT p FROM ProfileEntity p WHERE p.personId IN :people", ProfileEntity.class)
                .setParameter("people", new java.util.HashSet<>(personOfId.values())).getResultList()) {
            byPerson.put(p.personId, decode(p));
        }
        Map<String, ProfileState> out = new java.util.LinkedHashMap<>();
        personOfId.forEach((id, person) -> {
            if (byPerson.containsKey(person)) {
                out.put(id, byPerson.get(person));
            }
        });
        return out;
    }

    /** The live profile. */
    @Transactional
    public Optional<ProfileView> live(String id) {
        return personOf(id).map(person -> em.find(ProfileEntity.class, person)).map(entity -> view(decode(entity), Instant.now()));
    }

    private ProfileState decode(ProfileEntity entity) {
        try {
            return json.readValue(entity.state, ProfileState.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored profile is not readable", e);
        }
    }

    /** The profile as it was at {@code asOf}, folded from the log with today's identity links. */
    @Transactional
    public Optional<ProfileView> asOf(String id, Instant asOf) {
        return personOf(id).map(person -> view(ProfileRebuilder.fold(em, reader, person, asOf), asOf));
    }

    /** The view, listing only the anonymous ids that are (still) linked to the person. */
    private ProfileView view(ProfileState state, Instant at) {
        List<String> linked = identifiersOf(state.personId);
        state.anonymousIds.removeIf(anon -> !linked.contains(Identifiers.anonymous(anon)));
        return ProfileView.of(state, at);
    }

    /** The identifiers of the person the id belongs to ({@code user:…}, {@code anon:…}); empty when the id is unknown. */
    @Transactional
    public Optional<List<String>> identifiers(String id) {
        return personOf(id).map(this::identifiersOf);
    }

    /**
     * Up to {@code limit} events of these identifiers after position {@code after}, in log order, with their personal
     * data opened when asked (for the person's own export; null where it was erased).
     */
    @Transactional
    public EventsPage eventsAfter(List<String> identifiers, long after, int limit, boolean withPersonalData) {
        List<Long> positions = em.createQuery("SELECT t.globalIndex FROM TimelineEntry t WHERE t.identifier IN :ids"
                        + " AND t.globalIndex > :after ORDER BY t.globalIndex", Long.class)
                .setParameter("ids", identifiers).setParameter("after", after).setMaxResults(limit).getResultList();
        List<TimelineItem> items = reader.read(positions, withPersonalData).stream().map(e -> new TimelineItem(e.globalIndex(), e.event())).toList();
        return new EventsPage(items, positions.size() < limit ? null : positions.get(positions.size() - 1));
    }

    /**
     * A page of {@link #eventsAfter}.
     *
     * @param items the events, in log order
     * @param next  the {@code after} of the next page; null on the last
     */
    public record EventsPage(List<TimelineItem> items, Long next) {
    }

    private List<String> identifiersOf(String person) {
        return em.createQuery("SELECT l.identifier FROM IdentityLinkEntity l WHERE l.personId = :p", String.class)
                .setParameter("p", person).getResultList();
    }

    /**
     * One entry of a timeline.
     *
     * @param position position in the log, the cursor for the next page
     * @param event    the event, without personal data (except in {@link #eventsAfter} when asked for)
     */
    public record TimelineItem(long position, io.footfall.api.event.BehaviorEvent event) {
    }

    /** A page of the person's events, latest in the log first, strictly before the {@code before} position when given. */
    @Transactional
    public Optional<List<TimelineItem>> timeline(String id, Long before, int limit) {
        return personOf(id).map(person -> {
            List<String> identifiers = identifiersOf(person);
            var query = em.createQuery("SELECT t.globalIndex FROM TimelineEntry t WHERE t.identifier IN :ids"
                            + (before == null ? "" : " AND t.globalIndex < :before")
                            + " ORDER BY t.globalIndex DESC", Long.class)
                    .setParameter("ids", identifiers)
                    .setMaxResults(limit);
            if (before != null) {
                query.setParameter("before", before);
            }
            List<Long> positions = query.getResultList();
            Map<Long, EventLogReader.LoggedEvent> byPosition = reader.read(positions, false).stream()
                    .collect(Collectors.toMap(EventLogReader.LoggedEvent::globalIndex, Function.identity()));
            return positions.stream().filter(byPosition::containsKey)
                    .map(p -> new TimelineItem(p, byPosition.get(p).event())).toList();
        });
    }

    /**
     * The person's events of these types (type labels, e.g. {@code Segment Entered}), latest event time first, at most
     * {@code limit}; empty when the id is unknown.
     */
    @Transactional
    public List<TimelineItem> eventsOfTypes(String id, java.util.Collection<String> types, int limit) {
        return personOf(id).map(person -> {
            List<Long> positions = em.createQuery("SELECT t.globalIndex FROM TimelineEntry t WHERE t.identifier IN :ids"
                            + " AND t.eventType IN :types ORDER BY t.occurredAt DESC, t.globalIndex DESC", Long.class)
                    .setParameter("ids", identifiersOf(person))
                    .setParameter("types", types)
                    .setMaxResults(limit)
                    .getResultList();
            Map<Long, EventLogReader.LoggedEvent> byPosition = reader.read(positions, false).stream()
                    .collect(Collectors.toMap(EventLogReader.LoggedEvent::globalIndex, Function.identity()));
            return positions.stream().filter(byPosition::containsKey)
                    .map(p -> new TimelineItem(p, byPosition.get(p).event())).toList();
        }).orElse(List.of());
    }
}
