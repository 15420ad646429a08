package io.footfall.core.plugin;

import io.footfall.api.config.PluginConfig;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.plugin.EventBatch;
import io.footfall.api.plugin.MiningPlugin;
import io.footfall.api.plugin.PluginDescriptor;
import io.footfall.api.plugin.PositionedEvent;
import io.footfall.core.config.SafeErrors;
import io.footfall.core.store.RecordedBehavior;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.messaging.StreamableMessageSource;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.jboss.logging.Logger;

/**
 * One loaded plugin: its instance and class loader, its context, and the streaming processor of its
 * own that feeds it. Batches are delivered once per processor batch, inside the transaction that
 * moves the plugin's token; a batch the plugin fails on is parked as a dead letter and processing
 * goes on. A plugin that declares {@link io.footfall.api.plugin.Partitioning#BY_PERSON} may fold on
 * several segments (ADR 0021): one thread per segment held here, each person's events on one, each
 * delivery with a buffer of its own ({@link Lane.Batch}).
 */
final class PluginRuntime {

    private static final Logger LOG = Logger.getLogger(PluginRuntime.class);
    private static final String BATCH = PluginRuntime.class.getName() + ".batch";
    /**
     * The part a dead letter's retry writes shared figures to (SPI 1.7): no segment's (segments are 0–63), and retries
     * of all instances take one advisory lock in turn, so it has one writer at a time, like a segment's part.
     */
    static final int RETRY_PART = 64;

    /** The advisory lock dead-letter retries of one plugin take across instances: "retr" and the id's hash. */
    static long retryLockKey(String pluginId) {
        return 0x72657472L << 32 | (pluginId.hashCode() & 0xffffffffL);
    }
    /**
     * The advisory lock that orders a plugin's parts across instances on several segments (SPI 1.10): every batch
     * holds it shared, a sole batch, a training run's exclusive work and a dead letter's retry hold it alone. "fold"
     * and the id's hash.
     */
    static long foldLockKey(String pluginId) {
        return 0x666f6c64L << 32 | (pluginId.hashCode() & 0xffffffffL);
    }

    /** After this many failed batches in a row the plugin is stopped (state FAILED). */
    static final int MAX_CONSECUTIVE_FAILURES = 5;

    /**
     * Lifecycle states, as the API shows them. QUARANTINED: stopped by the host for retaining too much memory
     * or for a thread that could not be stopped; its instance and class loader are released, and only
     * {@code enable} (which loads it afresh from its directory) starts it again.
     */
    enum State { STOPPED, RUNNING, DISABLED, FAILED, QUARANTINED }

    final String id;
    final PluginDescriptor descriptor;
    /** The instance and its loader; null once released by a quarantine. */
    private volatile MiningPlugin plugin;
    private volatile PluginClassLoader loader;
    final String directory;
    private final PluginHostServices host;
    private final PluginCallGuard guard;
    private final PluginLimits limits;
    private final AtomicLong processedEvents = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    /** Segments the plugin's processor folds on: 1, or {@code footfall.processing.segments.plugins} for a plugin by person. */
    final int segments;
    /** Whether the plugin asked for its next batch here to be sole (SPI 1.10; several segments only). */
    private final java.util.concurrent.atomic.AtomicBoolean soleRequested = new java.util.concurrent.atomic.AtomicBoolean();

    private volatile State state = State.STOPPED;
    /**
     * Read-held while a batch is folded, from handing it over until its transaction has ended (the batches of several
     * segments at once); write-held while a training run's exclusive work runs and commits ({@link #exclusively}) and
     * while a dead letter is retried: the two never see each other's uncommitted state.
     */
    private final java.util.concurrent.locks.ReentrantReadWriteLock folds = new java.util.concurrent.locks.ReentrantReadWriteLock();
    /** Latest log position the plugin handled, for results published outside a batch (training). */
    private final AtomicLong lastPosition = new AtomicLong(-1);
    private volatile String lastError;
    /** Why the plugin is FAILED or QUARANTINED. */
    private volatile String stateReason;
    /** Latest estimate of the heap the plugin retains, or null before the first check. */
    private volatile RetainedMemory.Estimate retained;
    private final AtomicLong lastRetentionCheck = new AtomicLong(System.nanoTime());
    private PluginConfig config;
    private BufferedStateStore stateStore;
    private BufferedResultPublisher results;
    private BufferedEventEmitter emitted;
    private PluginTimers timers;
    private TrackingEventProcessor processor;

