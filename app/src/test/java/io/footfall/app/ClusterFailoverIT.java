package io.footfall.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Footfall instances on one PostgreSQL under simulated storefront load, both running every role. The instance
 * holding the profile projection is killed (SIGKILL) mid-load; the survivor claims its processors through the token
 * store and goes on. Afterwards every acknowledged event is in the log exactly once and the live profiles equal a
 * replay from scratch. The failover time (kill → the survivor owns the profile projection) is printed.
 */
class ClusterFailoverIT {

    private static final String KEY = "cluster-key";
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
    void theSurvivorTakesOverAndNothingIsLostOrDoubled() throws Exception {
        ConcurrentLinkedQueue<ClusterLoad.Batch> pending = ClusterLoad.batches(23, 200, 14, 100);
        int total = ClusterLoad.messages(pending);
        assertTrue(total > 5_000, "enough load: " + total);

        try (AppProcess a = new AppProcess(env, AppProcess.logFile("cluster-a.log").toPath());
             AppProcess b = new AppProcess(env, AppProcess.logFile("cluster-b.log").toPath())) {
            a.start();
            b.start();
            Map<Long, AppProcess> byPid = Map.of(a.pid(), a, b.pid(), b);
            List<AppProcess> alive = new CopyOnWriteArrayList<>(List.of(a, b));
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            // the processors are spread over both instances (ADR 0018): neither holds two more than the other
            long balanceStarted = System.nanoTime();
            JsonPath spread = Poll.until(Duration.ofSeconds(120), () -> new JsonPath(http(a, "GET", "/api/v1/cluster").body()),
                    c -> balanced(c, a, b));
            double balancedAfter = (System.nanoTime() - balanceStarted) / 1e9;
            String spreadText = held(spread, a).size() + "+" + held(spread, b).size();
            // a replay asked of the instance that does not fold the processor is carried out by the one that does
            AppProcess profilesHolder = ownerPid("profiles") == a.pid() ? a : b;
            AppProcess notHolding = profilesHolder == a ? b : a;
            HttpResponse<String> asked = http(notHolding, "POST", "/api/v1/projections/profiles/replay");
            assertEquals(202, asked.statusCode(), asked.body());
            assertEquals("requested", new JsonPath(asked.body()).getString("status"));
            String plugin = held(spread, profilesHolder).stream().filter(p -> p.startsWith("plugin:")).findFirst()
                    .orElseThrow(() -> new AssertionError("the first instance keeps a plugin: " + spread.prettify()));
            asked = http(notHolding, "POST", "/api/v1/plugins/" + plugin.substring("plugin:".length()) + "/replay");
            assertEquals(202, asked.statusCode(), asked.body());
            assertEquals("requested", new JsonPath(asked.body()).getString("status"));
            for (String processor : List.of("profiles", plugin)) {
                JsonPath done = Poll.until(Duration.ofSeconds(60), () -> new JsonPath(http(notHolding, "GET", "/api/v1/cluster").body()),
                        c -> c.getString("replays.find { it.processor == '" + processor + "' }.doneAt") != null);
                String request = "replays.find { it.processor == '" + processor + "' }";
                assertEquals("replayed", done.getString(request + ".outcome"), done.prettify());
                assertTrue(done.getString(request + ".doneBy").startsWith(profilesHolder.pid() + "@"), "carried out by the holder: " + done.prettify());
                assertTrue(done.getString(request + ".requestedOn").startsWith(notHolding.pid() + "@"), done.prettify());
            }
            assertEquals(profilesHolder.pid(), ownerPid("profiles"), "the holder kept the profile projection");
            String spreadAccount = passwordGuessesSpreadOverTheInstancesAreCountedTogether(a, b);
            changesMadeOnOneInstanceTakeEffectOnTheOtherAtOnce(a, b, spreadAccount);
            // paced (about 33 s for the 131 requests) so that the load goes on past the takeover
            ExecutorService clients = ClusterLoad.send(pending, alive, acknowledged, KEY, 4);

            Poll.until(Duration.ofSeconds(120), acknowledged::size, n -> n >= total / 3);
            long ownerPid = Poll.until(Duration.ofSeconds(60), () -> ownerPid("profiles"), pid -> byPid.containsKey(pid));
            AppProcess victim = byPid.get(ownerPid);
            AppProcess survivor = victim == a ? b : a;
            alive.remove(victim);
            long killedAt = System.nanoTime();
            victim.kill();
            Poll.until(Duration.ofSeconds(90), () -> ownerPid("profiles"), pid -> pid == survivor.pid());
            double failover = (System.nanoTime() - killedAt) / 1e9;
            int ackedAtTakeover = acknowledged.size();
            // and every processor the victim held: the survivor holds all it runs, nothing is left unclaimed
            JsonPath after = Poll.until(Duration.ofSeconds(120), () -> new JsonPath(http(survivor, "GET", "/api/v1/cluster").body()),
                    c -> held(c, survivor).containsAll(runs(c, survivor)) && c.getList("unclaimed").isEmpty()
                            && !c.getBoolean("instances.find { it.node.startsWith('" + victim.pid() + "@') }.live"));
            double allTaken = (System.nanoTime() - killedAt) / 1e9;
            assertTrue(runs(after, survivor).size() >= 3, "the survivor runs the projections and plugins: " + after.prettify());

            clients.shutdown();
            assertTrue(clients.awaitTermination(300, TimeUnit.SECONDS), "every batch acknowledged by some instance");
            assertEquals(total, acknowledged.size(), "every message acknowledged");
            assertTrue(ackedAtTakeover < total, "the load went on after the takeover (" + ackedAtTakeover + " of " + total + ")");
            AppProcess.assertStoredOnce(env.get("QUARKUS_DATASOURCE_JDBC_URL"), acknowledged);

            JsonPath caughtUp = awaitCaughtUp(survivor, -1);
            List<String> live = snapshot();
            assertTrue(live.size() > 1000, "profiles were projected: " + live.size());
            assertEquals(202, http(survivor, "POST", "/api/v1/projections/profiles/replay").statusCode());
            awaitCaughtUp(survivor, caughtUp.getLong("head"));
            assertEquals(live, snapshot(), "the live profiles after the failover equal a replay from scratch");
            System.out.printf("CLUSTER-FAILOVER %d messages; processors spread %s over the two instances %.1f s after the second "
                    + "instance was ready; profile projection owned by the survivor %.1f s after the kill (%d of them acknowledged by then), "
                    + "all %d processors %.1f s after it%n", total, spreadText, balancedAfter, failover, ackedAtTakeover,
                    runs(after, survivor).size(), allTaken);
        }
    }

