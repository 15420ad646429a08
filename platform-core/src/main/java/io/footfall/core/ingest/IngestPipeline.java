package io.footfall.core.ingest;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.core.failed.FailedEvent;
import io.footfall.core.privacy.PersonalDataCodec;
import io.footfall.core.privacy.PersonalDataVault;
import io.footfall.core.profile.Identifiers;
import io.footfall.core.store.EventLog;
import io.footfall.core.store.RecordedBehavior;
import io.footfall.core.store.SealedPersonalData;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.SecretKey;
import javax.sql.DataSource;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Durable, group-committed ingestion. Requests queue up (bounded: a full queue is an
 * {@link OverloadedException}, never memory growth); one writer thread takes as many queued
 * requests as fit in one commit, drops events already in the log (durable dedup by event id),
 * seals personal data, appends the rest through Axon's event store in one unit of work with the
 * rejected events, commits, and only then completes the requests' futures.
 */
@ApplicationScoped
public class IngestPipeline {

    private static final Logger LOG = Logger.getLogger(IngestPipeline.class);

    @Inject
    EventLog log;
    @Inject
    DataSource dataSource;
    @Inject
    PersonalDataVault vault;
    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @ConfigProperty(name = "footfall.ingest.max-queued-events", defaultValue = "50000")
    long maxQueuedEvents;
    @ConfigProperty(name = "footfall.ingest.max-events-per-commit", defaultValue = "5000")
    int maxEventsPerCommit;

    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedEvents = new AtomicLong();
    private final AtomicLong committedEvents = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private volatile boolean accepting;
    private volatile boolean running;
    private Thread writer;
    private PersonalDataCodec codec;

    private io.micrometer.core.instrument.Timer requestLatency;
    private io.micrometer.core.instrument.Timer commitTime;
    private io.micrometer.core.instrument.DistributionSummary groupSize;
    private io.micrometer.core.instrument.Counter storedCounter;
    private io.micrometer.core.instrument.Counter duplicateCounter;
    private io.micrometer.core.instrument.Counter failedCounter;

    private record Job(List<BehaviorEvent> events, List<FailedEvent> failed, CompletableFuture<IngestOutcome> done, long queuedAt) {
        int size() {
            return events.size() + failed.size();
        }
    }

    void start(@Observes @Priority(20) StartupEvent startup) {
        codec = new PersonalDataCodec(log.json());
        registerMetrics();
        running = true;
        accepting = true;
        writer = new Thread(this::writeLoop, "footfall-ingest-writer");
        writer.start();
    }

