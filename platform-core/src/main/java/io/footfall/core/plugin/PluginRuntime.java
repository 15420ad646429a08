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
 * goes on.
 */
final class PluginRuntime {

    private static final Logger LOG = Logger.getLogger(PluginRuntime.class);
    private static final String BATCH = PluginRuntime.class.getName() + ".batch";
    /** After this many failed batches in a row the plugin is stopped (state FAILED). */
    static final int MAX_CONSECUTIVE_FAILURES = 5;

    /** Lifecycle states, as the API shows them. */
    enum State { STOPPED, RUNNING, DISABLED, FAILED }

    final String id;
    final PluginDescriptor descriptor;
    final MiningPlugin plugin;
    final PluginClassLoader loader;
    final String directory;
    private final PluginHostServices host;
    private final PluginCallGuard guard;
    private final AtomicLong processedEvents = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();

    private volatile State state = State.STOPPED;
    /** Latest log position the plugin handled, for results published outside a batch (training). */
    private volatile long lastPosition = -1;
    private volatile String lastError;
    private PluginConfig config;
    private BufferedStateStore stateStore;
    private BufferedResultPublisher results;
    private TrackingEventProcessor processor;

    PluginRuntime(MiningPlugin plugin, PluginDescriptor descriptor, PluginClassLoader loader, String directory, PluginHostServices host) {
        this.id = descriptor.id();
        this.descriptor = descriptor;
        this.plugin = plugin;
        this.loader = loader;
        this.directory = directory;
        this.host = host;
        this.guard = new PluginCallGuard(id);
    }

    State state() {
        return state;
    }

