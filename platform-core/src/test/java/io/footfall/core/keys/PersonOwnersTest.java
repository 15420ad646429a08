package io.footfall.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.eventhandling.Segment;
import org.junit.jupiter.api.Test;

class PersonOwnersTest {

    @Test
    void theKeyIsThePersonsAndHoldsFromTheLaterOfTheTwoRowsChanges() {
        List<PersonKeys.Row> rows = List.of(
                new PersonKeys.Row("user:u1", "user:u1", "anon:d1", 40),   // the person, keyed by its first identifier
                new PersonKeys.Row("anon:d1", "user:u1", null, 12),
                new PersonKeys.Row("anon:d2", "user:u1", null, 55));
        Map<String, PersonOwners.Owner> owners = PersonOwners.resolve(Set.of("user:u1", "anon:d1", "anon:d2", "anon:new"), rows);
        long key = PersonKeyIndex.hash("anon:d1");
        assertEquals(new PersonOwners.Owner(key, 40), owners.get("user:u1"));
        assertEquals(new PersonOwners.Owner(key, 40), owners.get("anon:d1"), "the person's row changed later than its own");
        assertEquals(new PersonOwners.Owner(key, 55), owners.get("anon:d2"));
        assertEquals(new PersonOwners.Owner(PersonKeyIndex.hash("anon:new"), -1), owners.get("anon:new"),
                "an identifier the keyer has not met is its own key, as the keyer would key it");
    }

    /** Exactly one segment folds an identifier, the one the processor's sequencing sends its events to, and only from since on. */
    @Test
    void exactlyTheSegmentTheSequencingPicksFoldsItOnceItHasPassedTheChange() {
        List<Segment> three = Segment.splitBalanced(Segment.ROOT_SEGMENT, 2);
        assertEquals(3, three.size(), "three segments, masks 1 and 3, as a processor of 3 segments has");
        for (int i = 0; i < 200; i++) {
            long hash = PersonKeyIndex.hash("user:p" + i);
            PersonOwners.Owner owner = new PersonOwners.Owner(hash, 100);
            int folding = 0;
            for (Segment s : three) {
                // Axon's invoker: segment.matches(hashCode of the sequence identifier, a Long here)
                assertEquals(s.matches(Long.valueOf(hash)), owner.foldedBy(s, 100));
                assertFalse(owner.foldedBy(s, 99), "not before the position its key holds from");
                folding += owner.foldedBy(s, 100) ? 1 : 0;
            }
            assertEquals(1, folding);
        }
    }
}