    void stop(@Observes @Priority(1) ShutdownEvent shutdown) {
        accepting = false;
        running = false;
        if (writer != null) {
            try {
                writer.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Job job;
        while ((job = queue.poll()) != null) {
            job.done().completeExceptionally(new IllegalStateException("Footfall is shutting down"));
        }
    }

    private void registerMetrics() {
        requestLatency = io.micrometer.core.instrument.Timer.builder("footfall.ingest.request")
                .description("from a request's events being queued to their durable commit")
                .publishPercentiles(0.5, 0.99).register(registry);
        commitTime = io.micrometer.core.instrument.Timer.builder("footfall.ingest.commit")
                .description("time of one group commit (duplicate check, sealing, COPY, commit)")
                .publishPercentiles(0.5, 0.99).register(registry);
        groupSize = io.micrometer.core.instrument.DistributionSummary.builder("footfall.ingest.group.commit.size")
                .baseUnit("events").description("events and rejected events in one group commit")
                .publishPercentiles(0.5, 0.99).register(registry);
        String events = "footfall.ingest.events";
        storedCounter = io.micrometer.core.instrument.Counter.builder(events).tag("outcome", "stored")
                .description("events handled by the ingest pipeline, by outcome").register(registry);
        duplicateCounter = io.micrometer.core.instrument.Counter.builder(events).tag("outcome", "duplicate").register(registry);
        failedCounter = io.micrometer.core.instrument.Counter.builder(events).tag("outcome", "failed").register(registry);
        io.micrometer.core.instrument.Gauge.builder("footfall.ingest.queued", queuedEvents, AtomicLong::get).baseUnit("events")
                .description("events waiting for a commit (429 above footfall.ingest.max-queued-events)").register(registry);
    }

    /**
     * Queues valid events and rejected ones for one durable commit.
     *
     * @return completes once everything is committed
     * @throws OverloadedException when the queue is full
     */
    public CompletableFuture<IngestOutcome> submit(List<BehaviorEvent> events, List<FailedEvent> failed) {
        int size = events.size() + failed.size();
        if (!accepting) {
            throw new OverloadedException("Footfall is shutting down");
        }
        if (queuedEvents.addAndGet(size) > maxQueuedEvents && size > 0) {
            queuedEvents.addAndGet(-size);
            throw new OverloadedException("ingest queue is full (" + maxQueuedEvents + " events)");
        }
        Job job = new Job(List.copyOf(events), List.copyOf(failed), new CompletableFuture<>(), System.nanoTime());
        queue.add(job);
        return job.done();
    }

    /** Whether the pipeline takes requests and its writer thread is alive. */
    public boolean healthy() {
        return accepting && writer != null && writer.isAlive();
    }

    /** Events committed since start. */
    public long committedEvents() {
        return committedEvents.get();
    }

    /** Commits since start. */
    public long commits() {
        return commits.get();
    }

    /** Events waiting for a commit. */
    public long queuedEvents() {
        return queuedEvents.get();
    }

    private void writeLoop() {
        List<Job> group = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Job first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                int events = first.size();
                Job next;
                while (events < maxEventsPerCommit && (next = queue.peek()) != null
                        && events + next.size() <= maxEventsPerCommit) {
                    group.add(queue.poll());
                    events += next.size();
                }
                commit(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.errorf("ingest commit of %d requests failed: %s", group.size(), io.footfall.core.config.SafeErrors.describe(e));
                group.forEach(j -> j.done().completeExceptionally(e));
            } finally {
                group.forEach(j -> queuedEvents.addAndGet(-j.size()));
                group.clear();
            }
        }
    }

    private void commit(List<Job> group) {
        long started = System.nanoTime();
        UnitOfWork<?> uow = DefaultUnitOfWork.startAndGet(GenericEventMessage.asEventMessage("ingest"));
        List<IngestOutcome> outcomes = new ArrayList<>(group.size());
        Map<String, SecretKey> keys;
        try {
            uow.attachTransaction(log.transactions());
            try (Connection connection = dataSource.getConnection()) {
                // the duplicate check and the append are one step for every writer of every instance (ADR 0012)
                io.footfall.core.store.CopyEventStorageEngine.lockAppends(connection);
                Set<String> inLog = alreadyStored(connection, group);
                Set<String> seen = new HashSet<>();
                List<BehaviorEvent> fresh = new ArrayList<>();
                for (Job job : group) {
                    int stored = 0;
                    for (BehaviorEvent e : job.events()) {
                        if (!inLog.contains(e.eventId()) && seen.add(e.eventId())) {
                            fresh.add(e);
                            stored++;
                        }
                    }
                    outcomes.add(new IngestOutcome(stored, job.events().size() - stored, job.failed().size()));
                }
                keys = append(connection, fresh);
                storeFailed(connection, group);
                committedEvents.addAndGet(fresh.size());
            }
            uow.commit();
        } catch (SQLException | RuntimeException e) {
            if (uow.isActive()) {
                uow.rollback(e);
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        vault.remember(keys);
        commits.incrementAndGet();
        long now = System.nanoTime();
        commitTime.record(now - started, TimeUnit.NANOSECONDS);
        int size = 0;
        for (int i = 0; i < group.size(); i++) {
            Job job = group.get(i);
            IngestOutcome outcome = outcomes.get(i);
            size += job.size();
            storedCounter.increment(outcome.stored());
            duplicateCounter.increment(outcome.duplicates());
            failedCounter.increment(outcome.failed());
            requestLatency.record(now - job.queuedAt(), TimeUnit.NANOSECONDS);
            job.done().complete(outcome);
        }
        groupSize.record(size);
    }

    private static Set<String> alreadyStored(Connection connection, List<Job> group) throws SQLException {
        List<String> ids = new ArrayList<>();
        group.forEach(j -> j.events().forEach(e -> ids.add(e.eventId())));
        Set<String> found = new HashSet<>();
        if (ids.isEmpty()) {
            return found;
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT eventidentifier FROM domainevententry WHERE eventidentifier = ANY (?)")) {
            select.setArray(1, connection.createArrayOf("varchar", ids.toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        }
        return found;
    }

    private Map<String, SecretKey> append(Connection connection, List<BehaviorEvent> fresh) throws SQLException {
        List<PersonalDataCodec.Split> splits = new ArrayList<>(fresh.size());
        Set<String> subjects = new HashSet<>();
        for (BehaviorEvent e : fresh) {
            PersonalDataCodec.Split split = codec.split(e);
            splits.add(split);
            if (split.personal() != null) {
                subjects.add(subjectOf(e));
            }
        }
        Map<String, SecretKey> keys = subjects.isEmpty() ? Map.of() : vault.keysFor(connection, subjects);
        List<EventMessage<?>> messages = new ArrayList<>(fresh.size());
        for (PersonalDataCodec.Split split : splits) {
            BehaviorEvent e = split.event();
            SealedPersonalData sealed = null;
            if (split.personal() != null) {
                String subject = subjectOf(e);
                sealed = vault.seal(subject, keys.get(subject), split.personal());
            }
            messages.add(new GenericEventMessage<>(e.eventId(), new RecordedBehavior(e, sealed), MetaData.emptyInstance(), e.receivedAt()));
        }
        if (!messages.isEmpty()) {
            log.publish(messages);
        }
        return keys;
    }

    /** The identifier whose key seals an event's personal data. */
    public static String subjectOf(BehaviorEvent e) {
        String user = Identifiers.user(e.userId());
        return user != null ? user : Identifiers.anonymous(e.anonymousId());
    }

    private static void storeFailed(Connection connection, List<Job> group) throws SQLException {
        if (group.stream().allMatch(j -> j.failed().isEmpty())) {
            return;
        }
        // a failed event whose origin key is stored already (a Kafka record read again) is not stored twice
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO failed_event "
                + "(source_id, received_at, reason, field, message, subject, raw, origin_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (origin_key) DO NOTHING")) {
            for (Job job : group) {
                for (FailedEvent f : job.failed()) {
                    insert.setString(1, f.sourceId());
                    insert.setTimestamp(2, Timestamp.from(f.receivedAt()));
                    insert.setString(3, f.reason().name());
                    insert.setString(4, f.field());
                    insert.setString(5, truncate(f.message(), 1000));
                    insert.setString(6, f.subject());
                    insert.setString(7, f.raw());
                    insert.setString(8, f.originKey());
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
