package io.footfall.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;
import org.junit.jupiter.api.Test;

/** Secondary processors hold back while the profile projection is behind this instance's ingest, within bounds. */
class ProcessingPriorityTest {

    private static final Duration LAG = Duration.ofMillis(250);

    @Test
    void aSecondaryReadsFreelyWhileProfilesAreCurrent() throws Exception {
        ProcessingPriority priority = new ProcessingPriority(LAG, Duration.ofSeconds(30), () -> true);
        priority.committed(10_000);
        priority.folded(9_900); // 100 ms behind: within the allowed lag
        BlockingStream<TrackedEventMessage<?>> stream = priority.secondary(source(3)).openStream(null);
        assertTrue(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS));
        assertEquals(0, priority.deferrals());
    }

    @Test
    void aSecondaryHoldsBackWhileProfilesLagAndGoesOnOnceTheyCatchUp() throws Exception {
        ProcessingPriority priority = new ProcessingPriority(LAG, Duration.ofSeconds(30), () -> true);
        priority.committed(10_000);
        priority.folded(9_000);
        BlockingStream<TrackedEventMessage<?>> stream = priority.secondary(source(3)).openStream(null);
        assertTrue(priority.primaryBehind());
        assertFalse(stream.hasNextAvailable(30, TimeUnit.MILLISECONDS), "events are there, but the primary is 1 s behind");
        assertFalse(stream.hasNextAvailable(), "batch filling is held back too");
        assertEquals(1, priority.deferrals(), "one deferral, however often the processor asks");
        priority.folded(10_000);
        assertTrue(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS));
        assertEquals(0L, ((GlobalSequenceTrackingToken) stream.nextAvailable().trackingToken()).getGlobalIndex());
    }

    @Test
    void aDeferralEndsAfterTheMaximumAndLetsABatchThrough() throws Exception {
        ProcessingPriority priority = new ProcessingPriority(LAG, Duration.ofMillis(200), () -> true);
        priority.committed(10_000);
        priority.folded(0);
        BlockingStream<TrackedEventMessage<?>> stream = priority.secondary(source(3)).openStream(null);
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(10);
        boolean passed = false;
        while (!passed && System.nanoTime() < deadline) {
            passed = stream.hasNextAvailable(50, TimeUnit.MILLISECONDS);
        }
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(passed, "a starved secondary still gets a batch after the maximum deferral");
        assertTrue(waitedMillis >= 200, "not before the maximum deferral: " + waitedMillis + " ms");
        // the batch fills while the pass lasts
        stream.nextAvailable();
        assertTrue(stream.hasNextAvailable());
        assertTrue(priority.primaryBehind(), "the primary is still behind: the pass was the bound, not a catch-up");
    }

    @Test
    void nothingIsHeldBackWhereTheProfileProjectionDoesNotRun() throws Exception {
        ProcessingPriority priority = new ProcessingPriority(LAG, Duration.ofSeconds(30), () -> false);
        priority.committed(10_000);
        priority.folded(0);
        assertFalse(priority.primaryBehind());
        assertTrue(priority.secondary(source(1)).openStream(null).hasNextAvailable(0, TimeUnit.MILLISECONDS));
    }

    @Test
    void anInstanceThatDoesNotIngestHoldsNothingBack() {
        ProcessingPriority priority = new ProcessingPriority(LAG, Duration.ofSeconds(30), () -> true);
        priority.folded(5_000);
        assertFalse(priority.primaryBehind());
    }

    /** A source of {@code n} events at positions 0..n-1. */
    private static StreamableMessageSource<TrackedEventMessage<?>> source(int n) {
        return new StreamableMessageSource<>() {
            @Override
            public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken token) {
                Deque<TrackedEventMessage<?>> events = new ArrayDeque<>();
                for (int i = 0; i < n; i++) {
                    events.add(new GenericTrackedEventMessage<>(new GlobalSequenceTrackingToken(i),
                            GenericEventMessage.asEventMessage("event " + i)));
                }
                return new BlockingStream<>() {
                    @Override
                    public Optional<TrackedEventMessage<?>> peek() {
                        return Optional.ofNullable(events.peek());
                    }

                    @Override
                    public boolean hasNextAvailable(int timeout, TimeUnit unit) {
                        return !events.isEmpty();
                    }

                    @Override
                    public TrackedEventMessage<?> nextAvailable() {
                        return events.poll();
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
                return null;
            }

            @Override
            public TrackingToken createTokenAt(java.time.Instant dateTime) {
                return null;
            }
        };
    }
}
