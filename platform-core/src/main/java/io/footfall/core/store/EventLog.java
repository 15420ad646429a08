package io.footfall.core.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.core.profile.ProfileProjection;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.Configuration;
import org.axonframework.config.Configurer;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.StreamableMessageSource;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Footfall's Axon runtime: the event store on PostgreSQL, the token store, and one pooled
 * streaming processor per projection, each with its own token. Started after Flyway migrated the
 * schema, shut down before Hibernate closes.
 */
@ApplicationScoped
public class EventLog {

    /** The most segments a processor may be configured with. */
    public static final int MAX_SEGMENTS = 64;
    /** Processor name of the profile projection. */
    public static final String PROFILES = "profiles";
    /**
     * This instance's name in the token store (the owner of the segments it claims) and in {@code cluster_instance}:
     * {@code pid@host}, Axon's default, unique per pod.
     */
    public static final String NODE = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();

    private static final Logger LOG = Logger.getLogger(EventLog.class);

    @Inject
    DataSource dataSource;
    @Inject
    jakarta.transaction.TransactionManager jta;
    @Inject
    ProfileProjection profileProjection;
    @Inject
    ProjectionDeadLetters deadLetters;
    /** Projections contributed by other modules (see {@link Projection}). */
    @Inject
    jakarta.enterprise.inject.Instance<Projection> projections;


    @Inject
    io.footfall.core.config.InstanceRoles roles;
    @Inject
    ProcessingPriority priority;

    @ConfigProperty(name = "footfall.projection.batch-size", defaultValue = "500")
    int projectionBatchSize;

    /**
     * Segments of the profile projection (ADR 0021): above 1, the person keyer runs and the projection folds on this many
     * threads, each person on one of them; the segments are claimed through the token store, so several {@code process}
     * instances share them. Takes effect on a database whose profile projection has no tokens yet (a fresh database,
     * or after its tokens were deleted).
     */
    @ConfigProperty(name = "footfall.processing.segments.profiles", defaultValue = "1")
    int profileSegments;

    /**
     * Segments of each plugin that declares {@link io.footfall.api.plugin.Partitioning#BY_PERSON} (ADR 0021): above 1,
     * the person keyer runs and such a plugin folds on this many threads, claimed across instances like the profile
     * projection's. Other plugins fold on one. Takes effect for a plugin whose processor has no tokens yet.
     */
    @ConfigProperty(name = "footfall.processing.segments.plugins", defaultValue = "1")
    int pluginSegments;

    @Inject
    io.footfall.core.keys.PersonKeyIndex personKeyIndex;
    @Inject
    io.footfall.core.keys.PersonKeyer personKeyer;

    /**
     * Decoded payloads kept for the other processors of this instance (StoredEventSerializer): a processor further
     * behind the first reader than about this many events decodes them again.
     */
    @ConfigProperty(name = "footfall.store.decoded-cache", defaultValue = "" + StoredEventSerializer.DEFAULT_SLOTS)
    int decodedCacheSlots;

    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    private final ObjectMapper json = EventJson.create();
    private Configuration axon;
    private volatile boolean running;
    private Serializer serializer;
    private StoredEventSerializer storedSerializer;
    private CopyEventStorageEngine engine;
    private TokenStore tokens;
    private TransactionManager transactions;
    private final org.axonframework.serialization.upcasting.event.EventUpcasterChain upcasters = Upcasters.chain();
    /** The store's reader threads, so that shutdown can wait for them before the connection pool closes. */
    private final java.util.List<Thread> readers = new java.util.concurrent.CopyOnWriteArrayList<>();