    PluginRuntime(MiningPlugin plugin, PluginDescriptor descriptor, PluginClassLoader loader, String directory, PluginHostServices host,
                  PluginLimits limits) {
        this.limits = limits;
        this.id = descriptor.id();
        this.descriptor = descriptor;
        this.plugin = plugin;
        this.loader = loader;
        this.directory = directory;
        this.host = host;
        this.segments = host.segments(descriptor);
        // the plugin's code runs lowered; its processor thread, which commits and holds the append lock, does not
        this.guard = new PluginCallGuard(id, host.allowThreadStop(), t -> host.eventLog().priority().startSecondary(t));
    }

    State state() {
        return state;
    }

    String lastError() {
        return lastError;
    }

    String stateReason() {
        return stateReason;
    }

    /** Abandoned plugin threads still running (they could not be stopped). */
    int abandonedThreads() {
        return guard.abandonedAlive();
    }

    /** Latest estimate of retained heap in bytes, or -1 when not measured yet. */
    long retainedBytes() {
        RetainedMemory.Estimate e = retained;
        return e == null ? -1 : e.bytes();
    }

    long processedEvents() {
        return processedEvents.get();
    }

    long failedBatches() {
        return failedBatches.get();
    }

    PluginConfig config() {
        return config;
    }

    TrackingEventProcessor processor() {
        return processor;
    }

    PluginHostServices host() {
        return host;
    }

    /** Opens the plugin with this configuration and starts feeding it from its stored position. */
    synchronized void start(PluginConfig newConfig) throws PluginCallGuard.PluginCallException {
        if (plugin == null) {
            throw new PluginCallGuard.PluginCallException("plugin " + id + " is quarantined (" + stateReason
                    + "); enable it to load it afresh from its directory", null);
        }
        config = newConfig;
        stateStore = new BufferedStateStore(id, host.dataSource());
        results = new BufferedResultPublisher(id, descriptor.produces(), host.json(), host.clock());
        emitted = new BufferedEventEmitter(id, host.clock());
        timers = new PluginTimers(segments, stateStore, segments > 1 ? io.footfall.core.keys.PersonOwners.ofKeyer(host.dataSource()) : null);
        HostPluginContext context = new HostPluginContext(config, host.clock(), new HostPluginLogger(id),
                new HostPluginMetrics(host.metrics(), id), stateStore, new JdbcModelStore(id, host.dataSource(), host.json()),
                new HostProfileReader(host.profiles()), results, emitted, timers, () -> {
                    if (segments > 1) {
                        soleRequested.set(true);
                    }
                });
        MiningPlugin instance = plugin;
        try {
            guard.call(() -> {
                runWithLoader(() -> instance.open(context));
                return null;
            }, limits.callTimeout(), limits.allocationBudget());
        } catch (PluginCallGuard.PluginCallException e) {
            if (e.abandoned()) {
                quarantine("open " + e.getMessage());
            }
            throw e;
        }
        consecutiveFailures.set(0);
        stateReason = null;
        lastRetentionCheck.set(System.nanoTime());
        // a tracking processor: one thread reads and handles its batches. The pooled processor's
        // coordinator checked the O(n) size of its work queue for every event (7 % of the app's CPU).
        // With several segments, a thread per segment, each reading the log as the person keyer keyed it (ADR 0021).
        boolean segmented = segments > 1;
        SimpleEventHandlerInvoker.Builder<?> invoker = SimpleEventHandlerInvoker.builder().eventHandlers(List.of(new Handler()))
                // a failure outside the plugin's own call (which parks dead letters) stops the batch and is retried,
                // never logged and skipped past (Axon's default invocation error handler would commit past the event)
                .listenerInvocationErrorHandler(PropagatingErrorHandler.instance());
        if (segmented) {
            invoker.sequencingPolicy(host.eventLog().personKeySequencing());
        }
        processor = TrackingEventProcessor.builder()
                .name(processorName(id))
                .eventHandlerInvoker(invoker.build())
                .messageSource(segmented ? host.eventLog().keyedSource(processorName(id), host.eventLog().secondarySource())
                        : host.eventLog().secondarySource())
                .tokenStore(host.eventLog().tokenStore())
                .transactionManager(host.eventLog().transactions())
                .errorHandler(PropagatingErrorHandler.instance())
                .trackingEventProcessorConfiguration((segmented ? TrackingEventProcessorConfiguration.forParallelProcessing(segments)
                        .andInitialSegmentsCount(segments) : TrackingEventProcessorConfiguration.forSingleThreadedProcessing())
                        .andBatchSize(host.batchSize())
                        .andInitialTrackingToken(StreamableMessageSource::createTailToken)
                        .andThreadFactory(name -> r -> daemon(r, "plugin-" + id + "-worker")))
                .build();
        if (host.processes()) {
            processor.start();
        }
        state = State.RUNNING;
    }

