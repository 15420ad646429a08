package io.footfall.core.keys;

import io.footfall.core.store.ProcessedPosition;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;

/**
 * The log as a processor folding on several segments reads it (ADR 0021, amendment 2026-12-01): each segment's stream
 * hands out an event only once the person keyer has keyed it ({@link PersonKeyIndex}), so the processor's
 * {@link PersonKeySequencing} finds every event's key; and it turns every event the keyer marked as a barrier (after it
 * identifiers have another key, or folding it reads rows of another key's person) into a barrier for all of the
 * processor's segments:
 * <ol>
 *   <li>before it, every segment ends its batch and waits until the processor's stored tokens (every segment, whichever
 *       instance holds it) have passed the event before it: the segment that folds it (a merge) then finds the merged
 *       person's history, folded by another segment, committed;</li>
 *   <li>the event is handed out alone, and after it every segment waits again until every token has passed it: the
 *       segments that fold the rekeyed identifiers' later events (an unlink) find it committed.</li>
 * </ol>
 * A segment waits only at a batch boundary, after committing what it read, so every segment reaches the barrier and
 * none waits for another that waits for it. Barriers are rare (a known user's login on a device with its own history, an
 * alias between two people, a device shared by two users, an unmerge), so the barriers cost little; a segment nobody holds stops the others at the
 * next barrier until it is claimed again.
 */
public final class KeyedEventSource extends io.footfall.core.store.ForwardingSource {

    /** How long a waiting segment sleeps between looks at the stored tokens. */
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final PersonKeyIndex index;
    private final LongSupplier committed;

    /**
     * @param source    the log
     * @param index     the keyer's output
     * @param committed the position every segment of the processor has committed (the lowest stored token)
     */
    public KeyedEventSource(StreamableMessageSource<TrackedEventMessage<?>> source, PersonKeyIndex index, LongSupplier committed) {
        super(source);
        this.index = index;
        this.committed = committed;
    }

    @Override
    protected BlockingStream<TrackedEventMessage<?>> wrap(BlockingStream<TrackedEventMessage<?>> stream, TrackingToken token) {
        return new KeyedStream(stream, ProcessedPosition.of(token));
    }

    private enum Gate { OPEN, EMPTY, UNKEYED, WAIT }

    /** One segment's stream. Used by one processor thread. */
    private final class KeyedStream extends io.footfall.core.store.ForwardingStream {
        /** The position of the last event handed out (at first: the token's). */
        private long lastDelivered;
        /** Events were handed out since the processor last asked with a timeout: their batch is not committed yet. */
        private boolean inBatch;
        /** A barrier event whose first wait is over. */
        private long cleared = -1;
        /** A barrier event handed out: everything up to it must be committed before the next event. */
        private long pendingAfter = -1;
        private long nextPosition;

        KeyedStream(BlockingStream<TrackedEventMessage<?>> delegate, long start) {
            super(delegate);
            this.lastDelivered = start;
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            // the processor asks with a timeout at the start of a batch, after committing the previous one
            inBatch = false;
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            while (true) {
                Gate gate = gate();
                if (gate == Gate.OPEN) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                switch (gate) {
                    case EMPTY -> {
                        if (!delegate.hasNextAvailable((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)), TimeUnit.MILLISECONDS)) {
                            return false;
                        }
                    }
                    case UNKEYED -> {
                        if (!index.awaitKeyed(nextPosition, left)) {
                            return false;
                        }
                    }
                    default -> {
                        LockSupport.parkNanos(Math.min(left, PAUSE_NANOS));
                        if (Thread.interrupted()) {
                            throw new InterruptedException();
                        }
                    }
                }
            }
        }

        @Override
        public boolean hasNextAvailable() {
            return gate() == Gate.OPEN;
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            return gate() == Gate.OPEN ? delegate.peek() : Optional.empty();
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            TrackedEventMessage<?> message = delegate.nextAvailable();
            long position = ProcessedPosition.of(message.trackingToken());
            lastDelivered = position;
            inBatch = true;
            if (position == cleared) {
                pendingAfter = position;
            }
            return message;
        }

        private Gate gate() {
            if (pendingAfter >= 0) {
                if (inBatch || committed.getAsLong() < pendingAfter) {
                    return Gate.WAIT;
                }
                pendingAfter = -1;
            }
            Optional<TrackedEventMessage<?>> next = delegate.peek();
            if (next.isEmpty()) {
                return Gate.EMPTY;
            }
            long position = ProcessedPosition.of(next.get().trackingToken());
            nextPosition = position;
            if (position > index.keyedThrough()) {
                return Gate.UNKEYED;
            }
            if (position != cleared && index.barrierAt(position)) {
                if (inBatch || committed.getAsLong() < lastDelivered) {
                    return Gate.WAIT;
                }
                cleared = position;
            }
            return Gate.OPEN;
        }
    }
}
