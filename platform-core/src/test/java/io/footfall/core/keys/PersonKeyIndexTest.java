package io.footfall.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The keyer's batches as the readers of an instance see them: a segment far behind the head reads stored batches a
 * query at a time and keeps them while the keyer of the instance goes on adding new ones at the head.
 */
class PersonKeyIndexTest {

    /** Stored batches of 10 events each, positions 0 to 99,999. */
    private static final List<PersonKeyIndex.Batch> STORED = new ArrayList<>();

    static {
        for (long first = 0; first < 100_000; first += 10) {
            long[] positions = new long[10];
            long[] keys = new long[10];
            for (int i = 0; i < 10; i++) {
                positions[i] = first + i;
                keys[i] = PersonKeyIndex.hash("user:" + (first + i) % 97);
            }
            // the log's event time rises at the batch's first and sixth event
            STORED.add(new PersonKeyIndex.Batch(first, first + 9, positions, keys, first % 1_000 == 0 ? new long[] {first} : new long[0],
                    new long[] {first, first + 5}, new long[] {first * 10, first * 10 + 5}));
        }
    }

    private int reads;

    private final PersonKeyIndex index = new PersonKeyIndex() {
        @Override
        long readKeyedThrough() {
            return STORED.get(STORED.size() - 1).last();
        }

        @Override
        List<Batch> read(long from) {
            reads++;
            int i = (int) (from / 10);
            return STORED.subList(i, Math.min(STORED.size(), i + READ_AHEAD));
        }
    };

    @Test
    void aSegmentFarBehindKeepsWhatItReadsWhileTheKeyerAddsAtTheHead() {
        long head = 100_000;
        for (long position = 0; position < 50_000; position++) {
            assertEquals(PersonKeyIndex.hash("user:" + position % 97), index.keyAt(position).orElseThrow());
            assertEquals(position % 1_000 == 0, index.barrierAt(position));
            assertEquals((position - position % 10) * 10 + (position % 10 >= 5 ? 5 : 0), index.watermarkAt(position),
                    "the event time from the last rise at or before the position");
            // meanwhile the keyer of this instance commits small batches at the head
            if (position % 5 == 0) {
                index.committed(new PersonKeyIndex.Batch(head, head, new long[] {head}, new long[] {1}, new long[0],
                        new long[] {head}, new long[] {Long.MIN_VALUE}));
                head++;
            }
        }
        assertTrue(reads <= 50_000 / 10 / PersonKeyIndex.READ_AHEAD + 1, "one query per " + PersonKeyIndex.READ_AHEAD + " batches, not per batch: " + reads);
        assertEquals(1, index.keyAt(head - 1).orElseThrow(), "the head's batches are cached too");
        assertEquals(head - 1, index.keyedThrough());
    }
}
