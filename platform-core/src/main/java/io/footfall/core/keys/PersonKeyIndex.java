package io.footfall.core.keys;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * What the person keyer ({@link PersonKeyer}) wrote, as the readers of this instance need it: the key of the event at a
 * log position, whether it is a barrier for a processor on several segments, and how far the log is keyed. Batches are read from
 * {@code person_key_batch} a few at a time and kept in a small cache shared by every processor thread of the instance;
 * batches the keyer of this instance commits are handed over directly, batches of a keyer on another instance are seen
 * by polling.
 */
@ApplicationScoped
public class PersonKeyIndex {

    /**
     * Batches kept: up to a thousand events each when the keyer catches up, a few when it follows the head. The least
     * recently used go first, so a segment far behind the head keeps the batches it reads while the keyer adds new
     * ones (evicting the lowest positions first made such a segment read PostgreSQL for almost every event).
     */
    static final int CACHED_BATCHES = 2_048;
    /** Batches read per query when a reader needs one that is not cached. */
    static final int READ_AHEAD = 64;
    /** How often a reader waiting for the keyer asks PostgreSQL (a keyer on another instance does not signal). */
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

    /**
     * One keyer batch.
     *
     * @param first     the first log position the batch read
     * @param last      the last log position the batch read
     * @param positions the positions of the events it keyed, ascending
     * @param keys      the hash of each keyed event's person key
     * @param barriers  positions (ascending) of the barrier events: after them some identifiers have another key, or
     *                  folding them reads rows of a person with another key
     * @param watermarkPositions positions (ascending, the first one {@code first}) from which the log's event time has
     *                  the value at the same index of {@code watermarkMillis}
     * @param watermarkMillis the log's event time (latest {@code occurredAt} so far, epoch millis;
     *                  {@link Long#MIN_VALUE} before any behaviour event) from each of {@code watermarkPositions}
     */
    public record Batch(long first, long last, long[] positions, long[] keys, long[] barriers,
                        long[] watermarkPositions, long[] watermarkMillis) {

        /** The log's event time at {@code position} (a position of this batch). */
        long watermarkAt(long position) {
            int i = Arrays.binarySearch(watermarkPositions, position);
            if (i < 0) {
                i = -i - 2; // the last change before it
            }
            return i < 0 ? Long.MIN_VALUE : watermarkMillis[i];
        }

        /** The key hash of the event at {@code position}, empty when the keyer gave it none. */
        OptionalLong keyAt(long position) {
            int i = Arrays.binarySearch(positions, position);
            return i < 0 ? OptionalLong.empty() : OptionalLong.of(keys[i]);
        }

        boolean barrierAt(long position) {
            return Arrays.binarySearch(barriers, position) >= 0;
        }
    }

    @Inject
    DataSource dataSource;

    /** A cached batch and when a reader last used it. */
    private static final class Cached {
        final Batch batch;
        volatile long used;

        Cached(Batch batch, long used) {
            this.batch = batch;
            this.used = used;
        }
    }

    private final ConcurrentSkipListMap<Long, Cached> batches = new ConcurrentSkipListMap<>();
    private final java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
    private final Object signal = new Object();
    private volatile long keyedThrough = -1;
    private volatile long lastPoll;

    /** Every position at or below it has been keyed, as far as this instance knows (-1: nothing yet). */
    public long keyedThrough() {
        return keyedThrough;
    }

