package io.footfall.bench;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The PostgreSQL server the benchmark runs against (always {@code 127.0.0.1}, trust auth). It creates the
 * benchmark's throw-away databases ({@code footfall_bench_<random>}) and remembers them, so that
 * {@link #dropAll()} (called at the end and from the shutdown hook) removes every one of them.
 */
final class Postgres {

    static final String HOST = "127.0.0.1";
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final int port;
    private final String user;
    private final String runId;
    private final Set<String> created = ConcurrentHashMap.newKeySet();
    private int counter;
    private boolean closed;

    Postgres(int port, String user) {
        this.port = port;
        this.user = user;
        SecureRandom random = new SecureRandom();
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        this.runId = id.toString();
    }

    /** The random part shared by this run's database names. */
    String runId() {
        return runId;
    }

    String user() {
        return user;
    }

    /** A JDBC URL of {@code database} on 127.0.0.1. */
    String url(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    /** Opens a connection to {@code database}; {@code extra} are pgjdbc properties (key, value, ...). */
    Connection connect(String database, String... extra) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", "");
        props.setProperty("ApplicationName", "footfall-bench");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            props.setProperty(extra[i], extra[i + 1]);
        }
        return DriverManager.getConnection(url(database), props);
    }

    /**
     * Forces a checkpoint, so that a timed pass starts from the same WAL state as the one it is compared with: right
     * after a checkpoint every page's first change writes the whole page to the WAL, and a checkpoint falling inside one
     * pass but not the other made single passes differ by up to 1.7× on the same machine.
     */
    void checkpoint() throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        }
    }

    /** Creates a fresh database {@code footfall_bench_<run>_<purpose><n>} and returns its name. */
    synchronized String createDatabase(String purpose) throws SQLException {
        if (closed) {
            throw new SQLException("the benchmark is shutting down; no new database");
        }
        String name = "footfall_bench_" + runId + "_" + purpose + (++counter);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        created.add(name);
        return name;
    }

    /** A copy of one of this run's databases ({@code CREATE DATABASE … TEMPLATE}; nobody may be connected to it). */
    synchronized String copyDatabase(String source, String purpose) throws SQLException {
        if (closed) {
            throw new SQLException("the benchmark is shutting down; no new database");
        }
        String name = "footfall_bench_" + runId + "_" + purpose + (++counter);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " TEMPLATE " + source);
        }
        created.add(name);
        return name;
    }

    /** Drops one of this run's databases, terminating leftover sessions. */
    void drop(String name) {
        if (!created.contains(name)) {
            return;
        }
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            created.remove(name);
        } catch (SQLException e) {
            System.err.println("could not drop database " + name + ": " + e.getMessage());
        }
    }

    /** Drops every database this run created and has not dropped yet; creates none afterwards. */
    void dropAll() {
        synchronized (this) {
            closed = true;
        }
        for (String name : new ArrayList<>(created)) {
            drop(name);
        }
    }

    /** Databases still to drop (for the final message). */
    List<String> remaining() {
        return List.copyOf(created);
    }

    /** {@code SELECT version()} and a few server settings that matter for commit cost. */
    String describe() {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            StringBuilder out = new StringBuilder();
            try (ResultSet rs = s.executeQuery("SELECT version()")) {
                rs.next();
                out.append(rs.getString(1));
            }
            for (String setting : List.of("shared_buffers", "synchronous_commit", "fsync", "wal_level", "max_wal_size", "autovacuum")) {
                try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
                    rs.next();
                    out.append("; ").append(setting).append('=').append(rs.getString(1));
                }
            }
            return out.toString();
        } catch (SQLException e) {
            return "unavailable (" + e.getMessage() + ")";
        }
    }

    /** Whether the server runs autovacuum (which also keeps the planner's statistics); assumed when unknown. */
    boolean autovacuum() {
        try (Connection c = connect("postgres"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW autovacuum")) {
            rs.next();
            return "on".equals(rs.getString(1));
        } catch (SQLException e) {
            return true;
        }
    }

    /** Behaviour events only: plugins append their results to the same log. */
    static final String BEHAVIOUR = " WHERE payloadtype = 'io.footfall.core.store.RecordedBehavior'";

    /** Behaviour events in the app's log in {@code database}. */
    long countEvents(String database) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM domainevententry" + BEHAVIOUR)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** {@code [count(distinct eventidentifier), avg payload bytes, avg metadata bytes]} of the app's log. */
    double[] eventShape(String database) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(DISTINCT eventidentifier), avg(octet_length(payload)), "
                     + "avg(coalesce(octet_length(metadata), 0)) FROM domainevententry" + BEHAVIOUR)) {
            rs.next();
            return new double[] {rs.getLong(1), rs.getDouble(2), rs.getDouble(3)};
        }
    }
}
