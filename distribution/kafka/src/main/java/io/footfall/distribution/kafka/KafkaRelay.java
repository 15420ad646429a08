package io.footfall.distribution.kafka;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.core.config.InstanceRoles;
import io.footfall.core.config.SafeErrors;
import io.footfall.core.keys.ClearingTokenStore;
import io.footfall.core.keys.PersonKeys;
import io.footfall.core.observability.ReportedProcessor;
import io.footfall.core.privacy.ErasedSubjects;
import io.footfall.core.profile.Identifiers;
import io.footfall.core.store.EventLog;
import io.footfall.core.store.IdentityUnlinked;
import io.footfall.core.store.ProcessedPosition;
import io.footfall.core.store.ProcessingThreads;
import io.footfall.core.store.RecordedBehavior;
import io.footfall.core.store.TokenPositions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Relays every event of the PostgreSQL log, in log order, to a Kafka topic keyed by person (ADR 0017): the first slice of
 * distribution through Kafka. The log stays the source of truth; the topic is a copy that other services (and later
 * Footfall's {@code process} pods) consume.
 *
 * <p>A single-segment tracking processor named {@value #PROCESSOR}, with its token in the shared token store: one
 * instance relays at a time, and when it dies another instance that runs the relay claims the token and goes on from
 * the last committed position. Each event of a processor batch is sent as it is read ({@link RelayRecords}); before the
 * batch's transaction commits the token, the producer is flushed and every send must have been acknowledged by Kafka
 * ({@code acks=all}, idempotent producer) within {@code ack-timeout}. Otherwise the batch fails, the token stays where it
 * was, the producer is discarded (records it still held are dropped, not sent late) and the processor retries the batch
 * after a pause that grows to a minute (Axon's error mode); meanwhile the lag grows in {@code footfall_processor_lag_events},
 * ingest goes on. Delivery is therefore at-least-once: a batch sent again (after a failure or a crash) repeats records
 * with the same key and {@code eventId} / {@code globalIndex} headers, which consumers use to drop duplicates.
 *
 * <p>The key follows the person through identity stitching ({@link PersonKeys}): the relay keeps its own identifier →
 * person-key map ({@link PersonKeyStore}), read with one query per batch and written in the batch's transaction, before
 * the acknowledgements are awaited; it is emptied when the relay's token is created anew.
 *
 * <p>Off by default ({@code footfall.distribution.kafka.enabled=false}): then no producer is created and nothing
 * connects to Kafka. Started at start-up on instances with the {@code ingest} role when enabled, or at runtime with
 * {@link #start(KafkaRelaySettings)}.
 */
@ApplicationScoped
public class KafkaRelay implements ReportedProcessor {

    /** The processor's name, in the token store and the metrics. */
    public static final String PROCESSOR = "kafka-relay";

    private static final Logger LOG = Logger.getLogger(KafkaRelay.class);
    private static final String BATCH = KafkaRelay.class.getName() + ".batch";

    @Inject
    EventLog log;
    @Inject
    InstanceRoles roles;
    @Inject
    ErasedSubjects erased;
    @Inject
    DataSource dataSource;
    @Inject
    MeterRegistry registry;
    @Inject
    Config config;
    @Inject
    PersonKeyStore personKeys;

    @ConfigProperty(name = "footfall.distribution.kafka.enabled", defaultValue = "false")
    boolean enabled;

    private final AtomicLong relayed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong personKeyStatements = new AtomicLong();
    private volatile TrackingEventProcessor processor;
    private volatile KafkaRelaySettings settings;
    private volatile RelayRecords records;
    /** The producer of the current attempt; replaced after a failed batch. Used by the processor's thread only. */
    private volatile KafkaProducer<String, byte[]> producer;
    private volatile boolean failing;
    private volatile String lastError;
    private Counter relayedCounter;
    private Counter failedCounter;
    private Timer ackTimer;
    private Timer personKeysTimer;

    /**
     * What the relay is doing. Counters are totals since the application started, over all runs.
     *
     * @param running          whether the relay runs in this instance
     * @param holding          whether this instance holds the relay's token (relays now); a running relay that does
     *                         not is a standby (another instance holds it) or pausing after a failed batch
     * @param topic            topic of the current (or last) run
     * @param bootstrapServers Kafka of the current (or last) run
     * @param position         the log position up to which every relayed event is acknowledged by Kafka (stored token)
     * @param head             the log's latest position
     * @param lag              events of the log not yet acknowledged by Kafka
     * @param relayed          records acknowledged by Kafka in committed batches
     * @param skipped          events of committed batches not relayed (plugin results, erased people)
     * @param failedBatches    batches that Kafka did not acknowledge in time (retried)
     * @param retrying         whether the last batch failed and no batch committed since
     * @param lastError        the last error (no personal data), or null
     * @param batches          committed batches that held events
     * @param personKeyStatements SQL round trips on the person-key map in those batches (one read, then at most one batch of merges and one of upserts)
     */
    public record Status(boolean running, boolean holding, String topic, String bootstrapServers, long position, long head, long lag,
                         long relayed, long skipped, long failedBatches, boolean retrying, String lastError, long batches,
                         long personKeyStatements) {
    }

    void onStart(@Observes @Priority(60) StartupEvent startup) {
        registerMetrics();
        if (enabled && roles.ingest()) {
            start(KafkaRelaySettings.fromConfig(config));
        } else if (enabled) {
            LOG.infof("Kafka relay enabled but not started: this instance has no ingest role (footfall.roles)");
        }
    }

    /** After the collectors and the ingest pipeline, before the event log shuts down (priority 5). */
    void onStop(@Observes @Priority(4) ShutdownEvent shutdown) {
        stop();
    }

    /**
     * Starts relaying from the stored token (or {@code initial-position} when the relay never ran).
     *
     * @throws io.footfall.core.config.InvalidSetting when the producer cannot be created from the settings
     * @throws IllegalStateException             when the relay already runs
     */
    public synchronized void start(KafkaRelaySettings s) {
        if (processor != null) {
            throw new IllegalStateException("the Kafka relay is already running");
        }
        registerMetrics();
        // created now so that a bad pass-through property stops the start with its name, not the processor later
        try {
            producer = createProducer(s);
        } catch (KafkaException e) {
            throw new io.footfall.core.config.InvalidSetting(KafkaRelaySettings.CLIENT_PREFIX + "*",
                    "the Kafka producer cannot be created: " + SafeErrors.describe(e));
        }
        settings = s;
        records = new RelayRecords(log.json());
        failing = false;
        lastError = null;
        boolean latest = "latest".equals(s.initialPosition());
        TrackingEventProcessor p = TrackingEventProcessor.builder()
                .name(PROCESSOR)
                .eventHandlerInvoker(SimpleEventHandlerInvoker.builder().eventHandlers(List.of(new Handler()))
                        // a failed send must fail the batch: Axon's default (LoggingErrorHandler) would log it and go on
                        // with the next event, committing the token past a record Kafka never got
                        .listenerInvocationErrorHandler(PropagatingErrorHandler.instance())
                        .build())
                // the primary source, not the one held back behind the profile projection (ADR 0014): the relay feeds others
                .messageSource(log.eventStore())
                // a new token (first start, or starting over) empties the person-key map in the same transaction
                .tokenStore(new ClearingTokenStore(log.tokenStore(), personKeys::clear))
                .transactionManager(log.transactions())
                .errorHandler(PropagatingErrorHandler.instance())
                .trackingEventProcessorConfiguration(TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                        .andBatchSize(s.batchSize())
                        .andInitialTrackingToken(source -> latest ? source.createHeadToken() : source.createTailToken())
                        .andThreadFactory(name -> ProcessingThreads.named(PROCESSOR, false)))
                .build();
        processor = p;
        p.start();
        LOG.infof("Kafka relay publishing the log to %s at %s", s.topic(), s.bootstrapServers());
    }

    /** Stops relaying after the batch in progress (its records acknowledged, or failed); true when stopped. */
    public synchronized boolean stop() {
        TrackingEventProcessor p = processor;
        if (p == null) {
            return true;
        }
        boolean stopped = true;
        try {
            p.shutdownAsync().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            stopped = false;
            LOG.warnf("Kafka relay did not stop cleanly: %s", SafeErrors.describe(e));
        }
        processor = null;
        KafkaProducer<String, byte[]> current = producer;
        producer = null;
        if (current != null) {
            current.close(Duration.ofSeconds(5));
        }
        return stopped;
    }

    /** Whether the relay runs in this instance (holding the token or standing by). */
    public boolean running() {
        return processor != null;
    }

    /** What the relay is doing. */
    public Status status() {
        KafkaRelaySettings s = settings;
        TrackingEventProcessor p = processor;
        boolean holding = p != null && !p.processingStatus().isEmpty();
        long head = log.head();
        long position = holding ? ProcessedPosition.lowest(p) : stored().position();
        return new Status(p != null, holding, s == null ? null : s.topic(), s == null ? null : s.bootstrapServers(), position, head,
                Math.max(0, head - position), relayed.get(), skipped.get(), failedBatches.get(), failing, lastError, batches.get(),
                personKeyStatements.get());
    }

    private TokenPositions.Stored stored() {
        TokenPositions.Stored stored = TokenPositions.read(dataSource, log.serializer(), PROCESSOR);
        return stored.segments() == 0 ? new TokenPositions.Stored(-1, false, false, 0) : stored;
    }

    @Override
    public String name() {
        return PROCESSOR;
    }

    /** The lag row: while this instance holds the token, or is retrying a failed batch (then from the stored token). */
    @Override
    public OptionalLong reportedPosition() {
        TrackingEventProcessor p = processor;
        if (p == null) {
            return OptionalLong.empty();
        }
        if (!p.processingStatus().isEmpty()) {
            return OptionalLong.of(ProcessedPosition.lowest(p));
        }
        return failing ? OptionalLong.of(stored().position()) : OptionalLong.empty();
    }

    @Override
    public boolean inError() {
        return failing;
    }

    private synchronized void registerMetrics() {
        if (relayedCounter != null) {
            return;
        }
        relayedCounter = Counter.builder("footfall.distribution.kafka.records").description("log events acknowledged by Kafka (committed batches)")
                .register(registry);
        failedCounter = Counter.builder("footfall.distribution.kafka.failed.batches")
                .description("relay batches Kafka did not acknowledge in time (retried)").register(registry);
        ackTimer = Timer.builder("footfall.distribution.kafka.ack").description("time a relay batch waited for Kafka's acknowledgements")
                .publishPercentiles(0.5, 0.99).register(registry);
        personKeysTimer = Timer.builder("footfall.distribution.kafka.person.keys")
                .description("time a relay batch spent reading and writing its person keys (committed batches)")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    private static KafkaProducer<String, byte[]> createProducer(KafkaRelaySettings s) {
        Properties p = new Properties();
        long ack = s.ackTimeout().toMillis();
        long linger = s.linger().toMillis();
        p.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(linger));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(s.producerBatchBytes()));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, s.compression());
        // a send waits for metadata, and a record for its acknowledgement, at most the batch's time
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(ack));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(ack));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(1, ack - linger)));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "footfall-kafka-relay");
        p.putAll(s.client());
        // what the relay's guarantees rest on, after the pass-through (which may not set them: KafkaRelaySettings)
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private KafkaProducer<String, byte[]> producer() {
        KafkaProducer<String, byte[]> current = producer;
        if (current == null) {
            current = createProducer(settings);
            producer = current;
        }
        return current;
    }

    /** A failed batch: its producer is closed at once (what it still holds is dropped) and the next attempt takes a new one. */
    private void failed(Throwable error) {
        failing = true;
        lastError = SafeErrors.describe(error);
        failedBatches.incrementAndGet();
        failedCounter.increment();
        KafkaProducer<String, byte[]> current = producer;
        producer = null;
        if (current != null) {
            try {
                current.close(Duration.ZERO);
            } catch (RuntimeException e) {
                LOG.debugf("closing the relay's producer: %s", SafeErrors.describe(e));
            }
        }
    }

    /** The sends of one processor batch, awaited before its token commits, and its view of the person keys. */
    private final class Batch {
        final List<Future<RecordMetadata>> sent = new ArrayList<>();
        final PersonKeys keys = new PersonKeys(personKeys::load);
        int skipped;
        int keyStatements;
        long keyNanos;
        boolean failed;

        /** Reads the person keys of the whole batch (one query). */
        void prefetchKeys(List<? extends org.axonframework.messaging.Message<?>> messages) {
            long start = System.nanoTime();
            keys.prefetch(PersonKeys.identifiersOf(messages.stream().map(m -> (Object) m.getPayload()).toList()));
            keyNanos += System.nanoTime() - start;
        }

        /** Writes the batch's person-key changes in its transaction (before Kafka is awaited: a failure fails the batch). */
        void writeKeys() {
            long start = System.nanoTime();
            keyStatements = keys.loads() + personKeys.write(keys, KafkaRelay.this::erasedIdentifier);
            keyNanos += System.nanoTime() - start;
        }

        void awaitAcknowledgements() throws Exception {
            if (sent.isEmpty()) {
                return;
            }
            long start = System.nanoTime();
            long deadline = start + settings.ackTimeout().toNanos();
            try {
                producer().flush();
                for (Future<RecordMetadata> f : sent) {
                    f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            } catch (ExecutionException e) {
                throw fail(e.getCause() == null ? e : e.getCause());
            } catch (TimeoutException e) {
                throw fail(new TimeoutException("Kafka did not acknowledge " + sent.size() + " records within "
                        + settings.ackTimeout().toMillis() + " ms"));
            } catch (RuntimeException | InterruptedException e) {
                throw fail(e);
            }
            ackTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }

        Exception fail(Throwable cause) {
            if (!failed) {
                failed = true;
                failed(cause);
            }
            return new RelayFailedException("the batch was not relayed (" + SafeErrors.describe(cause) + "); its token is not committed", cause);
        }
    }

    /** A batch that Kafka did not take: the processor rolls it back and retries. */
    static final class RelayFailedException extends Exception {
        RelayFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Sends each event of a batch as it is read; the batch's prepare-commit waits for Kafka. */
    private final class Handler implements EventMessageHandler {

        @Override
        public Object handle(EventMessage<?> message) throws Exception {
            UnitOfWork<?> uow = CurrentUnitOfWork.get().root();
            Batch batch = uow.getOrComputeResource(BATCH, key -> {
                Batch b = new Batch();
                if (uow instanceof BatchingUnitOfWork<?> batching) {
                    // the person keys of the whole batch with one query
                    b.prefetchKeys(batching.getMessages());
                }
                uow.onPrepareCommit(u -> {
                    try {
                        b.writeKeys();
                        b.awaitAcknowledgements();
                    } catch (Exception e) {
                        throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
                    }
                });
                uow.afterCommit(u -> {
                    relayed.addAndGet(b.sent.size());
                    relayedCounter.increment(b.sent.size());
                    skipped.addAndGet(b.skipped);
                    batches.incrementAndGet();
                    personKeyStatements.addAndGet(b.keyStatements);
                    personKeysTimer.record(b.keyNanos, TimeUnit.NANOSECONDS);
                    failing = false;
                });
                uow.onRollback(u -> b.fail(u.getExecutionResult() != null && u.getExecutionResult().isExceptionResult()
                        ? u.getExecutionResult().getExceptionResult() : new IllegalStateException("the batch rolled back")));
                return b;
            });
            long position = message instanceof TrackedEventMessage<?> tracked ? ProcessedPosition.of(tracked.trackingToken()) : -1;
            Object payload = message.getPayload();
            if (payload instanceof RecordedBehavior recorded && erased(recorded.event())) {
                batch.skipped++;
                return null;
            }
            // the key after this event's identity links (in log order: the map is only ever changed by the relay's batches)
            String key = null;
            if (payload instanceof RecordedBehavior recorded) {
                key = batch.keys.keyOf(recorded.event(), position);
            } else if (payload instanceof IdentityUnlinked unlinked) {
                key = batch.keys.keyOf(unlinked, position);
            }
            ProducerRecord<String, byte[]> record = records.record(settings.topic(), message.getIdentifier(), position, payload, key);
            if (record == null) {
                batch.skipped++;
                return null;
            }
            Future<RecordMetadata> future;
            try {
                future = producer().send(record);
            } catch (RuntimeException e) {
                throw batch.fail(e);
            }
            batch.sent.add(future);
            if (future.isDone()) {
                // a send that failed at once (no metadata within ack-timeout, record too large): the batch is lost anyway
                try {
                    future.get();
                } catch (ExecutionException e) {
                    throw batch.fail(e.getCause() == null ? e : e.getCause());
                }
            }
            return null;
        }

        @Override
        public Class<?> getTargetType() {
            return KafkaRelay.class;
        }
    }

    private boolean erasedIdentifier(String identifier) {
        return erased.contains(identifier);
    }

    private boolean erased(BehaviorEvent event) {
        // the relay skips erased people like the projections do (ADR 0005): a relay replayed from the start of the log
        // does not publish them again
        return erased.contains(Identifiers.user(event.userId())) || erased.contains(Identifiers.anonymous(event.anonymousId()));
    }
}
