package io.footfall.core.store;

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

    private static final String COPY_SQL = "COPY domainevententry (globalindex, eventidentifier, aggregateidentifier, "
            + "sequencenumber, type, timestamp, payloadtype, payloadrevision, payload, metadata) "
            + "FROM STDIN WITH (FORMAT binary)";
    /**
     * Under the append lock: the highest index in the log, with the column's sequence moved past the rows about to be
     * appended (for any writer that still takes its indexes from the column default). See {@link #appendEvents}.
     */
    private static final String NEXT_INDEX_SQL = "SELECT m FROM (SELECT COALESCE(MAX(globalindex), 0) AS m FROM domainevententry) h, "
            + "LATERAL setval('domainevententry_globalindex_seq', m + ?) s";
    /** Bytes of one row's field count and {@code globalindex} field in the binary COPY format. */
    private static final int INDEX_FIELD_BYTES = 2 + 4 + 8;
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

    /**
     * Appends through binary {@code COPY}, with the rows' {@code globalindex} values assigned here, under the append
     * lock: the next ones after the highest index in the log. Appends are serialised by that lock (ADR 0012), so the
     * values are contiguous, and an append that rolls back (an event id stored meanwhile, ADR 0014) leaves no gap:
     * the next append takes the same values again. Taking them from the column's sequence, as before, left a gap of
     * up to a whole group in every processor's token for a minute (the sequence does not roll back). The sequence is
     * still moved past every append, so a writer that inserts without an index cannot collide.
     */
    @Override
    protected void appendEvents(List<? extends EventMessage<?>> events, Serializer serializer) {
        if (events.isEmpty()) {
            return;
        }
        transactions.executeInTransaction(() -> {
            try (Connection connection = getConnection()) {
                lockAppends(connection);
                long first = highestIndex(connection, events.size()) + 1;
                byte[] rows = encode(events, serializer, first);
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

    /** The highest index in the log (0 when empty); moves the column's sequence {@code count} past it. */
    private static long highestIndex(Connection connection, int count) throws SQLException {
        try (java.sql.PreparedStatement next = connection.prepareStatement(NEXT_INDEX_SQL)) {
            next.setLong(1, count);
            try (java.sql.ResultSet rs = next.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The binary {@code COPY} stream of the events, their indexes counting up from {@code firstIndex}. */
    static byte[] encode(List<? extends EventMessage<?>> events, Serializer serializer, long firstIndex) {
        byte[][] rows = new byte[events.size()][];
        int size = HEADER.length + 2;
        for (int i = 0; i < rows.length; i++) {
            EventMessage<?> event = events.get(i);
            rows[i] = event instanceof EncodedEventMessage<?> encoded ? encoded.copyRow() : encodeRow(event, serializer).row();
            size += INDEX_FIELD_BYTES + rows[i].length - 2;
        }
        // written into an array of the exact size: no growing, no copy at the end
        java.nio.ByteBuffer out = java.nio.ByteBuffer.wrap(new byte[size]);
        out.put(HEADER);
        long index = firstIndex;
        for (byte[] row : rows) {
            // the row's own field count (2 bytes) is replaced by one that counts the index field written first
            out.putShort((short) 10);
            out.putInt(8);
            out.putLong(index++);
            out.put(row, 2, row.length - 2);
        }
        out.putShort((short) -1);
        return out.array();
    }

    /**
     * One event as a row of the binary {@code COPY} stream without its index (which {@link #encode} puts in front). Writers
     * that prepare events ahead of their append (the ingest pipeline) encode them here, off the append's critical
     * path, and hand them over as {@link EncodedEventMessage}s.
     */
    static EncodedRow encodeRow(EventMessage<?> event, Serializer serializer) {
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
        byte[][] texts = {utf8(event.getIdentifier()), utf8(aggregateId), utf8(type), utf8(InstantCodec.formatMillis(event.getTimestamp())),
            utf8(payload.getType().getName()), utf8(payload.getType().getRevision())};
        // sized exactly (field count, 9 length words, the sequence number and the values) and written in place: the
        // stream this replaced was sized one length word short, so every row grew its buffer to twice and was copied twice
        int size = 2 + 9 * 4 + 8 + payload.getData().length + (metaData.getData() == null ? 0 : metaData.getData().length);
        for (byte[] text : texts) {
            size += text == null ? 0 : text.length;
        }
        java.nio.ByteBuffer out = java.nio.ByteBuffer.wrap(new byte[size]);
        out.putShort((short) 9);
        bytes(out, texts[0]);
        bytes(out, texts[1]);
        out.putInt(8);
        out.putLong(sequence);
        bytes(out, texts[2]);
        bytes(out, texts[3]);
        bytes(out, texts[4]);
        bytes(out, texts[5]);
        bytes(out, payload.getData());
        bytes(out, metaData.getData());
        return new EncodedRow(out.array(), payload);
    }

    /** One encoded row of the {@code COPY} stream and the serialized payload inside it. */
    record EncodedRow(byte[] row, SerializedObject<byte[]> payload) {
    }

    private static byte[] utf8(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    private static void bytes(java.nio.ByteBuffer out, byte[] value) {
        if (value == null) {
            out.putInt(-1);
        } else {
            out.putInt(value.length);
            out.put(value);
        }
    }
}
