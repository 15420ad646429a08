package io.footfall.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventContext;
import io.footfall.api.event.EventKind;
import io.footfall.core.store.IdentityUnlinked;
import io.footfall.core.store.RecordedBehavior;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The person-key rules over an in-memory table that applies a batch's moves and upserts as {@link PersonKeyStore} does:
 * the keys of a sequence of events, and that cutting the same sequence into batches of any size gives the same keys.
 */
class PersonKeysTest {

    /** The table, written like PersonKeyStore.write: moves in order, then upserts. */
    private static final class Table {
        final Map<String, PersonKeys.Row> rows = new HashMap<>();
        int loads;

        List<PersonKeys.Row> load(Set<String> ids) {
            loads++;
            List<PersonKeys.Row> out = new ArrayList<>();
            for (String id : ids) {
                PersonKeys.Row row = rows.get(id);
                if (row != null) {
                    out.add(row);
                    PersonKeys.Row person = rows.get(row.person());
                    if (person != null && !ids.contains(person.identifier())) {
                        out.add(person);
                    }
                }
            }
            return out;
        }

        void write(PersonKeys keys) {
            for (PersonKeys.Move m : keys.moves()) {
                rows.replaceAll((id, r) -> r.person().equals(m.from()) ? new PersonKeys.Row(id, m.to(), null, m.since()) : r);
            }
            keys.changed().forEach(r -> rows.put(r.identifier(), r));
        }
    }

    private static Object event(EventKind kind, String user, String anon, String previous) {
        return new RecordedBehavior(new BehaviorEvent("e", "m", kind, null, user, anon, previous, null, Instant.EPOCH, Instant.EPOCH, null,
                null, "src", null, null, null, EventContext.empty(), Map.of(), Map.of()), null);
    }

    private static Object page(String anon) {
        return event(EventKind.PAGE, null, anon, null);
    }

    private static Object track(String user, String anon) {
        return event(EventKind.TRACK, user, anon, null);
    }

    private static Object identify(String user, String anon) {
        return event(EventKind.IDENTIFY, user, anon, null);
    }

    private static Object alias(String user, String previous) {
        return event(EventKind.ALIAS, user, null, previous);
    }

    private static Object unlink(String user, String anon) {
        return new IdentityUnlinked(user, anon, Instant.EPOCH, "operator");
    }

    /** What the keyer sees of one event: its position, key, and whether it is a barrier. */
    private record Keyed(long position, String key, boolean barrier) {
    }

    /**
     * Every event keyed in batches of {@code size} (one PersonKeys per batch, written at its end), with the barrier mark
     * as {@code PersonKeyer} sets it: the event rekeyed identifiers, or names one whose person has another key.
     */
    private static List<Keyed> keyed(List<Object> events, int size, Table table) {
        List<Keyed> keyed = new ArrayList<>();
        for (int start = 0; start < events.size(); start += size) {
            List<Object> batch = events.subList(start, Math.min(events.size(), start + size));
            PersonKeys view = new PersonKeys(table::load);
            view.prefetch(PersonKeys.identifiersOf(batch));
            for (int i = 0; i < batch.size(); i++) {
                long position = start + i;
                int before = view.rekeyings();
                String key;
                boolean cross = false;
                if (batch.get(i) instanceof RecordedBehavior r) {
                    key = view.keyOf(r.event(), position);
                    cross = view.namesOtherKeys(r.event(), key);
                } else {
                    key = view.keyOf((IdentityUnlinked) batch.get(i), position);
                }
                keyed.add(new Keyed(position, key, cross || view.rekeyings() != before));
            }
            assertTrue(view.loads() <= 1, "at most one query per batch: " + view.loads());
            table.write(view);
        }
        return keyed;
    }

    /** The key of every event, keyed in batches of {@code size}. */
    private static List<String> keys(List<Object> events, int size, Table table) {
        return keyed(events, size, table).stream().map(Keyed::key).toList();
    }

    private static void assertKeys(List<Object> events, List<String> expected) {
        for (int size : new int[] {1, 2, 3, 5, events.size()}) {
            assertEquals(expected, keys(events, size, new Table()), "batches of " + size);
        }
    }

    @Test
    void browseThenLogInKeepsEverythingOnTheFirstKey() {
        assertKeys(List.of(page("x"), page("x"), identify("u", "x"), track("u", "x"), track("u", null), page("x")),
                List.of("anon:x", "anon:x", "anon:x", "anon:x", "anon:x", "anon:x"));
    }

    @Test
    void bothNewTakeTheUsersKeyAndANewAnonymousIdJoinsIt() {
        assertKeys(List.of(identify("u", "x"), page("x"), track("u", null), identify("u", "y"), page("y")),
                List.of("user:u", "user:u", "user:u", "user:u", "user:u"));
    }

