package io.footfall.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The profile projection folding on three segments (ADR 0021, {@code footfall.processing.segments.profiles=3}) ends in
 * exactly the profiles, identity links and timelines that one segment folds from the same log: simulated storefront load,
 * with the identity cases that move people between keys sent during it (a known user logging in on a device with its
 * own history, a device shared by two users, an alias between two users with history, an unmerge and activity after
 * it). The same database is then folded again from scratch by an instance with one segment, and the two are compared.
 */
class SegmentedProfilesIT {

    private static final String KEY = "segments-key";
    private static PostgresTestResource database;
    private static Map<String, String> env;
    private static String jdbcUrl;

    @BeforeAll
    static void database() {
        database = new PostgresTestResource();
        Map<String, String> config = database.start();
        jdbcUrl = config.get("quarkus.datasource.jdbc.url");
        env = AppProcess.environment(jdbcUrl, KEY);
    }

    @AfterAll
    static void drop() {
        database.stop();
    }

    @Test
    void threeSegmentsFoldExactlyWhatOneFolds() throws Exception {
        ConcurrentLinkedQueue<ClusterLoad.Batch> pending = ClusterLoad.batches(31, 150, 10, 100);
        int total = ClusterLoad.messages(pending);
        Map<String, String> segmented = new HashMap<>(env);
        segmented.put("FOOTFALL_PROCESSING_SEGMENTS_PROFILES", "3");
        List<String> live;
        long head;
        try (AppProcess app = new AppProcess(segmented, AppProcess.logFile("segments-three.log").toPath())) {
            app.start();
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            ExecutorService clients = ClusterLoad.send(pending, List.of(app), acknowledged, KEY, 0);
            Instant t = Instant.now().minusSeconds(3_600);
            // a known user logs in on a device with its own history: the device's person merges into the user's
            send(app, view("seg-u1", "seg-d0", t), view(null, "seg-d1", t.plusSeconds(1)), view(null, "seg-d1", t.plusSeconds(2)));
            send(app, identify("seg-u1", "seg-d1", t.plusSeconds(10)), view("seg-u1", "seg-d1", t.plusSeconds(11)));
            // a device shared by two users: the second user's events name a device stitched into the first
            send(app, view(null, "seg-d2", t.plusSeconds(20)), identify("seg-u2", "seg-d2", t.plusSeconds(21)));
            send(app, identify("seg-u3", "seg-d2", t.plusSeconds(30)), view("seg-u3", "seg-d2", t.plusSeconds(31)),
                    view(null, "seg-d2", t.plusSeconds(32)));
            // an alias between two users, each with history
            send(app, view("seg-u4", "seg-d4", t.plusSeconds(40)), view("seg-u5", "seg-d5", t.plusSeconds(41)));
            send(app, alias("seg-u5", "seg-u4", t.plusSeconds(42)), view("seg-u4", "seg-d4", t.plusSeconds(43)));
            // an unmerge once the login is folded, then activity of both halves
            Poll.until(Duration.ofSeconds(90), () -> new JsonPath(ClusterLoad.admin(app, "GET", "/api/v1/profiles/seg-u1").body()),
                    p -> p.getList("anonymousIds") != null && p.getList("anonymousIds").contains("seg-d1"));
            HttpResponse<String> unmerged = post(app, "/api/v1/identity/unmerge", "{\"userId\":\"seg-u1\",\"anonymousId\":\"seg-d1\"}", true);
            assertEquals(202, unmerged.statusCode(), unmerged.body());
            send(app, view(null, "seg-d1", t.plusSeconds(50)), view("seg-u1", "seg-d0", t.plusSeconds(51)));

            clients.shutdown();
            assertTrue(clients.awaitTermination(300, TimeUnit.SECONDS), "every batch acknowledged");
            assertEquals(total, acknowledged.size(), "every message acknowledged");
            head = ClusterLoad.awaitProfilesCaughtUp(app, -1).getLong("head");
            JsonPath u1 = new JsonPath(ClusterLoad.admin(app, "GET", "/api/v1/profiles/seg-u1").body());
            assertTrue(!u1.getList("anonymousIds").contains("seg-d1"), "unmerged: " + u1.prettify());
            JsonPath u4 = new JsonPath(ClusterLoad.admin(app, "GET", "/api/v1/profiles/seg-u4").body());
            assertEquals("user:seg-u5", u4.getString("personId"), "the alias merged seg-u4 into seg-u5: " + u4.prettify());
            assertEquals(4, u4.getInt("eventCounts.'Product Viewed'") + u4.getInt("eventCounts.alias"), u4.prettify());

            assertEquals(3L, single("SELECT count(*) FROM tokenentry WHERE processorname = 'profiles'"), "three segments");
            long barriers = single("SELECT coalesce(sum(cardinality(barriers)), 0) FROM person_key_batch");
            assertTrue(barriers >= 4, "the merge, the shared device, the alias and the unmerge are barriers: " + barriers);
            assertTrue(single("SELECT coalesce(sum(cardinality(positions)), 0) FROM person_key_batch") >= total,
                    "every behaviour event keyed");
            // each segment folded some of the people
            assertEquals(3L, single("SELECT count(*) FROM tokenentry WHERE processorname = 'profiles' AND token IS NOT NULL"));
            live = ClusterLoad.profileSnapshot(jdbcUrl);
            assertTrue(live.size() > 1000, "profiles were projected: " + live.size());
        }

        // the same log folded from scratch on one segment
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", ""); Statement s = c.createStatement()) {
            s.executeUpdate("TRUNCATE profile, identity_link, profile_timeline");
            s.executeUpdate("DELETE FROM tokenentry WHERE processorname = 'profiles'");
        }
        try (AppProcess app = new AppProcess(env, AppProcess.logFile("segments-one.log").toPath())) {
            app.start();
            ClusterLoad.awaitProfilesCaughtUp(app, head);
            assertEquals(1L, single("SELECT count(*) FROM tokenentry WHERE processorname = 'profiles'"), "one segment");
            List<String> folded = ClusterLoad.profileSnapshot(jdbcUrl);
            assertEquals(live.size(), folded.size(), "as many rows");
            List<String> differing = new ArrayList<>();
            for (int i = 0; i < live.size() && differing.size() < 5; i++) {
                if (!live.get(i).equals(folded.get(i))) {
                    differing.add(live.get(i) + "  <>  " + folded.get(i));
                }
            }
            assertEquals(List.of(), differing, "three segments fold exactly what one folds");
            assertEquals(live, folded);
        }
    }

    private static long single(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String view(String user, String anonymous, Instant at) {
        return message("track", user, anonymous, at, "\"event\":\"Product Viewed\",\"properties\":{\"product_id\":\"seg-p\",\"category\":\"Books\"}");
    }

    private static String identify(String user, String anonymous, Instant at) {
        return message("identify", user, anonymous, at, "\"traits\":{\"plan\":\"gold\"}");
    }

    private static String alias(String user, String previous, Instant at) {
        return message("alias", user, null, at, "\"previousId\":\"" + previous + "\"");
    }

    private static String message(String type, String user, String anonymous, Instant at, String rest) {
        return "{\"type\":\"" + type + "\",\"messageId\":\"" + java.util.UUID.randomUUID() + "\",\"timestamp\":\"" + at + "\""
                + (user == null ? "" : ",\"userId\":\"" + user + "\"") + (anonymous == null ? "" : ",\"anonymousId\":\"" + anonymous + "\"")
                + "," + rest + "}";
    }

    private static void send(AppProcess app, String... messages) throws Exception {
        HttpResponse<String> response = post(app, "/v1/batch", "{\"batch\":[" + String.join(",", messages) + "]}", false);
        assertEquals(200, response.statusCode(), response.body());
    }

    private static HttpResponse<String> post(AppProcess app, String path, String json, boolean asAdmin) throws Exception {
        String credentials = asAdmin ? "admin:admin-secret" : KEY + ":";
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(app.uri(path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
