package io.footfall.core.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventKind;
import io.footfall.core.store.EventJson;
import io.footfall.core.store.EventLogReader;
import io.footfall.core.store.IdentityUnlinked;
import io.footfall.core.store.RecordedBehavior;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * Projects the log into live profiles, identity links and per-identifier timelines. Runs on its
 * own pooled streaming processor; one batch of events is one transaction together with the token,
 * so every event is applied exactly once.
 *
 * <p>Identity: an event carrying both a user id and an anonymous id stitches the anonymous history
 * into the user's profile (the profile is re-folded from the timeline so it includes what happened
 * before login). {@code alias} merges the previous id's person into the user. An
 * {@link IdentityUnlinked} event undoes a stitch. An anonymous id already stitched into one user is
 * not moved to another user (shared devices).
 */
@jakarta.inject.Singleton
public class ProfileProjection {

    private static final String BATCH = ProfileProjection.class.getName() + ".batch";

    @Inject
    EntityManager em;
    @Inject
    EventLogReader reader;
    @Inject
    javax.sql.DataSource dataSource;
    @Inject
    io.footfall.core.privacy.ErasedSubjects erased;

    @Inject
    io.micrometer.core.instrument.MeterRegistry metrics;
    @Inject
    io.footfall.core.store.ProcessingPriority priority;

    private final ObjectMapper json = EventJson.create();
    private volatile io.micrometer.core.instrument.Timer freshness;
    private volatile io.micrometer.core.instrument.Timer batchTime;
    private volatile io.micrometer.core.instrument.DistributionSummary batchSize;

    @EventHandler
    public void on(RecordedBehavior recorded, TrackingToken token) {
        BehaviorEvent event = recorded.event();
        if (erased.about(event)) {
            return;
        }
        if (event.kind() == EventKind.IDENTIFY && recorded.personal() != null) {
            event = reader.open(recorded);
        }
        Batch batch = batch();
        long position = token.position().orElseThrow();
        if (!batch.positions.add(position)) {
            // a replaying processor can hand the same event twice in one batch; apply it once
            return;
        }
        batch.timeline.add(new TimelineRow(primaryIdentifier(event), position, event.occurredAt(), event.typeLabel()));

        batch.receivedAt.add(event.receivedAt());
        Resolution resolution = resolve(batch, event);
        if (!resolution.rebuilt()) {
            ProfileFolder.apply(batch.state(resolution.personId()), event);
            batch.dirty.add(resolution.personId());
        }
    }

    @EventHandler
    public void on(IdentityUnlinked unlinked) {
        Batch batch = batch();
        String user = Identifiers.user(unlinked.userId());
        for (String candidate : new String[] {Identifiers.anonymous(unlinked.anonymousId()), Identifiers.user(unlinked.anonymousId())}) {
            IdentityLinkEntity link = em.find(IdentityLinkEntity.class, candidate);
            if (link != null && link.personId.equals(user)) {
                link.personId = candidate;
                link.linkedAt = unlinked.at();
                rebuild(batch, user);
                rebuild(batch, candidate);
                return;
            }
        }
    }

    /** Clears the read model before a replay. Call inside a transaction. */
    public void clear() {
        em.createNativeQuery("TRUNCATE profile, identity_link, profile_timeline").executeUpdate();
    }

    private record Resolution(String personId, boolean rebuilt) {
    }

    /** A timeline row waiting for the batch's JDBC insert. */
    private record TimelineRow(String identifier, long position, Instant occurredAt, String type) {
    }

