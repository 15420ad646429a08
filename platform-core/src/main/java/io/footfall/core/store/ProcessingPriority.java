package io.footfall.core.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Who folds first when processors share the cores with ingest: the profile projection (primary) goes before the
 * contributed projections and the plugins (secondary). While the profile projection is more than
 * {@code footfall.processing.primary-lag} behind this instance's own ingest (the newest event it committed against
 * the newest event whose profile is committed), secondary processors do not take new events, for at most
 * {@code footfall.processing.max-deferral} at a time; then one batch passes and they wait again. So under a load the
 * cores cannot fold entirely, profiles stay fresh and the secondaries catch up when the load eases, instead of every
 * processor falling behind together. An instance that does not ingest, or whose profile processor runs elsewhere or
 * replays, never defers anything. See docs/adr/0014-pipelined-ingest-and-processing-priority.md.
 */
@ApplicationScoped
public class ProcessingPriority {

    @Inject
    EventLog log;
    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @ConfigProperty(name = "footfall.processing.secondary-yield", defaultValue = "true")
    boolean enabled;
    @ConfigProperty(name = "footfall.processing.primary-lag", defaultValue = "PT0.25S")
    Duration primaryLag;
    @ConfigProperty(name = "footfall.processing.max-deferral", defaultValue = "PT30S")
    Duration maxDeferral;
    @ConfigProperty(name = "footfall.processing.secondary-nice", defaultValue = "10")
    int secondaryNice;

    /** Epoch millis of the newest receivedAt this instance's ingest committed. */
    private final AtomicLong newestCommitted = new AtomicLong(Long.MIN_VALUE);
    /** Epoch millis of the newest receivedAt whose profile this instance committed. */
    private final AtomicLong newestFolded = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong deferrals = new AtomicLong();
    private volatile long primaryCheckedAt;
    private volatile boolean primaryHere;
    /** Whether the profile processor runs here, undisturbed; the event log's processor status unless a test sets it. */
    private final java.util.function.BooleanSupplier primaryRunsHere;

    ProcessingPriority() {
        this.primaryRunsHere = this::profileProcessorRunsHere;
    }

    /** For tests: the given settings, and whether the profile processor runs here. */
    ProcessingPriority(Duration primaryLag, Duration maxDeferral, java.util.function.BooleanSupplier primaryRunsHere) {
        this.enabled = true;
        this.secondaryNice = 10;
        this.primaryLag = primaryLag;
        this.maxDeferral = maxDeferral;
        this.primaryRunsHere = primaryRunsHere;
    }

    void registerMetrics(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent startup) {
        io.micrometer.core.instrument.FunctionCounter.builder("footfall.processing.secondary.deferrals", deferrals, AtomicLong::get)
                .description("times a plugin or contributed projection held back because the profile projection lagged ingest")
                .register(registry);
    }

    /**
     * The task, run on a thread of secondary work (a contributed projection's or plugin's processor, a training job):
     * the thread first lowers its operating-system priority to {@code footfall.processing.secondary-nice} (default
     * 10; 0 leaves it alone), so the scheduler serves ingest and the profile projection first ({@link ThreadNiceness}).
     */
    public Runnable secondaryThread(Runnable task) {
        int nice = enabled ? secondaryNice : 0;
        return () -> {
            ThreadNiceness.lowerCurrentThread(nice);
            task.run();
        };
    }

    /** Starts threads of secondary work, so that they inherit its lowered priority; created on first use. */
    private volatile java.util.concurrent.ExecutorService starter;

