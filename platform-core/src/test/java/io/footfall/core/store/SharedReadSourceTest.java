package io.footfall.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * The segments of one processor read the log once ({@link SharedReadSource}): every stream hands out every event in log
 * order, whether it reads from the shared window, falls behind it and reads on its own, or waits at the head.
 */
class SharedReadSourceTest {

    /** A log in memory, with holes (rolled-back appends), that counts the events its streams fetch. */
    private static final class Log implements StreamableMessageSource<TrackedEventMessage<?>> {
        private final List<TrackedEventMessage<?>> events = new ArrayList<>();
        private final AtomicLong fetched = new AtomicLong();
        private long nextIndex;

        synchronized void append(int n) {
            for (int i = 0; i < n; i++) {
                if (nextIndex % 7 == 3) {
                    nextIndex++; // a hole
                }
                events.add(new GenericTrackedEventMessage<>(new GlobalSequenceTrackingToken(nextIndex),
                        GenericEventMessage.asEventMessage("event " + nextIndex)));
                nextIndex++;
            }
            notifyAll();
        }

        synchronized List<Long> positions() {
            return events.stream().map(e -> ProcessedPosition.of(e.trackingToken())).toList();
        }

        /** The first event above the position, waiting up to the deadline; null when none. */
        synchronized TrackedEventMessage<?> after(long position, long deadline) throws InterruptedException {
            while (true) {
                for (TrackedEventMessage<?> e : events) {
                    if (ProcessedPosition.of(e.trackingToken()) > position) {
                        return e;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        @Override
        public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken token) {
            long[] at = {ProcessedPosition.of(token)};
            return new BlockingStream<>() {
                @Override
                public Optional<TrackedEventMessage<?>> peek() {
                    try {
                        return Optional.ofNullable(after(at[0], System.nanoTime()));
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
                    return after(at[0], System.nanoTime() + unit.toNanos(timeout)) != null;
                }

                @Override
                public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
                    TrackedEventMessage<?> e = after(at[0], Long.MAX_VALUE);
                    at[0] = ProcessedPosition.of(e.trackingToken());
                    fetched.incrementAndGet();
                    return e;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public TrackingToken createTailToken() {
            return null;
        }

        @Override
        public TrackingToken createHeadToken() {
            return new GlobalSequenceTrackingToken(nextIndex - 1);
        }

        @Override
        public TrackingToken createTokenAt(Instant dateTime) {
            return null;
        }
    }

    private static List<Long> read(BlockingStream<TrackedEventMessage<?>> stream, int n) throws InterruptedException {
        List<Long> positions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            assertTrue(stream.hasNextAvailable(5, TimeUnit.SECONDS), "event " + i + " arrives");
            positions.add(ProcessedPosition.of(stream.nextAvailable().trackingToken()));
        }
        return positions;
    }

    @Test
    void threeSegmentsReadingTogetherFetchTheLogOnce() throws Exception {
        Log log = new Log();
        log.append(10_000);
        SharedReadSource shared = new SharedReadSource(log, 1_000);
        ExecutorService segments = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<Long>>> reads = new ArrayList<>();
            // concurrently, never more than 100 events apart (batches of a processor's segments): within the window
            java.util.concurrent.CyclicBarrier chunk = new java.util.concurrent.CyclicBarrier(3);
            for (int i = 0; i < 3; i++) {
                BlockingStream<TrackedEventMessage<?>> stream = shared.openStream(null);
                reads.add(segments.submit(() -> {
                    List<Long> positions = new ArrayList<>();
                    for (int c = 0; c < 100; c++) {
                        chunk.await(30, TimeUnit.SECONDS);
                        positions.addAll(read(stream, 100));
                    }
                    return positions;
                }));
            }
            for (Future<List<Long>> read : reads) {
                assertEquals(log.positions(), read.get(60, TimeUnit.SECONDS), "every event, in log order");
            }
        } finally {
            segments.shutdownNow();
        }
        assertEquals(10_000, log.fetched.get(), "each event fetched once for the three segments");
        assertEquals(10_000, shared.readShared());
        assertEquals(0, shared.readAlone());
    }

    @Test
    void aSegmentFarBehindReadsOnItsOwnUntilItReachesTheWindow() throws Exception {
        Log log = new Log();
        log.append(5_000);
        SharedReadSource shared = new SharedReadSource(log, 500);
        BlockingStream<TrackedEventMessage<?>> ahead = shared.openStream(null);
        assertEquals(log.positions().subList(0, 4_000), read(ahead, 4_000));
        long fetchedByTheFirst = log.fetched.get();
        assertEquals(4_000, fetchedByTheFirst);
        // a second segment starts at the beginning: the window holds only the last 500 of the first one's events
        BlockingStream<TrackedEventMessage<?>> behind = shared.openStream(null);
        assertEquals(log.positions().subList(0, 3_600), read(behind, 3_600));
        assertEquals(3_500, shared.readAlone(), "read on its own up to the window, then from it");
        // both go on to the end, 400 events apart (within the window): the rest is fetched once for both
        for (int c = 0; c < 10; c++) {
            assertEquals(log.positions().subList(4_000 + 100 * c, 4_100 + 100 * c), read(ahead, 100));
            assertEquals(log.positions().subList(3_600 + 140 * c, 3_740 + 140 * c), read(behind, 140));
        }
        assertEquals(5_000 + 3_500, log.fetched.get());
        // at the head: nothing yet, then what is appended, for both
        assertFalse(behind.hasNextAvailable(50, TimeUnit.MILLISECONDS));
        log.append(10);
        List<Long> tail = log.positions().subList(5_000, 5_010);
        assertEquals(tail, read(ahead, 10));
        assertEquals(tail, read(behind, 10));
        assertEquals(5_010 + 3_500, log.fetched.get());
    }

    @Test
    void aSegmentThatStartsAheadOfTheWindowAndStreamsReopenedAfterEveryoneClosed() throws Exception {
        Log log = new Log();
        log.append(3_000);
        SharedReadSource shared = new SharedReadSource(log, 100);
        BlockingStream<TrackedEventMessage<?>> first = shared.openStream(null);
        assertEquals(log.positions().subList(0, 10), read(first, 10));
        // far ahead of the window (more than a window): the window starts again where it stands
        long at = log.positions().get(2_000);
        BlockingStream<TrackedEventMessage<?>> claimedLater = shared.openStream(new GlobalSequenceTrackingToken(at));
        assertEquals(log.positions().subList(2_001, 2_101), read(claimedLater, 100));
        assertTrue(log.fetched.get() < 10 + 1_000, "did not read the 2,000 events in between: " + log.fetched.get());
        // and the first one goes on, on its own, then from the window
        assertEquals(log.positions().subList(10, 2_200), read(first, 2_190));
        first.close();
        claimedLater.close();
        // every stream closed: the next one starts afresh from its token
        BlockingStream<TrackedEventMessage<?>> again = shared.openStream(new GlobalSequenceTrackingToken(log.positions().get(99)));
        assertEquals(log.positions().subList(100, 200), read(again, 100));
    }
}
