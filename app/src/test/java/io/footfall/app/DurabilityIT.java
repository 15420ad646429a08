package io.footfall.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application killed (SIGKILL) and stopped (SIGTERM) in the middle of a stream keeps every
 * acknowledged event exactly once; resending everything afterwards adds only what was not acknowledged.
 */
class DurabilityIT {

    private static final String KEY = "durability-key";
    private static PostgresTestResource database;
    private static Map<String, String> env;

    @BeforeAll
    static void database() {
        database = new PostgresTestResource();
        Map<String, String> config = database.start();
        env = AppProcess.environment(config.get("quarkus.datasource.jdbc.url"), KEY);
    }

    @AfterAll
    static void drop() {
        database.stop();
    }

    @Test
    void acknowledgedEventsSurviveKillAndStopExactlyOnce() throws Exception {
        Map<String, String> sent = new ConcurrentHashMap<>();     // messageId -> its batch, for resending
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        try (AppProcess app = new AppProcess(env, AppProcess.logFile("durability.log").toPath())) {
            app.start();
            Stream killed = stream(app, "k", sent, acknowledged, 3_000);
            app.kill();
            killed.end();
            AppProcess.assertStoredOnce(env.get("QUARKUS_DATASOURCE_JDBC_URL"), acknowledged);

            app.start();
            Stream stopped = stream(app, "t", sent, acknowledged, 3_000);
            int exit = app.stop();
            stopped.end();
            AppProcess.assertStoredOnce(env.get("QUARKUS_DATASOURCE_JDBC_URL"), acknowledged);
            assertTrue(exit == 0 || exit == 143, "graceful stop, exit " + exit);

            app.start();
            int resentStored = resendAll(app, sent);
            assertEquals(sent.size(), count("SELECT count(*) FROM domainevententry WHERE payloadtype LIKE '%RecordedBehavior'"),
                    "after resending everything, each event is stored exactly once");
            assertTrue(resentStored <= sent.size() - acknowledged.size(),
                    "the resend stored only events that had not been acknowledged: " + resentStored);
            assertTrue(acknowledged.size() >= 6_000);
        }
    }

    /** Clients sending until told to stop. */
    private record Stream(ExecutorService clients, AtomicBoolean stop) {
        void end() throws InterruptedException {
            stop.set(true);
            clients.shutdown();
            assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS), "clients stopped");
        }
    }

    /** Four clients send batches of 100 and go on; returns once {@code target} more events are acknowledged. */
    private static Stream stream(AppProcess app, String prefix, Map<String, String> sent, Set<String> acknowledged, int target) {
        AtomicBoolean stop = new AtomicBoolean();
        int before = acknowledged.size();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int c = 0; c < 4; c++) {
            int client = c;
            clients.submit(() -> {
                for (int b = 0; b < 1_000 && !stop.get(); b++) {
                    List<String> ids = new ArrayList<>();
                    StringBuilder body = new StringBuilder("{\"batch\":[");
                    for (int i = 0; i < 100; i++) {
                        String id = prefix + "-" + client + "-" + b + "-" + i;
                        ids.add(id);
                        body.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"dur-")
                                .append(client).append('-').append(i % 10).append("\",\"messageId\":\"").append(id)
                                .append("\",\"properties\":{\"product_id\":\"p").append(i).append("\"}}");
                    }
                    String json = body.append("]}").toString();
                    ids.forEach(id -> sent.put(id, json));
                    try {
                        HttpResponse<String> response = http.send(post(app, json), HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 200) {
                            acknowledged.addAll(ids);
                        }
                    } catch (Exception e) {
                        return null; // the app went away
                    }
                }
                return null;
            });
        }
        Poll.until(Duration.ofSeconds(120), acknowledged::size, n -> n >= before + target);
        return new Stream(clients, stop);
    }

    private static int resendAll(AppProcess app, Map<String, String> sent) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        int stored = 0;
        for (String body : new java.util.HashSet<>(sent.values())) {
            HttpResponse<String> response = http.send(post(app, body), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"stored\":(\\d+)").matcher(response.body());
            assertTrue(m.find());
            stored += Integer.parseInt(m.group(1));
        }
        return stored;
    }

    private static HttpRequest post(AppProcess app, String json) {
        return HttpRequest.newBuilder(app.uri("/v1/batch"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((KEY + ":").getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private static long count(String sql) throws Exception {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(env.get("QUARKUS_DATASOURCE_JDBC_URL"), "postgres", "");
    }
}
