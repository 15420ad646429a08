package io.footfall.core.keys;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventKind;
import io.footfall.core.profile.Identifiers;
import io.footfall.core.store.IdentityUnlinked;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The person key of each logged event, following identity stitching in log order: one batch's view of a person-key map
 * ({@link PersonKeyTable}). The Kafka relay keys its records with it (ADR 0017, amendment 2026-11-30; docs/kafka-relay.md;
 * its map {@code relay_person_key}); the person keyer fixes the key of every event for processors folding on several
 * segments (ADR 0021; {@link PersonKeyer}, map {@code person_key}).
 *
 * <p>The map mirrors the profile projection's identity graph (ADR 0004: each identifier belongs to a person named by one
 * of its identifiers, the same stitch, rename, merge and unlink steps in the same order) and adds one thing per person:
 * its <em>key</em>, the first identifier the relay saw for it. Rules:
 * <ul>
 *   <li>an identifier seen for the first time alone is a new person whose key is the identifier itself;</li>
 *   <li>an event with a user id U and an anonymous id X (an {@code identify}, or any event with both; an {@code alias} with
 *       U and {@code previousId} likewise): U new, X's person anonymous — U joins X's person and adopts its key; neither
 *       known — both get U's key; X new — X joins U's person and key; both known as different people, X's person
 *       anonymous — X's person merges into U's, and X's <em>later</em> events go to U's key (earlier records stay on the
 *       key they were sent with); X already stitched into another user — X stays there (an anonymous id is never moved
 *       to another user, as in the projection) and the event goes to U's key. {@code alias} merges whatever person
 *       {@code previousId} belongs to, as the projection does;</li>
 *   <li>an event goes to the key of the person of its user id, else of its anonymous id, after the rules above;</li>
 *   <li>an identity unlink gives the detached identifier its own person and its own key for later events; if the user's
 *       key was the detached identifier, the user gets its own user key. The unlink record itself goes to the key the
 *       person had before it (where the joined history is).</li>
 * </ul>
 *
 * <p>The whole view lives in one unit of work: loaded with one query for the batch's identifiers ({@link Loader}), changed
 * in memory, written with one batch of moves and one batch of upserts at prepare-commit, and dropped with the unit of work.
 * A rolled-back batch therefore leaves nothing behind, in the table or in memory.
 */
public final class PersonKeys {

    /**
     * One row of the map.
     *
     * @param identifier {@code user:<id>} or {@code anon:<id>}
     * @param person     the person the identifier belongs to (one of the person's identifiers)
     * @param key        the person's key, on the person's own row ({@code identifier == person}); null on the others
     * @param since      the log position of the event that last changed the row
     */
    public record Row(String identifier, String person, String key, long since) {
    }

    /**
     * A merge: every identifier of person {@code from} now belongs to {@code to}.
     *
     * @param from  the person merged away
     * @param to    the surviving person
     * @param since the log position of the merging event
     */
    public record Move(String from, String to, long since) {
    }

    /** Reads rows of the map. */
    public interface Loader {
        /** The rows of these identifiers and the rows of the persons they belong to. */
        Collection<Row> load(Set<String> identifiers);
    }

    private final Loader loader;
    private final Map<String, Row> rows = new HashMap<>();
    /** Identifiers whose row (or absence) is known here. */
    private final Set<String> known = new HashSet<>();
    private final Set<String> dirty = new HashSet<>();
    private final List<Move> moves = new ArrayList<>();
    private int loads;
    /** Identifiers that already had a key and got another: merges of people with different keys, unlinks. */
    private int rekeyings;

    /** An empty view that loads what it needs through {@code loader}. */
    public PersonKeys(Loader loader) {
        this.loader = loader;
    }

    /** The identifiers whose rows the events of a batch need: their user, anonymous and previous ids. */
    public static Set<String> identifiersOf(Collection<?> payloads) {
        Set<String> ids = new HashSet<>();
        for (Object payload : payloads) {
            if (payload instanceof io.footfall.core.store.RecordedBehavior recorded) {
                BehaviorEvent e = recorded.event();
                addIfSet(ids, Identifiers.user(e.userId()));
                addIfSet(ids, Identifiers.anonymous(e.anonymousId()));
                addIfSet(ids, Identifiers.user(e.previousId()));
                addIfSet(ids, Identifiers.anonymous(e.previousId()));
            } else if (payload instanceof IdentityUnlinked unlinked) {
                addIfSet(ids, Identifiers.user(unlinked.userId()));
                addIfSet(ids, Identifiers.user(unlinked.anonymousId()));
                addIfSet(ids, Identifiers.anonymous(unlinked.anonymousId()));
            }
        }
        return ids;
    }

    /** Loads the rows of these identifiers (one call of the loader). */
    public void prefetch(Set<String> identifiers) {
        Set<String> missing = new HashSet<>(identifiers);
        missing.removeAll(known);
        if (missing.isEmpty()) {
            return;
        }
        loads++;
        for (Row row : loader.load(missing)) {
            if (known.add(row.identifier())) {
                rows.put(row.identifier(), row);
            }
        }
        known.addAll(missing);
    }

    /**
     * How many times identifiers that already had a key got another one in this view so far (a merge of two people with
     * different keys, an unlink): an event after which the count grew gives some identifiers a new key, so their earlier
     * events sit under another key than their later ones. A login that only joins a browsing visitor's person keeps the
     * visitor's key and does not count.
     */
    public int rekeyings() {
        return rekeyings;
    }

    /** How often the loader was called (1 per batch when everything was prefetched). */
    public int loads() {
        return loads;
    }