    private Resolution resolve(Batch batch, BehaviorEvent e) {
        String user = Identifiers.user(e.userId());
        String anon = Identifiers.anonymous(e.anonymousId());
        if (e.kind() == EventKind.ALIAS && user != null && e.previousId() != null && !e.previousId().isBlank()) {
            return alias(batch, user, e.previousId(), e.occurredAt());
        }
        if (user == null) {
            return new Resolution(personOf(batch, anon, e.occurredAt()), false);
        }
        IdentityLinkEntity userLink = batch.link(user);
        IdentityLinkEntity anonLink = anon == null ? null : batch.link(anon);
        if (userLink == null) {
            batch.newLink(user, user, e.occurredAt());
            if (anon == null) {
                return new Resolution(user, false);
            }
            if (anonLink == null) {
                batch.newLink(anon, user, e.occurredAt());
            } else if (Identifiers.isAnonymous(anonLink.personId)) {
                rename(batch, anonLink.personId, user, e.occurredAt());
            }
            return new Resolution(user, false);
        }
        String person = userLink.personId;
        if (anon == null) {
            return new Resolution(person, false);
        }
        if (anonLink == null) {
            batch.newLink(anon, person, e.occurredAt());
            return new Resolution(person, false);
        }
        if (anonLink.personId.equals(person) || !Identifiers.isAnonymous(anonLink.personId)) {
            return new Resolution(person, false);
        }
        merge(batch, anonLink.personId, person, e.occurredAt());
        return new Resolution(person, true);
    }

    private Resolution alias(Batch batch, String user, String previousId, Instant at) {
        IdentityLinkEntity userLink = batch.link(user);
        if (userLink == null) {
            userLink = batch.newLink(user, user, at);
        }
        String person = userLink.personId;
        IdentityLinkEntity previous = batch.link(Identifiers.user(previousId));
        if (previous == null) {
            previous = batch.link(Identifiers.anonymous(previousId));
        }
        if (previous == null) {
            batch.newLink(Identifiers.anonymous(previousId), person, at);
            return new Resolution(person, false);
        }
        if (previous.personId.equals(person)) {
            return new Resolution(person, false);
        }
        merge(batch, previous.personId, person, at);
        return new Resolution(person, true);
    }

    private String personOf(Batch batch, String identifier, Instant at) {
        IdentityLinkEntity link = batch.link(identifier);
        return link != null ? link.personId : batch.newLink(identifier, identifier, at).personId;
    }

    /** An anonymous person becomes a known user: same events, new id. */
    private void rename(Batch batch, String from, String to, Instant at) {
        moveLinks(from, to, at);
        ProfileState state = batch.state(from);
        state.personId = to;
        batch.states.put(to, state);
        batch.dirty.add(to);
        batch.remove(from);
    }

    /** Two people are one: re-fold the survivor from the timelines of all its identifiers. */
    private void merge(Batch batch, String from, String into, Instant at) {
        moveLinks(from, into, at);
        batch.remove(from);
        rebuild(batch, into);
    }

    /** Moves every identifier of one person to another; {@code linkedAt} becomes the time they joined it. */
    private void moveLinks(String from, String to, Instant at) {
        List<IdentityLinkEntity> links = em.createQuery(
                "SELECT l FROM IdentityLinkEntity l WHERE l.personId = :p", IdentityLinkEntity.class)
                .setParameter("p", from).getResultList();
        links.forEach(l -> {
            l.personId = to;
            l.linkedAt = at;
        });
    }

    private void rebuild(Batch batch, String personId) {
        batch.flushTimeline();
        ProfileState state = ProfileRebuilder.fold(em, reader, personId, null);
        batch.states.put(personId, state);
        batch.dirty.add(personId);
        batch.removed.remove(personId);
    }

    private static String primaryIdentifier(BehaviorEvent e) {
        String user = Identifiers.user(e.userId());
        return user != null ? user : Identifiers.anonymous(e.anonymousId());
    }

    private Batch batch() {
        UnitOfWork<?> uow = CurrentUnitOfWork.get().root();
        return uow.getOrComputeResource(BATCH, key -> {
            Batch b = new Batch();
            uow.onPrepareCommit(u -> b.flush());
            uow.afterCommit(u -> b.recordFreshness());
            if (uow instanceof BatchingUnitOfWork<?> batching) {
                prefetch(b, batching.getMessages());
            }
            return b;
        });
    }

