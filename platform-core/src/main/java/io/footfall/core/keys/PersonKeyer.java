package io.footfall.core.keys;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.core.config.SafeErrors;
import io.footfall.core.privacy.ErasedSubjects;
import io.footfall.core.privacy.ErasureHook;
import io.footfall.core.store.EventLog;
import io.footfall.core.store.IdentityUnlinked;
import io.footfall.core.store.ProcessedPosition;
import io.footfall.core.store.ProcessingThreads;
import io.footfall.core.store.RecordedBehavior;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.jboss.logging.Logger;

/**
 * Fixes the person key of every logged event, in log order (ADR 0021, amendment 2026-12-01), so that a processor can fold
 * on several segments with each person's events on one segment: a tracking processor {@value #PROCESSOR} of its own (one
 * segment, token in the shared token store, so one instance keys at a time and another takes over after the claim
 * timeout) applies the Kafka relay's rules ({@link PersonKeys}) to its own map ({@code person_key}) and writes one row per
 * batch into {@code person_key_batch}: the keyed positions, a hash of each key, and the barrier positions (after them
 * identifiers have another key, or folding them reads rows of a person with another key), and the log's event time
 * (plugin SPI 1.8: where the latest {@code occurredAt} so far rises). Map and row are written in the transaction that commits the keyer's token, so a rolled-back batch
 * leaves nothing behind; a keyer that starts over (its token created anew) empties both first.
 *
 * <p>Off the ingest path: appends never wait for it. Processors that fold on several segments read the keys through
 * {@link PersonKeyIndex} and wait for the keyer ({@link KeyedEventSource}).
 */
@ApplicationScoped
public class PersonKeyer implements ErasureHook, io.footfall.core.observability.ReportedProcessor {

    /** The keyer's processor name in the token store. */
    public static final String PROCESSOR = "person-keys";
    static final String TABLE = "person_key";
    /** Events per keyer batch (one {@code person_key_batch} row). */
    static final int BATCH_SIZE = 1_000;
    private static final Logger LOG = Logger.getLogger(PersonKeyer.class);
    private static final String BATCH = PersonKeyer.class.getName() + ".batch";

    @Inject
    EventLog log;
    @Inject
    DataSource dataSource;
    @Inject
    ErasedSubjects erased;
    @Inject
    PersonKeyIndex index;

    private PersonKeyTable table;
    private TrackingEventProcessor processor;
    private final AtomicLong keyed = new AtomicLong();
    private final AtomicLong barriers = new AtomicLong();

    @jakarta.annotation.PostConstruct
    void init() {
        table = new PersonKeyTable(dataSource, TABLE);
    }

    /** Starts keying from the stored token (the log's start the first time). Idempotent. */
    public synchronized void start() {
        if (processor != null) {
            return;
        }
        TrackingEventProcessor p = TrackingEventProcessor.builder()
                .name(PROCESSOR)
                .eventHandlerInvoker(SimpleEventHandlerInvoker.builder().eventHandlers(List.of(new Handler()))
                        .listenerInvocationErrorHandler(PropagatingErrorHandler.instance())
                        .build())
                // the primary source: every keyed processor waits for the keyer
                .messageSource(log.eventStore())
                .tokenStore(new ClearingTokenStore(log.tokenStore(), this::clear))
                .transactionManager(log.transactions())
                .errorHandler(PropagatingErrorHandler.instance())
                .trackingEventProcessorConfiguration(TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                        .andBatchSize(BATCH_SIZE)
                        .andInitialTrackingToken(source -> source.createTailToken())
                        .andThreadFactory(name -> ProcessingThreads.named(PROCESSOR, false)))
                .build();
        processor = p;
        p.start();
        LOG.infof("Person keyer started");
    }

    /** Stops after the batch in progress. */
    public synchronized void stop() {
        TrackingEventProcessor p = processor;
        processor = null;
        if (p != null) {
            try {
                p.shutdownAsync().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warnf("person keyer did not stop cleanly: %s", SafeErrors.describe(e));
            }
        }
    }

    /** Whether the keyer runs in this instance. */
    public boolean running() {
        return processor != null;
    }

    /** The position keyed in this instance (-1 when it holds no token). */
    public long position() {
        TrackingEventProcessor p = processor;
        return p == null ? -1 : ProcessedPosition.lowest(p);
    }

    @Override
    public String name() {
        return PROCESSOR;
    }

    /** The keyer's position while this instance holds its token (its lag row in {@code footfall_processor_lag_events}). */
    @Override
    public java.util.OptionalLong reportedPosition() {
        TrackingEventProcessor p = processor;
        return p == null || p.processingStatus().isEmpty() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(ProcessedPosition.lowest(p));
    }

    @Override
    public boolean inError() {
        TrackingEventProcessor p = processor;
        return p != null && p.processingStatus().values().stream().anyMatch(org.axonframework.eventhandling.EventTrackerStatus::isErrorState);
    }

    /** Events keyed by this instance since it started. */
    public long keyed() {
        return keyed.get();
    }

    /** Barrier events (see {@link KeyedEventSource}) keyed by this instance since it started. */
    public long barriers() {
        return barriers.get();
    }