    /**
     * Starts a thread that runs secondary work for a short while (one plugin call) at the secondary priority. Linux
     * threads inherit the nice value of the thread that starts them, and lowering it costs a process start
     * ({@link ThreadNiceness}), so one long-lived, lowered starter thread starts them all. A plugin's processor thread
     * itself stays at normal priority: it holds the log's append lock from its results' append until its commit, and a
     * starved holder would make ingest wait (priority inversion, ADR 0014); only the plugin's own code runs lowered.
     */
    public void startSecondary(Thread thread) {
        int nice = enabled ? secondaryNice : 0;
        if (nice <= 0) {
            thread.start();
            return;
        }
        java.util.concurrent.ExecutorService s = starter;
        if (s == null) {
            synchronized (this) {
                s = starter;
                if (s == null) {
                    s = java.util.concurrent.Executors.newSingleThreadExecutor(
                            r -> ProcessingThreads.named("secondary-starter", true).newThread(secondaryThread(r)));
                    starter = s;
                }
            }
        }
        java.util.concurrent.CompletableFuture.runAsync(thread::start, s).join();
    }

    /** Ingest committed events received up to this instant. */
    public void committed(long receivedAtMillis) {
        newestCommitted.accumulateAndGet(receivedAtMillis, Math::max);
    }

    /** The profile projection committed the profiles of events received up to this instant. */
    public void folded(long receivedAtMillis) {
        newestFolded.accumulateAndGet(receivedAtMillis, Math::max);
    }

    /** Times a secondary processor held back because the profile projection was behind. */
    public long deferrals() {
        return deferrals.get();
    }

    /** Whether secondary processors should hold back now. */
    public boolean primaryBehind() {
        if (!enabled) {
            return false;
        }
        long committed = newestCommitted.get();
        if (committed == Long.MIN_VALUE || committed - newestFolded.get() <= primaryLag.toMillis()) {
            return false;
        }
        return primaryFoldsHere();
    }

    /** Whether this instance's profile processor holds a segment and is not replaying (checked once a second). */
    private boolean primaryFoldsHere() {
        long now = System.nanoTime();
        if (primaryCheckedAt == 0 || now - primaryCheckedAt > TimeUnit.SECONDS.toNanos(1)) {
            primaryHere = primaryRunsHere.getAsBoolean();
            primaryCheckedAt = now;
        }
        return primaryHere;
    }

    private boolean profileProcessorRunsHere() {
        return log.processor(EventLog.PROFILES).map(p -> {
            var status = p.processingStatus();
            return !status.isEmpty() && status.values().stream().noneMatch(s -> s.isReplaying() || s.isErrorState());
        }).orElse(false);
    }

    /** The source, as a secondary processor should read it: holding back while {@link #primaryBehind()}. */
    public StreamableMessageSource<TrackedEventMessage<?>> secondary(StreamableMessageSource<TrackedEventMessage<?>> source) {
        return new ForwardingSource(source) {
            @Override
            protected BlockingStream<TrackedEventMessage<?>> wrap(BlockingStream<TrackedEventMessage<?>> stream, TrackingToken token) {
                return new YieldingStream(stream);
            }
        };
    }

    /** A stream that reports nothing available while the primary is behind, up to the maximum deferral. */
    private final class YieldingStream extends ForwardingStream {
        private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
        /** How long a batch may go on taking events once its deferral ran out. */
        private static final long PASS_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
        private boolean deferring;
        private long deferringSince;
        private boolean passing;
        private long passUntil;

        YieldingStream(BlockingStream<TrackedEventMessage<?>> delegate) {
            super(delegate);
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            long now = System.nanoTime();
            long deadline = now + unit.toNanos(timeout);
            if (passing && now - passUntil >= 0) {
                passing = false;
            }
            while (!passing && primaryBehind()) {
                if (!deferring) {
                    deferring = true;
                    deferringSince = now;
                    deferrals.incrementAndGet();
                }
                if (now - deferringSince >= maxDeferral.toNanos()) {
                    // one batch goes through, then the deferral starts again
                    passing = true;
                    passUntil = now + PASS_NANOS;
                    break;
                }
                if (now - deadline >= 0) {
                    return false;
                }
                LockSupport.parkNanos(Math.min(PAUSE_NANOS, deadline - now));
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                now = System.nanoTime();
            }
            deferring = false;
            long left = Math.max(0, deadline - now);
            return delegate.hasNextAvailable((int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left)), TimeUnit.MILLISECONDS);
        }
    }
}
