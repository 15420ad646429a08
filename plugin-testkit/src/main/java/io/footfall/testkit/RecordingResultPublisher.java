package io.footfall.testkit;

import io.footfall.api.plugin.ResultPublisher;
import io.footfall.api.result.AssociationRule;
import io.footfall.api.result.Forecast;
import io.footfall.api.result.RankedItems;
import io.footfall.api.result.ReportTable;
import io.footfall.api.result.Result;
import io.footfall.api.result.ResultType;
import io.footfall.api.result.SegmentMembership;
import io.footfall.api.result.UserScore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@link ResultPublisher} that keeps what a plugin publishes, in order.
 *
 * <p>Like the host, it refuses (with an {@link UndeclaredResultException}) a result whose type the
 * descriptor does not declare in {@code produces}; it also refuses a null result and a {@link ReportTable} cell
 * that is not a string, number or boolean (what the table's contract allows). Between {@link #begin()} and
 * {@link #commit()} results are pending; {@link #rollback()} discards them, as the host does for a batch
 * that fails.
 *
 * <p>{@link #latest()} is the serving view: the newest result per type and key.
 *
 * @since 0.1
 */
public final class RecordingResultPublisher implements ResultPublisher {

    /** A result of a type the plugin did not declare in {@code produces}. */
    public static final class UndeclaredResultException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        /** An exception for this result type. */
        public UndeclaredResultException(ResultType type, Set<ResultType> declared) {
            super("result type " + type + " is not declared in the descriptor's produces " + declared);
        }
    }

    private final Set<ResultType> declared;
    private final List<Result> published = new ArrayList<>();
    private final List<Result> rejected = new ArrayList<>();
    private List<Result> pending;

    /** A publisher accepting these result types. */
    public RecordingResultPublisher(Set<ResultType> declared) {
        this.declared = Set.copyOf(declared);
    }

    @Override
    public synchronized void publish(List<? extends Result> results) {
        Objects.requireNonNull(results, "results");
        for (Result r : results) {
            if (r == null) {
                throw new IllegalArgumentException("null result");
            }
            if (!declared.contains(r.type())) {
                rejected.add(r);
                throw new UndeclaredResultException(r.type(), declared);
            }
            Objects.requireNonNull(r.key(), "result key");
            if (r instanceof ReportTable table) {
                for (List<Object> row : table.rows()) {
                    for (Object cell : row) {
                        if (!(cell instanceof String || cell instanceof Number || cell instanceof Boolean)) {
                            throw new IllegalArgumentException("report table " + table.name()
                                    + ": cells must be strings, numbers or booleans, not " + cell);
                        }
                    }
                }
            }
        }
        (pending != null ? pending : published).addAll(results);
    }

    /** Starts collecting pending results. */
    public synchronized void begin() {
        if (pending != null) {
            throw new IllegalStateException("a transaction is already open");
        }
        pending = new ArrayList<>();
    }

    /** Keeps the pending results. */
    public synchronized void commit() {
        if (pending == null) {
            throw new IllegalStateException("no open transaction");
        }
        published.addAll(pending);
        pending = null;
    }

    /** Discards the pending results. */
    public synchronized void rollback() {
        pending = null;
    }

    /** Forgets every published and rejected result. */
    public synchronized void clear() {
        published.clear();
        rejected.clear();
        pending = null;
    }

    /** The declared result types. */
    public Set<ResultType> declared() {
        return declared;
    }

    /** Every committed result, in publication order. */
    public synchronized List<Result> all() {
        return List.copyOf(published);
    }

    /** Results that were refused because their type was not declared. */
    public synchronized List<Result> rejected() {
        return List.copyOf(rejected);
    }

    /** Number of committed results. */
    public synchronized int size() {
        return published.size();
    }

    /** Committed results of one class, in publication order. */
    public synchronized <T extends Result> List<T> ofType(Class<T> type) {
        return published.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The serving view: the newest committed result per type and key, sorted by type and key. */
    public synchronized Map<ResultKey, Result> latest() {
        Map<ResultKey, Result> out = new TreeMap<>();
        for (Result r : published) {
            out.put(ResultKey.of(r), r);
        }
        return Collections.unmodifiableMap(out);
    }

    /** The newest committed result of one class per key, sorted by key. */
    public synchronized <T extends Result> Map<String, T> latest(Class<T> type) {
        Map<String, T> out = new TreeMap<>();
        for (Result r : published) {
            if (type.isInstance(r)) {
                out.put(r.key(), type.cast(r));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The newest committed result of one class with this key. */
    public synchronized <T extends Result> Optional<T> latest(Class<T> type, String key) {
        for (int i = published.size() - 1; i >= 0; i--) {
            Result r = published.get(i);
            if (type.isInstance(r) && r.key().equals(key)) {
                return Optional.of(type.cast(r));
            }
        }
        return Optional.empty();
    }

    /** All committed {@link UserScore}s. */
    public List<UserScore> userScores() {
        return ofType(UserScore.class);
    }

    /** All committed {@link RankedItems}. */
    public List<RankedItems> rankedItems() {
        return ofType(RankedItems.class);
    }

    /** The newest {@link RankedItems} of a list for a user. */
    public Optional<RankedItems> rankedItemsFor(String list, String userId) {
        return latest(RankedItems.class, new RankedItems(list, userId, null, List.of()).key());
    }

    /** All committed {@link SegmentMembership}s. */
    public List<SegmentMembership> segmentMemberships() {
        return ofType(SegmentMembership.class);
    }

    /** All committed {@link AssociationRule}s. */
    public List<AssociationRule> associationRules() {
        return ofType(AssociationRule.class);
    }

    /** All committed {@link Forecast}s. */
    public List<Forecast> forecasts() {
        return ofType(Forecast.class);
    }

    /** All committed {@link ReportTable}s. */
    public List<ReportTable> reportTables() {
        return ofType(ReportTable.class);
    }

    /** The newest {@link ReportTable} with this name. */
    public Optional<ReportTable> reportTable(String name) {
        return latest(ReportTable.class, name);
    }
}
