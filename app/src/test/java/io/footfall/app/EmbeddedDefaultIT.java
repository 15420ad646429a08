package io.footfall.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * README command 1, the embedded default: the packaged app with no database configured starts its own PostgreSQL in
 * {@code FOOTFALL_DATA_DIR}, takes events and serves profiles, keeps them over a restart, and refuses to start a second
 * time beside itself — on the same data directory or the same PostgreSQL port — with a one-line reason instead of
 * connecting to the other instance's database.
 */
class EmbeddedDefaultIT {

    private static final String WRITE_KEY = "embedded-key";
    private static final String OWNER = "owner:owner-secret-1";

    @Test
    void runsOnItsOwnPostgresKeepsItsDataAndRefusesASecondInstanceBesideIt() throws Exception {
        Path data = Path.of("target", "it-data", "embedded-" + UUID.randomUUID()).toAbsolutePath();
        Files.createDirectories(data);
        int pgPort = AppProcess.freePort();
        Map<String, String> env = environment(data, pgPort);
        String user = "embedded-" + UUID.randomUUID().toString().substring(0, 8);
        try (AppProcess app = new AppProcess(env, AppProcess.logFile("embedded-first.log").toPath())) {
            app.start();
            assertEquals(200, post(app, "/v1/track", "{\"userId\":\"" + user + "\",\"event\":\"Product Viewed\",\"messageId\":\"m-" + user
                    + "\",\"properties\":{\"product_id\":\"p-1\",\"category\":\"Shoes\"}}"));
            Poll.until(Duration.ofSeconds(30), () -> ClusterLoad.admin(app, "GET", "/api/v1/profiles/" + user), r -> r.statusCode() == 200);
            assertTrue(Files.isDirectory(data.resolve("postgres")), "the PostgreSQL data lives in FOOTFALL_DATA_DIR");

            // a second instance on the same data directory and port
            AppProcess.assertRefusesToStart(env, "embedded-same-dir.log", "for the embedded PostgreSQL is in use");
            // on another data directory but the same port: it must not use the first one's database
            Path other = Path.of("target", "it-data", "embedded-" + UUID.randomUUID()).toAbsolutePath();
            AppProcess.assertRefusesToStart(environment(other, pgPort), "embedded-same-port.log", "for the embedded PostgreSQL is in use");
            // on the same data directory with a port of its own
            AppProcess.assertRefusesToStart(environment(data, AppProcess.freePort()), "embedded-same-dir-other-port.log",
                    "is in use by another Footfall");

            // the bootstrap admin hands over to an admin of the shop's own, who deletes it
            assertEquals(201, ClusterLoad.as("admin:admin-secret", app, "POST", "/api/v1/accounts",
                    "{\"username\":\"owner\",\"password\":\"owner-secret-1\",\"roles\":[\"admin\"]}").statusCode());
            assertEquals(204, ClusterLoad.as(OWNER, app, "DELETE", "/api/v1/accounts/admin", null).statusCode());

            int exit = app.stop();
            assertTrue(exit == 0 || exit == 143, "graceful stop, exit " + exit);
        }
        // the embedded PostgreSQL stopped with the app
        assertTrue(Poll.until(Duration.ofSeconds(30), () -> FootfallMain.portFree(pgPort), free -> free), "port " + pgPort + " free after the stop");
        try (AppProcess again = new AppProcess(env, AppProcess.logFile("embedded-restart.log").toPath())) {
            again.start();
            HttpResponse<String> profile = ClusterLoad.as(OWNER, again, "GET", "/api/v1/profiles/" + user, null);
            assertEquals(200, profile.statusCode(), "the profile outlives a restart: " + profile.body());
            // FOOTFALL_BOOTSTRAP_ADMIN, still set, provisions only a database without accounts: the deleted admin stays deleted
            assertEquals(401, ClusterLoad.admin(again, "GET", "/api/v1/me").statusCode());
            assertEquals(404, ClusterLoad.as(OWNER, again, "GET", "/api/v1/accounts/admin", null).statusCode());
            assertTrue(profile.body().contains("\"Product Viewed\":1"), profile.body());
            int exit = again.stop();
            assertTrue(exit == 0 || exit == 143, "graceful stop, exit " + exit);
        }
    }

    private static Map<String, String> environment(Path data, int pgPort) {
        Map<String, String> env = new HashMap<>();
        env.put("FOOTFALL_DATA_DIR", data.toString());
        env.put("FOOTFALL_EMBEDDED_PG_PORT", String.valueOf(pgPort));
        env.put("FOOTFALL_BOOTSTRAP_ADMIN", "admin:admin-secret");
        env.put("FOOTFALL_BOOTSTRAP_WRITE_KEY", WRITE_KEY);
        return env;
    }

    private static int post(AppProcess app, String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(app.uri(path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
