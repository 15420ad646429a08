package io.footfall.core.store;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.core.privacy.PersonalDataCodec;
import io.footfall.core.privacy.PersonalDataVault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;
import java.util.stream.Stream;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.serialization.upcasting.event.InitialEventRepresentation;

/** Reads stored behaviour events back from the log by position, opening personal data when asked. */
@ApplicationScoped
public class EventLogReader {

    @Inject
    EventLog log;
    @Inject
    DataSource dataSource;
    @Inject
    PersonalDataVault vault;

    private volatile PersonalDataCodec codec;

    /**
     * An event with its position in the log.
     *
     * @param globalIndex position in the log
     * @param event       the event
     */
    public record LoggedEvent(long globalIndex, BehaviorEvent event) {
    }

    /** Reads the behaviour events at these positions, in log order; other payload types are skipped. */
    public List<LoggedEvent> read(Collection<Long> positions, boolean withPersonalData) {
        List<LoggedEvent> events = new ArrayList<>(positions.size());
        if (positions.isEmpty()) {
            return events;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT globalindex, payloadtype, payloadrevision, payload, "
                     + "eventidentifier, aggregateidentifier, timestamp, metadata "
                     + "FROM domainevententry WHERE globalindex = ANY (?) ORDER BY globalindex")) {
            select.setArray(1, c.createArrayOf("bigint", positions.toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    events.addAll(decode(rs, withPersonalData));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the event log", e);
        }
        return events;
    }

    /**
     * A stored payload of any type with its position: a {@link RecordedBehavior} (personal data not opened), an
     * {@link IdentityUnlinked}, …
     *
     * @param globalIndex position in the log
     * @param payload     the deserialised payload
     */
    public record LoggedPayload(long globalIndex, Object payload) {
    }

    /**
     * Reads every payload at positions in [{@code from}, {@code to}), in log order, without opening personal data.
     * Usable inside a caller's transaction (no auto-commit changes), so call it with bounded ranges.
     */
    public List<LoggedPayload> readRange(long from, long to) {
        List<LoggedPayload> out = new ArrayList<>();
        if (from >= to) {
            return out;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT globalindex, payloadtype, payloadrevision, payload, "
                     + "eventidentifier, aggregateidentifier, timestamp, metadata "
                     + "FROM domainevententry WHERE globalindex >= ? AND globalindex < ? ORDER BY globalindex")) {
            select.setLong(1, from);
            select.setLong(2, to);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    long position = rs.getLong(1);
                    payloads(rs).forEach(p -> out.add(new LoggedPayload(position, p)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the event log", e);
        }
        return out;
    }

    /**
     * Streams every behaviour event of the log in log order (a server-side cursor; memory stays flat).
     *
     * @return the number of events streamed
     */
    public long stream(boolean withPersonalData, java.util.function.Consumer<LoggedEvent> consumer) {
        long n = 0;
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement select = c.prepareStatement("SELECT globalindex, payloadtype, payloadrevision, payload, "
                    + "eventidentifier, aggregateidentifier, timestamp, metadata FROM domainevententry "
                    + "WHERE payloadtype = ? ORDER BY globalindex")) {
                select.setFetchSize(1000);
                select.setString(1, RecordedBehavior.class.getName());
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        for (LoggedEvent e : decode(rs, withPersonalData)) {
                            consumer.accept(e);
                            n++;
                        }
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the event log", e);
        }
        return n;
    }

    private List<LoggedEvent> decode(ResultSet rs, boolean withPersonalData) throws SQLException {
        long position = rs.getLong(1);
        List<LoggedEvent> out = new ArrayList<>(1);
        payloads(rs).forEach(payload -> {
            if (payload instanceof RecordedBehavior recorded) {
                out.add(new LoggedEvent(position, withPersonalData ? open(recorded) : recorded.event()));
            }
        });
        return out;
    }

    /** The upcast, deserialised payloads of the current row. */
    private List<Object> payloads(ResultSet rs) throws SQLException {
        GenericDomainEventEntry<byte[]> entry = new GenericDomainEventEntry<>(null, rs.getString(6), 0,
                rs.getString(5), rs.getString(7), rs.getString(2), rs.getString(3), rs.getBytes(4), rs.getBytes(8));
        List<Object> out = new ArrayList<>(1);
        log.upcasters().upcast(Stream.of(new InitialEventRepresentation(entry, log.serializer())))
                .map(upcast -> log.serializer().deserialize(upcast.getData()))
                .forEach(out::add);
        return out;
    }

    /** The event with its personal data restored, or without it when the person's key was destroyed. */
    public BehaviorEvent open(RecordedBehavior recorded) {
        if (recorded.personal() == null) {
            return recorded.event();
        }
        return vault.open(recorded.personal())
                .map(bytes -> codec().join(recorded.event(), bytes))
                .orElse(recorded.event());
    }

    private PersonalDataCodec codec() {
        if (codec == null) {
            codec = new PersonalDataCodec(log.json());
        }
        return codec;
    }
}
