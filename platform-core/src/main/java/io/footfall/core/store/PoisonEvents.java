package io.footfall.core.store;

import io.footfall.core.config.SafeErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;
import javax.sql.DataSource;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.ErrorContext;
import org.axonframework.eventhandling.ErrorHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.jboss.logging.Logger;

/**
 * Keeps one poison event from stopping a projection for good (ADR 0023). A projection's processor retries a failed batch
 * forever; when the same batch fails a second time, this error handler looks for the event it fails on by dry runs:
 * the batch's prefixes folded in transactions that are always rolled back, bisected to the shortest prefix that fails.
 * When the prefix without that event passes and the prefix with it fails, and the failure is not one that passes by
 * itself (a lost connection, a deadlock, a serialisation failure, a full disk), the event is parked in
 * {@link ProjectionDeadLetters} and the processor, which still retries the batch, skips it from then on. Any other
 * failure is retried as before.
 *
 * <p>A projection's later events of the same person are still folded: the profile goes on without the parked event,
 * and a replay (after a fix) folds it in its place. Plugins have dead letters of their own, per batch.
 */
public final class PoisonEvents {

    private static final Logger LOG = Logger.getLogger(PoisonEvents.class);
    private static final String SKIPPED = PoisonEvents.class.getName() + ".skipped";
    /** SQL state classes of failures that pass by themselves: connection, rollback, resources, operator, system. */
    private static final Set<String> TRANSIENT_STATES = Set.of("08", "40", "53", "55", "57", "58", "XX");

    private final String processor;
    private final ProjectionDeadLetters letters;
    private final TransactionManager transactions;
    private final DataSource dataSource;
    private final SimpleEventHandlerInvoker invoker;
    /** Failures in a row per batch start, to give a failure one retry before looking for a poison event. */
    private final Map<Long, Integer> failures = new ConcurrentHashMap<>();
    /** The segment each processor thread last folded, for the dry runs (projections may key buffers by segment). */
    private final ThreadLocal<Object> segment = new ThreadLocal<>();

    /**
     * @param processor    the projection's processor name
     * @param handler      the object whose {@code @EventHandler} methods fold the events
     * @param letters      where parked events are kept
     * @param transactions the processor's transactions
     * @param dataSource   the database
     */
    public PoisonEvents(String processor, Object handler, ProjectionDeadLetters letters, TransactionManager transactions,
                        DataSource dataSource) {
        this.processor = processor;
        this.letters = letters;
        this.transactions = transactions;
        this.dataSource = dataSource;
        this.invoker = SimpleEventHandlerInvoker.builder().eventHandlers(List.of(handler)).build();
    }

    /** The interceptor that skips parked events: the positions are read once per batch, in the batch's transaction. */
    public MessageHandlerInterceptor<EventMessage<?>> skipper() {
        return (uow, chain) -> {
            UnitOfWork<?> root = uow.root();
            segment.set(root.getResource(segmentResource()));
            Set<Long> skipped = root.getOrComputeResource(SKIPPED, key -> {
                try (Connection c = dataSource.getConnection()) {
                    return letters.skipped(c, processor);
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot read the dead letters of " + processor, e);
                }
            });
            if (!skipped.isEmpty() && skipped.contains(position(uow.getMessage()))) {
                return null;
            }
            return chain.proceed();
        };
    }

    /** The processor's error handler: looks for a poison event on a batch's second failure, then rethrows. */
    public ErrorHandler errorHandler() {
        return this::handleError;
    }

    private void handleError(ErrorContext context) throws Exception {
        try {
            isolate(context.failedEvents(), context.error());
        } catch (RuntimeException e) {
            LOG.warnf("projection %s: could not look for a poison event: %s", processor, SafeErrors.describe(e));
        }
        // the processor retries the batch, without the event if it was parked
        Throwable error = context.error();
        if (error instanceof Error e) {
            throw e;
        }
        throw error instanceof Exception e ? e : new IllegalStateException(error);
    }

