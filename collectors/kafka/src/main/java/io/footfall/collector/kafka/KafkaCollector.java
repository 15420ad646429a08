package io.footfall.collector.kafka;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.collector.segment.SegmentMapper;
import io.footfall.core.config.SafeErrors;
import io.footfall.core.failed.FailedEvent;
import io.footfall.core.ingest.IngestOutcome;
import io.footfall.core.ingest.IngestPipeline;
import io.footfall.core.ingest.OverloadedException;
import io.footfall.core.source.Source;
import io.footfall.core.source.SourceRegistry;
import io.footfall.core.store.EventJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Consumes Segment-shaped JSON events from Kafka topics into the event log, through the same
 * validation, durable dedup and group commit as the tracking API ({@link IngestPipeline}).
 *
 * <p>One plain {@link KafkaConsumer} runs in a thread of its own with auto-commit off. Each poll's
 * records are decoded and handed to the ingest pipeline as one request; a partition's offset is
 * committed only after the pipeline reports that request durably committed, and strictly in poll
 * order. A crash between the append and the offset commit makes Kafka deliver those records
 * again; their events have the same ids (from the source and the message id) and are dropped as
 * duplicates, so every event is in the log exactly once. Records that cannot be read go to the
 * failed-events store with a reason, in the same commit, and never block the partition; their
 * origin key (source, topic, partition, offset) keeps a record read twice from failing twice. When
 * the append fails (database down), nothing more is committed and every partition is moved back to
 * its first uncommitted record; requests handed over before that rewind are never committed, so a
 * partition's committed offset never passes a record whose append is not durable.
 *
 * <p>A consumer that dies of an unexpected error (fenced, a commit that times out, a bug) is closed
 * and replaced after a pause that doubles with every death in a row; meanwhile the state is
 * {@link State#RESTARTING} and readiness ({@link KafkaCollectorHealth}) is DOWN. A consumer that no
 * broker has answered for {@code unreachable-after} (Kafka's client only logs and retries) is
 * {@link State#UNREACHABLE}, readiness DOWN too, until a broker answers again.
 *
 * <p>Off by default ({@code footfall.collectors.kafka.enabled=false}): then nothing Kafka-related
 * starts and no broker is needed. Started from configuration at start-up when enabled, or at
 * runtime with {@link #start(KafkaCollectorSettings)}.
 */
@ApplicationScoped
public class KafkaCollector {

    private static final Logger LOG = Logger.getLogger(KafkaCollector.class);

    @Inject
    IngestPipeline pipeline;
    @Inject
    SourceRegistry sources;
    @Inject
    Config config;
    @Inject
    MeterRegistry registry;
    @Inject
    io.footfall.core.config.InstanceRoles roles;

    @ConfigProperty(name = "footfall.collectors.kafka.enabled", defaultValue = "false")
    boolean enabled;
    @ConfigProperty(name = "footfall.ingest.max-event-bytes", defaultValue = "32768")
    long maxEventBytes;

    private final AtomicLong records = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong lag = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicInteger crashAfterAppends = new AtomicInteger();
    private volatile Worker worker;
    private volatile String lastError;
    /** Why the collector is {@link State#UNREACHABLE} (where it cannot connect, for how long), or null. */
    private volatile String unreachableReason;
    private volatile State state = State.STOPPED;
    private Counter storedCounter;
    private Counter duplicateCounter;
    private Counter failedCounter;

    /**
     * What the collector is doing. Counters are totals since the application started, over all runs.
     *
     * @param running    whether a consumer is running
     * @param topics     topics of the current (or last) run
     * @param groupId    consumer group of the current (or last) run
     * @param records    records read
     * @param stored     events appended to the log
     * @param duplicates events already in the log (redelivered or sent twice)
     * @param failed     records or events kept in the failed-events store
     * @param commits    offset commits (each after a durable append)
     * @param retries    appends that failed and were retried from the last committed offsets
     * @param lag        records behind the end of the assigned partitions at the last poll
     * @param lastError  the last error (no personal data), or null
     * @param state      what the consumer thread is doing
     * @param restarts   consumers replaced after they died of an unexpected error
     */
    public record Status(boolean running, List<String> topics, String groupId, long records, long stored, long duplicates,
                         long failed, long commits, long retries, long lag, String lastError, State state, long restarts) {
    }

    /** What the collector's thread is doing. */
    public enum State {
        /** Not started, or stopped (by {@link #stop(Duration)}, at shutdown, or by the test fault injection). */
        STOPPED,
        /** A consumer is polling and appending. */
        RUNNING,
        /**
         * The consumer died of an unexpected error; a new one is started after a pause (readiness is DOWN
         * until it has polled).
         */
        RESTARTING,
        /**
         * A consumer runs but no broker has answered it for longer than {@code unreachable-after} (nothing
         * listens at the bootstrap servers, the network is cut, the cluster is down); it keeps trying and is
         * {@link #RUNNING} again at the first answer. Readiness is DOWN meanwhile.
         */
        UNREACHABLE
    }

    void onStart(@Observes @Priority(50) StartupEvent startup) {
        registerMetrics();
        if (enabled && roles.ingest()) {
            start(KafkaCollectorSettings.fromConfig(config));
        } else if (enabled) {
            LOG.infof("Kafka collector enabled but not started: this instance has no ingest role (footfall.roles)");
        }
    }

    /** Before the ingest pipeline stops taking requests (priority 1): let in-flight appends commit their offsets. */
    void onStop(@Observes @Priority(0) ShutdownEvent shutdown) {
        stop(Duration.ofSeconds(30));
    }

    /**
     * Starts consuming.
     *
     * @throws io.footfall.core.config.InvalidSetting when the write key names no enabled source
     * @throws IllegalStateException                 when a consumer is already running
     */
    public synchronized void start(KafkaCollectorSettings settings) {
        // running() is false once the worker's thread has finished its work (stop() returned true), even while the
        // thread itself is still exiting: checking Thread.isAlive here made a start right after a stop fail now and then
        if (running()) {
            throw new IllegalStateException("the Kafka collector is already running");
        }
        Optional<Source> source = sources.authenticate(settings.writeKey());
        if (source.isEmpty()) {
            throw new io.footfall.core.config.InvalidSetting(KafkaCollectorSettings.PREFIX + "write-key",
                    "no enabled source has the write key in " + KafkaCollectorSettings.PREFIX + "write-key");
        }
        registerMetrics();
        lastError = null;
        Worker w = new Worker(settings, source.get().id(), crashAfterAppends.getAndSet(0));
        worker = w;
        state = State.RUNNING;
        w.thread.start();
        LOG.infof("Kafka collector consuming %s as group %s", settings.topics(), settings.groupId());
    }

    /**
     * Stops consuming: waits for appends in flight, commits their offsets, leaves the group.
     *
     * @return true when the consumer has stopped within the timeout (also when none ran)
     */
    public synchronized boolean stop(Duration timeout) {
        Worker w = worker;
        if (w == null) {
            return true;
        }
        w.requestStop();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            if (!w.stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
            // the thread only logs after the latch; wait for it so no thread of a stopped collector outlives stop()
            w.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether the collector runs (also while it restarts a consumer that died). */
    public boolean running() {
        Worker w = worker;
        return w != null && w.stopped.getCount() > 0;
    }

    /** What the collector is doing. */
    public Status status() {
        Worker w = worker;
        return new Status(running(), w == null ? List.of() : w.settings.topics(), w == null ? null : w.settings.groupId(),
                records.get(), stored.get(), duplicates.get(), failed.get(), commits.get(), retries.get(), lag.get(), lastError,
                state, restarts.get());
    }

    /** What the collector's thread is doing now. */
    public State state() {
        return state;
    }

    /** While {@link State#UNREACHABLE}: why (no answer from which bootstrap servers, for how long); else null. */
    public String unreachableReason() {
        return state == State.UNREACHABLE ? unreachableReason : null;
    }

    /**
     * Fault injection for tests: the next run stops like a crashed process right after its
     * {@code n}-th durable append, before committing that append's offsets (the consumer is closed
     * without committing). Takes effect at the next {@link #start(KafkaCollectorSettings)}.
     */
    public void crashAfterAppends(int n) {
        crashAfterAppends.set(n);
    }

    private synchronized void registerMetrics() {
        if (storedCounter != null) {
            return;
        }
        String events = "footfall.collector.kafka.events";
        storedCounter = Counter.builder(events).tag("outcome", "stored").description("events consumed from Kafka, by outcome").register(registry);
        duplicateCounter = Counter.builder(events).tag("outcome", "duplicate").register(registry);
        failedCounter = Counter.builder(events).tag("outcome", "failed").register(registry);
        Gauge.builder("footfall.collector.kafka.lag", lag, AtomicLong::get).baseUnit("records")
                .description("records behind the end of the assigned partitions at the last poll").register(registry);
    }


    /**
     * One request handed to the pipeline: where its records start and end per partition, and the
     * rewind epoch it belongs to (a request of an older epoch is never committed).
     */
    private record InFlight(int epoch, Map<TopicPartition, Long> first, Map<TopicPartition, OffsetAndMetadata> next,
                            CompletableFuture<IngestOutcome> done) {
    }

    /** Thrown by the fault injection: ends the run without committing. */
    private static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash() {
            super("simulated crash after a durable append, before the offset commit", null, false, false);
        }
    }

    /** How a consumer session ended. */
    private enum Ending { STOPPED, CRASHED, DIED }

    /**
     * The collector's thread: runs one consumer session after the other. A session that dies of an
     * unexpected exception is replaced by a new consumer after a pause that doubles with every death
     * in a row (up to the configured maximum); meanwhile the state is {@link State#RESTARTING} and
     * readiness is DOWN.
     */
    private final class Worker {
        final KafkaCollectorSettings settings;
        final String sourceId;
        final Thread thread;
        final CountDownLatch stopped = new CountDownLatch(1);
        final CountDownLatch stopSignal = new CountDownLatch(1);
        final RecordDecoder decoder = new RecordDecoder(new SegmentMapper(EventJson.create()), maxEventBytes);
        final int crashAfter;
        volatile boolean running = true;
        volatile Session session;
        private Session first;
        int appends;

        Worker(KafkaCollectorSettings settings, String sourceId, int crashAfter) {
            this.settings = settings;
            this.sourceId = sourceId;
            this.crashAfter = crashAfter;
            // the first consumer is created here, so that a configuration Kafka refuses fails start()
            this.first = new Session(this, newConsumer());
            this.thread = new Thread(this::supervise, "footfall-kafka-collector");
            this.thread.setDaemon(true);
        }

        KafkaConsumer<byte[], byte[]> newConsumer() {
            Properties p = new Properties();
            p.putAll(settings.client());
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, settings.autoOffsetReset());
            p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(settings.maxPollRecords()));
            p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "footfall-collector");
            p.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        void requestStop() {
            running = false;
            stopSignal.countDown();
            Session s = session;
            if (s != null) {
                s.consumer.wakeup();
            }
        }

        void supervise() {
            long backoff = settings.restartBackoff().toMillis();
            Session s = first;
            first = null;
            try {
                while (true) {
                    if (s == null) {
                        try {
                            s = new Session(this, newConsumer());
                        } catch (RuntimeException e) {
                            lastError = SafeErrors.describe(e);
                            LOG.errorf("Kafka collector: the consumer cannot be created, trying again in %d ms: %s", backoff, lastError);
                            if (!pause(backoff)) {
                                return;
                            }
                            backoff = Math.min(backoff * 2, settings.maxRestartBackoff().toMillis());
                            continue;
                        }
                    }
                    session = s;
                    if (!running) {
                        // stop() may have missed this consumer: close it unused
                        s.close();
                        return;
                    }
                    long began = System.nanoTime();
                    Ending ending = s.run();
                    session = null;
                    s = null;
                    if (ending != Ending.DIED || !running) {
                        return;
                    }
                    // a session that consumed for longer than the longest pause was healthy: start the pauses over
                    if (System.nanoTime() - began > TimeUnit.MILLISECONDS.toNanos(settings.maxRestartBackoff().toMillis())) {
                        backoff = settings.restartBackoff().toMillis();
                    }
                    state = State.RESTARTING;
                    restarts.incrementAndGet();
                    LOG.errorf("Kafka collector: the consumer died, starting a new one in %d ms: %s", backoff, lastError);
                    if (!pause(backoff)) {
                        return;
                    }
                    backoff = Math.min(backoff * 2, settings.maxRestartBackoff().toMillis());
                }
            } finally {
                if (state != State.STOPPED) {
                    state = State.STOPPED;
                }
                lag.set(0);
                stopped.countDown();
                LOG.infof("Kafka collector stopped (%d records read, %d events stored in total)", records.get(), stored.get());
            }
        }

        /** Waits, unless stop() is called; false when stopping. */
        private boolean pause(long millis) {
            try {
                return !stopSignal.await(millis, TimeUnit.MILLISECONDS) && running;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * One consumer from creation to close. Keeps, per partition, the offset from which nothing is
     * committed yet ({@code resumeAt}); a failed append moves every partition back there, and a
     * request handed over before that rewind (an older {@code epoch}) is never committed.
     */
    private final class Session implements ConsumerRebalanceListener {
        final Worker worker;
        final KafkaConsumer<byte[], byte[]> consumer;
        final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
        /**
         * Per assigned partition: the first offset not yet committed by this session (the offset
         * after the last committed request, or the first record handed over since the assignment).
         */
        final Map<TopicPartition, Long> resumeAt = new HashMap<>();
        /** Bumped by every rewind and rebalance. */
        int epoch;
        /** Set by the fault injection: close like a dead process, committing nothing (not even at revocation). */
        boolean crashed;
        /** The consumer's count of responses received from brokers (metric {@code consumer-metrics/response-total}). */
        private org.apache.kafka.common.Metric responses;
        private double responsesSeen;
        /** When a broker last answered (or the session began). */
        private long lastAnswer = System.nanoTime();

        Session(Worker worker, KafkaConsumer<byte[], byte[]> consumer) {
            this.worker = worker;
            this.consumer = consumer;
        }

        /**
         * After a poll: whether any broker answered lately. Kafka's consumer keeps retrying an unreachable
         * cluster without an error (poll just returns nothing), so the count of responses it received is what
         * tells: a reachable cluster answers at least every heartbeat and fetch wait. No answer for
         * {@code unreachable-after} makes the collector {@link State#UNREACHABLE}; the next answer makes it
         * {@link State#RUNNING} again.
         */
        private void checkReachable() {
            if (responses == null) {
                for (var e : consumer.metrics().entrySet()) {
                    if (e.getKey().name().equals("response-total") && e.getKey().group().equals("consumer-metrics")) {
                        responses = e.getValue();
                        break;
                    }
                }
                if (responses == null) {
                    return; // a client without that metric: never report it unreachable on a guess
                }
            }
            double seen = responses.metricValue() instanceof Number n ? n.doubleValue() : responsesSeen;
            long now = System.nanoTime();
            if (seen != responsesSeen) {
                responsesSeen = seen;
                lastAnswer = now;
                if (state == State.UNREACHABLE) {
                    state = State.RUNNING;
                    LOG.info("Kafka collector: the brokers answer again");
                }
                return;
            }
            long quiet = now - lastAnswer;
            if (quiet <= worker.settings.unreachableAfter().toNanos()) {
                return;
            }
            String reason = "no answer from any Kafka broker (bootstrap.servers " + worker.settings.bootstrapServers() + ") for "
                    + String.format(java.util.Locale.ROOT, "%.1f", quiet / 1e9) + " s; still trying";
            if (state == State.RUNNING) {
                lastError = reason;
                unreachableReason = reason;
                state = State.UNREACHABLE;
                LOG.warnf("Kafka collector: %s", reason);
            } else if (state == State.UNREACHABLE) {
                unreachableReason = reason; // readiness tells how long it has been
            }
        }

        Ending run() {
            Ending ending = Ending.STOPPED;
            try {
                consumer.subscribe(worker.settings.topics(), this);
                while (worker.running) {
                    commitCompleted();
                    if (inFlight.size() >= worker.settings.maxInFlight()) {
                        awaitHead();
                        continue;
                    }
                    ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(inFlight.isEmpty() ? 500 : 5));
                    if (state == State.RESTARTING) {
                        state = State.RUNNING;
                        LOG.info("Kafka collector consuming again");
                    }
                    checkReachable();
                    updateLag();
                    if (!batch.isEmpty() && sources.authenticate(worker.settings.writeKey()).isEmpty()) {
                        // the source was disabled or its key rotated out (remembered keys: 30 s): these records are not
                        // handed over, so their offsets are not committed and a start with a valid key reads them again
                        lastError = "the source of " + KafkaCollectorSettings.PREFIX + "write-key was disabled or its key "
                                + "rotated out: stopped; start again with a valid key";
                        LOG.warn("Kafka collector: " + lastError);
                        worker.running = false;
                        break;
                    }
                    if (!batch.isEmpty()) {
                        handOver(batch);
                    }
                }
            } catch (WakeupException e) {
                // stop() woke the poll
            } catch (SimulatedCrash e) {
                crashed = true;
                ending = Ending.CRASHED;
                inFlight.clear();
                lastError = e.getMessage();
                LOG.warn(e.getMessage());
            } catch (RuntimeException | Error e) {
                ending = Ending.DIED;
                lastError = SafeErrors.describe(e);
                LOG.errorf("Kafka collector: the consumer failed: %s", lastError);
            } finally {
                try {
                    if (!crashed) {
                        drain(List.of());
                    }
                } catch (RuntimeException e) {
                    if (ending == Ending.STOPPED) {
                        lastError = SafeErrors.describe(e);
                    }
                    LOG.warnf("Kafka collector: offsets of the last appends not committed (they will be read again): %s",
                            SafeErrors.describe(e));
                } finally {
                    close();
                }
            }
            return ending;
        }

        void close() {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
            } catch (RuntimeException e) {
                LOG.warnf("Kafka consumer did not close cleanly: %s", SafeErrors.describe(e));
            }
        }

        /** Decodes a poll's records and hands them to the pipeline as one request. */
        private void handOver(ConsumerRecords<byte[], byte[]> batch) {
            int handedInEpoch = epoch;
            List<BehaviorEvent> events = new ArrayList<>(batch.count());
            List<FailedEvent> rejected = new ArrayList<>();
            Map<TopicPartition, Long> first = new HashMap<>();
            Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
            Instant now = Instant.now();
            for (TopicPartition tp : batch.partitions()) {
                List<ConsumerRecord<byte[], byte[]>> list = batch.records(tp);
                for (ConsumerRecord<byte[], byte[]> r : list) {
                    RecordDecoder.Origin origin = new RecordDecoder.Origin(worker.sourceId, r.topic(), r.partition(), r.offset(), now);
                    int eventsBefore = events.size();
                    int rejectedBefore = rejected.size();
                    try {
                        worker.decoder.decode(r.value(), origin, events, rejected);
                    } catch (RuntimeException e) {
                        // a record the mapper cannot handle must not stop the partition: keep it as a failed event
                        events.subList(eventsBefore, events.size()).clear();
                        rejected.subList(rejectedBefore, rejected.size()).clear();
                        rejected.add(new FailedEvent(worker.sourceId, now, io.footfall.core.failed.FailureReason.MALFORMED, "value",
                                "the record could not be read (" + e.getClass().getSimpleName() + ")" + origin.where(), null,
                                r.value() == null ? "" : new String(r.value(), java.nio.charset.StandardCharsets.UTF_8),
                                origin.key(-1)));
                    }
                }
                long firstOffset = list.get(0).offset();
                first.put(tp, firstOffset);
                next.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
                // before the submit: a rewind while it waits for room must move this partition back too
                resumeAt.putIfAbsent(tp, firstOffset);
            }
            records.addAndGet(batch.count());
            CompletableFuture<IngestOutcome> done = events.isEmpty() && rejected.isEmpty()
                    ? CompletableFuture.completedFuture(new IngestOutcome(0, 0, 0))
                    : submit(events, rejected);
            if (done == null) {
                // stopping while the pipeline was full: nothing of this poll is committed, so it is read again
                return;
            }
            if (epoch != handedInEpoch) {
                // a failed append was rewound while this request waited for room in the pipeline: the partitions
                // were moved back to before these records, which come again; this request must never be committed
                countWhenDone(done);
                return;
            }
            inFlight.add(new InFlight(handedInEpoch, first, next, done));
        }

        /** Submits, waiting while the pipeline is full (back-pressure reaches Kafka as a slower poll). */
        private CompletableFuture<IngestOutcome> submit(List<BehaviorEvent> events, List<FailedEvent> rejected) {
            while (true) {
                try {
                    return pipeline.submit(events, rejected);
                } catch (OverloadedException e) {
                    if (!worker.running) {
                        return null;
                    }
                    if (!inFlight.isEmpty()) {
                        awaitHead();
                        commitCompleted();
                    } else {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                    }
                }
            }
        }

        /**
         * Commits the offsets of every leading request that is durable (one commit for all of them);
         * rewinds at the first failed one. A request is committed only after every request before it,
         * so a partition's committed offset never passes a record whose append is not durable.
         */
        private void commitCompleted() {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            while (!inFlight.isEmpty() && inFlight.peek().done().isDone()) {
                InFlight head = inFlight.peek();
                IngestOutcome outcome;
                try {
                    outcome = head.done().join();
                } catch (RuntimeException e) {
                    commit(offsets);
                    rewind(e);
                    return;
                }
                if (head.epoch() != epoch) {
                    throw new IllegalStateException("a request of an older epoch is in flight");
                }
                count(outcome);
                if (worker.crashAfter > 0 && ++worker.appends >= worker.crashAfter) {
                    commit(offsets);
                    throw new SimulatedCrash();
                }
                offsets.putAll(head.next());
                inFlight.poll();
            }
            commit(offsets);
        }

        /** Counts what a request that will not be committed stored anyway (its events come again as duplicates). */
        private void countWhenDone(CompletableFuture<IngestOutcome> done) {
            done.thenAccept(this::count);
        }

        private void count(IngestOutcome o) {
            stored.addAndGet(o.stored());
            duplicates.addAndGet(o.duplicates());
            failed.addAndGet(o.failed());
            storedCounter.increment(o.stored());
            duplicateCounter.increment(o.duplicates());
            failedCounter.increment(o.failed());
        }

        private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
            if (offsets.isEmpty()) {
                return;
            }
            try {
                consumer.commitSync(offsets);
            } catch (WakeupException e) {
                // stop() raced with the commit: commit still, then stop
                consumer.commitSync(offsets);
                worker.running = false;
            }
            offsets.forEach((tp, o) -> resumeAt.put(tp, o.offset()));
            commits.incrementAndGet();
        }

        /** Waits until the oldest request in flight is committed (or failed). */
        private void awaitHead() {
            InFlight head = inFlight.peek();
            if (head == null) {
                return;
            }
            try {
                head.done().get(1, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // commitCompleted() handles the failure; a slow commit is waited for again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                worker.running = false;
            }
        }

        /**
         * The append of the oldest request failed: commit nothing more, wait (a while) for the requests
         * after it (they may succeed; their events will be duplicates when read again), move every
         * partition back to its first uncommitted record, and pause before retrying.
         */
        private void rewind(Throwable cause) {
            retries.incrementAndGet();
            lastError = SafeErrors.describe(cause);
            LOG.warnf("Kafka collector: append failed, reading again from the last committed offsets: %s", lastError);
            inFlight.poll(); // the failed one
            for (InFlight f : inFlight) {
                countWhenDone(f.done());
                try {
                    f.done().get(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    worker.running = false;
                } catch (ExecutionException | TimeoutException e) {
                    // not committed either way
                }
            }
            inFlight.clear();
            seekBack(consumer.assignment());
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (worker.running && System.nanoTime() < until) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }

        /** Moves these partitions back to their first uncommitted record; requests in flight become stale. */
        private void seekBack(Collection<TopicPartition> partitions) {
            epoch++;
            for (TopicPartition tp : partitions) {
                Long offset = resumeAt.get(tp);
                if (offset != null) {
                    consumer.seek(tp, offset);
                }
            }
        }

        /**
         * Waits for every request in flight and commits the durable ones in order, up to the first
         * failure; after a failure, the partitions that stay assigned are moved back so nothing is skipped.
         */
        private void drain(Collection<TopicPartition> leaving) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            boolean failedOnce = false;
            while (!inFlight.isEmpty()) {
                InFlight head = inFlight.poll();
                if (failedOnce) {
                    countWhenDone(head.done());
                    continue;
                }
                try {
                    IngestOutcome outcome = head.done().get(60, TimeUnit.SECONDS);
                    count(outcome);
                    offsets.putAll(head.next());
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    countWhenDone(head.done());
                } catch (TimeoutException e) {
                    lastError = "an append took longer than 60 s";
                    countWhenDone(head.done());
                } catch (ExecutionException e) {
                    lastError = SafeErrors.describe(e.getCause() == null ? e : e.getCause());
                }
                failedOnce = true;
            }
            try {
                commit(offsets);
            } finally {
                Set<TopicPartition> staying = new HashSet<>(consumer.assignment());
                staying.removeAll(leaving);
                if (failedOnce) {
                    seekBack(staying);
                } else {
                    epoch++;
                }
                resumeAt.keySet().removeAll(leaving);
            }
        }

        private void updateLag() {
            long total = 0;
            for (TopicPartition tp : consumer.assignment()) {
                total += consumer.currentLag(tp).orElse(0);
            }
            lag.set(total);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty() && !crashed) {
                try {
                    drain(partitions);
                } catch (KafkaException e) {
                    // the commit was refused (group rebalanced): the records are read again, and deduplicated
                    LOG.warnf("Kafka collector: offsets not committed at rebalance: %s", SafeErrors.describe(e));
                }
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // positions come from the group's committed offsets; resumeAt starts at the first record handed over
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // another member may own them already: commit nothing, drop what is in flight (read again, deduplicated)
            inFlight.forEach(f -> countWhenDone(f.done()));
            inFlight.clear();
            epoch++;
            resumeAt.keySet().removeAll(partitions);
        }
    }
}
