package io.footfall.core.keys;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.axonframework.eventhandling.Segment;

/**
 * Which segment of a processor folded by person folds an identifier's person now, from the person keyer's map
 * ({@code person_key}, at the keyer's head): what a plugin's timers on several segments are fired by (plugin SPI 1.9,
 * ADR 0021 step 8). An identifier's key changes only at a barrier, where every segment waits; the map's
 * {@code since_index} says from which log position its current key holds, so a segment acts for an identifier only
 * once it has folded up to there: before it, the segment that folded its events until the barrier still might.
 */
public final class PersonOwners {

    /**
     * Where an identifier's events go now.
     *
     * @param keyHash the hash of its person's key ({@link PersonKeyIndex#hash}), which the processor's sequencing uses
     * @param since   the log position from which that key holds (-1 for an identifier the keyer has no row of)
     */
    public record Owner(long keyHash, long since) {

        /** Whether the segment, having folded the log up to {@code position}, folds this identifier's person. */
        public boolean foldedBy(Segment segment, long position) {
            return since <= position && segment.matches(Long.hashCode(keyHash));
        }
    }

    private final PersonKeyTable table;

    private PersonOwners(PersonKeyTable table) {
        this.table = table;
    }

    /** Over the person keyer's map. */
    public static PersonOwners ofKeyer(DataSource dataSource) {
        return new PersonOwners(new PersonKeyTable(dataSource, PersonKeyer.TABLE));
    }

    /** The owners of these identifiers ({@code user:<id>}, {@code anon:<id>}), with one query. */
    public Map<String, Owner> of(Set<String> identifiers) {
        return resolve(identifiers, identifiers.isEmpty() ? java.util.List.of() : table.load(identifiers));
    }

    /**
     * The owners from the map's rows of the identifiers and of their persons: the key is on the person's own row, and
     * it holds from the later of the two rows' changes. An identifier without a row is a person of its own whose key is
     * the identifier (as the keyer keys one it meets first).
     */
    static Map<String, Owner> resolve(Set<String> identifiers, Collection<PersonKeys.Row> rows) {
        Map<String, PersonKeys.Row> byIdentifier = new HashMap<>();
        for (PersonKeys.Row row : rows) {
            byIdentifier.put(row.identifier(), row);
        }
        Map<String, Owner> out = new HashMap<>();
        for (String identifier : identifiers) {
            PersonKeys.Row row = byIdentifier.get(identifier);
            PersonKeys.Row person = row == null ? null : byIdentifier.get(row.person());
            if (row == null || person == null || person.key() == null) {
                out.put(identifier, new Owner(PersonKeyIndex.hash(identifier), -1));
            } else {
                out.put(identifier, new Owner(PersonKeyIndex.hash(person.key()), Math.max(row.since(), person.since())));
            }
        }
        return out;
    }
}
