package io.footfall.reporting;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.core.privacy.ErasedSubjects;
import io.footfall.core.store.Projection;
import io.footfall.core.store.RecordedBehavior;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The reporting read models, kept current by the tracking processor {@value #NAME}. One processor batch is one
 * transaction with the processor's token: the persons it touches are read with one query, every event is folded in
 * memory ({@link ReportFold}), and each table's deltas are written with one batched upsert (rewritten by the driver
 * into multi-row statements) when the unit of work commits.
 */
@Singleton
public class ReportingProjection implements Projection {

    /** Processor name. */
    public static final String NAME = "reporting";
    /** Tables of the read model, cleared on replay. */
    static final List<String> TABLES = List.of("report_counter", "report_person", "report_user_day", "report_user_step",
            "report_affinity", "report_product_day", "report_product", "report_search_day");

    private static final String BATCH = ReportingProjection.class.getName() + ".batch";

    @Inject
    DataSource dataSource;
    @Inject
    ErasedSubjects erased;

    @ConfigProperty(name = "footfall.reports.batch-size", defaultValue = "1000")
    int batchSize;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Object handler() {
        return this;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public void clear() {
        try (Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.executeUpdate("TRUNCATE " + String.join(", ", TABLES));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot clear the reporting read model", e);
        }
    }

    @Override
    public void erase(Connection c, Set<String> identifiers) throws SQLException {
        Object[] ids = identifiers.toArray();
        for (String table : List.of("report_person", "report_user_day", "report_user_step", "report_affinity")) {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE person = ANY (?)")) {
                s.setArray(1, c.createArrayOf("varchar", ids));
                s.executeUpdate();
            }
        }
    }

    /** Folds one behaviour event into the batch. */
    @EventHandler
    public void on(RecordedBehavior recorded, TrackingToken token) {
        BehaviorEvent event = recorded.event();
        if (isErased(event)) {
            return;
        }
        Batch batch = batch();
        long position = token.position().orElse(-1L);
        if (position >= 0 && !batch.positions.add(position)) {
            // a replaying processor can hand the same event twice in one batch; count it once
            return;
        }
        batch.fold.fold(event);
    }

    private boolean isErased(BehaviorEvent e) {
        return (e.userId() != null && erased.contains("user:" + e.userId()))
                || (e.anonymousId() != null && erased.contains("anon:" + e.anonymousId()));
    }

    private Batch batch() {
        UnitOfWork<?> uow = CurrentUnitOfWork.get().root();
        return uow.getOrComputeResource(BATCH, key -> {
            Batch b = new Batch();
            if (uow instanceof BatchingUnitOfWork<?> batching) {
                b.prefetch(batching.getMessages());
            }
            uow.onPrepareCommit(u -> b.flush());
            return b;
        });
    }

    /** One processor batch: the persons it touches, loaded up front, and the fold's deltas. */
    private final class Batch {
        final Map<String, ReportFold.Person> loaded = new HashMap<>();
        final Set<String> prefetched = new HashSet<>();
        final Set<Long> positions = new HashSet<>();
        final ReportFold fold = new ReportFold(this::load);

        void prefetch(List<? extends Message<?>> messages) {
            Set<String> ids = new HashSet<>();
            for (Message<?> m : messages) {
                if (m.getPayload() instanceof RecordedBehavior r) {
                    ids.add(ReportFold.personOf(r.event()));
                }
            }
            read(ids);
        }

        ReportFold.Person load(String id) {
            if (!prefetched.contains(id)) {
                read(Set.of(id));
            }
            return loaded.get(id);
        }

        private void read(Set<String> ids) {
            if (ids.isEmpty()) {
                return;
            }
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                    "SELECT person, first_day, first_at, last_at, session_id, pending_query, pending_at FROM report_person WHERE person = ANY (?)")) {
                s.setArray(1, c.createArrayOf("varchar", ids.toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        java.sql.Timestamp pendingAt = rs.getTimestamp(7);
                        loaded.put(rs.getString(1), new ReportFold.Person(rs.getString(1), rs.getDate(2).toLocalDate(),
                                rs.getTimestamp(3).toInstant(), rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getString(6),
                                pendingAt == null ? null : pendingAt.toInstant()));
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read reporting persons", e);
            }
            prefetched.addAll(ids);
        }

        void flush() {
            if (fold.isEmpty()) {
                return;
            }
            try (Connection c = dataSource.getConnection()) {
                ReportWriter.write(c, fold);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot write the reporting read model", e);
            }
        }
    }

}