    void start(@Observes @Priority(10) StartupEvent startup) {
        transactions = new JtaTransactionBridge(jta);
        serializer = createSerializer(json);
        JdbcEventStorageEngine.Builder engineBuilder = JdbcEventStorageEngine.builder()
                .connectionProvider(dataSource::getConnection)
                .transactionManager(transactions)
                .eventSerializer(storedSerializer = new StoredEventSerializer(serializer, decodedCacheSlots))
                .snapshotSerializer(serializer)
                .dataType(byte[].class)
                .upcasterChain(upcasters)
                .batchSize(1000);
        engine = new CopyEventStorageEngine(engineBuilder, transactions);
        StoredEventSerializer decoding = storedSerializer;
        io.micrometer.core.instrument.FunctionCounter.builder("footfall.store.payload.reads", decoding, StoredEventSerializer::hits)
                .tag("decoded", "false").description("stored payloads a processor read from the decoding cache").register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder("footfall.store.payload.reads", decoding, StoredEventSerializer::misses)
                .tag("decoded", "true").description("stored payloads a processor had to decode (not in the decoding cache)")
                .register(meters);
        tokens = JdbcTokenStore.builder()
                .connectionProvider(dataSource::getConnection)
                .serializer(serializer)
                .claimTimeout(Duration.ofSeconds(10))
                .nodeId(NODE)
                .build();

        Configurer configurer = DefaultConfigurer.defaultConfiguration()
                .configureSerializer(c -> serializer)
                .configureEventSerializer(c -> serializer)
                .configureMessageSerializer(c -> serializer)
                .configureTransactionManager(c -> transactions)
                .configureEventStore(c -> EmbeddedEventStore.builder()
                        .storageEngine(engine)
                        .threadFactory(tracked(ProcessingThreads.named("event-store-reader", true)))
                        .fetchDelay(200)
                        .build());
        configurer.eventProcessing().registerTokenStore(c -> tokens);
        checkSegments("footfall.processing.segments.profiles", profileSegments);
        checkSegments("footfall.processing.segments.plugins", pluginSegments);
        for (Projection projection : projections) {
            int n = configuredSegments(projection.name());
            checkSegments(segmentsSetting(projection.name()), n);
            if (n > 1 && !projection.foldsByPerson()) {
                throw new io.footfall.core.config.InvalidSetting(segmentsSetting(projection.name()), segmentsSetting(projection.name())
                        + " must be 1: the projection " + projection.name() + " folds on one segment, was " + n);
            }
        }
        if (roles.process()) {
            registerProcessors(configurer);
        }
        axon = configurer.buildConfiguration();
        axon.start();
        running = true;
        if (roles.process() && keyed()) {
            personKeyer.start();
        }
        LOG.infof("Axon event log started (roles %s) with processors %s", roles.names(), processors().keySet());
    }

    private static void checkSegments(String setting, int segments) {
        if (segments < 1 || segments > MAX_SEGMENTS) {
            throw new io.footfall.core.config.InvalidSetting(setting, setting + " must be between 1 and " + MAX_SEGMENTS + ", was " + segments);
        }
    }

    /** Whether some processor folds on several segments, so the person keyer runs (on {@code process} instances). */
    private boolean keyed() {
        if (profileSegments > 1 || pluginSegments > 1) {
            return true;
        }
        for (Projection projection : projections) {
            if (segments(projection.name()) > 1) {
                return true;
            }
        }
        return false;
    }

    /** The setting that says how many segments a contributed projection folds on. */
    static String segmentsSetting(String projection) {
        return "footfall.processing.segments." + projection;
    }

    private static int configuredSegments(String projection) {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue(segmentsSetting(projection), Integer.class).orElse(1);
    }

    /** The profile projection and every contributed projection, each on a tracking processor of its own. */
    private void registerProcessors(Configurer configurer) {
        // a tracking processor (see PluginRuntime for why not pooled): one thread, or with several segments one thread per
        // segment, each person's events on one (ADR 0021), keyed by the person keyer and read through its barriers
        boolean segmented = profileSegments > 1;
        configurer.eventProcessing()
                .registerTrackingEventProcessor(PROFILES,
                        c -> segmented ? keyedSource(PROFILES, c.eventStore()) : c.eventStore(),
                        c -> (segmented ? TrackingEventProcessorConfiguration.forParallelProcessing(profileSegments)
                                .andInitialSegmentsCount(profileSegments) : TrackingEventProcessorConfiguration.forSingleThreadedProcessing())
                                .andBatchSize(projectionBatchSize)
                                .andInitialTrackingToken(StreamableMessageSource::createTailToken)
                                .andThreadFactory(name -> ProcessingThreads.named("profiles-processor", false)));
        if (segmented) {
            configurer.eventProcessing().registerSequencingPolicy(PROFILES, c -> personKeySequencing());
        }
        configurer.eventProcessing()
                .registerEventHandler(c -> profileProjection)
                .assignHandlerInstancesMatching(PROFILES, handler -> handler == profileProjection)
                .registerDefaultListenerInvocationErrorHandler(c -> PropagatingErrorHandler.instance());
        parkPoisonEvents(configurer, PROFILES, profileProjection);
        for (Projection projection : projections) {
            register(configurer, projection);
        }
    }

    /**
     * Registers a contributed projection as a tracking processor of its own, from the log's tail: single-threaded, or
     * for a projection that folds by person and is given several segments, one thread per segment reading the keyed
     * source (as the profile projection).
     */
    private void register(Configurer configurer, Projection projection) {
        String name = projection.name();
        Object handler = projection.handler();
        int batchSize = projection.batchSize();
        int segments = segments(name);
        configurer.eventProcessing()
                .registerTrackingEventProcessor(name,
                        c -> segments > 1 ? keyedSource(name, priority.secondary(c.eventStore())) : priority.secondary(c.eventStore()),
                        c -> (segments > 1 ? TrackingEventProcessorConfiguration.forParallelProcessing(segments).andInitialSegmentsCount(segments)
                                : TrackingEventProcessorConfiguration.forSingleThreadedProcessing())
                                .andBatchSize(batchSize)
                                .andInitialTrackingToken(StreamableMessageSource::createTailToken)
                                .andThreadFactory(n -> r -> ProcessingThreads.named(name + "-processor", false)
                                        .newThread(priority.secondaryThread(r))))
                .registerEventHandler(c -> handler)
                .assignHandlerInstancesMatching(name, h -> h == handler);
        if (segments > 1) {
            configurer.eventProcessing().registerSequencingPolicy(name, c -> personKeySequencing());
        }
        parkPoisonEvents(configurer, name, handler);
    }