    /**
     * Waits until the event at {@code position} is keyed, at most {@code timeoutNanos}.
     *
     * @return whether it is keyed
     */
    public boolean awaitKeyed(long position, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            if (keyedThrough >= position) {
                return true;
            }
            long now = System.nanoTime();
            if (now - lastPoll >= POLL_NANOS) {
                lastPoll = now;
                poll();
                if (keyedThrough >= position) {
                    return true;
                }
            }
            long left = deadline - now;
            if (left <= 0) {
                return false;
            }
            synchronized (signal) {
                if (keyedThrough < position) {
                    TimeUnit.NANOSECONDS.timedWait(signal, Math.min(left, POLL_NANOS));
                }
            }
        }
    }

    /**
     * The key hash of the event at {@code position}, empty when it has none (no person, an erased person, or not an event
     * the keyer keys). Call only for keyed positions ({@link #keyedThrough()}).
     */
    public OptionalLong keyAt(long position) {
        Batch b = batch(position);
        return b == null ? OptionalLong.empty() : b.keyAt(position);
    }

    /** Whether the event at {@code position} is a barrier ({@link KeyedEventSource}). Call only for keyed positions. */
    public boolean barrierAt(long position) {
        Batch b = batch(position);
        return b != null && b.barrierAt(position);
    }

    /**
     * The log's event time at {@code position}: the latest {@code occurredAt} of the behaviour events up to it
     * (epoch millis, {@link Long#MIN_VALUE} when there is none). Call only for keyed positions.
     */
    public long watermarkAt(long position) {
        Batch b = batch(position);
        return b == null ? Long.MIN_VALUE : b.watermarkAt(position);
    }

    /** A batch the keyer of this instance committed: cached, and waiting readers woken. */
    void committed(Batch batch) {
        remember(batch);
        advance(batch.last());
    }

    /** The keyer started over: everything cached is forgotten. */
    void cleared() {
        batches.clear();
        keyedThrough = -1;
    }

    private void advance(long last) {
        if (last > keyedThrough) {
            synchronized (signal) {
                if (last > keyedThrough) {
                    keyedThrough = last;
                }
                signal.notifyAll();
            }
        }
    }

    private void remember(Batch batch) {
        batches.put(batch.first(), new Cached(batch, clock.incrementAndGet()));
        if (batches.size() > CACHED_BATCHES) {
            evict();
        }
    }

    /** Drops the least recently used tenth of the cache (one scan for many insertions). */
    private synchronized void evict() {
        int excess = batches.size() - CACHED_BATCHES + CACHED_BATCHES / 10;
        if (excess <= 0) {
            return;
        }
        long[] used = batches.values().stream().mapToLong(c -> c.used).sorted().toArray();
        long cutoff = used[Math.min(used.length - 1, excess - 1)];
        batches.values().removeIf(c -> c.used <= cutoff);
    }

    private Batch batch(long position) {
        Batch hit = cached(position);
        if (hit != null) {
            return hit;
        }
        for (Batch b : read(position)) {
            remember(b);
        }
        return cached(position);
    }

    private Batch cached(long position) {
        Map.Entry<Long, Cached> e = batches.floorEntry(position);
        if (e == null || e.getValue().batch.last() < position) {
            return null;
        }
        e.getValue().used = clock.incrementAndGet();
        return e.getValue().batch;
    }

    private void poll() {
        advance(readKeyedThrough());
    }

    /** The last position of the stored batches (-1: none). */
    long readKeyedThrough() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT max(last_position) FROM person_key_batch");
                ResultSet rs = s.executeQuery()) {
            if (rs.next()) {
                long last = rs.getLong(1);
                return rs.wasNull() ? -1 : last;
            }
            return -1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read how far the log is keyed", e);
        }
    }

    /** Up to {@link #READ_AHEAD} stored batches from the one holding {@code from}. */
    java.util.List<Batch> read(long from) {
        java.util.List<Batch> out = new java.util.ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT first_position, last_position, positions, key_hashes, barriers, watermark_positions, watermark_millis "
                        + "FROM person_key_batch "
                        + "WHERE last_position >= ? ORDER BY last_position LIMIT " + READ_AHEAD)) {
            s.setLong(1, from);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Batch(rs.getLong(1), rs.getLong(2), longs(rs.getArray(3)), longs(rs.getArray(4)), longs(rs.getArray(5)),
                            longs(rs.getArray(6)), longs(rs.getArray(7))));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the person keys of the log", e);
        }
        return out;
    }

    private static long[] longs(Array array) throws SQLException {
        Object[] values = (Object[]) array.getArray();
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = ((Number) values[i]).longValue();
        }
        return out;
    }

    /** A 64-bit hash of a person key (FNV-1a over its chars, then a finaliser that spreads the bits). */
    public static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}
