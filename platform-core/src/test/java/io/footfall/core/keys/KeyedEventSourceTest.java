package io.footfall.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;
import org.junit.jupiter.api.Test;

/**
 * The protocol a segment's stream follows (ADR 0021), driven the way Axon's tracking processor drives it: a batch
 * starts with {@code hasNextAvailable(timeout)} and takes events while {@code peek()} shows one. Unkeyed events are not
 * handed out; a barrier ends the batch before it, waits until every segment's stored token has passed the event
 * before it, hands the barrier out alone, and waits again until every token has passed the barrier.
 */
class KeyedEventSourceTest {

    /** The keyer of this instance hands its batches over; nothing is stored (no other instance keys). */
    private final PersonKeyIndex index = new PersonKeyIndex() {
        @Override
        long readKeyedThrough() {
            return -1;
        }

        @Override
        List<Batch> read(long from) {
            return List.of();
        }
    };
    /** The lowest position every segment has stored (what the token store would say). */
    private final AtomicLong committed = new AtomicLong(-1);
    private final List<TrackedEventMessage<?>> log = new ArrayList<>();

    private BlockingStream<TrackedEventMessage<?>> open(long from) {
        for (int i = 0; i < 20; i++) {
            log.add(new GenericTrackedEventMessage<>(new GlobalSequenceTrackingToken(i), GenericEventMessage.asEventMessage("event " + i)));
        }
        StreamableMessageSource<TrackedEventMessage<?>> source = new StreamableMessageSource<>() {
            @Override
            public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken token) {
                return new ListStream(log, from + 1);
            }

            @Override
            public TrackingToken createTailToken() {
                return null;
            }

            @Override
            public TrackingToken createHeadToken() {
                return new GlobalSequenceTrackingToken(log.size() - 1);
            }

            @Override
            public TrackingToken createTokenAt(Instant dateTime) {
                return null;
            }
        };
        return new KeyedEventSource(source, index, committed::get).openStream(from < 0 ? null : new GlobalSequenceTrackingToken(from));
    }

    /** One batch as the processor takes it: the first event after a wait of {@code waitMs}, then while peek shows one. */
    private static List<Long> batch(BlockingStream<TrackedEventMessage<?>> stream, int waitMs) throws InterruptedException {
        List<Long> positions = new ArrayList<>();
        if (!stream.hasNextAvailable(waitMs, TimeUnit.MILLISECONDS)) {
            return positions;
        }
        positions.add(stream.nextAvailable().trackingToken().position().orElseThrow());
        while (stream.peek().isPresent()) {
            positions.add(stream.nextAvailable().trackingToken().position().orElseThrow());
        }
        return positions;
    }

    private static PersonKeyIndex.Batch keyed(long first, long last, long... barriers) {
        long[] positions = new long[(int) (last - first + 1)];
        long[] keys = new long[positions.length];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = first + i;
            keys[i] = PersonKeyIndex.hash("anon:" + (first + i) % 3);
        }
        return new PersonKeyIndex.Batch(first, last, positions, keys, barriers, new long[] {first}, new long[] {first});
    }

    @Test
    void nothingIsHandedOutBeforeTheKeyerKeyedIt() throws InterruptedException {
        BlockingStream<TrackedEventMessage<?>> stream = open(-1);
        index.committed(keyed(0, 4));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), batch(stream, 10));
        assertEquals(List.of(), batch(stream, 10), "5 is not keyed yet");
        index.committed(keyed(5, 7));
        assertEquals(List.of(5L, 6L, 7L), batch(stream, 10));
        assertEquals(PersonKeyIndex.hash("anon:" + 6 % 3), index.keyAt(6).orElseThrow());
    }

    @Test
    void aBarrierIsMetAtBatchBoundariesByEverySegment() throws InterruptedException {
        BlockingStream<TrackedEventMessage<?>> stream = open(-1);
        index.committed(keyed(0, 9, 5));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), batch(stream, 10), "the batch ends before the barrier");
        committed.set(3);
        assertEquals(List.of(), batch(stream, 10), "a segment has not stored position 4 yet");
        committed.set(4);
        assertEquals(List.of(5L), batch(stream, 10), "the barrier alone, once every segment passed 4");
        assertEquals(List.of(), batch(stream, 10), "not every segment has passed the barrier");
        committed.set(5);
        assertEquals(List.of(6L, 7L, 8L, 9L), batch(stream, 10));
    }

    @Test
    void aSegmentStartingRightBeforeABarrierWaitsOnlyForTheOthers() throws InterruptedException {
        index.committed(keyed(0, 9, 5));
        BlockingStream<TrackedEventMessage<?>> stream = open(4);
        committed.set(4);
        assertTrue(stream.hasNextAvailable(10, TimeUnit.MILLISECONDS));
        assertEquals(5L, stream.nextAvailable().trackingToken().position().orElseThrow());
        assertFalse(stream.peek().isPresent(), "the barrier is alone in its batch");
        assertFalse(stream.hasNextAvailable(), "and the next waits for every segment to pass it");
    }

    /** The log as a stream from a position. */
    private static final class ListStream implements BlockingStream<TrackedEventMessage<?>> {
        private final List<TrackedEventMessage<?>> log;
        private int next;

        ListStream(List<TrackedEventMessage<?>> log, long from) {
            this.log = log;
            this.next = (int) from;
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            return next < log.size() ? Optional.of(log.get(next)) : Optional.empty();
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) {
            return next < log.size();
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() {
            return log.get(next++);
        }

        @Override
        public void close() {
        }
    }
}
