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
 * Durable, group-committed ingestion in two stages. Requests queue up (bounded: a full queue is an
 * {@link OverloadedException}, never memory growth). The preparing thread takes queued requests in small
 * steps (up to {@code footfall.ingest.max-events-per-prepare} events), drops repeats within the step and, while
 * duplicates are recent, events already in the log (durable dedup by event id: otherwise the append's unique event id
 * finds them), seals personal data and encodes each remaining event's stored row; the committing thread merges the
 * steps prepared so far into one group (up to {@code footfall.ingest.max-events-per-commit} events), takes the append
 * lock, appends the rows through Axon's event store in one unit of work with the rejected events, commits, and only
 * then completes the requests' futures. An id committed between the two stages fails the append on the log's unique
 * event id, and the group is committed again with the duplicate check under the lock, so every event is stored exactly
 * once. Steps are prepared while earlier ones commit (docs/adr/0014-pipelined-ingest-and-processing-priority.md); groups commit in queue order.
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
    @Inject
    io.footfall.core.store.ProcessingPriority priority;

    @ConfigProperty(name = "footfall.ingest.max-queued-events", defaultValue = "50000")
    long maxQueuedEvents;
    @ConfigProperty(name = "footfall.ingest.max-events-per-commit", defaultValue = "5000")
    int maxEventsPerCommit;
    /**
     * Events the preparing thread takes at a time (at least one request). Small steps let the committer start on the
     * first requests of a burst while the rest are prepared; the committer merges whatever is prepared into one commit
     * (up to {@link #maxEventsPerCommit}), so a deep queue still commits in large groups.
     */
    @ConfigProperty(name = "footfall.ingest.max-events-per-prepare", defaultValue = "500")
    int maxEventsPerPrepare;

    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    /** Prepared steps waiting for the committer, which merges those waiting into one commit. */
    private final java.util.concurrent.ArrayBlockingQueue<Prepared> prepared = new java.util.concurrent.ArrayBlockingQueue<>(PREPARED_DEPTH);
    static final int PREPARED_DEPTH = 8;
    private final AtomicLong queuedEvents = new AtomicLong();
    private final AtomicLong committedEvents = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private volatile boolean accepting;
    private volatile boolean running;
    private Thread preparer;
    private Thread committer;
    private PersonalDataCodec codec;

    private io.micrometer.core.instrument.Timer requestLatency;
    private io.micrometer.core.instrument.Timer commitTime;
    private io.micrometer.core.instrument.Timer prepareTime;
    private io.micrometer.core.instrument.Timer lockWait;
    private io.micrometer.core.instrument.DistributionSummary groupSize;
    private io.micrometer.core.instrument.Counter storedCounter;
    private io.micrometer.core.instrument.Counter duplicateCounter;
    private io.micrometer.core.instrument.Counter failedCounter;
    private io.micrometer.core.instrument.Counter racedDuplicates;
    /**
     * Ids the last successful commits appended (committing thread only), newest first. A step is prepared while up to
     * {@link #PREPARED_DEPTH} steps wait and one more commits, so its look-up cannot see their ids yet; they are dropped
     * here rather than found by a failing append, whose rolled-back indexes would stay in every processor's token as a
     * gap for up to a minute.
     */
    private final RecentIds recentlyAppended = new RecentIds(PREPARED_DEPTH + 1);
    /**
     * When a commit last met an id already in the log ({@link System#nanoTime}). Preparation looks a group's ids up in
     * the log only within {@link #LOOK_UP_WINDOW_NANOS} of that: otherwise the append itself is the check (the log's
     * unique event id), which saves PostgreSQL a second index probe per event. A group with a stored id then fails
     * its append once and is committed again with the look-up, and the look-up stays on while duplicates keep coming
     * (a client resending, a backfill run again).
     */
    private volatile long duplicateSeenAt;
    static final long LOOK_UP_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

    private record Job(List<BehaviorEvent> events, List<FailedEvent> failed, CompletableFuture<IngestOutcome> done, long queuedAt) {
        int size() {
            return events.size() + failed.size();
        }
    }

    /**
     * A group ready to commit: its requests and, in queue order, the first occurrence of every event id in the
     * group, sealed and encoded; or the failure that stopped its preparation.
     */
    private record Prepared(List<Job> jobs, List<EventMessage<?>> messages, Set<String> inLog, RuntimeException failure) {
        static final Prepared END = new Prepared(List.of(), List.of(), Set.of(), null);

        int size() {
            int size = 0;
            for (Job job : jobs) {
                size += job.size();
            }
            return size;
        }

        /**
         * Consecutive steps as one group: their requests in order, and each event id's first encoded occurrence (a
         * later step may repeat an id an earlier one holds, as a step only drops repeats within itself).
         */
        static Prepared merge(List<Prepared> steps) {
            List<Job> jobs = new ArrayList<>();
            List<EventMessage<?>> messages = new ArrayList<>();
            Set<String> inLog = new HashSet<>();
            Set<String> ids = new HashSet<>();
            for (Prepared step : steps) {
                jobs.addAll(step.jobs());
                inLog.addAll(step.inLog());
                for (EventMessage<?> m : step.messages()) {
                    if (ids.add(m.getIdentifier())) {
                        messages.add(m);
                    }
                }
            }
            return new Prepared(jobs, messages, inLog, null);
        }
    }

    /** What one commit stored: outcome per request, events appended, newest receivedAt appended. */
    private record Committed(List<IngestOutcome> outcomes, int appended, long newest) {
    }

    void start(@Observes @Priority(20) StartupEvent startup) {
        codec = new PersonalDataCodec(log.json());
        duplicateSeenAt = System.nanoTime() - 2 * LOOK_UP_WINDOW_NANOS;
        registerMetrics();
        running = true;
        accepting = true;
        committer = new Thread(this::commitLoop, "ingest-commit");
        preparer = new Thread(this::prepareLoop, "ingest-prepare");
        committer.start();
        preparer.start();
    }

    void stop(@Observes @Priority(1) ShutdownEvent shutdown) {
        accepting = false;
        running = false;
        try {
            // the preparer drains the queue and then tells the committer to stop
            for (Thread t : new Thread[] {preparer, committer}) {
                if (t != null) {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
                .description("time of one group commit (append lock, duplicate check, COPY, commit)")
                .publishPercentiles(0.5, 0.99).register(registry);
        lockWait = io.micrometer.core.instrument.Timer.builder("footfall.ingest.commit.lock.wait")
                .description("time a group commit waits for the log's append lock (held by other appends: plugin results, "
                        + "other instances)")
                .publishPercentiles(0.5, 0.99).register(registry);
        prepareTime = io.micrometer.core.instrument.Timer.builder("footfall.ingest.prepare")
                .description("time to prepare one step of a group (sealing personal data, encoding the stored rows)")
                .publishPercentiles(0.5, 0.99).register(registry);
        groupSize = io.micrometer.core.instrument.DistributionSummary.builder("footfall.ingest.group.commit.size")
                .baseUnit("events").description("events and rejected events in one group commit")
                .publishPercentiles(0.5, 0.99).register(registry);
        String events = "footfall.ingest.events";
        storedCounter = io.micrometer.core.instrument.Counter.builder(events).tag("outcome", "stored")
                .description("events handled by the ingest pipeline, by outcome").register(registry);
        duplicateCounter = io.micrometer.core.instrument.Counter.builder(events).tag("outcome", "duplicate").register(registry);
        failedCounter = io.micrometer.core.instrument.Counter.builder(events).tag("outcome", "failed").register(registry);
        racedDuplicates = io.micrometer.core.instrument.Counter.builder("footfall.ingest.commit.retried")
                .description("group commits done again with the duplicate check under the append lock, because an event id "
                        + "was committed between preparation and append").register(registry);
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

    /** Whether the pipeline takes requests and its two threads are alive. */
    public boolean healthy() {
        return accepting && preparer != null && preparer.isAlive() && committer != null && committer.isAlive();
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

    private void prepareLoop() {
        try {
            while (running || !queue.isEmpty()) {
                Job first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Job> group = new ArrayList<>();
                group.add(first);
                int events = first.size();
                Job next;
                int step = Math.min(maxEventsPerPrepare, maxEventsPerCommit);
                while (events < step && (next = queue.peek()) != null && events + next.size() <= step) {
                    group.add(queue.poll());
                    events += next.size();
                }
                Prepared ready;
                try {
                    ready = prepare(group);
                } catch (SQLException | RuntimeException e) {
                    ready = new Prepared(group, List.of(), Set.of(), e instanceof RuntimeException r ? r : new IllegalStateException(e));
                }
                prepared.put(ready);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                prepared.put(Prepared.END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void commitLoop() {
        boolean ending = false;
        while (!ending) {
            Prepared group;
            try {
                group = prepared.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (group == Prepared.END) {
                return;
            }
            if (group.failure() == null) {
                // merge the steps prepared meanwhile into this commit, in queue order
                List<Prepared> steps = null;
                int events = group.size();
                Prepared next;
                while ((next = prepared.peek()) != null && next.failure() == null
                        && (next == Prepared.END || events + next.size() <= maxEventsPerCommit)) {
                    prepared.poll();
                    if (next == Prepared.END) {
                        ending = true;
                        break;
                    }
                    if (steps == null) {
                        steps = new ArrayList<>();
                        steps.add(group);
                    }
                    steps.add(next);
                    events += next.size();
                }
                if (steps != null) {
                    group = Prepared.merge(steps);
                }
            }
            try {
                if (group.failure() != null) {
                    throw group.failure();
                }
                commit(group);
            } catch (RuntimeException e) {
                LOG.errorf("ingest commit of %d requests failed: %s", group.jobs().size(), io.footfall.core.config.SafeErrors.describe(e));
                group.jobs().forEach(j -> j.done().completeExceptionally(e));
            } finally {
                group.jobs().forEach(j -> queuedEvents.addAndGet(-j.size()));
            }
        }
    }

    /**
     * Seals and encodes the first occurrence of every event id in the group that is not in the log yet, as far as
     * preparation knows: it looks the ids up only while duplicates are recent ({@link #duplicateSeenAt}); otherwise
     * the append finds any stored id. Looking the ids up here, outside the append lock, takes that query off the
     * commit's critical path: an id committed since
     * (by another writer, or by the group committing now) makes the append fail on the log's unique event id, and
     * the commit then checks again under the lock ({@link #commit}). Ids found here are in the log for good (it is
     * append-only), so their events are neither sealed nor encoded. Subject keys are created (and committed) here,
     * before the events: a key whose events turn out to be duplicates stays unused, which is harmless, while events
     * are never stored without their key.
     */
    private Prepared prepare(List<Job> group) throws SQLException {
        long started = System.nanoTime();
        Set<String> seen = new HashSet<>();
        List<BehaviorEvent> firsts = new ArrayList<>();
        for (Job job : group) {
            for (BehaviorEvent e : job.events()) {
                if (seen.add(e.eventId())) {
                    firsts.add(e);
                }
            }
        }
        Set<String> inLog = Set.of();
        List<Unsealed> splits = new ArrayList<>(firsts.size());
        Set<String> subjects = new HashSet<>();
        Map<String, SecretKey> keys = Map.of();
        boolean lookUp = System.nanoTime() - duplicateSeenAt < LOOK_UP_WINDOW_NANOS;
        try (Connection connection = dataSource.getConnection()) {
            if (lookUp) {
                inLog = alreadyStored(connection, firsts.stream().map(BehaviorEvent::eventId).toList());
            }
            for (BehaviorEvent e : firsts) {
                if (!inLog.contains(e.eventId())) {
                    PersonalDataCodec.Split split = codec.split(e);
                    String subject = split.personal() == null ? null : subjectOf(e);
                    splits.add(new Unsealed(split, subject));
                    if (subject != null) {
                        subjects.add(subject);
                    }
                }
            }
            if (!subjects.isEmpty()) {
                keys = vault.keysFor(connection, subjects);
            }
        }
        vault.remember(keys);
        SealedPersonalData[] sealed = sealBySubject(splits, keys);
        List<EventMessage<?>> messages = new ArrayList<>(splits.size());
        for (int i = 0; i < splits.size(); i++) {
            BehaviorEvent e = splits.get(i).split().event();
            messages.add(log.encode(new GenericEventMessage<>(e.eventId(), new RecordedBehavior(e, sealed[i]),
                    MetaData.emptyInstance(), e.receivedAt())));
        }
        prepareTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        return new Prepared(group, messages, inLog, null);
    }

    /** An event split from its personal data, and the subject whose key seals that data (null: nothing to seal). */
    private record Unsealed(PersonalDataCodec.Split split, String subject) {
    }

    /**
     * The sealed personal data of each split (null where it has none), sealed one subject after the other: a cipher
     * expands its key only when the key changes, and a step often holds several events of one person, while in queue
     * order their keys alternate (expanding the key was a third of sealing).
     */
    private SealedPersonalData[] sealBySubject(List<Unsealed> splits, Map<String, SecretKey> keys) {
        SealedPersonalData[] sealed = new SealedPersonalData[splits.size()];
        List<Integer> order = new ArrayList<>(splits.size());
        for (int i = 0; i < splits.size(); i++) {
            if (splits.get(i).subject() != null) {
                order.add(i);
            }
        }
        order.sort(java.util.Comparator.comparing(i -> splits.get(i).subject()));
        for (int i : order) {
            Unsealed u = splits.get(i);
            sealed[i] = vault.seal(u.subject(), keys.get(u.subject()), u.split().personal());
        }
        return sealed;
    }

    /**
     * Commits a prepared group and completes its requests. The fast path appends what preparation found missing from
     * the log; when an id was committed in between, the append fails on the log's unique event id, nothing of it is
     * kept, and the group is committed again with the ids checked under the append lock (ADR 0012, ADR 0014).
     */
    private void commit(Prepared prepared) {
        List<Job> group = prepared.jobs();
        long started = System.nanoTime();
        Committed done;
        try {
            done = commitOnce(prepared, false);
        } catch (RuntimeException e) {
            if (!uniqueViolation(e)) {
                throw e;
            }
            racedDuplicates.increment();
            duplicateSeenAt = System.nanoTime();
            done = commitOnce(prepared, true);
        }
        commits.incrementAndGet();
        committedEvents.addAndGet(done.appended());
        if (done.newest() != Long.MIN_VALUE) {
            priority.committed(done.newest());
        }
        long now = System.nanoTime();
        commitTime.record(now - started, TimeUnit.NANOSECONDS);
        int size = 0;
        for (int i = 0; i < group.size(); i++) {
            Job job = group.get(i);
            IngestOutcome outcome = done.outcomes().get(i);
            size += job.size();
            storedCounter.increment(outcome.stored());
            duplicateCounter.increment(outcome.duplicates());
            failedCounter.increment(outcome.failed());
            requestLatency.record(now - job.queuedAt(), TimeUnit.NANOSECONDS);
            job.done().complete(outcome);
        }
        groupSize.record(size);
    }

    /** One attempt: append lock, (optionally) the duplicate check, COPY, rejected events, commit. */
    private Committed commitOnce(Prepared prepared, boolean checkUnderLock) {
        List<Job> group = prepared.jobs();
        UnitOfWork<?> uow = DefaultUnitOfWork.startAndGet(GenericEventMessage.asEventMessage("ingest"));
        List<IngestOutcome> outcomes = new ArrayList<>(group.size());
        long newest = Long.MIN_VALUE;
        List<EventMessage<?>> appendedMessages;
        try {
            uow.attachTransaction(log.transactions());
            try (Connection connection = dataSource.getConnection()) {
                // appends are serialised across writers and instances (ADR 0012); under this lock the log only grows by us
                long waiting = System.nanoTime();
                io.footfall.core.store.CopyEventStorageEngine.lockAppends(connection);
                lockWait.record(System.nanoTime() - waiting, TimeUnit.NANOSECONDS);
                Set<String> inLog = prepared.inLog();
                List<EventMessage<?>> fresh = prepared.messages();
                // ids stored since preparation looked them up: by this thread's last appends (PREPARED_DEPTH + 1 of them), and under the lock by anyone
                Set<String> dropped = new HashSet<>();
                for (EventMessage<?> m : fresh) {
                    if (recentlyAppended.contains(m.getIdentifier())) {
                        dropped.add(m.getIdentifier());
                    }
                }
                if (checkUnderLock) {
                    dropped.addAll(alreadyStored(connection, fresh.stream().map(EventMessage::getIdentifier)
                            .filter(id -> !dropped.contains(id)).toList()));
                }
                if (!dropped.isEmpty()) {
                    inLog = new HashSet<>(inLog);
                    inLog.addAll(dropped);
                    fresh = fresh.stream().filter(m -> !dropped.contains(m.getIdentifier())).toList();
                }
                if (!inLog.isEmpty()) {
                    duplicateSeenAt = System.nanoTime();
                }
                Set<String> seen = new HashSet<>();
                for (Job job : group) {
                    int stored = 0;
                    for (BehaviorEvent e : job.events()) {
                        if (!inLog.contains(e.eventId()) && seen.add(e.eventId())) {
                            stored++;
                        }
                    }
                    outcomes.add(new IngestOutcome(stored, job.events().size() - stored, job.failed().size()));
                }
                if (!fresh.isEmpty()) {
                    log.publish(fresh);
                    newest = fresh.stream().mapToLong(m -> m.getTimestamp().toEpochMilli()).max().getAsLong();
                }
                int[] failedStored = storeFailed(connection, group);
                for (int i = 0; i < group.size(); i++) {
                    IngestOutcome o = outcomes.get(i);
                    outcomes.set(i, new IngestOutcome(o.stored(), o.duplicates(), failedStored[i]));
                }
                appendedMessages = fresh;
            }
            uow.commit();
        } catch (SQLException | RuntimeException e) {
            if (uow.isActive()) {
                uow.rollback(e);
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        // the profile projection reads these rows next: it finds their payloads decoded already
        log.committed(appendedMessages);
        recentlyAppended.add(appendedMessages.stream().map(EventMessage::getIdentifier).toList());
        return new Committed(outcomes, appendedMessages.size(), newest);
    }

    /** Whether the failure is a unique-key violation (SQLSTATE 23505) of the log, anywhere in its causes. */
    private static boolean uniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> alreadyStored(Connection connection, List<String> ids) throws SQLException {
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

    /** The identifier whose key seals an event's personal data. */
    public static String subjectOf(BehaviorEvent e) {
        String user = Identifiers.user(e.userId());
        return user != null ? user : Identifiers.anonymous(e.anonymousId());
    }

    /**
     * Stores the group's failed events; returns, per request, how many were newly stored. A failed event whose
     * origin key is stored already (a Kafka record read again) is not stored, nor counted, twice. The count is
     * exact because the append lock, held by this transaction, serialises every writer's failed events.
     */
    private static int[] storeFailed(Connection connection, List<Job> group) throws SQLException {
        int[] stored = new int[group.size()];
        if (group.stream().allMatch(j -> j.failed().isEmpty())) {
            return stored;
        }
        // executeBatch's update counts cannot tell (reWriteBatchedInserts answers SUCCESS_NO_INFO): look the keys up
        Set<String> known = storedOriginKeys(connection, group);
        for (int i = 0; i < group.size(); i++) {
            for (FailedEvent f : group.get(i).failed()) {
                if (f.originKey() == null || known.add(f.originKey())) {
                    stored[i]++;
                }
            }
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
                    insert.setString(4, truncate(f.field(), 200));
                    insert.setString(5, truncate(f.message(), 1000));
                    insert.setString(6, f.subject());
                    insert.setString(7, f.raw());
                    insert.setString(8, f.originKey());
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
        return stored;
    }

    /** The origin keys of the group's failed events that are stored already. */
    private static Set<String> storedOriginKeys(Connection connection, List<Job> group) throws SQLException {
        List<String> keys = new ArrayList<>();
        group.forEach(j -> j.failed().forEach(f -> {
            if (f.originKey() != null) {
                keys.add(f.originKey());
            }
        }));
        Set<String> found = new HashSet<>();
        if (keys.isEmpty()) {
            return found;
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT origin_key FROM failed_event WHERE origin_key = ANY (?)")) {
            select.setArray(1, connection.createArrayOf("varchar", keys.toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        }
        return found;
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