    @Test
    void aKnownUserOnADeviceWithHistoryTakesItsLaterEvents() {
        assertKeys(List.of(track("u2", null), page("x2"), page("x2"), identify("u2", "x2"), page("x2"), track("u2", "x2")),
                List.of("user:u2", "anon:x2", "anon:x2", "user:u2", "user:u2", "user:u2"));
    }

    @Test
    void anAnonymousIdStitchedIntoOneUserIsNotMovedToAnother() {
        assertKeys(List.of(identify("u1", "x"), identify("u2", "x"), page("x"), track("u2", null), track("u3", "x"), track("u3", null)),
                List.of("user:u1", "user:u2", "user:u1", "user:u2", "user:u3", "user:u3"));
    }

    @Test
    void anUnlinkGivesTheDetachedIdItsOwnKeyAgain() {
        // browse, log in, unlink: the anonymous id keeps its own key, the user gets its own
        assertKeys(List.of(page("x"), identify("u", "x"), unlink("u", "x"), page("x"), track("u", null)),
                List.of("anon:x", "anon:x", "anon:x", "anon:x", "user:u"));
        // the user came first: the anonymous id gets its own key back, the user keeps its key
        assertKeys(List.of(track("u", null), page("x"), identify("u", "x"), page("x"), unlink("u", "x"), page("x"), track("u", null)),
                List.of("user:u", "anon:x", "user:u", "user:u", "user:u", "anon:x", "user:u"));
        // an unlink of ids that are not stitched changes nothing
        assertKeys(List.of(page("x"), unlink("u", "x"), page("x")), List.of("anon:x", "user:u", "anon:x"));
    }

    @Test
    void aliasMergesThePreviousIdentity() {
        // a new user adopts the previous id's key
        assertKeys(List.of(track("old", null), alias("new", "old"), track("new", null), track("old", null)),
                List.of("user:old", "user:old", "user:old", "user:old"));
        // a known user keeps its key, the previous id's later events follow it
        assertKeys(List.of(track("new", null), page("old"), alias("new", "old"), page("old")),
                List.of("user:new", "anon:old", "user:new", "user:new"));
        // an unknown previous id joins the user
        assertKeys(List.of(alias("new", "p"), page("p")), List.of("user:new", "user:new"));
    }

    @Test
    void chainsOfMergesWithinAndAcrossBatches() {
        assertKeys(List.of(page("a"), page("b"), track("u", null), identify("v", "a"), identify("v", "b"), page("b"), track("u", "b"),
                        alias("u", "v"), page("a"), page("b"), track("v", null), track("u", null)),
                List.of("anon:a", "anon:b", "user:u", "anon:a", "anon:a", "anon:a", "user:u",
                        "user:u", "user:u", "user:u", "user:u", "user:u"));
    }

    /**
     * The positions the person keyer marks as barriers (as {@code PersonKeyer} does: the event rekeyed identifiers, or
     * names one whose person has another key), the same for batches of any size.
     */
    private static List<Long> barriers(List<Object> events) {
        List<Long> first = null;
        for (int size : new int[] {1, 2, 3, events.size()}) {
            List<Long> barriers = keyed(events, size, new Table()).stream().filter(Keyed::barrier).map(Keyed::position).toList();
            if (first == null) {
                first = barriers;
            }
            assertEquals(first, barriers, "batches of " + size);
        }
        return first;
    }

    @Test
    void barriersWhereIdentifiersChangeKeyOrNameAnotherKeysPerson() {
        assertEquals(List.of(), barriers(List.of(page("x"), page("x"), identify("u", "x"), track("u", "x"), page("x"))),
                "browse, then log in: one key throughout");
        assertEquals(List.of(), barriers(List.of(identify("u", "x"), page("x"), identify("u", "y"), page("y"))),
                "new ids joining a user keep its key");
        assertEquals(List.of(3L), barriers(List.of(track("u2", null), page("x2"), page("x2"), identify("u2", "x2"), page("x2"))),
                "a known user on a device with history: the device's later events change key");
        assertEquals(List.of(1L, 4L), barriers(List.of(identify("u1", "x"), identify("u2", "x"), page("x"), track("u2", null),
                        track("u3", "x"), track("u3", null))),
                "a device shared by users: the other users' events name the first user's device");
        assertEquals(List.of(2L), barriers(List.of(page("x"), identify("u", "x"), unlink("u", "x"), page("x"), track("u", null))),
                "an unlink gives ids their own keys");
        assertEquals(List.of(2L), barriers(List.of(track("new", null), page("old"), alias("new", "old"), page("old"))),
                "an alias between two people with different keys");
        assertEquals(List.of(), barriers(List.of(track("old", null), alias("new", "old"), track("new", null))),
                "an alias to a new user, which adopts the old key");
    }
}
