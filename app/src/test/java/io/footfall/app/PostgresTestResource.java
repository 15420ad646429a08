package io.footfall.app;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * One fresh database per test run: on the PostgreSQL at 127.0.0.1:5432 when one answers (as in
 * CI), otherwise on an embedded PostgreSQL started for the run. Dropped afterwards.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private static final String LOCAL = "jdbc:postgresql://127.0.0.1:5432/postgres";

    private EmbeddedPostgres embedded;
    private String adminUrl;
    private String database;

    @Override
    public Map<String, String> start() {
        database = "footfall_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String baseUrl;
        try (Connection ignored = DriverManager.getConnection(LOCAL, "postgres", "")) {
            adminUrl = LOCAL;
            baseUrl = "jdbc:postgresql://127.0.0.1:5432/";
        } catch (SQLException unavailable) {
            try {
                embedded = EmbeddedPostgres.builder().start();
            } catch (Exception e) {
                throw new IllegalStateException("no PostgreSQL on 127.0.0.1:5432 and the embedded one did not start", e);
            }
            adminUrl = embedded.getJdbcUrl("postgres", "postgres");
            baseUrl = "jdbc:postgresql://localhost:" + embedded.getPort() + "/";
        }
        execute("CREATE DATABASE " + database);
        return Map.of(
                "quarkus.datasource.jdbc.url", baseUrl + database,
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "");
    }

    @Override
    public void stop() {
        try {
            execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        } finally {
            if (embedded != null) {
                try {
                    embedded.close();
                } catch (Exception e) {
                    System.err.println("embedded PostgreSQL did not stop: " + e.getMessage());
                }
            }
        }
    }

    private void execute(String sql) {
        try (Connection c = DriverManager.getConnection(adminUrl, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed", e);
        }
    }
}