    private void isolate(List<? extends EventMessage<?>> failed, Throwable error) {
        if (transientFailure(error) || CurrentUnitOfWork.isStarted() || Thread.currentThread().isInterrupted()) {
            return;
        }
        Set<Long> skipped = letters.skipped(processor);
        List<TrackedEventMessage<?>> events = new ArrayList<>();
        for (EventMessage<?> message : failed) {
            long position = position(message);
            if (position >= 0 && !skipped.contains(position)) {
                events.add((TrackedEventMessage<?>) message);
            }
        }
        if (events.isEmpty()) {
            return;
        }
        long start = position(events.get(0));
        if (failures.size() > 1000) {
            failures.clear();
        }
        if (failures.merge(start, 1, Integer::sum) < 2) {
            return; // the first failure of this batch: retried once before anything is parked
        }
        if (dryRun(events) == null) {
            return; // the batch folds now: the failure passed
        }
        int k = firstFailing(events.size(), n -> dryRun(events.subList(0, n)) != null);
        // confirm, so that a database that failed during the bisection does not blame an event
        Throwable cause = dryRun(events.subList(0, k));
        if (cause == null || transientFailure(cause) || (k > 1 && dryRun(events.subList(0, k - 1)) != null)) {
            return;
        }
        TrackedEventMessage<?> poison = events.get(k - 1);
        letters.park(processor, position(poison), poison.getIdentifier(), typeOf(poison), SafeErrors.describe(cause));
        failures.remove(start);
        LOG.warnf("projection %s fails on the event at position %d every time (%s): parked as a dead letter and skipped; "
                + "GET /api/v1/projections/%s/dead-letters lists it, a replay tries it again", processor, position(poison),
                SafeErrors.describe(cause), processor);
    }

    /**
     * The smallest {@code k} in {@code 1..n} for which {@code fails(k)} holds, given that {@code fails(n)} holds and that
     * {@code fails} is monotone (a prefix that fails fails when longer). Calls {@code fails} about log2(n) times.
     */
    static int firstFailing(int n, IntPredicate fails) {
        int low = 1;
        int high = n;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (fails.test(middle)) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }

    /**
     * Folds the events as the processor would, in a transaction that is always rolled back: the unit of work fails on
     * purpose after the projection's own pre-commit work (its batched writes), so that no after-commit step runs.
     *
     * @return null when the fold passed, else why it failed
     */
    private Throwable dryRun(List<TrackedEventMessage<?>> events) {
        Transaction transaction = transactions.startTransaction();
        try {
            BatchingUnitOfWork<EventMessage<?>> uow = new BatchingUnitOfWork<>(new ArrayList<>(events));
            Object seg = segment.get();
            if (seg != null) {
                uow.resources().put(segmentResource(), seg);
            }
            Throwable failure;
            try {
                var result = uow.executeWithResult(() -> {
                    invoker.handle(uow.getMessage(), Segment.ROOT_SEGMENT);
                    if (uow.isLastMessage()) {
                        uow.onPrepareCommit(u -> {
                            throw new DryRunPassed();
                        });
                    }
                    return null;
                }, RollbackConfigurationType.ANY_THROWABLE);
                failure = result.isExceptional() ? result.exceptionResult() : new IllegalStateException("the dry run committed");
            } catch (Exception e) {
                failure = e;
            }
            return passed(failure) ? null : failure;
        } finally {
            transaction.rollback();
        }
    }

    private static boolean passed(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DryRunPassed) {
                return true;
            }
        }
        return false;
    }

    /** Whether a failure is of a kind that passes by itself, so retrying is right and parking wrong. */
    static boolean transientFailure(Throwable error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof java.sql.SQLTransientException || t instanceof java.sql.SQLRecoverableException
                    || t instanceof InterruptedException || t instanceof jakarta.persistence.LockTimeoutException
                    || t instanceof jakarta.persistence.PessimisticLockException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().length() >= 2
                    && TRANSIENT_STATES.contains(sql.getSQLState().substring(0, 2))) {
                return true;
            }
        }
        return false;
    }

    private String segmentResource() {
        return "Processor[" + processor + "]/SegmentId";
    }

    private static long position(EventMessage<?> message) {
        return message instanceof TrackedEventMessage<?> tracked ? tracked.trackingToken().position().orElse(-1L) : -1L;
    }

    private static String typeOf(EventMessage<?> message) {
        return message.getPayload() instanceof RecordedBehavior recorded ? recorded.event().typeLabel()
                : message.getPayloadType().getSimpleName();
    }

    /** Thrown at the end of a dry run's pre-commit work, so that its unit of work rolls back. */
    private static final class DryRunPassed extends RuntimeException {
        DryRunPassed() {
            super("dry run passed", null, false, false);
        }
    }
}
