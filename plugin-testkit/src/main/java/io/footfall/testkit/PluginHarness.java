package io.footfall.testkit;

import io.footfall.api.config.PluginConfig;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.plugin.EventBatch;
import io.footfall.api.plugin.EventHistory;
import io.footfall.api.plugin.MiningPlugin;
import io.footfall.api.plugin.PluginDescriptor;
import io.footfall.api.plugin.PositionedEvent;
import io.footfall.api.plugin.ProfileSnapshot;
import io.footfall.api.plugin.TrainingContext;
import io.footfall.api.plugin.TrainingReport;
import io.footfall.simulator.GroundTruth;
import io.footfall.simulator.SimulatorConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Drives one plugin through its lifecycle the way the host does, in memory and on the calling thread.
 *
 * <pre>{@code
 * try (PluginHarness h = PluginHarness.of(new MyPlugin()).config(Map.of("top-n", "3")).open()) {
 *     GroundTruth truth = h.feedSimulation(Simulations.small());
 *     h.train(Instant.parse("2026-01-08T00:00:00Z"));
 *     Map<String, RankedItems> lists = h.results().latest(RankedItems.class);
 * }
 * }</pre>
 *
 * <p>What it does as the host does:
 * <ul>
 *   <li>{@link #open()} validates the raw configuration with the descriptor's {@code ConfigSpec}; an invalid
 *       one throws {@link io.footfall.api.config.InvalidConfigException} before the plugin is opened;</li>
 *   <li>{@link #feed} gives every event the next log position, keeps only the events whose
 *       {@link BehaviorEvent#typeLabel()} the descriptor {@link PluginDescriptor#consumes(String) consumes},
 *       and delivers them in {@link EventBatch}es of at most {@link #batchSize(int)} events (each feed call
 *       batches on its own; empty batches are never delivered);</li>
 *   <li>unless the descriptor declares a personal-data purpose, personal traits
 *       and properties ({@link BehaviorEvent#isPersonalKey}) and the full IP are removed from what the plugin receives;</li>
 *   <li>timers the plugin set ({@link io.footfall.api.plugin.PluginContext#timers()}) are delivered to
 *       {@code onTimers} in the unit of the batch whose event time reached them, after its events, and at the end
 *       of a feed call whose last events the plugin does not consume; they are kept in the state store, as the host
 *       keeps them;</li>
 *   <li>every batch call ({@code onEvents} with its timers, or timers alone) is a
 *       {@linkplain io.footfall.api.plugin.PluginContext#soleBatch() sole batch}, as on the host's one segment, until
 *       a part other than 0 is fed; from then on (as on several segments) only the batch of events after a
 *       {@linkplain io.footfall.api.plugin.PluginContext#requestSoleBatch() request} is (SPI 1.10);</li>
 *   <li>each {@code open}, {@code onEvents} (with its timers) and {@code train} call is a unit: when it throws, its
 *       state writes and results are discarded; a failed batch is parked in {@link #deadLetters()};</li>
 *   <li>{@link #replay()} closes the plugin, clears its state, opens it again and re-delivers every fed
 *       event with {@code replay = true}.</li>
 * </ul>
 *
 * <p>By default ({@link #failFast(boolean) failFast}) a failed call also throws a
 * {@link PluginInvocationException} so the test fails where the plugin did; the host would instead log it
 * and go on, which {@code failFast(false)} imitates for {@code onEvents}.
 *
 * @since 0.1
 */
public final class PluginHarness implements AutoCloseable {

    /** Default number of events per batch: the host's default ({@code footfall.plugins.batch-size}). */
    public static final int DEFAULT_BATCH_SIZE = 200;
    /** Timers delivered per batch at most, as the host does. */
    static final int TIMERS_PER_BATCH = 5_000;

    private final MiningPlugin plugin;
    private final PluginDescriptor descriptor;
    private final Map<String, String> rawConfig = new LinkedHashMap<>();
    private final MapProfileReader profiles;
    private final RecordingLogger log = new RecordingLogger();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final InMemoryStateStore state;
    private final RecordingResultPublisher results;
    private final RecordingEventEmitter emitted = new RecordingEventEmitter();
    private final List<PositionedEvent> fed = new ArrayList<>();
    private final List<EventBatch> delivered = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final List<TrainingProgress> progress = new ArrayList<>();
    private TestClock clock = new TestClock();
    private InMemoryModelStore models;
    /** The models another instance left (see {@link #onAnotherInstance}), copied when this harness opens. */
    private InMemoryModelStore inheritedModels;
    private TestPluginContext context;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private boolean failFast = true;
    private boolean cancelTraining;
    private boolean open;
    private long nextPosition = 1;
    /** The log's event time after the last fed event (SPI 1.8), epoch millis. */
    private long watermark = Long.MIN_VALUE;
    /** The part each user's events were last fed on: a user's timers fire on that part's batches, as on the host's segment. */
    private final Map<io.footfall.api.plugin.UserRef, Integer> partOfUser = new HashMap<>();
    /** Whether a part other than 0 was fed since the last replay: from then on a batch is sole only on request. */
    private boolean severalParts;

    private PluginHarness(MiningPlugin plugin) {
        this(plugin, new InMemoryStateStore(), new MapProfileReader());
    }

    private PluginHarness(MiningPlugin plugin, InMemoryStateStore state, MapProfileReader profiles) {
        this.state = state;
        this.profiles = profiles;
        this.plugin = Objects.requireNonNull(plugin, "plugin");
        this.descriptor = Objects.requireNonNull(plugin.descriptor(), "descriptor()");
        this.results = new RecordingResultPublisher(descriptor.produces());
    }

    /** A harness for this plugin instance (not opened yet). */
    public static PluginHarness of(MiningPlugin plugin) {
        return new PluginHarness(plugin);
    }

    // ---- setup (before open) ----

    /** Replaces the raw configuration (property name → text value, as the API receives it). */
    public PluginHarness config(Map<String, String> raw) {
        requireNotOpened();
        rawConfig.clear();
        rawConfig.putAll(raw);
        return this;
    }

    /** Sets one raw configuration value. */
    public PluginHarness config(String name, String value) {
        requireNotOpened();
        rawConfig.put(name, value);
        return this;
    }

    /** Uses this clock. */
    public PluginHarness clock(TestClock clock) {
        requireNotOpened();
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Uses a {@link TestClock} set to this instant. */
    public PluginHarness clock(Instant now) {
        return clock(new TestClock(now));
    }

    /** Sets the largest batch delivered to {@code onEvents} (default {@value #DEFAULT_BATCH_SIZE}). */
    public PluginHarness batchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive: " + batchSize);
        }
        this.batchSize = batchSize;
        return this;
    }

    /** Whether a failed call throws {@link PluginInvocationException} (default true). */
    public PluginHarness failFast(boolean failFast) {
        this.failFast = failFast;
        return this;
    }

    /** Makes a profile readable through the context's {@code profiles()}. */
    public PluginHarness profile(String id, ProfileSnapshot profile) {
        profiles.put(id, profile);
        return this;
    }

    /** Whether {@link TrainingContext#cancelled()} answers true in later training runs. */
    public PluginHarness cancelTraining(boolean cancelled) {
        this.cancelTraining = cancelled;
        return this;
    }

    // ---- lifecycle ----

    /**
     * Validates the configuration and opens the plugin.
     *
     * @throws io.footfall.api.config.InvalidConfigException when the configuration does not validate
     * @throws PluginInvocationException when {@code open} throws
     */
    public PluginHarness open() {
        requireNotOpened();
        PluginConfig config = descriptor.config().validate(rawConfig);
        models = inheritedModels != null ? inheritedModels.copy(clock) : new InMemoryModelStore(clock);
        context = new TestPluginContext(config, clock, log, metrics, state, models, profiles, results, emitted);
        openPlugin();
        return this;
    }

    /** Feeds events in this order. */
    public PluginHarness feed(BehaviorEvent... events) {
        return feed(Arrays.asList(events));
    }

    /**
     * Appends the events to the log in this order and delivers those the plugin consumes.
     *
     * @throws PluginInvocationException when {@code onEvents} throws and {@link #failFast(boolean)} is on
     */
    public PluginHarness feed(List<BehaviorEvent> events) {
        return feed(0, events);
    }

    /**
     * Feeds events as the segment {@code part} of a plugin folded by person would fold them: appended to the log in
     * this order, delivered in batches whose {@link EventBatch#part()} is {@code part}. A test of a plugin folded by
     * person feeds each person's events to one part.
     *
     * @since 1.7
     */
    public PluginHarness feed(int part, List<BehaviorEvent> events) {
        requireOpen();
        List<PositionedEvent> appended = new ArrayList<>(events.size());
        for (BehaviorEvent e : events) {
            watermark = Math.max(watermark, Objects.requireNonNull(e, "event").occurredAt().toEpochMilli());
            PositionedEvent p = new PositionedEvent(nextPosition++, e, Instant.ofEpochMilli(watermark));
            appended.add(p);
            fed.add(p);
        }
        deliver(appended, false, part);
        return this;
    }

    /**
     * Feeds events of a log the test holds as the segment {@code part} of a plugin folded by person would fold them:
     * with their own positions and {@linkplain PositionedEvent#watermark() watermarks} (the log's event time, which a
     * segment takes from the whole log, not from its own events), delivered in batches of part {@code part}. The
     * events are appended to the harness's log in this order; positions must increase within a call.
     *
     * @since 1.8
     */
    public PluginHarness feedSegment(int part, List<PositionedEvent> events) {
        requireOpen();
        for (PositionedEvent p : events) {
            Objects.requireNonNull(p, "event");
            fed.add(p);
            nextPosition = Math.max(nextPosition, p.position() + 1);
            watermark = Math.max(watermark, p.watermark().toEpochMilli());
        }
        deliver(events, false, part);
        return this;
    }

    /**
     * The log's event time reached {@code watermark} on the segment {@code part} through events of other parts (a
     * host's segment reads the whole log and skips the events of other segments): the part's due timers (SPI 1.9) fire
     * in a unit of their own, as the host delivers them with a batch the plugin consumes nothing of. A test that feeds
     * segments with {@link #feedSegment} calls it at the end so that every segment stands where the log ends.
     *
     * @since 1.10
     */
    public PluginHarness logTimeReached(int part, Instant watermark) {
        requireOpen();
        if (part < 0) {
            throw new IllegalArgumentException("part must be 0 or more: " + part);
        }
        severalParts |= part != 0;
        deliverTimers(watermark.toEpochMilli(), false, part);
        return this;
    }

    /**
     * Runs the simulator, maps every message as the collectors do, and feeds the events in time order.
     *
     * @return what the simulator planted
     */
    public GroundTruth feedSimulation(SimulatorConfig config) {
        Simulations.Simulation sim = Simulations.run(config);
        feed(sim.events());
        return sim.truth();
    }

    /**
     * Runs {@code train} with this cutoff. The history streams, in log order, the fed events the plugin
     * consumes with {@code from ≤ occurredAt < to} (a null bound is open, as in the host). Like the host, it does
     * not clip {@code to} at the cutoff: staying before the cutoff is the plugin's job. Progress reports are kept
     * in {@link #trainingProgress()}. With {@link #cancelTraining(boolean)} on, a run that returns a report of nothing
     * (no model, no metrics) stopped for the cancellation: as in the host, what it wrote to state, results and events
     * is dropped. A run that returns a real report commits.
     *
     * @throws PluginInvocationException when {@code train} throws
     */
    public TrainingReport train(Instant cutoff) {
        requireOpen();
        Objects.requireNonNull(cutoff, "cutoff");
        progress.clear();
        TrainingContext training = new TrainingContext() {
            @Override
            public EventHistory history() {
                return (from, to, consumer) -> streamHistory(from, to, consumer);
            }

            @Override
            public Instant cutoff() {
                return cutoff;
            }

            @Override
            public void progress(double fraction, String message) {
                progress.add(new TrainingProgress(fraction, message));
            }

            @Override
            public boolean cancelled() {
                return cancelTraining;
            }
        };
        try {
            return unit(() -> plugin.train(training), r -> !(cancelTraining && r != null && r.model() == null && r.metrics().isEmpty()));
        } catch (Exception e) {
            throw new PluginInvocationException(PluginInvocationException.Phase.TRAIN, "train failed", e);
        }
    }

    /** Trains on everything fed so far: the cutoff is just after the latest event (or now, when none was fed). */
    public TrainingReport train() {
        Instant latest = fed.stream().map(p -> p.event().occurredAt()).max(Instant::compareTo).orElse(null);
        return train(latest == null ? clock.instant() : latest.plusNanos(1));
    }

    /**
     * Replays the plugin's history as the host does after a reset: closes the plugin, clears its state, the
     * recorded results and dead letters, opens it again with the same configuration and re-delivers every fed
     * event with {@code replay = true}. Models, log lines and metrics are kept. Snapshot
     * {@link RecordingResultPublisher#latest()} before calling this to compare.
     */
    public PluginHarness replay() {
        requireOpen();
        closePlugin();
        state.clear();
        results.clear();
        deadLetters.clear();
        openPlugin();
        deliver(fed, true, 0);
        return this;
    }

    /**
     * What another process instance does when the processor moves to it (ADR 0018): a harness for a fresh plugin
     * instance, not opened yet, over what this harness's stores hold now. It starts with a copy of the committed
     * state and of the models (versions, the serving one, the promotion history), the same raw configuration, batch
     * size and fail-fast setting, a clock at the same instant, the same profiles, and the fed log (so that
     * {@link #train} sees the same history and new events get the next positions). Nothing is carried in memory
     * from this harness's plugin instance.
     *
     * <p>The stores are copies, not shared: this harness stays usable, so a test can feed both the same further
     * events and compare what the two instances publish and store, i.e. whether an instance that takes over goes on
     * exactly as the one that held the processor would have. Results this harness recorded are not copied.
     *
     * @param fresh a new, never opened instance of the same plugin
     * @return the harness of the other instance (call {@link #open()})
     * @since 0.3
     */
    public PluginHarness onAnotherInstance(MiningPlugin fresh) {
        if (fresh == plugin) {
            throw new IllegalArgumentException("another instance must be a new object, not this harness's plugin");
        }
        PluginHarness other = new PluginHarness(fresh, state.copy(), profiles);
        if (!other.descriptor.id().equals(descriptor.id())) {
            throw new IllegalArgumentException("another instance of " + descriptor.id() + " expected, got " + other.descriptor.id());
        }
        other.rawConfig.putAll(rawConfig);
        other.clock = new TestClock(clock.instant());
        other.batchSize = batchSize;
        other.failFast = failFast;
        other.inheritedModels = models;
        other.fed.addAll(fed);
        other.nextPosition = nextPosition;
        other.watermark = watermark;
        other.partOfUser.putAll(partOfUser);
        other.severalParts = severalParts;
        return other;
    }

    /** Closes the plugin if it is open; calling it again does nothing. */
    @Override
    public void close() {
        if (open) {
            closePlugin();
        }
    }

    // ---- inspection ----

    /** The plugin. */
    public MiningPlugin plugin() {
        return plugin;
    }

    /** The plugin's descriptor, read once when the harness was made. */
    public PluginDescriptor descriptor() {
        return descriptor;
    }

    /** True between {@link #open()} and {@link #close()}. */
    public boolean isOpen() {
        return open;
    }

    /** The context given to the plugin (after {@link #open()}). */
    public TestPluginContext context() {
        if (context == null) {
            throw new IllegalStateException("open() first");
        }
        return context;
    }

    /** The validated configuration (after {@link #open()}). */
    public PluginConfig config() {
        return context().config();
    }

    /** What the plugin published. */
    public RecordingResultPublisher results() {
        return results;
    }

    /**
     * The events the plugin emitted, as the log keeps them: once per key, kept across {@link #replay()} (the log is
     * not cleared by a replay; emitting the same keys again appends nothing).
     */
    public RecordingEventEmitter events() {
        return emitted;
    }

    /** The plugin's state. */
    public InMemoryStateStore state() {
        return state;
    }

    /** The plugin's models (after {@link #open()}). */
    public InMemoryModelStore models() {
        return context().models();
    }

    /** The clock the plugin sees. */
    public TestClock clock() {
        return clock;
    }

    /** The plugin's log lines. */
    public RecordingLogger log() {
        return log;
    }

    /** The plugin's metrics. */
    public RecordingMetrics metrics() {
        return metrics;
    }

    /** The profiles the plugin can read. */
    public MapProfileReader profiles() {
        return profiles;
    }

    /** Every fed event with its log position, consumed or not, in log order. */
    public List<PositionedEvent> fedEvents() {
        return List.copyOf(fed);
    }

    /** Every batch delivered to {@code onEvents}, replays included, in order. */
    public List<EventBatch> deliveredBatches() {
        return List.copyOf(delivered);
    }

    /** Batches whose {@code onEvents} threw (since the last replay). */
    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    /** Progress reports of the latest training run. */
    public List<TrainingProgress> trainingProgress() {
        return List.copyOf(progress);
    }

    // ---- internals ----

    private void openPlugin() {
        try {
            unit(() -> {
                plugin.open(context);
                return null;
            });
        } catch (Exception e) {
            throw new PluginInvocationException(PluginInvocationException.Phase.OPEN, "open failed", e);
        }
        open = true;
    }

    private void closePlugin() {
        open = false;
        try {
            plugin.close();
        } catch (Exception e) {
            throw new PluginInvocationException(PluginInvocationException.Phase.CLOSE, "close failed", e);
        }
    }

    private void deliver(List<PositionedEvent> events, boolean replay, int part) {
        severalParts = replay ? false : severalParts || part != 0;
        List<PositionedEvent> batch = new ArrayList<>(Math.min(batchSize, events.size()));
        long reached = Long.MIN_VALUE;
        long timersAt = Long.MIN_VALUE;
        for (PositionedEvent p : events) {
            reached = Math.max(reached, p.watermark().toEpochMilli());
            BehaviorEvent e = p.event();
            if (e.userId() != null && !e.userId().isBlank()) {
                partOfUser.put(io.footfall.api.plugin.UserRef.user(e.userId()), part);
            }
            if (e.anonymousId() != null && !e.anonymousId().isBlank()) {
                partOfUser.put(io.footfall.api.plugin.UserRef.visitor(e.anonymousId()), part);
            }
            if (!descriptor.consumes(p.event().typeLabel())) {
                continue;
            }
            batch.add(new PositionedEvent(p.position(), visible(p.event()), p.watermark()));
            if (batch.size() == batchSize) {
                deliverBatch(new EventBatch(batch, replay, part));
                timersAt = reached;
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            deliverBatch(new EventBatch(batch, replay, part));
            timersAt = reached;
        }
        if (reached > timersAt) {
            // the events the plugin does not consume moved the log's time on: the host delivers the timers it reached
            deliverTimers(reached, replay, part);
        }
    }

    /** Timers due at the log's event time {@code watermark} (SPI 1.9), as the host delivers them after a batch's events. */
    private void fireTimers(long watermark, boolean replay, int part) throws Exception {
        List<io.footfall.api.plugin.Timer> due = context.timers().take(watermark, TIMERS_PER_BATCH, users -> {
            Set<io.footfall.api.plugin.UserRef> mine = new HashSet<>();
            for (io.footfall.api.plugin.UserRef user : users) {
                if (partOfUser.getOrDefault(user, 0) == part) {
                    mine.add(user);
                }
            }
            return mine;
        }).due();
        if (!due.isEmpty()) {
            plugin.onTimers(new io.footfall.api.plugin.TimerBatch(due, Instant.ofEpochMilli(watermark), replay, part));
        }
    }

    private void deliverTimers(long watermark, boolean replay, int part) {
        try {
            batchCall(false, () -> fireTimers(watermark, replay, part));
        } catch (Exception e) {
            if (failFast) {
                throw new PluginInvocationException(PluginInvocationException.Phase.ON_TIMERS,
                        "onTimers failed at event time " + Instant.ofEpochMilli(watermark), e);
            }
        }
    }

    private void deliverBatch(EventBatch batch) {
        delivered.add(batch);
        try {
            batchCall(true, () -> {
                plugin.onEvents(batch);
                fireTimers(batch.watermark().toEpochMilli(), batch.replay(), batch.part());
            });
        } catch (Exception e) {
            deadLetters.add(new DeadLetter(batch, e));
            if (failFast) {
                List<PositionedEvent> ev = batch.events();
                throw new PluginInvocationException(PluginInvocationException.Phase.ON_EVENTS,
                        "onEvents failed on the batch of positions " + ev.get(0).position() + ".."
                                + ev.get(ev.size() - 1).position(), e);
            }
        }
    }

    private long streamHistory(Instant from, Instant to, Consumer<BehaviorEvent> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        long n = 0;
        for (PositionedEvent p : List.copyOf(fed)) {
            BehaviorEvent e = p.event();
            if (descriptor.consumes(e.typeLabel()) && (from == null || !e.occurredAt().isBefore(from))
                    && (to == null || e.occurredAt().isBefore(to))) {
                consumer.accept(visible(e));
                n++;
            }
        }
        return n;
    }

    /** The event as the plugin may see it: without personal data unless it declares a purpose. */
    private BehaviorEvent visible(BehaviorEvent e) {
        if (!descriptor.personalDataPurposes().isEmpty()) {
            return e;
        }
        boolean personal = e.traits().keySet().stream().anyMatch(BehaviorEvent::isPersonalKey)
                || e.properties().keySet().stream().anyMatch(BehaviorEvent::isPersonalKey);
        if (!personal && e.context().ip() == null) {
            return e;
        }
        Map<String, Object> traits = new LinkedHashMap<>(e.traits());
        traits.keySet().removeIf(BehaviorEvent::isPersonalKey);
        Map<String, Object> properties = new LinkedHashMap<>(e.properties());
        properties.keySet().removeIf(BehaviorEvent::isPersonalKey);
        return e.withPersonalParts(properties, traits, e.context().withoutPersonalData());
    }

    private interface BatchWork {
        void run() throws Exception;
    }

    /**
     * A batch's unit (events, timers): sole (SPI 1.10) as on one segment, or, once a part other than 0 was fed, when
     * it has events and the plugin asked for it; a call that fails leaves the request taken, as the host's
     * rolled-back batch does.
     */
    private void batchCall(boolean withEvents, BatchWork work) throws Exception {
        context.soleCall(!severalParts || withEvents && context.soleBatchRequested());
        try {
            unit(() -> {
                work.run();
                return null;
            });
        } finally {
            context.soleCall(false);
        }
    }

    private <T> T unit(Callable<T> call) throws Exception {
        return unit(call, value -> true);
    }

    /** Runs {@code call} as one unit: what it wrote commits if it returns a value {@code keep} accepts. */
    private <T> T unit(Callable<T> call, java.util.function.Predicate<T> keep) throws Exception {
        state.begin();
        results.begin();
        emitted.begin();
        try {
            T value = call.call();
            if (!keep.test(value)) {
                state.rollback();
                results.rollback();
                emitted.rollback();
                return value;
            }
            state.commit();
            results.commit();
            emitted.commit();
            return value;
        } catch (Exception | Error e) {
            state.rollback();
            results.rollback();
            emitted.rollback();
            throw e;
        }
    }

    private void requireOpen() {
        if (!open) {
            throw new IllegalStateException("the plugin is not open: call open() first");
        }
    }

    private void requireNotOpened() {
        if (context != null) {
            throw new IllegalStateException("configure the harness before open()");
        }
    }
}
