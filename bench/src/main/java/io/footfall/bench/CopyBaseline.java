package io.footfall.bench;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The raw-PostgreSQL ceiling the app is compared with: the same rows the app appends (Axon's
 * {@code domainevententry} layout, event id as aggregate id, sequence 0, the simulator's JSON wrapped like the
 * app's payload and of the same mean size, {@code {}} as metadata) written by one connection, committed every {@code chunk} rows, once with binary
 * {@code COPY} (what the app's storage engine does) and once with a JDBC batch {@code INSERT}
 * ({@code reWriteBatchedInserts=true}). Rows are encoded before the clock starts, so only PostgreSQL's work and
 * the round trips are timed. Each method has its own table, warmed up first and then appended to in every
 * repetition, like the app's log grows.
 */
final class CopyBaseline {

    static final String PAYLOAD_TYPE = "io.footfall.core.store.RecordedBehavior";
    private static final byte[] METADATA = "{}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    /** Stored payload size / simulator JSON size seen in the app's log (1,261 / 849 bytes, seed 42). */
    static final double APP_PAYLOAD_FACTOR = 1.48;
    private static final String BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final String COLUMNS = "(eventidentifier, aggregateidentifier, sequencenumber, type, timestamp, "
            + "payloadtype, payloadrevision, payload, metadata)";

    /** One measured pass: {@code rows} rows in {@code seconds}, and where the CPU went meanwhile. */
    record Pass(String method, int chunk, int rows, double seconds, Map<String, Double> cores) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    private final Postgres pg;
    private final Workload workload;
    private final String database;

    private CopyBaseline(Postgres pg, Workload workload, String database) {
        this.pg = pg;
        this.workload = workload;
        this.database = database;
    }

    /** Creates the baseline database with one table per method, each with the DDL of the app's event log. */
    static CopyBaseline create(Postgres pg, Workload workload) throws SQLException {
        String db = pg.createDatabase("baseline");
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE FUNCTION footfall_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        RAISE EXCEPTION 'the behaviour event log is append-only';
                    END $$""");
            for (String table : List.of("domainevententry", "domainevententry_insert", "domainevententry_groupcommit")) {
                s.execute(ddl(table));
                s.execute(aggregateIndex(table));
                s.execute("CREATE TRIGGER " + table + "_append_only BEFORE UPDATE ON " + table
                        + " FOR EACH ROW EXECUTE FUNCTION footfall_log_is_append_only()");
            }
        }
        return new CopyBaseline(pg, workload, db);
    }

    /** The DDL of the app's {@code domainevententry} (Flyway V1, with V16's index: {@link #aggregateIndex}) under another name. */
    static String ddl(String table) {
        return "CREATE TABLE " + table + " (\n"
                + "    globalindex         BIGSERIAL    NOT NULL PRIMARY KEY,\n"
                + "    aggregateidentifier VARCHAR(255) NOT NULL,\n"
                + "    sequencenumber      BIGINT       NOT NULL,\n"
                + "    type                VARCHAR(255),\n"
                + "    eventidentifier     VARCHAR(255) NOT NULL,\n"
                + "    metadata            BYTEA,\n"
                + "    payload             BYTEA        NOT NULL,\n"
                + "    payloadrevision     VARCHAR(255),\n"
                + "    payloadtype         VARCHAR(255) NOT NULL,\n"
                + "    timestamp           VARCHAR(255) NOT NULL,\n"
                + "    CONSTRAINT " + table + "_event_id UNIQUE (eventidentifier)\n"
                + ")";
    }

    /** Axon's aggregate uniqueness for aggregate rows only, as the app's log has it since Flyway V16 (ADR 0019). */
    static String aggregateIndex(String table) {
        return "CREATE UNIQUE INDEX " + table + "_aggregate_seq ON " + table + " (aggregateidentifier, sequencenumber) "
                + "WHERE aggregateidentifier <> eventidentifier";
    }

    String database() {
        return database;
    }

    /** Binary COPY of {@code rows} rows labelled {@code tag} into {@code table}, one commit per {@code chunk} rows. */
    Pass copy(String table, String tag, int rows, int chunk, ProcStats.CpuSampler cpu) throws SQLException {
        List<byte[]> chunks = new ArrayList<>(rows / chunk + 1);
        for (int from = 0; from < rows; from += chunk) {
            chunks.add(encode(tag, from, Math.min(rows, from + chunk)));
        }
        String sql = "COPY " + table + " " + COLUMNS + " FROM STDIN WITH (FORMAT binary)";
        try (Connection c = pg.connect(database)) {
            c.setAutoCommit(false);
            var copyApi = c.unwrap(PGConnection.class).getCopyAPI();
            cpu.start();
            long t0 = System.nanoTime();
            for (byte[] data : chunks) {
                CopyIn copy = copyApi.copyIn(sql);
                try {
                    copy.writeToCopy(data, 0, data.length);
                    copy.endCopy();
                } finally {
                    if (copy.isActive()) {
                        copy.cancelCopy();
                    }
                }
                c.commit();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Pass("COPY", chunk, rows, seconds, cpu.stop());
        }
    }

    /** JDBC batch INSERT (rewritten to multi-row INSERTs by pgjdbc), one commit per {@code chunk} rows. */
    Pass insert(String table, String tag, int rows, int chunk, ProcStats.CpuSampler cpu) throws SQLException {
        String[] ids = new String[rows];
        byte[][] payloads = new byte[rows][];
        String timestamp = now();
        for (int i = 0; i < rows; i++) {
            ids[i] = eventId(tag, i);
            payloads[i] = payload(i);
        }
        String sql = "INSERT INTO " + table + " " + COLUMNS + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = pg.connect(database, "reWriteBatchedInserts", "true")) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement(sql)) {
                cpu.start();
                long t0 = System.nanoTime();
                for (int from = 0; from < rows; from += chunk) {
                    int to = Math.min(rows, from + chunk);
                    for (int i = from; i < to; i++) {
                        insert.setString(1, ids[i]);
                        insert.setString(2, ids[i]);
                        insert.setLong(3, 0);
                        insert.setNull(4, Types.VARCHAR);
                        insert.setString(5, timestamp);
                        insert.setString(6, PAYLOAD_TYPE);
                        insert.setString(7, "1");
                        insert.setBytes(8, payloads[i]);
                        insert.setBytes(9, METADATA);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                    c.commit();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                return new Pass("INSERT", chunk, rows, seconds, cpu.stop());
            }
        }
    }

    /** Mean payload size of the rows in {@code table}, for comparison with the app's log. */
    double meanPayloadBytes(String table) throws SQLException {
        try (Connection c = pg.connect(database); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT avg(octet_length(payload)) FROM " + table)) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    private byte[] encode(String tag, int from, int to) {
        String timestamp = now();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream((to - from) * 1400);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.write(HEADER);
            for (int i = from; i < to; i++) {
                String id = eventId(tag, i);
                out.writeShort(9);
                text(out, id);
                text(out, id);
                out.writeInt(8);
                out.writeLong(0);
                text(out, null);
                text(out, timestamp);
                text(out, PAYLOAD_TYPE);
                text(out, "1");
                bytes(out, payload(i));
                bytes(out, METADATA);
            }
            out.writeShort(-1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    /**
     * Row {@code i}'s payload, shaped like the app's {@code RecordedBehavior}: {@code {"event":<simulator JSON>,
     * "personal":{"subject":…,"sealed":<base64>}}}. The sealed blob is sized so that the payload is about
     * {@value #APP_PAYLOAD_FACTOR}× the simulator's JSON, which is what the app stores for the same messages (its
     * canonical event repeats product fields and adds ids and times); the benchmark prints both means.
     */
    private byte[] payload(int i) {
        String message = workload.message(i);
        int sealedChars = Math.max(16, (int) (message.length() * APP_PAYLOAD_FACTOR) - message.length() - 80) / 4 * 4;
        StringBuilder json = new StringBuilder(message.length() + sealedChars + 100)
                .append("{\"event\":").append(message).append(",\"personal\":{\"subject\":\"anon:")
                .append(UUID.nameUUIDFromBytes(Integer.toString(i % 1000).getBytes(StandardCharsets.US_ASCII)))
                .append("\",\"sealed\":\"");
        long x = 0x9E3779B97F4A7C15L * (i + 1);
        for (int c = 0; c < sealedChars; c++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            json.append(BASE64.charAt((int) (x >>> 58)));
        }
        return json.append("\"}}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String eventId(String tag, int i) {
        return UUID.nameUUIDFromBytes((tag + '/' + i).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
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