    /** A failed batch is retried; an event it fails on every time is parked and skipped (ADR 0023). */
    private void parkPoisonEvents(Configurer configurer, String name, Object handler) {
        PoisonEvents poison = new PoisonEvents(name, handler, deadLetters, transactions, dataSource);
        configurer.eventProcessing()
                .registerHandlerInterceptor(name, c -> poison.skipper())
                .registerErrorHandler(name, c -> poison.errorHandler());
    }

    /** The projections contributed through {@link Projection}, by name. */
    public Optional<Projection> projection(String name) {
        for (Projection projection : projections) {
            if (projection.name().equals(name)) {
                return Optional.of(projection);
            }
        }
        return Optional.empty();
    }

    /**
     * The log as the given processor reads it on several segments (ADR 0021): only events the person keyer has keyed,
     * with its barriers, which wait for the processor's stored tokens; read once for the segments held here.
     */
    public StreamableMessageSource<org.axonframework.eventhandling.TrackedEventMessage<?>> keyedSource(String processor,
            StreamableMessageSource<org.axonframework.eventhandling.TrackedEventMessage<?>> source) {
        // the segments of this instance share one read of the log
        return new io.footfall.core.keys.KeyedEventSource(new SharedReadSource(source), personKeyIndex,
                () -> TokenPositions.read(dataSource, serializer, processor).position());
    }

    /**
     * The log's event time at a keyed position (plugin SPI 1.8): the latest {@code occurredAt} of the behaviour events
     * up to it, as the person keyer recorded it (epoch millis, {@link Long#MIN_VALUE} when none). For processors on
     * several segments, which do not see the other segments' events.
     */
    public long watermarkAt(long position) {
        return personKeyIndex.watermarkAt(position);
    }

    /** Puts each event on the segment of its person key (for a processor reading a {@link #keyedSource}). */
    public org.axonframework.eventhandling.async.SequencingPolicy<org.axonframework.eventhandling.EventMessage<?>> personKeySequencing() {
        return new io.footfall.core.keys.PersonKeySequencing(personKeyIndex);
    }

    /**
     * The segment the batch of the current unit of work is folded on, as Axon's tracking processor names it in the
     * unit of work's resources ({@code Processor[<name>]/SegmentId}); 0 outside a segmented batch.
     *
     * @param uow       the batch's (root) unit of work
     * @param processor the processor's name
     */
    public static int segmentOf(org.axonframework.messaging.unitofwork.UnitOfWork<?> uow, String processor) {
        return uow.getResource("Processor[" + processor + "]/SegmentId") instanceof Integer segment ? segment : 0;
    }

    /** How many segments a plugin declaring {@link io.footfall.api.plugin.Partitioning#BY_PERSON} folds on. */
    public int pluginSegments() {
        return pluginSegments;
    }

    /**
     * How many segments a projection folds on: {@code footfall.processing.segments.profiles} for the profiles,
     * {@code footfall.processing.segments.<name>} for a contributed projection that {@linkplain Projection#foldsByPerson
     * folds by person}, else 1.
     */
    public int segments(String projection) {
        if (PROFILES.equals(projection)) {
            return profileSegments;
        }
        for (Projection p : projections) {
            if (p.name().equals(projection)) {
                return p.foldsByPerson() ? configuredSegments(projection) : 1;
            }
        }
        return 1;
    }

    /** Every contributed projection. */
    public List<Projection> projections() {
        return projections.stream().toList();
    }

    /** The serializer of stored payloads: Jackson, with Footfall's revision annotation. */
    public static Serializer createSerializer(ObjectMapper json) {
        // the platform's class loader, not the thread's: plugin threads run with their own context class loader
        return JacksonSerializer.builder().objectMapper(json).revisionResolver(new EventRevisionResolver())
                .classLoader(EventLog.class.getClassLoader()).build();
    }