    String lastError() {
        return lastError;
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

    /** Opens the plugin with this configuration and starts feeding it from its stored position. */
    synchronized void start(PluginConfig newConfig) throws PluginCallGuard.PluginCallException {
        config = newConfig;
        stateStore = new BufferedStateStore(id, host.dataSource());
        results = new BufferedResultPublisher(id, descriptor.produces(), host.json(), host.clock());
        HostPluginContext context = new HostPluginContext(config, host.clock(), new HostPluginLogger(id),
                new HostPluginMetrics(host.metrics(), id), stateStore, new JdbcModelStore(id, host.dataSource(), host.json()),
                new HostProfileReader(host.profiles()), results);
        guard.call(() -> {
            runWithLoader(() -> plugin.open(context));
            return null;
        }, host.callTimeout(), host.allocationBudget());
        consecutiveFailures.set(0);
        // a tracking processor: one thread reads and handles its batches. The pooled processor's
        // coordinator checked the O(n) size of its work queue for every event (7 % of the app's CPU).
        processor = TrackingEventProcessor.builder()
                .name(processorName(id))
                .eventHandlerInvoker(SimpleEventHandlerInvoker.builder().eventHandlers(List.of(new Handler())).build())
                .messageSource(host.eventLog().eventStore())
                .tokenStore(host.eventLog().tokenStore())
                .transactionManager(host.eventLog().transactions())
                .errorHandler(PropagatingErrorHandler.instance())
                .trackingEventProcessorConfiguration(TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                        .andBatchSize(host.batchSize())
                        .andInitialTrackingToken(StreamableMessageSource::createTailToken)
                        .andThreadFactory(name -> r -> daemon(r, "plugin-" + id + "-worker")))
                .build();
        processor.start();
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
        try {
            guard.call(() -> {
                runWithLoader(() -> plugin.close());
                return null;
            }, host.callTimeout(), host.allocationBudget());
        } catch (PluginCallGuard.PluginCallException e) {
            LOG.warnf("plugin %s did not close cleanly: %s", id, e.getMessage());
        }
        state = next;
    }

    /** Stops for good: the plugin is being unloaded. */
    void unload() {
        stop(State.STOPPED);
        guard.close();
        try {
            loader.close();
        } catch (java.io.IOException e) {
            LOG.warnf("plugin %s: class loader did not close: %s", id, e.getMessage());
        }
    }

    /** Moves the plugin's position back to {@code from} (or the start of the log) after clearing its state. */
    synchronized void replay(Instant from) throws Exception {
        PluginConfig current = config;
        stop(State.STOPPED);
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = host.dataSource().getConnection()) {
                BufferedStateStore.clear(c, id);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        var token = from == null ? host.eventLog().eventStore().createTailToken() : host.eventLog().eventStore().createTokenAt(from);
        host.eventLog().transactions().executeInTransaction(() -> {
            var tokens = host.eventLog().tokenStore();
            int[] segments = tokens.fetchSegments(processorName(id));
            if (segments.length == 0) {
                tokens.initializeTokenSegments(processorName(id), 1, token);
            } else {
                for (int segment : segments) {
                    tokens.storeToken(ReplayToken.createReplayToken(tokens.fetchToken(processorName(id), segment), token), processorName(id), segment);
                }
            }
        });
        start(current);
    }

    /** Re-delivers a dead letter's events; true when the plugin handled them this time. */
    boolean retry(DeadLetters.DeadLetter letter) {
        List<PositionedEvent> events = new ArrayList<>();
        host.reader().read(letter.positions(), !descriptor.personalDataPurposes().isEmpty())
                .forEach(l -> events.add(new PositionedEvent(l.globalIndex(), l.event())));
        boolean[] ok = {false};
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = host.dataSource().getConnection()) {
                String error = deliver(c, events, false);
                host.deadLetters().update(c, letter.id(), error == null ? "RETRIED" : "PARKED", error);
                ok[0] = error == null;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        return ok[0];
    }

    /** Runs the plugin's training under the guard (no allocation budget beyond the host's training budget). */
    io.footfall.api.plugin.TrainingReport train(io.footfall.api.plugin.TrainingContext training) throws PluginCallGuard.PluginCallException {
        io.footfall.api.plugin.TrainingReport report;
        try {
            report = guard.call(() -> withPluginLoader(() -> plugin.train(training)), host.trainingTimeout(), Long.MAX_VALUE);
        } catch (PluginCallGuard.PluginCallException e) {
            stateStore.discard();
            results.discard();
            throw e;
        }
        // what training wrote commits now, on its own, rather than with the next batch of events
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = host.dataSource().getConnection()) {
                stateStore.flush(c);
                commitResults(c, lastPosition);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        return report;
    }

    /**
     * Hands events to the plugin and, on success, writes its state and results on the given
     * transaction-bound connection. Returns null on success, the error otherwise (nothing written).
     */
    private String deliver(Connection c, List<PositionedEvent> events, boolean replay) throws SQLException {
        EventBatch batch = new EventBatch(events, replay);
        try {
            guard.call(() -> {
                runWithLoader(() -> plugin.onEvents(batch));
                return null;
            }, host.callTimeout(), host.allocationBudget());
        } catch (PluginCallGuard.PluginCallException e) {
            stateStore.discard();
            results.discard();
            return e.getMessage();
        }
        stateStore.flush(c);
        long position = events.isEmpty() ? lastPosition : events.get(events.size() - 1).position();
        lastPosition = Math.max(lastPosition, position);
        commitResults(c, position);
        return null;
    }

    /** Appends the buffered results to the log and updates their read model, on the caller's transaction. */
    private void commitResults(Connection c, long position) throws SQLException {
        List<io.footfall.core.store.PluginResultRecorded> published = results.drain();
        if (!published.isEmpty()) {
            host.eventLog().appendInCurrentTransaction(BufferedResultPublisher.messages(published));
            ResultReadModel.upsert(c, published, position);
        }
    }

    private void onBatchCommitting(List<PositionedEvent> events, boolean replay) {
        try (Connection c = host.dataSource().getConnection()) {
            String error = deliver(c, events, replay);
            if (error == null) {
                processedEvents.addAndGet(events.size());
                consecutiveFailures.set(0);
                return;
            }
            lastError = error;
            failedBatches.incrementAndGet();
            host.deadLetters().park(c, id, events.stream().map(PositionedEvent::position).toList(), error);
            LOG.warnf("plugin %s failed a batch of %d events (parked as a dead letter): %s", id, events.size(), error);
            if (consecutiveFailures.incrementAndGet() >= MAX_CONSECUTIVE_FAILURES) {
                state = State.FAILED;
                LOG.errorf("plugin %s failed %d batches in a row and is stopped", id, MAX_CONSECUTIVE_FAILURES);
                Thread stopper = new Thread(() -> stop(State.FAILED), "plugin-" + id + "-stop");
                stopper.setDaemon(true);
                stopper.start();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("plugin " + id + ": cannot record the batch outcome", e);
        }
    }

    /** Feeds the plugin: collects the consumed events of one processor batch, delivers them at commit. */
    private final class Handler implements EventMessageHandler {
        @Override
        public Object handle(EventMessage<?> message) {
            if (!(message.getPayload() instanceof RecordedBehavior recorded)) {
                return null;
            }
            BehaviorEvent event = descriptor.personalDataPurposes().isEmpty() ? recorded.event() : host.reader().open(recorded);
            if (!descriptor.consumes(event.typeLabel())) {
                return null;
            }
            long position = message instanceof TrackedEventMessage<?> tracked ? tracked.trackingToken().position().orElse(-1) : -1;
            UnitOfWork<?> uow = CurrentUnitOfWork.get().root();
            List<PositionedEvent> batch = uow.getOrComputeResource(BATCH, key -> {
                List<PositionedEvent> events = new ArrayList<>();
                boolean replay = ReplayToken.isReplay(message);
                uow.onPrepareCommit(u -> onBatchCommitting(events, replay));
                return events;
            });
            batch.add(new PositionedEvent(position, event));
            return null;
        }

        @Override
        public Class<?> getTargetType() {
            return plugin.getClass();
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