    /**
     * Loads the identity links and profiles a batch of events will touch with two queries, so that
     * the per-event lookups find them in the persistence context instead of costing a round trip
     * each (they were most of the projection's database time). What the queries did not find is
     * remembered as absent, so that a new visitor's id costs no look-up either (before, three: its
     * link, its profile while folding and again while writing it).
     */
    private void prefetch(Batch batch, List<? extends org.axonframework.messaging.Message<?>> messages) {
        Set<String> identifiers = new HashSet<>();
        for (org.axonframework.messaging.Message<?> message : messages) {
            if (message.getPayload() instanceof RecordedBehavior recorded) {
                BehaviorEvent e = recorded.event();
                addIfPresent(identifiers, Identifiers.user(e.userId()));
                addIfPresent(identifiers, Identifiers.anonymous(e.anonymousId()));
                if (e.previousId() != null && !e.previousId().isBlank()) {
                    identifiers.add(Identifiers.user(e.previousId()));
                    identifiers.add(Identifiers.anonymous(e.previousId()));
                }
            }
        }
        if (identifiers.isEmpty()) {
            return;
        }
        List<IdentityLinkEntity> links = em.createQuery(
                "SELECT l FROM IdentityLinkEntity l WHERE l.identifier IN :ids", IdentityLinkEntity.class)
                .setParameter("ids", identifiers).getResultList();
        batch.absentLinks.addAll(identifiers);
        Set<String> people = new HashSet<>();
        links.forEach(l -> {
            people.add(l.personId);
            batch.absentLinks.remove(l.identifier);
        });
        // an id without a link becomes a person of its own: look its profile up too, so its absence is known
        people.addAll(batch.absentLinks);
        List<ProfileEntity> profiles = em.createQuery("SELECT p FROM ProfileEntity p WHERE p.personId IN :ids", ProfileEntity.class)
                .setParameter("ids", people).getResultList();
        batch.absentProfiles.addAll(people);
        profiles.forEach(p -> batch.absentProfiles.remove(p.personId));
    }

    private static void addIfPresent(Set<String> set, String value) {
        if (value != null) {
            set.add(value);
        }
    }

    /** Profiles touched by one batch of events, written once at the end of the batch. */
    private final class Batch {
        final Map<String, ProfileState> states = new HashMap<>();
        final Set<String> dirty = new HashSet<>();
        final Set<String> removed = new HashSet<>();
        final Set<Long> positions = new HashSet<>();
        final List<TimelineRow> timeline = new java.util.ArrayList<>();
        /**
         * Ids the batch's first look-up found no link for, and people it found no profile for: nothing else writes
         * these tables while this processor folds, so they stay absent until this batch creates them.
         */
        final Set<String> absentLinks = new HashSet<>();
        final Set<String> absentProfiles = new HashSet<>();

        /** The id's link: from the persistence context, or none without asking when the look-up found none. */
        IdentityLinkEntity link(String identifier) {
            return absentLinks.contains(identifier) ? null : em.find(IdentityLinkEntity.class, identifier);
        }

        /** Links the id to a person: a new row, which later look-ups of this batch find in the persistence context. */
        IdentityLinkEntity newLink(String identifier, String personId, Instant at) {
            IdentityLinkEntity link = new IdentityLinkEntity();
            link.identifier = identifier;
            link.personId = personId;
            link.linkedAt = at;
            em.persist(link);
            absentLinks.remove(identifier);
            return link;
        }

        /** The person's stored profile, or none without asking when the look-up found none. */
        ProfileEntity stored(String personId) {
            return absentProfiles.contains(personId) ? null : em.find(ProfileEntity.class, personId);
        }

        /**
         * Writes buffered timeline rows with one statement on the transaction's connection: the rows as four arrays
         * expanded by {@code unnest}, one plan and one execution for the whole batch (a third less time per row than
         * the driver's multi-row {@code VALUES} rewrite of a JDBC batch). Times go as ISO-8601 text, which PostgreSQL
         * reads exactly, whatever the JVM's time zone.
         */
        void flushTimeline() {
            if (timeline.isEmpty()) {
                return;
            }
            int n = timeline.size();
            String[] identifiers = new String[n];
            long[] positions = new long[n];
            String[] times = new String[n];
            String[] types = new String[n];
            for (int i = 0; i < n; i++) {
                TimelineRow row = timeline.get(i);
                identifiers[i] = row.identifier();
                positions[i] = row.position();
                times[i] = row.occurredAt().toString();
                types[i] = row.type();
            }
            try (java.sql.Connection c = dataSource.getConnection(); java.sql.PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO profile_timeline (identifier, global_index, occurred_at, event_type) "
                            + "SELECT * FROM unnest(?::varchar[], ?::bigint[], ?::timestamptz[], ?::varchar[]) ON CONFLICT DO NOTHING")) {
                insert.setArray(1, c.createArrayOf("varchar", identifiers));
                insert.setObject(2, positions);
                insert.setArray(3, c.createArrayOf("text", times));
                insert.setArray(4, c.createArrayOf("varchar", types));
                insert.executeUpdate();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot write the profile timeline", e);
            }
            timeline.clear();
        }
        final List<Instant> receivedAt = new java.util.ArrayList<>();
        final long started = System.nanoTime();