    @Test
    void anInstanceAnswersOnlyForItsRolesAndRefusesAnUnknownRole() throws Exception {
        // a plugins directory both instances read, as a shared volume would be
        java.nio.file.Path plugins = java.nio.file.Files.createTempDirectory("cluster-plugins-");
        Map<String, String> processOnly = new HashMap<>(env);
        processOnly.put("FOOTFALL_ROLES", "process");
        processOnly.put("FOOTFALL_PLUGINS_PATH", plugins.toString());
        Map<String, String> frontOnly = new HashMap<>(env);
        frontOnly.put("FOOTFALL_ROLES", "ingest, serve");
        frontOnly.put("FOOTFALL_PLUGINS_PATH", plugins.toString());
        try (AppProcess worker = new AppProcess(processOnly, AppProcess.logFile("cluster-process-only.log").toPath());
             AppProcess front = new AppProcess(frontOnly, AppProcess.logFile("cluster-front-only.log").toPath())) {
            worker.start();
            front.start();
            HttpResponse<String> track = track(worker, "{\"batch\":[]}");
            assertEquals(503, track.statusCode());
            assertEquals("footfall.roles", new JsonPath(track.body()).getString("field"));
            assertEquals("role_not_enabled", new JsonPath(track.body()).getString("error"));
            HttpResponse<String> api = http(worker, "GET", "/api/v1/projections/profiles");
            assertEquals(503, api.statusCode());
            assertEquals("footfall.roles", new JsonPath(api.body()).getString("field"));
            assertEquals(200, http(worker, "GET", "/q/health/ready").statusCode());
            assertTrue(Poll.until(Duration.ofSeconds(60), () -> ownerPid("profiles"), pid -> pid == worker.pid()) > 0,
                    "the process-only instance holds the profile projection");

            // the front takes events and answers the API; the worker folds them; the front sees the stored positions
            String user = "roles-" + java.util.UUID.randomUUID();
            HttpResponse<String> accepted = track(front, "{\"batch\":[{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\""
                    + user + "\",\"messageId\":\"" + user + "\",\"properties\":{\"product_id\":\"p1\"}}]}");
            assertEquals(200, accepted.statusCode(), accepted.body());
            Poll.until(Duration.ofSeconds(60), () -> http(front, "GET", "/api/v1/profiles/" + user).statusCode(), status -> status == 200);
            JsonPath status = awaitCaughtUp(front, 0);
            assertTrue(status.getBoolean("running"), "claimed by a live instance: " + status.prettify());
            // the front does not fold: the worker carries the replay out
            HttpResponse<String> asked = http(front, "POST", "/api/v1/projections/profiles/replay");
            assertEquals(202, asked.statusCode(), asked.body());
            assertEquals("requested", new JsonPath(asked.body()).getString("status"));
            JsonPath done = Poll.until(Duration.ofSeconds(60), () -> new JsonPath(http(front, "GET", "/api/v1/cluster").body()),
                    c -> c.getString("replays.find { it.processor == 'profiles' }.doneAt") != null);
            assertTrue(done.getString("replays.find { it.processor == 'profiles' }.doneBy").startsWith(worker.pid() + "@"), done.prettify());
            Poll.until(Duration.ofSeconds(60), () -> http(front, "GET", "/api/v1/profiles/" + user).statusCode(), s -> s == 200);

            // a plugin dropped into the shared directory and reloaded through the front is loaded and folded by the worker
            PluginHostTest.writeFixture(plugins.resolve("noop"), "io.footfall.plugins.fixtures.NoopPlugin");
            HttpResponse<String> reloaded = http(front, "POST", "/api/v1/plugins/reload");
            assertEquals(200, reloaded.statusCode(), reloaded.body());
            assertTrue(new JsonPath(reloaded.body()).getList("started").contains("noop-fixture"), reloaded.body());
            // holds: from the token store at once; runs: from the worker's next heartbeat
            JsonPath cluster = Poll.until(Duration.ofSeconds(60), () -> new JsonPath(http(front, "GET", "/api/v1/cluster").body()),
                    c -> held(c, worker).contains("plugin:noop-fixture") && runs(c, worker).contains("plugin:noop-fixture"));
            assertTrue(runs(cluster, front).isEmpty(), "the front folds nothing: " + cluster.prettify());

            // training asked of the front (the admin UI's pod) is started by the worker, which folds the plugin
            HttpResponse<String> train = http(front, "POST", "/api/v1/plugins/noop-fixture/train");
            assertEquals(202, train.statusCode(), train.body());
            assertEquals("REQUESTED", new JsonPath(train.body()).getString("status"), train.body());
            String job = new JsonPath(train.body()).getString("id");
            JsonPath trained = Poll.until(Duration.ofSeconds(60),
                    () -> new JsonPath(http(front, "GET", "/api/v1/plugins/noop-fixture/jobs/" + job).body()),
                    j -> !List.of("REQUESTED", "RUNNING").contains(j.getString("status")));
            assertEquals("SUCCEEDED", trained.getString("status"), trained.prettify());
            assertTrue(trained.getString("runBy").startsWith(worker.pid() + "@"), trained.prettify());
            assertTrue(trained.getString("requestedOn").startsWith(front.pid() + "@"), trained.prettify());
        }

        Map<String, String> misspelt = new HashMap<>(env);
        misspelt.put("FOOTFALL_ROLES", "ingest,procss");
        AppProcess.assertRefusesToStart(misspelt, "cluster-bad-role.log", "footfall.roles: unknown role 'procss'");
    }

