package io.footfall.core.store;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Axon's JDBC event storage engine with appends through PostgreSQL's binary {@code COPY} instead of
 * batched {@code INSERT}s. Reading, tracking tokens and gap handling are Axon's own. The table
 * layout is Axon's default ({@code domainevententry}), created by Flyway.
 *
 * <p>Why: COPY writes the same rows at roughly twice the rate of a JDBC batch on PostgreSQL, and
 * ingest throughput is bounded by this append (see docs/adr/0002-copy-appends.md).
 */
public class CopyEventStorageEngine extends JdbcEventStorageEngine {

    private static final String COPY_SQL = "COPY domainevententry (eventidentifier, aggregateidentifier, "
            + "sequencenumber, type, timestamp, payloadtype, payloadrevision, payload, metadata) "
            + "FROM STDIN WITH (FORMAT binary)";
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};

    /**
     * Key of the transaction-scoped advisory lock every append holds from before its rows take their
     * indexes until its transaction ends. Appends are thereby serialised: rows become visible in
     * index order, so a reader never sees an index while an earlier one is still uncommitted (an
     * in-flight gap). Without it, Axon's gap heuristics (a gap is dropped when the row read after it
     * is more than {@link #GAP_TIMEOUT_MILLIS} old or {@link #MAX_GAP_OFFSET} indexes later) could
     * drop a gap that a slow transaction later filled, and a processor would skip those events for
     * good. See docs/adr/0012-serialised-appends.md.
     */
    static final long APPEND_LOCK = 0x466F6F7466616C6CL; // "Footfall"
    private static final String LOCK_SQL = "SELECT pg_advisory_xact_lock(" + APPEND_LOCK + ")";

    private final TransactionManager transactions;

    /** Axon's defaults, which {@link #getTrackedEventData} repeats because the engine keeps them private. */
    static final long LOWEST_GLOBAL_SEQUENCE = 1;
    static final int MAX_GAP_OFFSET = 10_000;
    static final int GAP_TIMEOUT_MILLIS = 60_000;

    /** Axon's JDBC engine with the given builder, which must keep the gap settings at their defaults. */
    public CopyEventStorageEngine(Builder builder, TransactionManager transactions) {
        super(builder.lowestGlobalSequence(LOWEST_GLOBAL_SEQUENCE).maxGapOffset(MAX_GAP_OFFSET).gapTimeout(GAP_TIMEOUT_MILLIS));
        this.transactions = transactions;
    }

    /**
     * Axon's reading of one tracked row, with two costs removed that every processor paid for every
     * event: the timestamp column is parsed once, without {@code DateTimeFormatter}, and kept parsed
     * (Axon parsed it again on every {@code getTimestamp()}). The token arithmetic (gaps, their
     * timeout) is Axon's, with Axon's default settings.
     */
    @Override
    protected org.axonframework.eventhandling.TrackedEventData<?> getTrackedEventData(
            java.sql.ResultSet resultSet, org.axonframework.eventhandling.GapAwareTrackingToken previousToken) throws SQLException {
        org.axonframework.eventsourcing.eventstore.jdbc.EventSchema schema = schema();
        long globalSequence = resultSet.getLong(schema.globalIndexColumn());
        String aggregateIdentifier = resultSet.getString(schema.aggregateIdentifierColumn());
        String eventIdentifier = resultSet.getString(schema.eventIdentifierColumn());
        Object stamp = readTimeStamp(resultSet, schema.timestampColumn());
        java.time.Instant timestamp = InstantCodec.parse(stamp.toString());
        ParsedEntry entry = new ParsedEntry(resultSet.getString(schema.typeColumn()),
                eventIdentifier.equals(aggregateIdentifier) ? null : aggregateIdentifier,
                resultSet.getLong(schema.sequenceNumberColumn()), eventIdentifier, stamp, timestamp,
                resultSet.getString(schema.payloadTypeColumn()), resultSet.getString(schema.payloadRevisionColumn()),
                readPayload(resultSet, schema.payloadColumn()), readPayload(resultSet, schema.metaDataColumn()));
        boolean allowGaps = timestamp.isAfter(org.axonframework.eventhandling.GenericEventMessage.clock.instant()
                .minusMillis(GAP_TIMEOUT_MILLIS));
        org.axonframework.eventhandling.GapAwareTrackingToken token;
        if (previousToken == null) {
            java.util.SortedSet<Long> gaps = new java.util.TreeSet<>();
            if (allowGaps) {
                for (long g = Math.min(LOWEST_GLOBAL_SEQUENCE, globalSequence); g < globalSequence; g++) {
                    gaps.add(g);
                }
            }
            token = org.axonframework.eventhandling.GapAwareTrackingToken.newInstance(globalSequence, gaps);
        } else {
            token = previousToken.advanceTo(globalSequence, allowGaps ? MAX_GAP_OFFSET : 0);
        }
        return new org.axonframework.eventhandling.TrackedDomainEventData<>(token, entry);
    }

    /** A stored row whose timestamp was parsed once. */
    private static final class ParsedEntry extends org.axonframework.eventhandling.GenericDomainEventEntry<Object> {
        private final java.time.Instant timestamp;

        ParsedEntry(String type, String aggregateIdentifier, long sequenceNumber, String eventIdentifier, Object stamp,
                    java.time.Instant timestamp, String payloadType, String payloadRevision, Object payload, Object metaData) {
            super(type, aggregateIdentifier, sequenceNumber, eventIdentifier, stamp, payloadType, payloadRevision, payload, metaData);
            this.timestamp = timestamp;
        }

        @Override
        public java.time.Instant getTimestamp() {
            return timestamp;
        }
    }

    /**
     * Takes the append lock for the rest of the connection's transaction (re-entrant: an append later in the same
     * transaction takes it again at no cost). A writer that must check the log and append atomically — the ingest
     * writer's duplicate check, with several instances — takes it before checking.
     */
    public static void lockAppends(Connection connection) throws SQLException {
        try (java.sql.Statement lock = connection.createStatement()) {
            lock.execute(LOCK_SQL);
        }
    }

    @Override
    protected void appendEvents(List<? extends EventMessage<?>> events, Serializer serializer) {
        if (events.isEmpty()) {
            return;
        }
        byte[] rows = encode(events, serializer);
        transactions.executeInTransaction(() -> {
            try (Connection connection = getConnection()) {
                lockAppends(connection);
                CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_SQL);
                try {
                    copy.writeToCopy(rows, 0, rows.length);
                    copy.endCopy();
                } finally {
                    if (copy.isActive()) {
                        copy.cancelCopy();
                    }
                }
            } catch (SQLException e) {
                throw new EventStoreException("appending " + events.size() + " events failed: " + e.getMessage(), e);
            }
        });
    }

    static byte[] encode(List<? extends EventMessage<?>> events, Serializer serializer) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(events.size() * 1024);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.write(HEADER);
            for (EventMessage<?> event : events) {
                if (event instanceof EncodedEventMessage<?> encoded) {
                    out.write(encoded.copyRow());
                } else {
                    writeRow(out, event, serializer);
                }
            }
            out.writeShort(-1);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode events for COPY", e);
        }
        return buffer.toByteArray();
    }

    /**
     * One event as a row of the binary {@code COPY} stream, exactly as {@link #appendEvents} would write it. Writers
     * that prepare events ahead of their append (the ingest pipeline) encode them here, off the append's critical
     * path, and hand them over as {@link EncodedEventMessage}s.
     */
    static EncodedRow encodeRow(EventMessage<?> event, Serializer serializer) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
        SerializedObject<byte[]> payload;
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            payload = writeRow(out, event, serializer);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode an event for COPY", e);
        }
        return new EncodedRow(buffer.toByteArray(), payload);
    }

    /** One encoded row of the {@code COPY} stream and the serialized payload inside it. */
    record EncodedRow(byte[] row, SerializedObject<byte[]> payload) {
    }

    private static SerializedObject<byte[]> writeRow(DataOutputStream out, EventMessage<?> event, Serializer serializer) throws IOException {
        SerializedObject<byte[]> payload = event.serializePayload(serializer, byte[].class);
        SerializedObject<byte[]> metaData = event.serializeMetaData(serializer, byte[].class);
        String aggregateId = event.getIdentifier();
        long sequence = 0;
        String type = null;
        if (event instanceof DomainEventMessage<?> domain) {
            aggregateId = domain.getAggregateIdentifier();
            sequence = domain.getSequenceNumber();
            type = domain.getType();
        }
        out.writeShort(9);
        text(out, event.getIdentifier());
        text(out, aggregateId);
        out.writeInt(8);
        out.writeLong(sequence);
        text(out, type);
        text(out, InstantCodec.formatMillis(event.getTimestamp()));
        text(out, payload.getType().getName());
        text(out, payload.getType().getRevision());
        bytes(out, payload.getData());
        bytes(out, metaData.getData());
        return payload;
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        bytes(out, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static void bytes(DataOutputStream out, byte[] value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(value.length);
            out.write(value);
        }
    }
}