    /**
     * The key of a behaviour event at this log position, after applying its identity links; null when the event names
     * nobody.
     */
    public String keyOf(BehaviorEvent e, long position) {
        String user = Identifiers.user(e.userId());
        String anon = Identifiers.anonymous(e.anonymousId());
        if (e.kind() == EventKind.ALIAS && user != null && e.previousId() != null && !e.previousId().isBlank()) {
            return alias(user, e.previousId(), position);
        }
        if (user == null) {
            if (anon == null) {
                return null;
            }
            Row row = row(anon);
            return keyOfPerson(row != null ? row.person() : create(anon, anon, anon, position).person());
        }
        Row userRow = row(user);
        Row anonRow = anon == null ? null : row(anon);
        if (userRow == null) {
            if (anonRow != null && Identifiers.isAnonymous(anonRow.person())) {
                // browse, then log in: the anonymous person becomes the user, and the user takes over its key
                create(user, user, keyOfPerson(anonRow.person()), position);
                move(anonRow.person(), user, position);
            } else {
                create(user, user, user, position);
                if (anon != null && anonRow == null) {
                    create(anon, user, null, position);
                }
                // an anonymous id already stitched into another user stays there (ADR 0004)
            }
            return keyOfPerson(user);
        }
        String person = userRow.person();
        if (anon != null) {
            if (anonRow == null) {
                create(anon, person, null, position);
            } else if (!anonRow.person().equals(person) && Identifiers.isAnonymous(anonRow.person())) {
                // a known user logs in on a device with anonymous history: its later events go to the user's key
                move(anonRow.person(), person, position);
            }
        }
        return keyOfPerson(person);
    }

    private String alias(String user, String previousId, long position) {
        Row userRow = row(user);
        boolean fresh = userRow == null;
        if (fresh) {
            userRow = create(user, user, user, position);
        }
        String person = userRow.person();
        Row previous = row(Identifiers.user(previousId));
        if (previous == null) {
            previous = row(Identifiers.anonymous(previousId));
        }
        if (previous == null) {
            create(Identifiers.anonymous(previousId), person, null, position);
        } else if (!previous.person().equals(person)) {
            if (fresh) {
                // the user is new: it adopts the key of the person it joins
                setKey(person, keyOfPerson(previous.person()), position);
            }
            move(previous.person(), person, position);
        }
        return keyOfPerson(person);
    }

    /**
     * Whether, after {@code e} was keyed with {@code key}, an identifier it names belongs to a person with another key (an
     * anonymous id already stitched into another user, an alias of someone else): folding the event then reads rows the
     * other key's events wrote.
     */
    public boolean namesOtherKeys(BehaviorEvent e, String key) {
        for (String id : new String[] {Identifiers.user(e.userId()), Identifiers.anonymous(e.anonymousId()),
                Identifiers.user(e.previousId()), Identifiers.anonymous(e.previousId())}) {
            Row row = id == null ? null : rows.get(id);
            if (row != null && !keyOfPerson(row.person()).equals(key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The key of an identity unlink at this log position (the key the person had before it), after giving the detached
     * identifier its own person and key.
     */
    public String keyOf(IdentityUnlinked unlinked, long position) {
        String user = Identifiers.user(unlinked.userId());
        if (user == null) {
            return null;
        }
        Row userRow = row(user);
        String before = userRow == null ? user : keyOfPerson(userRow.person());
        for (String candidate : new String[] {Identifiers.anonymous(unlinked.anonymousId()), Identifiers.user(unlinked.anonymousId())}) {
            Row row = candidate == null ? null : row(candidate);
            if (row != null && row.person().equals(user)) {
                rekeyings++;
                put(new Row(candidate, candidate, candidate, position));
                if (candidate.equals(keyOfPerson(user))) {
                    setKey(user, user, position);
                }
                break;
            }
        }
        return before;
    }

    /** The merges of this batch, in log order: apply them before {@link #changed()}. */
    public List<Move> moves() {
        return List.copyOf(moves);
    }

    /** Rows created or changed by this batch, as they are now: write them after the {@link #moves()}. */
    public List<Row> changed() {
        List<Row> out = new ArrayList<>();
        dirty.stream().sorted().forEach(id -> out.add(rows.get(id)));
        return out;
    }

    /** The key of a person: the one on the person's own row, else the person's id. */
    private String keyOfPerson(String person) {
        Row row = row(person);
        return row == null || row.key() == null ? person : row.key();
    }

    private Row row(String identifier) {
        if (!known.contains(identifier)) {
            // not prefetched (should not happen): one more query
            prefetch(Set.of(identifier));
        }
        return rows.get(identifier);
    }

    private Row create(String identifier, String person, String key, long position) {
        Row row = new Row(identifier, person, identifier.equals(person) ? key : null, position);
        put(row);
        return row;
    }

    private void setKey(String person, String key, long position) {
        Row row = row(person);
        put(new Row(person, row == null ? person : row.person(), key, position));
    }

    private void move(String from, String to, long position) {
        if (!keyOfPerson(from).equals(keyOfPerson(to))) {
            rekeyings++;
        }
        moves.add(new Move(from, to, position));
        Map<String, Row> moved = new LinkedHashMap<>();
        for (Row row : rows.values()) {
            if (row.person().equals(from)) {
                moved.put(row.identifier(), new Row(row.identifier(), to, null, position));
            }
        }
        moved.values().forEach(this::put);
    }

    private void put(Row row) {
        rows.put(row.identifier(), row);
        known.add(row.identifier());
        dirty.add(row.identifier());
    }

    private static void addIfSet(Set<String> set, String value) {
        if (value != null) {
            set.add(value);
        }
    }
}