        /** How long after the collector received each event its profile was committed; the batch's own time and size. */
        void recordFreshness() {
            io.micrometer.core.instrument.Timer timer = freshness();
            batchTime.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
            batchSize.record(positions.size());
            Instant now = Instant.now();
            long newest = Long.MIN_VALUE;
            for (Instant received : receivedAt) {
                if (received != null) {
                    timer.record(java.time.Duration.between(received, now));
                    newest = Math.max(newest, received.toEpochMilli());
                }
            }
            if (newest != Long.MIN_VALUE) {
                priority.folded(newest);
            }
        }

        ProfileState state(String personId) {
            return states.computeIfAbsent(personId, id -> {
                ProfileEntity entity = removed.contains(id) ? null : stored(id);
                if (entity == null) {
                    ProfileState fresh = new ProfileState();
                    fresh.personId = id;
                    return fresh;
                }
                return read(entity.state);
            });
        }

        void remove(String personId) {
            states.remove(personId);
            dirty.remove(personId);
            removed.add(personId);
        }

        void flush() {
            flushTimeline();
            for (String id : removed) {
                ProfileEntity entity = stored(id);
                if (entity != null) {
                    em.remove(entity);
                }
            }
            dirty.stream().sorted(Comparator.naturalOrder()).forEach(id -> {
                ProfileState state = states.get(id);
                ProfileEntity entity = stored(id);
                boolean fresh = entity == null;
                if (fresh) {
                    entity = new ProfileEntity();
                    entity.personId = id;
                }
                entity.userId = state.userId;
                entity.lastSeen = state.lastSeen;
                entity.state = write(state);
                if (fresh) {
                    em.persist(entity);
                }
            });
            em.flush();
        }
    }

    private io.micrometer.core.instrument.Timer freshness() {
        if (freshness == null) {
            // the batch meters first: freshness, set last, says all three exist
            batchTime = io.micrometer.core.instrument.Timer.builder("footfall.profile.batch")
                    .description("time the profile projection spends on one batch, from its first event to its commit")
                    .publishPercentiles(0.5, 0.99)
                    .distributionStatisticExpiry(java.time.Duration.ofMinutes(1))
                    .distributionStatisticBufferLength(2)
                    .register(metrics);
            batchSize = io.micrometer.core.instrument.DistributionSummary.builder("footfall.profile.batch.size")
                    .baseUnit("events").description("events in one batch of the profile projection")
                    .publishPercentiles(0.5, 0.99)
                    .distributionStatisticExpiry(java.time.Duration.ofMinutes(1))
                    .distributionStatisticBufferLength(2)
                    .register(metrics);
            freshness = io.micrometer.core.instrument.Timer.builder("footfall.profile.freshness")
                    .description("time from an event's arrival at the collector to its profile being committed")
                    .publishPercentiles(0.5, 0.9, 0.99)
                    // cumulative buckets: the share of events fresher than 1 s over any interval, from two scrapes
                    .serviceLevelObjectives(java.time.Duration.ofMillis(250), java.time.Duration.ofMillis(500),
                            java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(5))
                    .distributionStatisticExpiry(java.time.Duration.ofMinutes(1))
                    .distributionStatisticBufferLength(2)
                    .register(metrics);
        }
        return freshness;
    }

    private ProfileState read(String stateJson) {
        try {
            return json.readValue(stateJson, ProfileState.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored profile state is not readable", e);
        }
    }

    String write(ProfileState state) {
        try {
            return json.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("profile state is not serialisable", e);
        }
    }
}
