package io.footfall.core.store;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;

/**
 * The log read once for the segments of one processor on this instance (ADR 0021, "one read per instance"). Axon's
 * tracking processor gives every segment a stream of its own, and every stream fetches and wraps every row of the log
 * (a segment then skips the other segments' events): four segments on one instance cost 1.8 × the CPU of one
 * (benchmarks, run 17). Here one shared reader fetches the log into a window of the latest {@link #window} events, and
 * every segment's stream hands out the events of that window in order; a stream that has fallen behind the window
 * reads the log on its own until it is back in it.
 *
 * <p>Relies on the serialised appends (ADR 0012, {@link ProcessedPosition}): every event below a visible one is visible
 * too, so a stream at position {@code p} goes on with the first event of the window above {@code p}, whichever stream
 * the window was read by, and the events carry the shared reader's tokens.
 */
public final class SharedReadSource extends DelegatingSource {

    /** Events kept for the segments behind the one reading ahead. */
    public static final int DEFAULT_WINDOW = 4_096;
    /** Longest the shared reader is waited on while holding its lock (others needing it wait that long at most). */
    private static final long PULL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final int window;

    // the window, guarded by itself: events in log order, positions[i] the position of messages[i]
    private final TrackedEventMessage<?>[] messages;
    private final long[] positions;
    private int head;
    private int size;
    /** Position of the event just before the window's first (where the shared reader started, or the last evicted). */
    private long base;
    private boolean started;
    private int openStreams;

    /** Reads the log ahead of the window; guarded by {@link #pull}; positioned at the window's last event. */
    private BlockingStream<TrackedEventMessage<?>> reader;
    private final ReentrantLock pull = new ReentrantLock();

    private final AtomicLong readShared = new AtomicLong();
    private final AtomicLong readAlone = new AtomicLong();

    public SharedReadSource(StreamableMessageSource<TrackedEventMessage<?>> source) {
        this(source, DEFAULT_WINDOW);
    }

    public SharedReadSource(StreamableMessageSource<TrackedEventMessage<?>> source, int window) {
        super(source);
        if (window < 1) {
            throw new IllegalArgumentException("window must be positive");
        }
        this.window = window;
        this.messages = new TrackedEventMessage<?>[window];
        this.positions = new long[window];
    }

    /** Events fetched by the shared reader (each handed to every segment that needed it). */
    public long readShared() {
        return readShared.get();
    }

    /** Events a stream behind the window fetched on its own. */
    public long readAlone() {
        return readAlone.get();
    }