    /** Wrong passwords sent to both instances count as one series: the eleventh attempt, on either, waits. */
    private static String passwordGuessesSpreadOverTheInstancesAreCountedTogether(AppProcess a, AppProcess b) {
        String name = "spread-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = ClusterLoad.as("admin:admin-secret", a, "POST", "/api/v1/accounts",
                "{\"username\":\"" + name + "\",\"password\":\"the-right-password\",\"roles\":[\"analyst\"]}");
        assertEquals(201, created.statusCode(), created.body());
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> guess = ClusterLoad.as(name + ":guess-" + i, i % 2 == 0 ? a : b, "GET", "/api/v1/me", null);
            assertEquals(401, guess.statusCode(), "guess " + i + " on instance " + (i % 2 == 0 ? "a" : "b"));
        }
        for (AppProcess app : List.of(a, b)) {
            HttpResponse<String> slowed = ClusterLoad.as(name + ":the-right-password", app, "GET", "/api/v1/me", null);
            assertEquals(429, slowed.statusCode(), slowed.body());
            assertEquals("too_many_failed_sign_ins", new JsonPath(slowed.body()).getString("error"));
        }
        Poll.until(Duration.ofSeconds(30), () -> ClusterLoad.as(name + ":the-right-password", b, "GET", "/api/v1/me", null).statusCode(),
                status -> status == 200);
        return name;
    }

    /**
     * A password reset and a disabled source, made through instance a, stop the old password and the source's key on
     * instance b at once, although b remembers both as checked (for a minute and 30 s): a NOTIFY tells it to forget.
     */
    private static void changesMadeOnOneInstanceTakeEffectOnTheOtherAtOnce(AppProcess a, AppProcess b, String account) {
        assertEquals(200, ClusterLoad.as(account + ":the-right-password", b, "GET", "/api/v1/me", null).statusCode(), "remembered on b");
        HttpResponse<String> reset = ClusterLoad.as("admin:admin-secret", a, "PATCH", "/api/v1/accounts/" + account,
                "{\"password\":\"a-reset-password\"}");
        assertEquals(200, reset.statusCode(), reset.body());
        long resetAt = System.nanoTime();
        Poll.until(Duration.ofSeconds(8), () -> ClusterLoad.as(account + ":the-right-password", b, "GET", "/api/v1/me", null).statusCode(),
                status -> status == 401);
        double passwordAfter = (System.nanoTime() - resetAt) / 1e9;
        assertEquals(200, ClusterLoad.as(account + ":a-reset-password", b, "GET", "/api/v1/me", null).statusCode());

        HttpResponse<String> created = ClusterLoad.as("admin:admin-secret", a, "POST", "/api/v1/sources", "{\"name\":\"notice-test\"}");
        assertEquals(201, created.statusCode(), created.body());
        String source = new JsonPath(created.body()).getString("source.id");
        String key = new JsonPath(created.body()).getString("writeKey");
        String event = "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"notice-user\",\"properties\":{\"product_id\":\"p1\"}}";
        assertEquals(200, trackWith(b, key, event).statusCode(), "the key works on b, which now remembers it");
        HttpResponse<String> disabled = ClusterLoad.as("admin:admin-secret", a, "PATCH", "/api/v1/sources/" + source, "{\"enabled\":false}");
        assertEquals(200, disabled.statusCode(), disabled.body());
        long disabledAt = System.nanoTime();
        Poll.until(Duration.ofSeconds(8), () -> trackWith(b, key, event).statusCode(), status -> status == 401);
        System.out.printf("CLUSTER-NOTICES a password reset on one instance refused the old password on the other after %.2f s, "
                + "a disabled source's key after %.2f s%n", passwordAfter, (System.nanoTime() - disabledAt) / 1e9);
    }

    private static HttpResponse<String> trackWith(AppProcess app, String writeKey, String json) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(app.uri("/v1/track"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> track(AppProcess app, String json) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(app.uri("/v1/batch"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((KEY + ":").getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long ownerPid(String processor) {
        return ClusterLoad.ownerPid(env.get("QUARKUS_DATASOURCE_JDBC_URL"), processor);
    }

    /** Whether both instances hold processors of the ones they both run, with a spread of at most one. */
    private static boolean balanced(JsonPath cluster, AppProcess a, AppProcess b) {
        int ha = held(cluster, a).size();
        int hb = held(cluster, b).size();
        return ha > 0 && hb > 0 && Math.abs(ha - hb) <= 1 && runs(cluster, a).size() >= 3 && cluster.getList("unclaimed").isEmpty();
    }

    /** The processors an instance holds, from {@code GET /api/v1/cluster}. */
    private static List<String> held(JsonPath cluster, AppProcess app) {
        List<String> holds = cluster.getList("instances.find { it.node.startsWith('" + app.pid() + "@') }.holds");
        return holds == null ? List.of() : holds;
    }

    /** The processors an instance runs, from {@code GET /api/v1/cluster}. */
    private static List<String> runs(JsonPath cluster, AppProcess app) {
        List<String> runs = cluster.getList("instances.find { it.node.startsWith('" + app.pid() + "@') }.runs");
        return runs == null ? List.of() : runs;
    }

    private static JsonPath awaitCaughtUp(AppProcess app, long minHead) {
        return ClusterLoad.awaitProfilesCaughtUp(app, minHead);
    }

    private static HttpResponse<String> http(AppProcess app, String method, String path) {
        return ClusterLoad.admin(app, method, path);
    }

    private static List<String> snapshot() throws Exception {
        return ClusterLoad.profileSnapshot(env.get("QUARKUS_DATASOURCE_JDBC_URL"));
    }
}