    /** Stops feeding and closes the plugin; {@code next} is the state to show afterwards. */
    synchronized void stop(State next) {
        if (processor != null) {
            try {
                processor.shutdownAsync().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warnf("plugin %s: processor did not stop cleanly: %s", id, SafeErrors.describe(e));
            }
        }
        MiningPlugin instance = plugin;
        if (instance != null) {
            try {
                guard.call(() -> {
                    runWithLoader(() -> instance.close());
                    return null;
                }, limits.callTimeout(), limits.allocationBudget());
            } catch (PluginCallGuard.PluginCallException e) {
                LOG.warnf("plugin %s did not close cleanly: %s", id, e.getMessage());
            }
        }
        if (state != State.QUARANTINED) {
            state = next;
        }
    }

    /**
     * Stops the plugin for good and releases its instance and class loader, so that whatever it retains
     * (in its instance or its classes' static fields) becomes garbage once no thread runs its code. Shown as
     * QUARANTINED with the reason; {@code enable} loads it afresh. Safe to call from the plugin's own processor.
     */
    void quarantine(String reason) {
        synchronized (guard) {
            if (state == State.QUARANTINED) {
                return;
            }
            state = State.QUARANTINED;
            stateReason = reason;
            lastError = reason;
        }
        LOG.errorf("plugin %s is quarantined: %s", id, reason);
        Thread stopper = new Thread(() -> {
            stop(State.QUARANTINED);
            release();
        }, "plugin-" + id + "-quarantine");
        stopper.setDaemon(true);
        stopper.start();
    }

    private synchronized void release() {
        plugin = null;
        PluginClassLoader l = loader;
        loader = null;
        if (l != null) {
            try {
                l.close();
            } catch (java.io.IOException e) {
                LOG.warnf("plugin %s: class loader did not close: %s", id, e.getMessage());
            }
        }
    }

    /** True once a quarantine released the plugin's instance. */
    boolean released() {
        return plugin == null;
    }

    /** Stops for good: the plugin is being unloaded. */
    void unload() {
        stop(State.STOPPED);
        guard.close();
        release();
    }

    /** Moves the plugin's position back to {@code from} (or the start of the log) after clearing its state. */
    synchronized void replay(Instant from) throws Exception {
        replay(from, () -> { });
    }