    /** Empties the map and the batch rows: the keyer starts over. Call inside the transaction that creates the token. */
    private void clear() {
        table.clear();
        try (Connection c = dataSource.getConnection(); PreparedStatement delete = c.prepareStatement("DELETE FROM person_key_batch")) {
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot clear the keyed batches", e);
        }
        index.cleared();
    }

    @Override
    public void erase(Connection connection, Set<String> identifiers) throws SQLException {
        table.erase(connection, identifiers);
    }

    /** One keyer batch: its view of the map and what it keyed. */
    private final class Batch {
        final PersonKeys keys = new PersonKeys(table::load);
        final List<Long> positions = new ArrayList<>();
        final List<Long> hashes = new ArrayList<>();
        final List<Long> barriers = new ArrayList<>();
        final List<Long> watermarkPositions = new ArrayList<>();
        final List<Long> watermarkMillis = new ArrayList<>();
        /** The log's event time so far: where the previous batch left it, then each event's. */
        long watermark;
        long first = Long.MAX_VALUE;
        long last = -1;
        PersonKeyIndex.Batch row;

        Batch(long watermark) {
            this.watermark = watermark;
        }

        /** The event at {@code position} was read: the first position and every rise of the event time are noted. */
        void read(long position, long occurredAt) {
            boolean rises = occurredAt > watermark;
            watermark = Math.max(watermark, occurredAt);
            if (watermarkPositions.isEmpty() || rises) {
                watermarkPositions.add(position);
                watermarkMillis.add(watermark);
            }
        }

        PersonKeyIndex.Batch write() {
            if (last < 0) {
                return null;
            }
            table.write(keys, erased::contains);
            PersonKeyIndex.Batch row = new PersonKeyIndex.Batch(first, last, longs(positions), longs(hashes), longs(barriers),
                    longs(watermarkPositions), longs(watermarkMillis));
            try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO person_key_batch (first_position, last_position, positions, key_hashes, barriers, watermark_positions, "
                            + "watermark_millis) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setLong(1, row.first());
                insert.setLong(2, row.last());
                insert.setArray(3, c.createArrayOf("bigint", positions.toArray()));
                insert.setArray(4, c.createArrayOf("bigint", hashes.toArray()));
                insert.setArray(5, c.createArrayOf("bigint", barriers.toArray()));
                insert.setArray(6, c.createArrayOf("bigint", watermarkPositions.toArray()));
                insert.setArray(7, c.createArrayOf("bigint", watermarkMillis.toArray()));
                insert.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot write the keyed batch", e);
            }
            return row;
        }
    }

    /**
     * The log's event time where the stored batches end (read in the batch's transaction, which holds the keyer's
     * token: the last stored batch is the one before it, whichever instance keyed it).
     */
    private long storedWatermark() {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT watermark_millis[array_upper(watermark_millis, 1)] FROM person_key_batch ORDER BY last_position DESC LIMIT 1");
                java.sql.ResultSet rs = s.executeQuery()) {
            if (rs.next()) {
                long millis = rs.getLong(1);
                return rs.wasNull() ? Long.MIN_VALUE : millis;
            }
            return Long.MIN_VALUE;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the log's event time", e);
        }
    }

    private static long[] longs(List<Long> values) {
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private final class Handler implements EventMessageHandler {

        @Override
        public Object handle(EventMessage<?> message) {
            UnitOfWork<?> uow = CurrentUnitOfWork.get().root();
            Batch batch = uow.getOrComputeResource(BATCH, k -> {
                Batch b = new Batch(storedWatermark());
                if (uow instanceof BatchingUnitOfWork<?> batching) {
                    b.keys.prefetch(PersonKeys.identifiersOf(batching.getMessages().stream().map(m -> (Object) m.getPayload()).toList()));
                }
                uow.onPrepareCommit(u -> b.row = b.write());
                uow.afterCommit(u -> {
                    if (b.row == null) {
                        return;
                    }
                    index.committed(b.row);
                    keyed.addAndGet(b.row.positions().length);
                    barriers.addAndGet(b.row.barriers().length);
                });
                return b;
            });
            long position = message instanceof TrackedEventMessage<?> tracked ? ProcessedPosition.of(tracked.trackingToken()) : -1;
            if (position <= batch.last) {
                // a processor can hand the same event twice in one batch (a replay): key it once
                return null;
            }
            batch.first = Math.min(batch.first, position);
            batch.last = position;
            Object payload = message.getPayload();
            batch.read(position, payload instanceof RecordedBehavior recorded ? recorded.event().occurredAt().toEpochMilli() : Long.MIN_VALUE);
            int before = batch.keys.rekeyings();
            String key = null;
            boolean cross = false;
            if (payload instanceof RecordedBehavior recorded) {
                BehaviorEvent e = recorded.event();
                // erased people get no key, as the projections skip them (ADR 0005)
                if (!erased.about(e)) {
                    key = batch.keys.keyOf(e, position);
                    cross = key != null && batch.keys.namesOtherKeys(e, key);
                }
            } else if (payload instanceof IdentityUnlinked unlinked) {
                key = batch.keys.keyOf(unlinked, position);
            }
            if (key != null) {
                batch.positions.add(position);
                batch.hashes.add(PersonKeyIndex.hash(key));
            }
            if (cross || batch.keys.rekeyings() != before) {
                batch.barriers.add(position);
            }
            return null;
        }

        @Override
        public Class<?> getTargetType() {
            return PersonKeyer.class;
        }
    }
}