    @Override
    public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken token) {
        synchronized (messages) {
            openStreams++;
        }
        return new SegmentStream(token);
    }

    /** Where a position stands against the window. */
    private enum Where { IN, BEHIND, AHEAD }

    /** The event after {@code position} in the window, or why there is none; callers hold {@link #messages}. */
    private Where where(long position) {
        if (!started || size > 0 && position >= positions[slot(size - 1)] || size == 0) {
            return Where.AHEAD;
        }
        return position < base ? Where.BEHIND : Where.IN;
    }

    private int slot(int i) {
        return (head + i) % window;
    }

    /** The first event of the window above {@code position}; the window covers it ({@link Where#IN}). */
    private TrackedEventMessage<?> after(long position) {
        int lo = 0;
        int hi = size - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (positions[slot(mid)] > position) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return messages[slot(lo)];
    }

    /** Adds what the shared reader read; callers hold {@link #pull}. */
    private void append(TrackedEventMessage<?> message) {
        synchronized (messages) {
            if (size == window) {
                base = positions[head];
                messages[head] = null;
                head = (head + 1) % window;
                size--;
            }
            int at = slot(size);
            messages[at] = message;
            positions[at] = ProcessedPosition.of(message.trackingToken());
            size++;
        }
        readShared.incrementAndGet();
    }

    /** The last position the window holds (or its base when empty); callers hold {@link #messages}. */
    private long windowEnd() {
        return size == 0 ? base : positions[slot(size - 1)];
    }

    private void closed() {
        BlockingStream<TrackedEventMessage<?>> stop = null;
        pull.lock();
        try {
            synchronized (messages) {
                if (--openStreams > 0) {
                    return;
                }
                // nobody reads: forget the window and stop the reader (a processor stopping, or every segment released)
                java.util.Arrays.fill(messages, null);
                head = 0;
                size = 0;
                started = false;
                stop = reader;
                reader = null;
            }
        } finally {
            pull.unlock();
        }
        if (stop != null) {
            stop.close();
        }
    }

    /** One segment's stream. Used by one processor thread. */
    private final class SegmentStream implements BlockingStream<TrackedEventMessage<?>> {
        /** Position of the last event handed out (at first: the token's). */
        private long last;
        /** Token of the last event handed out (at first: the one asked for), to read from on its own. */
        private TrackingToken lastToken;
        /** Its own stream of the log while it is behind the window, positioned after {@link #next} or {@link #last}. */
        private BlockingStream<TrackedEventMessage<?>> own;
        /** The next event, found and not handed out yet. */
        private TrackedEventMessage<?> next;
        private boolean closed;

        SegmentStream(TrackingToken token) {
            this.lastToken = token;
            this.last = ProcessedPosition.of(token);
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            try {
                return Optional.ofNullable(find(0));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            return find(unit.toNanos(timeout)) != null;
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            TrackedEventMessage<?> message;
            while ((message = find(TimeUnit.SECONDS.toNanos(1))) == null) {
                if (closed) {
                    throw new IllegalStateException("stream closed");
                }
            }
            next = null;
            last = ProcessedPosition.of(message.trackingToken());
            lastToken = message.trackingToken();
            return message;
        }

        /** The next event, waiting up to {@code waitNanos} for one; null when there is none by then. */
        private TrackedEventMessage<?> find(long waitNanos) throws InterruptedException {
            if (next != null) {
                return next;
            }
            long deadline = System.nanoTime() + Math.max(0, waitNanos);
            while (true) {
                Where where;
                synchronized (messages) {
                    where = where(last);
                    if (where == Where.IN) {
                        next = after(last);
                    }
                }
                if (where == Where.IN) {
                    closeOwn();
                    return next;
                }
                long left = deadline - System.nanoTime();
                if (where == Where.BEHIND) {
                    if (own == null) {
                        own = source.openStream(lastToken);
                    }
                    if (own.hasNextAvailable((int) Math.max(0, TimeUnit.NANOSECONDS.toMillis(left)), TimeUnit.MILLISECONDS)) {
                        next = own.nextAvailable();
                        readAlone.incrementAndGet();
                        return next;
                    }
                } else if (!readAhead(left)) {
                    return null;
                }
                if (deadline - System.nanoTime() <= 0) {
                    // one more look at the window (another stream may have filled it), then give up
                    synchronized (messages) {
                        if (where(last) != Where.IN) {
                            return null;
                        }
                    }
                }
            }
        }

        /**
         * Extends the window with the shared reader until it holds an event after {@link #last}; false when the log has
         * none within {@code waitNanos}.
         */
        private boolean readAhead(long waitNanos) throws InterruptedException {
            long deadline = System.nanoTime() + Math.max(0, waitNanos);
            if (!pull.tryLock(Math.max(0, waitNanos), TimeUnit.NANOSECONDS)) {
                return false;
            }
            try {
                while (true) {
                    synchronized (messages) {
                        if (where(last) != Where.AHEAD) {
                            return true; // another stream read it meanwhile
                        }
                        if (!started) {
                            // the first stream to need the log starts the window where it stands
                            started = true;
                            base = last;
                            reader = source.openStream(lastToken);
                        } else if (size == 0 && last > base || last - windowEnd() > window) {
                            // nothing kept and this stream is past the window's start, or it is far ahead of the window
                            // (reading up to it would hold it back): start again from here; the others read on their own
                            // until they reach the window
                            java.util.Arrays.fill(messages, null);
                            head = 0;
                            size = 0;
                            BlockingStream<TrackedEventMessage<?>> old = reader;
                            base = last;
                            reader = source.openStream(lastToken);
                            old.close();
                        }
                    }
                    long left = deadline - System.nanoTime();
                    int wait = (int) TimeUnit.NANOSECONDS.toMillis(Math.max(0, Math.min(left, PULL_WAIT_NANOS)));
                    if (!reader.hasNextAvailable(wait, TimeUnit.MILLISECONDS)) {
                        if (System.nanoTime() - deadline >= 0) {
                            return false;
                        }
                        continue;
                    }
                    // events at or below this stream's position (it started ahead of the window) are read for the others
                    append(reader.nextAvailable());
                }
            } finally {
                pull.unlock();
            }
        }

        private void closeOwn() {
            if (own != null) {
                own.close();
                own = null;
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            closeOwn();
            closed();
        }
    }
}