    /**
     * As {@link #replay(Instant)}; {@code inTransaction} runs in the reset's transaction after the token rows are locked
     * (throwing rolls the reset back, and the plugin goes on where it was).
     */
    synchronized void replay(Instant from, Runnable inTransaction) throws Exception {
        PluginConfig current = config;
        stop(State.STOPPED);
        var token = from == null ? host.eventLog().eventStore().createTailToken() : host.eventLog().eventStore().createTokenAt(from);
        try {
            // one transaction: the token rows locked first (no other instance can claim the processor meanwhile),
            // the state cleared and the position moved back together
            io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
                io.footfall.core.store.TokenPositions.lockForReset(host.dataSource(), processorName(id), io.footfall.core.store.EventLog.NODE);
                inTransaction.run();
                try (Connection c = host.dataSource().getConnection()) {
                    BufferedStateStore.clear(c, id);
                    FoldWatermark.clear(c, id);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                host.eventLog().transactions().executeInTransaction(() -> {
                    var tokens = host.eventLog().tokenStore();
                    int[] stored = tokens.fetchSegments(processorName(id));
                    if (stored.length == 0) {
                        tokens.initializeTokenSegments(processorName(id), segments, token);
                    } else {
                        for (int segment : stored) {
                            tokens.storeToken(ReplayToken.createReplayToken(tokens.fetchToken(processorName(id), segment), token), processorName(id), segment);
                        }
                    }
                });
            });
        } catch (RuntimeException e) {
            start(current);
            throw e;
        }
        start(current);
    }

    /**
     * Re-delivers a dead letter's events; true when the plugin handled them this time. Their event time (SPI 1.8) is
     * the log's at their positions on several segments (the keyer recorded it), the latest the fold had reached on one.
     */
    boolean retry(DeadLetters.DeadLetter letter) {
        List<PositionedEvent> events = new ArrayList<>();
        long reached = segments > 1 ? Long.MIN_VALUE : storedWatermark();
        host.reader().read(letter.positions(), !descriptor.personalDataPurposes().isEmpty()).forEach(l -> events.add(new PositionedEvent(
                l.globalIndex(), l.event(), java.time.Instant.ofEpochMilli(logTime(l.globalIndex(), l.event(), reached)))));
        // held until its transaction has ended, with every batch of this instance held off (its person's may be among them)
        folds.writeLock().lock();
        try {
            return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> {
                try (Connection c = host.dataSource().getConnection()) {
                    // retries of other instances wait: they all write the retry part
                    io.footfall.core.store.AdvisoryLock.forTransaction(c, retryLockKey(id));
                    if (segments > 1) {
                        // its person's batches may be folded on another instance: every part waits
                        io.footfall.core.store.AdvisoryLock.forTransaction(c, foldLockKey(id));
                    }
                    // timers are not delivered with a retry: the fold's batches deliver them as the log's time moves
                    Failure failure = deliver(c, events, false, RETRY_PART, null, true);
                    String error = failure == null ? null : failure.error();
                    host.deadLetters().update(c, letter.id(), error == null ? "RETRIED" : "PARKED", error);
                    if (failure != null && failure.abandoned()) {
                        quarantine(failure.error());
                    }
                    return error == null;
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        } finally {
            folds.writeLock().unlock();
        }
    }

    /**
     * The plugin's own checks of a configuration ({@link MiningPlugin#validate}), under the guard.
     * A quarantined plugin (no instance) is not asked; its configuration is checked when enabled.
     */
    List<io.footfall.api.config.ConfigError> validate(io.footfall.api.config.PluginConfig candidate)
            throws PluginCallGuard.PluginCallException {
        MiningPlugin instance = plugin;
        if (instance == null) {
            return List.of();
        }
        List<io.footfall.api.config.ConfigError> errors = guard.call(() -> withPluginLoader(() -> instance.validate(candidate)),
                limits.callTimeout(), limits.allocationBudget());
        return errors == null ? List.of() : List.copyOf(errors);
    }

    /**
     * What a training run came to: its report, and whether it stopped for a cancellation (so nothing it buffered was
     * committed).
     */
    record Trained(io.footfall.api.plugin.TrainingReport report, boolean cancelled) {
    }

    /**
     * Runs the plugin's training under the guard (no allocation budget beyond the host's training budget), then
     * commits what it buffered, unless it stopped for a cancellation: cancelled, and it returned a report of nothing
     * (no model, no metrics; {@link io.footfall.api.plugin.TrainingReport#nothing}). Then its buffered state, results
     * and events are dropped, so a run stopped half way publishes nothing. A run that returns a real report after the
     * cancellation finished its work before it noticed, and commits as any finished run.
     */
    Trained train(io.footfall.api.plugin.TrainingContext training) throws PluginCallGuard.PluginCallException {
        io.footfall.api.plugin.TrainingReport report;
        MiningPlugin instance = plugin;
        if (instance == null) {
            throw new PluginCallGuard.PluginCallException("plugin " + id + " is quarantined: " + stateReason, null);
        }
        try {
            report = guard.call(() -> Lane.TRAINING.run(() -> withPluginLoader(() -> instance.train(training))),
                    host.trainingTimeout(), Long.MAX_VALUE);
        } catch (PluginCallGuard.PluginCallException e) {
            discard(Lane.TRAINING);
            if (e.abandoned()) {
                quarantine("training " + e.getMessage());
            }
            throw e;
        }
        if (report == null) {
            report = io.footfall.api.plugin.TrainingReport.nothing("the run returned no report");
        }
        if (training.cancelled() && report.model() == null && report.metrics().isEmpty()) {
            discard(Lane.TRAINING);
            return new Trained(report, true);
        }
        // what training wrote commits now, on its own, rather than with the next batch of events
        commitOnItsOwn(Lane.TRAINING);
        return new Trained(report, false);
    }

    /** Whether this instance folds the plugin's events now (holds a segment of its processor). */
    boolean folding() {
        TrackingEventProcessor p = processor;
        return p != null && !p.processingStatus().isEmpty();
    }

    /** Whether this instance folds all of the plugin's events now (holds every segment of its processor). */
    private boolean foldingAll() {
        TrackingEventProcessor p = processor;
        return p != null && p.processingStatus().size() >= segments;
    }

    /** Whether this instance folds all the plugin's events, waiting up to 10 s for a running processor to claim them. */
    private boolean foldingSoon() {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!foldingAll()) {
            TrackingEventProcessor p = processor;
            if (p == null || !p.isRunning() || System.nanoTime() > deadline) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50));
        }
        return true;
    }

    /**
     * Runs a training run's {@code work} with batches held off and commits what it wrote (state, results, derived
     * events) in a transaction of its own before the next batch is handed over ({@link io.footfall.api.plugin.TrainingContext#exclusively}).
     * On one segment only on the instance that folds the plugin (its batches are held off by the fold lock); on several
     * on any instance, the fold lock here and the plugin's advisory lock holding off every part's batches everywhere.
     */
    void exclusively(Runnable work) {
        if (segments == 1 && !foldingSoon()) {
            throw new IllegalStateException("this instance does not fold plugin " + id
                    + " now; train it where it is folded (GET /api/v1/cluster shows which instance holds plugin:" + id + ")");
        }
        folds.writeLock().lock();
        try {
            if (segments == 1) {
                Lane.EXCLUSIVE.run(() -> {
                    work.run();
                    return null;
                });
                commitOnItsOwn(Lane.EXCLUSIVE);
            } else {
                // the work runs in the transaction, after the lock is held: it sees every part's batches committed or not begun
                commitOnItsOwn(Lane.EXCLUSIVE, c -> {
                    io.footfall.core.store.AdvisoryLock.forTransaction(c, foldLockKey(id));
                    Lane.EXCLUSIVE.run(() -> {
                        work.run();
                        return null;
                    });
                });
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // Lane.run declares it; a Runnable throws none
        } finally {
            // nothing of a failed step stays buffered (a committed one left nothing behind)
            discard(Lane.EXCLUSIVE);
            folds.writeLock().unlock();
        }
    }

    /** Commits what the lane buffered (state, results, derived events) in a transaction of its own. */
    private void commitOnItsOwn(Lane lane) {
        commitOnItsOwn(lane, c -> {
        });
    }

    /** What runs on a transaction's connection before the lane's buffers are committed there. */
    private interface InTransaction {
        void run(Connection c) throws Exception;
    }

    /**
     * Runs {@code first} in a transaction of its own, then commits what the lane buffered (state, results, derived
     * events) in the same transaction.
     */
    private void commitOnItsOwn(Lane lane, InTransaction first) {
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = host.dataSource().getConnection()) {
                first.run(c);
                stateStore.flush(lane, c);
                commitResults(c, lastPosition.get(), lane);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Drops what the share (a lane, or one delivery's {@link Lane.Batch}) buffered. */
    private void discard(Object share) {
        stateStore.discard(share);
        results.discard(share);
        emitted.discard(share);
    }

    /** Why a batch failed; {@code abandoned} when the plugin's thread could not be stopped. */
    private record Failure(String error, boolean abandoned) {
    }

    /**
     * Hands events to the plugin and, on success, writes its state and results on the given
     * transaction-bound connection. Returns null on success, the failure otherwise (nothing written).
     */
    private Failure deliver(Connection c, List<PositionedEvent> events, boolean replay, int part, Fold fold, boolean sole)
            throws SQLException {
        long watermark = fold == null ? Long.MIN_VALUE : fold.watermark;
        EventBatch batch = events.isEmpty() ? null : new EventBatch(events, replay, part);
        MiningPlugin instance = plugin;
        if (instance == null) {
            // released by a quarantine while its processor was still stopping: parked, retried after enable
            return new Failure("plugin is quarantined: " + stateReason, false);
        }
        // this delivery's own buffers: batches of other segments may be delivered at the same time
        Lane.Batch share = new Lane.Batch(sole);
        List<io.footfall.api.plugin.Timer> dueWithoutEvents = null;
        if (batch == null) {
            // none of the plugin's events: the host looks for due timers itself and calls the plugin only for some
            dueWithoutEvents = dueTimers(share, fold);
            if (dueWithoutEvents.isEmpty()) {
                return null;
            }
        }
        List<io.footfall.api.plugin.Timer> known = dueWithoutEvents;
        try {
            guard.call(() -> Lane.runIn(share, () -> {
                if (batch != null) {
                    runWithLoader(() -> instance.onEvents(batch));
                }
                // the timers the batch's event time reached, after its events (SPI 1.9)
                List<io.footfall.api.plugin.Timer> due = known != null ? known : dueTimers(share, fold);
                if (!due.isEmpty()) {
                    runWithLoader(() -> instance.onTimers(new io.footfall.api.plugin.TimerBatch(due,
                            java.time.Instant.ofEpochMilli(watermark), replay, part)));
                }
                return null;
            }), limits.callTimeout(), limits.allocationBudget());
        } catch (PluginCallGuard.PluginCallException e) {
            discard(share);
            timers.forget();
            return new Failure(e.getMessage(), e.abandoned());
        }
        // with what open wrote (the lane's own share), in key order
        stateStore.flush(Lane.EVENTS, c);
        stateStore.flush(share, c);
        long position = events.isEmpty() ? lastPosition.get() : events.get(events.size() - 1).position();
        lastPosition.accumulateAndGet(position, Math::max);
        commitResults(c, position, Lane.EVENTS, share);
        return null;
    }

    /** The timers due at the end of the batch (SPI 1.9), taken in the delivery's share; none for a dead letter's retry. */
    private List<io.footfall.api.plugin.Timer> dueTimers(Lane.Batch share, Fold fold) {
        if (fold == null) {
            return List.of();
        }
        try {
            return Lane.runIn(share, () -> timers.takeDue(fold.watermark, fold.position, fold.segment));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // Lane.runIn declares it; takeDue throws none
        }
    }

    /**
     * Appends the shares' buffered results and derived events to the log and updates the results' read model, on the
     * caller's transaction.
     */
    private void commitResults(Connection c, long position, Object... shares) throws SQLException {
        List<EventMessage<?>> derived = new ArrayList<>();
        List<io.footfall.core.store.PluginResultRecorded> published = new ArrayList<>();
        for (Object share : shares) {
            derived.addAll(emitted.drain(share, c));
            published.addAll(results.drain(share));
        }
        if (!published.isEmpty()) {
            ResultReadModel.upsert(c, published, position);
        }
        // the appends last: from the first one the transaction holds the log's append lock until it ends (ADR 0012)
        if (!derived.isEmpty()) {
            host.eventLog().appendInCurrentTransaction(derived);
        }
        if (!published.isEmpty()) {
            host.eventLog().appendInCurrentTransaction(BufferedResultPublisher.messages(published));
        }
    }

    /**
     * The log's event time at an event (SPI 1.8): the latest of {@code reached} (what the fold has seen before it), the
     * event's own time and, on several segments, what the person keyer recorded for its position (it saw the other
     * segments' events). Epoch millis.
     */
    private long logTime(long position, BehaviorEvent event, long reached) {
        long own = Math.max(reached, event.occurredAt().toEpochMilli());
        return segments > 1 ? Math.max(own, host.eventLog().watermarkAt(position)) : own;
    }

    /** Where the one-segment fold's event time stood at its last commit (read in the caller's transaction). */
    private long storedWatermark() {
        try (Connection c = host.dataSource().getConnection()) {
            return FoldWatermark.read(c, id);
        } catch (SQLException e) {
            throw new IllegalStateException("plugin " + id + ": cannot read the log's event time", e);
        }
    }

    private void storeWatermark(long millis) {
        try (Connection c = host.dataSource().getConnection()) {
            FoldWatermark.write(c, id, millis);
        } catch (SQLException e) {
            throw new IllegalStateException("plugin " + id + ": cannot store the log's event time", e);
        }
    }

    private void onBatchCommitting(List<PositionedEvent> events, boolean replay, int part, Fold fold) {
        // held until the batch's transaction has ended: a training run's exclusive work sees it committed or not begun
        folds.readLock().lock();
        CurrentUnitOfWork.get().root().onCleanup(u -> folds.readLock().unlock());
        try (Connection c = host.dataSource().getConnection()) {
            // several segments: held shared by every part's batch, alone by a sole one (SPI 1.10), before the plugin reads;
            // a request is taken by a batch with events only (one with none may not call the plugin at all)
            boolean sole = segments == 1 || !events.isEmpty() && soleRequested.compareAndSet(true, false);
            if (segments > 1 && sole) {
                io.footfall.core.store.AdvisoryLock.forTransaction(c, foldLockKey(id));
            } else if (segments > 1) {
                io.footfall.core.store.AdvisoryLock.sharedForTransaction(c, foldLockKey(id));
            }
            Failure failure = deliver(c, events, replay, part, fold, sole);
            if (failure == null) {
                processedEvents.addAndGet(events.size());
                consecutiveFailures.set(0);
                checkRetainedMemory();
                return;
            }
            String error = failure.error();
            lastError = error;
            failedBatches.incrementAndGet();
            if (events.isEmpty()) {
                // only timers were due: they stay stored and come again with the next batch
                LOG.warnf("plugin %s failed on its due timers: %s", id, error);
            } else {
                host.deadLetters().park(c, id, events.stream().map(PositionedEvent::position).toList(), error);
                LOG.warnf("plugin %s failed a batch of %d events (parked as a dead letter): %s", id, events.size(), error);
            }
            if (failure.abandoned()) {
                quarantine(error);
            } else if (consecutiveFailures.incrementAndGet() >= MAX_CONSECUTIVE_FAILURES) {
                state = State.FAILED;
                stateReason = MAX_CONSECUTIVE_FAILURES + " batches failed in a row; last: " + error;
                LOG.errorf("plugin %s failed %d batches in a row and is stopped", id, MAX_CONSECUTIVE_FAILURES);
                Thread stopper = new Thread(() -> stop(State.FAILED), "plugin-" + id + "-stop");
                stopper.setDaemon(true);
                stopper.start();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("plugin " + id + ": cannot record the batch outcome", e);
        }
    }

    /**
     * At most every {@code retained-check}, after a successful batch, estimates the heap the plugin retains
     * (reachable from its instance and its classes' statics) and quarantines it past its budget. The walk runs
     * in the plugin's own lane (its processor waits for it), under the guard, and gives up by itself in time.
     */
    private void checkRetainedMemory() {
        long budget = limits.retainedBudget();
        long now = System.nanoTime();
        long last = lastRetentionCheck.get();
        // one segment's thread measures; the others go on
        if (budget <= 0 || now - last < limits.retainedCheck().toNanos() || !lastRetentionCheck.compareAndSet(last, now)) {
            return;
        }
        MiningPlugin instance = plugin;
        PluginClassLoader classes = loader;
        if (instance == null || classes == null) {
            return;
        }
        RetainedMemory.Estimate estimate;
        try {
            estimate = guard.call(() -> RetainedMemory.measure(instance, classes.definedClasses(), classes, budget,
                    limits.callTimeout().dividedBy(2)), limits.callTimeout(), Long.MAX_VALUE);
        } catch (PluginCallGuard.PluginCallException e) {
            if (e.abandoned()) {
                quarantine("measuring its memory " + e.getMessage());
            } else {
                LOG.warnf("plugin %s: could not estimate its memory: %s", id, e.getMessage());
            }
            return;
        }
        if (!estimate.complete()) {
            LOG.debugf("plugin %s: memory estimate incomplete (changed during the walk or out of time), trying later", id);
            return;
        }
        retained = estimate;
        if (estimate.over()) {
            quarantine("retains more than its memory budget of " + budget / (1024 * 1024) + " MB (estimated from what its instance"
                    + " and static fields reach; the budget is footfall.plugins.retained-budget-mb, or retained-budget-mb in the"
                    + " plugin directory's " + PluginLimits.FILE + ")");
        }
    }

    /**
     * The segment (id and mask) this instance folds as {@code segmentId}. Read from the processor's status, which lists
     * the segments it holds; the batch being folded is one of them.
     */
    private org.axonframework.eventhandling.Segment segmentOf(int segmentId) {
        var status = processor.processingStatus().get(segmentId);
        if (status == null) {
            throw new IllegalStateException("plugin " + id + ": segment " + segmentId + " is folded here but not listed as held");
        }
        return status.getSegment();
    }

    /**
     * One processor batch: the consumed events, the log's event time as the batch reads it (SPI 1.8), and what its
     * timers need (SPI 1.9): its segment and the last position it folded.
     */
    private static final class Fold {
        final List<PositionedEvent> events = new ArrayList<>();
        /** The batch's segment (the whole log on one segment). */
        org.axonframework.eventhandling.Segment segment = org.axonframework.eventhandling.Segment.ROOT_SEGMENT;
        /** The position of the last event of the segment the batch folded (consumed or not). */
        long position = -1;
        /** On one segment: where the stored event time stood, and where the batch has moved it. */
        final long stored;
        long watermark;

        Fold(long stored) {
            this.stored = stored;
            this.watermark = stored;
        }
    }

    /** Feeds the plugin: collects the consumed events of one processor batch, delivers them at commit. */
    private final class Handler implements EventMessageHandler {
        private final String ownSource = BufferedEventEmitter.source(id);

        @Override
        public Object handle(EventMessage<?> message) {
            if (!(message.getPayload() instanceof RecordedBehavior recorded)) {
                return null;
            }
            long position = message instanceof TrackedEventMessage<?> tracked ? tracked.trackingToken().position().orElse(-1) : -1;
            UnitOfWork<?> uow = CurrentUnitOfWork.get().root();
            Fold fold = uow.getOrComputeResource(BATCH, key -> {
                boolean replay = ReplayToken.isReplay(message);
                // the batch's part of shared figures (SPI 1.7) is its segment: only this segment's batches write it
                int part = io.footfall.core.store.EventLog.segmentOf(uow, processorName(id));
                Fold f = new Fold(segments > 1 ? Long.MIN_VALUE : storedWatermark());
                if (segments > 1) {
                    f.segment = segmentOf(part);
                }
                // a batch rolled back after its delivery took timers: they are stored again, the remembered earliest is not
                uow.onRollback(u -> timers.forget());
                uow.onPrepareCommit(u -> {
                    if (!f.events.isEmpty() || timers.mayBeDue(f.watermark)) {
                        onBatchCommitting(f.events, replay, part, f);
                    }
                    if (f.watermark != f.stored) {
                        storeWatermark(f.watermark);
                    }
                });
                return f;
            });
            // on one segment every event of the log passes here; on several, the keyer saw the other segments' events
            fold.watermark = logTime(position, recorded.event(), fold.watermark);
            fold.position = Math.max(fold.position, position);
            if (host.erased(recorded.event())) {
                return null; // an erased person's events reach no plugin, now or on a replay
            }
            BehaviorEvent event = descriptor.personalDataPurposes().isEmpty() ? recorded.event() : host.reader().open(recorded);
            // a plugin never sees the events it derived itself (they cannot loop back into it), and another plugin's
            // derived events only when it names them in consumes (a plugin of "every event" means user behaviour)
            boolean derived = event.sourceId() != null && event.sourceId().startsWith(BufferedEventEmitter.SOURCE_PREFIX);
            if (derived ? ownSource.equals(event.sourceId()) || !descriptor.consumes().contains(event.typeLabel())
                    : !descriptor.consumes(event.typeLabel())) {
                return null;
            }
            fold.events.add(new PositionedEvent(position, event, java.time.Instant.ofEpochMilli(fold.watermark)));
            return null;
        }

        @Override
        public Class<?> getTargetType() {
            MiningPlugin instance = plugin;
            return instance == null ? Object.class : instance.getClass();
        }
    }

    private interface PluginAction<T> {
        T run() throws Exception;
    }

    private interface PluginVoidAction {
        void run() throws Exception;
    }

    private <T> T withPluginLoader(PluginAction<T> action) throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            return action.run();
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    private void runWithLoader(PluginVoidAction action) throws Exception {
        withPluginLoader(() -> {
            action.run();
            return null;
        });
    }

    static String processorName(String pluginId) {
        return "plugin:" + pluginId;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