    void stop(@Observes @Priority(5) ShutdownEvent shutdown) {
        running = false;
        if (axon != null) {
            personKeyer.stop();
            axon.shutdown();
            // the store's producer thread would otherwise go on polling a closing connection pool
            if (axon.eventStore() instanceof EmbeddedEventStore embedded) {
                embedded.shutDown();
            }
            // a reader in the middle of a fetch finishes it first; left running, it failed on the closed pool and logged
            // an ERROR at every shutdown
            long deadline = System.nanoTime() + READER_STOP.toNanos();
            for (Thread reader : readers) {
                try {
                    reader.join(Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** How long shutdown waits for the store's reader threads to finish their fetch. */
    private static final Duration READER_STOP = Duration.ofSeconds(5);

    private java.util.concurrent.ThreadFactory tracked(java.util.concurrent.ThreadFactory factory) {
        return runnable -> {
            Thread thread = factory.newThread(runnable);
            readers.removeIf(t -> t.getState() == Thread.State.TERMINATED);
            readers.add(thread);
            return thread;
        };
    }

    /** Whether Axon's runtime is started (after startup, before shutdown). */
    public boolean started() {
        return axon != null && running;
    }

    /** The Axon event store. */
    public EventStore eventStore() {
        return axon.eventStore();
    }

    /**
     * The event store as secondary processors (contributed projections, plugins) read it: holding back while the
     * profile projection is behind this instance's ingest ({@link ProcessingPriority}).
     */
    public StreamableMessageSource<org.axonframework.eventhandling.TrackedEventMessage<?>> secondarySource() {
        return priority.secondary(axon.eventStore());
    }

    /** Who folds first: the profile projection before contributed projections and plugins (ADR 0014). */
    public ProcessingPriority priority() {
        return priority;
    }

    /** The serializer of stored payloads. */
    public Serializer serializer() {
        return serializer;
    }

    /** The upcaster chain applied to stored payloads when read. */
    public org.axonframework.serialization.upcasting.event.EventUpcasterChain upcasters() {
        return upcasters;
    }

    /** The transaction manager Axon runs in (JTA). */
    public TransactionManager transactions() {
        return transactions;
    }

    /** The JSON mapping of stored events. */
    public ObjectMapper json() {
        return json;
    }

    /**
     * The message with its stored row encoded now rather than at the append: for a writer that prepares the next
     * batch while the previous one commits. Appending it writes exactly what appending {@code message} would.
     */
    public <T> EncodedEventMessage<T> encode(EventMessage<T> message) {
        return new EncodedEventMessage<>(message, CopyEventStorageEngine.encodeRow(message, engine.getEventSerializer()));
    }

    /**
     * Tells the log's readers that these messages, encoded by {@link #encode}, are now committed: their payload
     * objects go into the decoding cache, so processors in this instance read them without decoding. Call after the
     * commit only (a rolled-back row must not be remembered under bytes another append may store).
     */
    public void committed(List<? extends EventMessage<?>> messages) {
        StoredEventSerializer cache = storedSerializer;
        if (cache == null || !roles.process()) {
            // no processor reads the log in this instance (an ingest-only instance): nothing to hand over
            return;
        }
        for (EventMessage<?> message : messages) {
            if (message instanceof EncodedEventMessage<?> encoded) {
                cache.remember(encoded.storedPayload(), encoded.getPayload());
            }
        }
    }

    /** Appends messages; the caller's transaction or unit of work decides when they commit. */
    public void publish(List<? extends EventMessage<?>> messages) {
        axon.eventStore().publish(messages);
    }

    /** Appends messages in a unit of work and transaction of their own, committed on return. */
    public void appendNow(List<? extends EventMessage<?>> messages) {
        org.axonframework.messaging.unitofwork.UnitOfWork<?> uow =
                org.axonframework.messaging.unitofwork.DefaultUnitOfWork.startAndGet(messages.get(0));
        uow.attachTransaction(transactions);
        try {
            publish(messages);
            uow.commit();
        } catch (RuntimeException e) {
            if (uow.isActive()) {
                uow.rollback(e);
            }
            throw e;
        }
    }

    /**
     * Appends messages inside the caller's current transaction, bypassing the event bus: for
     * appends made while a unit of work is already committing (plugin results). Streaming
     * processors see them at their next fetch.
     */
    public void appendInCurrentTransaction(List<? extends EventMessage<?>> messages) {
        engine.appendEvents(messages);
    }

    /** Position of the latest event in the log, -1 when it is empty. */
    public long head() {
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(globalindex), -1) FROM domainevententry")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot read the log head", e);
        }
    }

    /** The token store shared by all processors. */
    public TokenStore tokenStore() {
        return tokens;
    }

    /** A streaming processor by name; none on an instance without the {@code process} role. */
    public Optional<StreamingEventProcessor> processor(String name) {
        return roles.process() ? axon.eventProcessingConfiguration().eventProcessor(name, StreamingEventProcessor.class) : Optional.empty();
    }

    /** All processors by name; none on an instance without the {@code process} role. */
    public Map<String, org.axonframework.eventhandling.EventProcessor> processors() {
        return roles.process() ? axon.eventProcessingConfiguration().eventProcessors() : Map.of();
    }
}
