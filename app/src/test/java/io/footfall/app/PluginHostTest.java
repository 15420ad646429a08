package io.footfall.app;

import static io.footfall.app.Api.admin;
import static io.footfall.app.Api.tracking;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The plugin host with real plugin jars loaded from a directory: isolation of a plugin that throws,
 * hangs, allocates without bound, retains memory across calls or cannot be stopped; dead letters,
 * configuration, training jobs, model versions, hot reload and SPI version checks.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PluginHostTest {

    private static final String BROKEN = "broken-fixture";

    private static void configure(String mode) {
        admin().contentType("application/json").body(Map.of("mode", mode)).put("/api/v1/plugins/{id}/config", BROKEN)
                .then().statusCode(200).body("state", equalTo("RUNNING")).body("config.mode", equalTo(mode));
    }

    private static String sendEvents(int n) {
        String user = "plug-" + UUID.randomUUID();
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < n; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"").append(user)
                    .append("\",\"properties\":{\"product_id\":\"p").append(i).append("\",\"category\":\"Toys\"}}");
        }
        tracking().body(batch.append("]}").toString()).post("/v1/batch").then().statusCode(200).body("stored", equalTo(n));
        return user;
    }

    private static List<Map<String, Object>> parked() {
        return admin().queryParam("status", "PARKED").get("/api/v1/plugins/{id}/dead-letters", BROKEN).jsonPath().getList("$");
    }

    private static List<Map<String, Object>> awaitParked(int count) {
        return Poll.until(Duration.ofSeconds(30), PluginHostTest::parked, l -> l.size() >= count);
    }

    @Test
    @Order(1)
    void pluginsAreListedWithDescriptorAndState() {
        admin().get("/api/v1/plugins").then().statusCode(200)
                .body("plugins.find { it.id == 'broken-fixture' }.state", equalTo("RUNNING"))
                .body("plugins.find { it.id == 'broken-fixture' }.descriptor.config.properties.name", hasItem("mode"))
                .body("plugins.find { it.id == 'broken-fixture' }.deadLetters", equalTo(0));
    }

    @Test
    @Order(2)
    void invalidConfigIs400NamingTheProperty() {
        admin().contentType("application/json").body(Map.of("mode", "explode")).put("/api/v1/plugins/{id}/config", BROKEN)
                .then().statusCode(400).body("field", equalTo("mode")).body("errors[0].message", containsString("one of"));
        admin().contentType("application/json").body(Map.of("sleep-ms", "-5")).put("/api/v1/plugins/{id}/config", BROKEN)
                .then().statusCode(400).body("field", equalTo("sleep-ms"));
        admin().contentType("application/json").body(Map.of("colour", "red")).put("/api/v1/plugins/{id}/config", BROKEN)
                .then().statusCode(400).body("field", equalTo("colour"));
        admin().contentType("application/json").body(Map.of()).put("/api/v1/plugins/{id}/config", "nope").then().statusCode(404);
    }

    @Test
    @Order(3)
    void healthyPluginPublishesResultsWithState() {
        configure("ok");
        sendEvents(3);
        Poll.until(Duration.ofSeconds(30), () -> admin().get("/api/v1/plugins/{id}/results", BROKEN).jsonPath(),
                r -> !r.getList("$").isEmpty() && ((Number) r.getList("result.rows[0][0]").get(0)).longValue() >= 3);
    }

    @Test
    @Order(4)
    void throwingPluginParksTheBatchAndIngestionGoesOn() {
        configure("throw");
        int before = parked().size();
        String user = sendEvents(5);
        List<Map<String, Object>> letters = awaitParked(before + 1);
        assertTrue(letters.get(letters.size() - 1).get("error").toString().contains("broken on purpose"));
        Api.awaitProfile(user, 5);

        configure("ok");
        Object id = letters.get(letters.size() - 1).get("id");
        admin().post("/api/v1/plugins/{id}/dead-letters/{letter}/retry", BROKEN, id).then().statusCode(200).body("status", equalTo("RETRIED"));
        admin().post("/api/v1/plugins/{id}/dead-letters/{letter}/retry", BROKEN, id).then().statusCode(409);
    }

    @Test
    @Order(5)
    void hangingPluginIsCutOffAndOthersKeepUp() {
        configure("sleep");
        int before = parked().size();
        long start = System.nanoTime();
        String user = sendEvents(4);
        Api.awaitProfile(user, 4);
        long profileMillis = (System.nanoTime() - start) / 1_000_000;
        List<Map<String, Object>> letters = awaitParked(before + 1);
        assertTrue(letters.get(letters.size() - 1).get("error").toString().contains("did not finish"), letters.toString());
        assertTrue(profileMillis < 10_000, "the profile projection was not held up by the sleeping plugin: " + profileMillis + " ms");
        configure("ok");
    }

    @Test
    @Order(6)
    void allocatingPluginIsStoppedAtItsBudget() {
        configure("allocate");
        int before = parked().size();
        String user = sendEvents(2);
        List<Map<String, Object>> letters = awaitParked(before + 1);
        assertTrue(letters.get(letters.size() - 1).get("error").toString().contains("allocated more than"), letters.toString());
        Api.awaitProfile(user, 2);
        configure("ok");
        admin().post("/api/v1/plugins/{id}/dead-letters/{letter}/drop", BROKEN, letters.get(letters.size() - 1).get("id"))
                .then().statusCode(200).body("status", equalTo("DROPPED"));
    }

    @Test
    @Order(7)
    void trainingJobSavesAModelThatCanBePromotedAndRolledBack() {
        String user = sendEvents(3);
        Api.awaitProfile(user, 3);
        for (int run = 1; run <= 2; run++) {
            Response started = admin().post("/api/v1/plugins/{id}/train", BROKEN);
            started.then().statusCode(202).body("status", equalTo("RUNNING"));
            String job = started.jsonPath().getString("id");
            JsonPath done = Poll.until(Duration.ofSeconds(60), () -> admin().get("/api/v1/plugins/{id}/jobs/{job}", BROKEN, job).jsonPath(),
                    j -> !j.getString("status").equals("RUNNING"));
            assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
            assertTrue(done.getDouble("report.metrics.events") > 0, done.prettify());
        }
        admin().get("/api/v1/plugins/{id}/models", BROKEN).then().statusCode(200).body("size()", equalTo(2));
        admin().post("/api/v1/plugins/{id}/models/rollback", BROKEN).then().statusCode(409);
        admin().post("/api/v1/plugins/{id}/models/1/promote", BROKEN).then().statusCode(200).body("serving", equalTo(true));
        admin().post("/api/v1/plugins/{id}/models/2/promote", BROKEN).then().statusCode(200).body("version", equalTo(2));
        admin().post("/api/v1/plugins/{id}/models/rollback", BROKEN).then().statusCode(200).body("version", equalTo(1));
        admin().post("/api/v1/plugins/{id}/models/9/promote", BROKEN).then().statusCode(404);
        admin().queryParam("cutoff", "soon").post("/api/v1/plugins/{id}/train", BROKEN).then().statusCode(400).body("field", equalTo("cutoff"));
    }

    @Test
    @Order(7)
    void aRunAskedOfAnotherInstanceIsCarriedOutHereAndOneWhoseInstanceDiedFails() throws Exception {
        // a serve pod, which folds nothing, recorded the request; this instance folds the plugin and carries it out
        String requested = UUID.randomUUID().toString();
        storeJobAsAnotherInstanceWould(requested, "REQUESTED", null);
        JsonPath done = Poll.until(Duration.ofSeconds(60), () -> admin().get("/api/v1/plugins/{id}/jobs/{job}", BROKEN, requested).jsonPath(),
                j -> !List.of("REQUESTED", "RUNNING").contains(j.getString("status")));
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
        assertEquals("serve-pod@elsewhere", done.getString("requestedOn"));
        assertEquals(io.footfall.core.store.EventLog.NODE, done.getString("runBy"));
        assertTrue(done.getDouble("report.metrics.events") > 0, done.prettify());

        // another live instance is running the plugin's training: no second run anywhere
        String elsewhere = UUID.randomUUID().toString();
        storeJobAsAnotherInstanceWould(elsewhere, "RUNNING", "process-pod@elsewhere");
        admin().post("/api/v1/plugins/{id}/train", BROKEN).then().statusCode(409)
                .body("error", equalTo("already_training")).body("message", containsString(elsewhere));
        // that instance dies: its heartbeat stops, the run is marked failed, and the plugin can be trained again
        try (var c = dataSource.getConnection(); var s = c.prepareStatement(
                "UPDATE training_job SET heartbeat_at = now() - interval '1 minute' WHERE id = ?")) {
            s.setString(1, elsewhere);
            assertEquals(1, s.executeUpdate());
        }
        JsonPath failed = Poll.until(Duration.ofSeconds(30), () -> admin().get("/api/v1/plugins/{id}/jobs/{job}", BROKEN, elsewhere).jsonPath(),
                j -> !"RUNNING".equals(j.getString("status")));
        assertEquals("FAILED", failed.getString("status"), failed.prettify());
        assertEquals("the instance running it stopped", failed.getString("message"));
        String again = admin().post("/api/v1/plugins/{id}/train", BROKEN).then().statusCode(202)
                .body("status", equalTo("RUNNING")).extract().jsonPath().getString("id");
        Poll.until(Duration.ofSeconds(60), () -> admin().get("/api/v1/plugins/{id}/jobs/{job}", BROKEN, again).jsonPath().getString("status"),
                "SUCCEEDED"::equals);

        // a request for a plugin this instance does not have waits for an instance that has it, and can be cancelled
        String waiting = UUID.randomUUID().toString();
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("INSERT INTO training_job (id, plugin_id, cutoff, status, "
                + "requested_at, requested_on, heartbeat_at) VALUES (?, 'plugin-of-another-pod', now(), 'REQUESTED', now(), 'serve-pod@elsewhere', now())")) {
            s.setString(1, waiting);
            assertEquals(1, s.executeUpdate());
        }
        admin().get("/api/v1/plugins/{id}/jobs/{job}", "plugin-of-another-pod", waiting).then().statusCode(200).body("status", equalTo("REQUESTED"));
        admin().post("/api/v1/plugins/{id}/jobs/{job}/cancel", "plugin-of-another-pod", waiting).then().statusCode(200)
                .body("status", equalTo("CANCELLED"));
        admin().get("/api/v1/plugins/{id}/jobs/{job}", BROKEN, waiting).then().statusCode(404);
    }

    private void storeJobAsAnotherInstanceWould(String id, String status, String runBy) throws Exception {
        try (var c = dataSource.getConnection(); var s = c.prepareStatement("INSERT INTO training_job (id, plugin_id, cutoff, status, "
                + "requested_at, requested_on, started_at, run_by, heartbeat_at) VALUES (?, ?, now(), ?, now(), 'serve-pod@elsewhere', ?, ?, now())")) {
            s.setString(1, id);
            s.setString(2, BROKEN);
            s.setString(3, status);
            s.setTimestamp(4, runBy == null ? null : java.sql.Timestamp.from(java.time.Instant.now()));
            s.setString(5, runBy);
            assertEquals(1, s.executeUpdate());
        }
    }

    @Test
    @Order(8)
    void scheduledTrainingRunsByItself() {
        int before = admin().get("/api/v1/plugins/{id}/models", BROKEN).jsonPath().getList("$").size();
        admin().contentType("application/json").body(Map.of("every", "yesterday")).put("/api/v1/plugins/{id}/schedule", BROKEN)
                .then().statusCode(400).body("field", equalTo("every"));
        admin().contentType("application/json").body(Map.of("every", "PT2S")).put("/api/v1/plugins/{id}/schedule", BROKEN)
                .then().statusCode(200).body("every", equalTo("PT2S"));
        Poll.until(Duration.ofSeconds(30), () -> admin().get("/api/v1/plugins/{id}/models", BROKEN).jsonPath().getList("$").size(),
                n -> n >= before + 2);
        admin().contentType("application/json").body("{\"every\":null}").put("/api/v1/plugins/{id}/schedule", BROKEN)
                .then().statusCode(200);
        admin().get("/api/v1/plugins/{id}/schedule", BROKEN).then().statusCode(200).body("every", equalTo(null));
    }

    @jakarta.inject.Inject
    io.footfall.core.plugin.TrainingSchedule schedule;
    @jakarta.inject.Inject
    javax.sql.DataSource dataSource;

    @Test
    @Order(8)
    void aDueScheduledRunStartsOnceWhateverTheNumberOfInstances() throws Exception {
        java.time.Instant seen;
        try (var c = dataSource.getConnection(); var s = c.prepareStatement(
                "SELECT last_scheduled_training FROM plugin_config WHERE plugin_id = ?")) {
            s.setString(1, BROKEN);
            try (var rs = s.executeQuery()) {
                assertTrue(rs.next());
                seen = rs.getTimestamp(1) == null ? null : rs.getTimestamp(1).toInstant();
            }
        }
        java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        // two instances found the run due after reading the same last start: one wins, the other does not start it
        assertTrue(schedule.claimDue(BROKEN, seen, now));
        assertFalse(schedule.claimDue(BROKEN, seen, now.plusMillis(1)));
        // the next run goes to whoever read the new last start
        assertTrue(schedule.claimDue(BROKEN, now, now.plusMillis(2)));
    }

    @Test
    @Order(9)
    void replayRebuildsStateFromTheLog() {
        long seenBefore = seen();
        admin().post("/api/v1/plugins/{id}/replay", BROKEN).then().statusCode(202);
        // the replay folds the whole suite's log (about 50,000 events by now): on a slow VM that took more than a minute
        long seenAfter = Poll.until(Duration.ofSeconds(180), PluginHostTest::seen, s -> s >= seenBefore);
        assertTrue(seenAfter >= seenBefore);
    }

    private static long seen() {
        List<Object> rows = admin().get("/api/v1/plugins/{id}/results", BROKEN).jsonPath().getList("result.rows[0][0]");
        return rows.isEmpty() ? 0 : ((Number) rows.get(0)).longValue();
    }

    @Test
    @Order(10)
    void disabledPluginStopsAndRestarts() {
        admin().post("/api/v1/plugins/{id}/disable", BROKEN).then().statusCode(200).body("state", equalTo("DISABLED"));
        admin().post("/api/v1/plugins/{id}/enable", BROKEN).then().statusCode(200).body("state", equalTo("RUNNING"));
    }

    @Test
    @Order(11)
    void newPluginJarIsLoadedWithoutRestartAndAFutureSpiIsRefused() throws IOException {
        Path plugins = Path.of("target/plugins");
        Path noop = plugins.resolve("noop-" + UUID.randomUUID());
        Path future = plugins.resolve("future-" + UUID.randomUUID());
        try {
            writeFixture(noop, "io.footfall.plugins.fixtures.NoopPlugin");
            writeFixture(future, "io.footfall.plugins.fixtures.FutureSpiPlugin");
            String user = sendEvents(1);
            admin().post("/api/v1/plugins/reload").then().statusCode(200).body("started", hasItem("noop-fixture"))
                    .body("refused.find { it.directory.endsWith('" + future.getFileName() + "') }.reason", containsString("SPI 2.0"));
            admin().get("/api/v1/plugins/{id}", "noop-fixture").then().statusCode(200).body("state", equalTo("RUNNING"));
            Api.awaitProfile(user, 1);
        } finally {
            deleteTree(noop);
            deleteTree(future);
        }
    }

    /**
     * A training run's exclusive work and the batches folded meanwhile never overwrite each other: the fixture adds
     * each batch's size to a counter that every training step also rewrites (read, pause, write), while events keep
     * arriving; afterwards the counter holds every batch's and every step's share (TrainingContext.exclusively).
     */
    @Test
    @Order(15)
    void trainingWorkDoneExclusivelyAndTheBatchesFoldedMeanwhileLoseNothing() throws Exception {
        String id = "exclusive-fixture";
        withFixture(id, "io.footfall.plugins.fixtures.ExclusiveCounterPlugin", () -> {
            sendEvents(5);
            String job = admin().post("/api/v1/plugins/{id}/train", id).then().statusCode(202).extract().jsonPath().getString("id");
            // events keep arriving while it trains
            String status = Poll.until(Duration.ofSeconds(120), () -> {
                sendEvents(20);
                return admin().get("/api/v1/plugins/{id}/jobs/{job}", id, job).jsonPath().getString("status");
            }, st -> !st.equals("RUNNING"));
            assertEquals("SUCCEEDED", status, admin().get("/api/v1/plugins/{id}/jobs/{job}", id, job).asString());
            Poll.until(Duration.ofSeconds(60), () -> admin().get("/api/v1/plugins/{id}", id).jsonPath(), j -> j.getLong("lag") == 0);
            long events = counter(id, "events");
            long during = counter(id, "during");
            assertTrue(during > 0, "no batch was folded while the plugin trained: the test did not exercise the overlap");
            long steps = counter(id, "steps");
            assertTrue(steps >= io.footfall.plugins.fixtures.ExclusiveCounterPlugin.STEPS, "steps " + steps);
            assertEquals(events + io.footfall.plugins.fixtures.ExclusiveCounterPlugin.STEP * steps, counter(id, "n"),
                    "batches folded during training: " + during + ", training steps: " + steps);
        });
    }

    /**
     * Timers (plugin SPI 1.9) through the real host: the fixture sets one a day after each user's latest order and
     * consumes nothing but orders. A second order replaces the user's timer; once the log's event time passes the
     * timers (through an event the plugin does not consume, so the host delivers them on their own) each user's timer
     * fires once, at the replaced time, and leaves no key behind.
     */
    @Test
    @Order(16)
    void timersFireOnceWhenTheLogsEventTimePassesThemEvenInBatchesThePluginDoesNotConsume() throws Exception {
        String id = "reminder-fixture";
        withFixture(id, "io.footfall.plugins.fixtures.ReminderPlugin", () -> {
            String ann = "rem-a-" + UUID.randomUUID();
            String cid = "rem-c-" + UUID.randomUUID();
            // the log's event time is every test's: due a few seconds after where it stands (the fixture folded the log
            // from its start and stored it), so that moving it past the timers leaves it where the other tests expect it
            Poll.until(Duration.ofSeconds(60), () -> admin().get("/api/v1/plugins/{id}", id).jsonPath(), j -> j.getLong("lag") == 0);
            Instant base = Instant.ofEpochMilli(Math.max(System.currentTimeMillis(), logTimeOf(id))).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            Instant annDue = base.plusSeconds(2);
            Instant cidDue = base.plusSeconds(3);
            Duration delay = io.footfall.plugins.fixtures.ReminderPlugin.DELAY;
            tracking().body("{\"batch\":[" + order(ann, annDue.minus(delay)) + "," + order(cid, cidDue.minus(delay).minusSeconds(600)) + ","
                    + order(cid, cidDue.minus(delay)) + "]}").post("/v1/batch").then().statusCode(200).body("stored", equalTo(3));
            Poll.until(Duration.ofSeconds(60), () -> stateOf(id, cid), m -> m.containsValue(digits(cidDue)));
            // (other tests' orders have timers too: only this test's users are looked at)
            assertEquals(Map.of("\u0001u/u/" + ann, digits(annDue), "\u0001t/" + digits(annDue) + "/u/" + ann, ""), stateOf(id, ann));
            assertEquals(Map.of("\u0001u/u/" + cid, digits(cidDue), "\u0001t/" + digits(cidDue) + "/u/" + cid, ""), stateOf(id, cid),
                    "one stored timer, the second order's replacing the first, nothing fired yet");
            // an event the plugin does not consume moves the log's time past both timers
            Instant later = cidDue.plusSeconds(1);
            tracking().body("{\"batch\":[" + IdentityTest.event("{\"type\":\"page\",\"name\":\"Home\",\"userId\":\"rem-other\"}$", later) + "]}")
                    .post("/v1/batch").then().statusCode(200).body("stored", equalTo(1));
            Poll.until(Duration.ofSeconds(60), () -> stateOf(id, cid), m -> m.keySet().stream().anyMatch(k -> k.startsWith("fired/")));
            assertEquals(Map.of("fired/" + ann + "/" + annDue.toEpochMilli(), Long.toString(later.toEpochMilli())), stateOf(id, ann),
                    "the timer fired once, with the log's time that passed it, and left no keys");
            assertEquals(Map.of("fired/" + cid + "/" + cidDue.toEpochMilli(), Long.toString(later.toEpochMilli())), stateOf(id, cid),
                    "fired once, at the time it was last set to");
        });
    }

    /**
     * A cancelled run that stops publishes nothing it wrote before the cancellation, and a run that finishes without
     * noticing it commits and says so, rather than ending CANCELLED with its model serving.
     */
    @Test
    @Order(17)
    void aCancelledRunThatStopsLeavesNothingAndOneThatFinishedAnywaySucceeds() throws Exception {
        String id = "cancel-fixture";
        withFixture(id, "io.footfall.plugins.fixtures.CancellableTrainerPlugin", () -> {

            JsonPath stopped = trainAndCancel(id);
            assertEquals("CANCELLED", stopped.getString("status"), stopped.prettify());
            assertEquals("stopped for the cancellation", stopped.getString("message"));
            assertEquals(Map.of(), stateLike(id, "trained"), "the state written before the cancellation was dropped");
            admin().get("/api/v1/plugins/{id}/results", id).then().statusCode(200).body("size()", equalTo(0));
            admin().get("/api/v1/plugins/{id}/models", id).then().statusCode(200).body("size()", equalTo(0));

            admin().contentType("application/json").body(Map.of("on-cancel", "finish")).put("/api/v1/plugins/{id}/config", id)
                    .then().statusCode(200);
            JsonPath finished = trainAndCancel(id);
            assertEquals("SUCCEEDED", finished.getString("status"), finished.prettify());
            assertEquals("trained both halves (cancelled too late: the run had finished its work)", finished.getString("message"));
            assertEquals(Map.of("trained", "first half"), stateLike(id, "trained"));
            admin().get("/api/v1/plugins/{id}/results", id).then().statusCode(200).body("size()", equalTo(1));
            admin().get("/api/v1/plugins/{id}/models", id).then().statusCode(200).body("size()", equalTo(1));
        });
    }

    /** A test's body, run with a fixture plugin installed. */
    private interface FixtureBody {
        void run() throws Exception;
    }

    /**
     * Installs the fixture plugin {@code pluginClass} (id {@code id}) from the fixtures jar in a directory of its own,
     * runs {@code body}, then disables the plugin and removes its directory.
     */
    private static void withFixture(String id, String pluginClass, FixtureBody body) throws Exception {
        Path dir = Path.of("target/plugins").resolve(id + "-" + UUID.randomUUID());
        try {
            writeFixture(dir, pluginClass);
            admin().post("/api/v1/plugins/reload").then().statusCode(200).body("started", hasItem(id));
            body.run();
        } finally {
            admin().post("/api/v1/plugins/{id}/disable", id);
            deleteTree(dir);
        }
    }

    /** Starts a run of the fixture, cancels it once it waits for that, and answers the job once it ended. */
    private static JsonPath trainAndCancel(String id) {
        String job = admin().post("/api/v1/plugins/{id}/train", id).then().statusCode(202).extract().jsonPath().getString("id");
        Poll.until(Duration.ofSeconds(60), () -> admin().get("/api/v1/plugins/{id}/jobs/{job}", id, job).jsonPath(),
                j -> io.footfall.plugins.fixtures.CancellableTrainerPlugin.WAITING.equals(j.getString("message")));
        admin().post("/api/v1/plugins/{id}/jobs/{job}/cancel", id, job).then().statusCode(200);
        return Poll.until(Duration.ofSeconds(60), () -> admin().get("/api/v1/plugins/{id}/jobs/{job}", id, job).jsonPath(),
                j -> !j.getString("status").equals("RUNNING"));
    }

    private static String order(String user, Instant at) {
        return IdentityTest.event("{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\"" + user
                + "\",\"properties\":{\"order_id\":\"" + UUID.randomUUID() + "\",\"revenue\":10}}$", at);
    }

    private static String digits(Instant at) {
        return String.format("%015d", at.toEpochMilli());
    }

    /** Where the log's event time stood when the one-segment plugin last committed a batch (epoch millis). */
    private long logTimeOf(String pluginId) {
        try (var c = dataSource.getConnection();
             var s = c.prepareStatement("SELECT millis FROM plugin_watermark WHERE plugin_id = ?")) {
            s.setString(1, pluginId);
            try (var rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : Long.MIN_VALUE;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The plugin's state rows whose key names the user, values as text. */
    private Map<String, String> stateOf(String pluginId, String user) {
        return stateLike(pluginId, "%" + user + "%");
    }

    /** The plugin's state rows whose key is LIKE the pattern, values as text. */
    private Map<String, String> stateLike(String pluginId, String pattern) {
        Map<String, String> out = new java.util.TreeMap<>();
        try (var c = dataSource.getConnection();
             var s = c.prepareStatement("SELECT key, value FROM plugin_state WHERE plugin_id = ? AND key LIKE ?")) {
            s.setString(1, pluginId);
            s.setString(2, pattern);
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new String(rs.getBytes(2), StandardCharsets.UTF_8));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private long counter(String pluginId, String key) throws java.sql.SQLException {
        try (var c = dataSource.getConnection();
             var s = c.prepareStatement("SELECT value FROM plugin_state WHERE plugin_id = ? AND key = ?")) {
            s.setString(1, pluginId);
            s.setString(2, key);
            try (var rs = s.executeQuery()) {
                return rs.next() ? Long.parseLong(new String(rs.getBytes(1), StandardCharsets.UTF_8)) : 0;
            }
        }
    }

    private static JsonPath listed(String id) {
        JsonPath all = admin().get("/api/v1/plugins").then().statusCode(200).extract().jsonPath();
        return new JsonPath(all.prettify()).setRootPath("plugins.find { it.id == '" + id + "' }");
    }

    private static long processed(String id) {
        return admin().get("/api/v1/plugins/{id}", id).jsonPath().getLong("processedEvents");
    }

    @Test
    @Order(12)
    void aThreadThatCannotBeStoppedIsAbandonedAndItsPluginQuarantined() {
        int before = parked().size();
        // swallows interrupts and ThreadDeath: neither Thread.stop (Java 17) nor its absence (Java 20+) ends it
        admin().contentType("application/json").body(Map.of("mode", "stubborn", "sleep-ms", "9000"))
                .put("/api/v1/plugins/{id}/config", BROKEN).then().statusCode(200).body("state", equalTo("RUNNING"));
        String user = sendEvents(2);
        JsonPath status = Poll.until(Duration.ofSeconds(30), () -> listed(BROKEN), s -> "QUARANTINED".equals(s.getString("state")));
        assertTrue(status.getString("stateReason").contains("could not be stopped") && status.getString("stateReason").contains("abandoned"),
                status.prettify());
        assertTrue(status.getInt("abandonedThreads") >= 1, status.prettify());
        awaitParked(before + 1);
        Api.awaitProfile(user, 2);

        // the stored config changes, the plugin stays quarantined; enable waits for the abandoned thread to end
        admin().contentType("application/json").body(Map.of("mode", "ok")).put("/api/v1/plugins/{id}/config", BROKEN)
                .then().statusCode(200).body("state", equalTo("QUARANTINED"));
        admin().post("/api/v1/plugins/{id}/enable", BROKEN).then().statusCode(409).body("error", equalTo("abandoned_threads"));
        Poll.until(Duration.ofSeconds(30), () -> admin().post("/api/v1/plugins/{id}/enable", BROKEN).statusCode(), code -> code == 200);
        admin().get("/api/v1/plugins/{id}", BROKEN).then().body("state", equalTo("RUNNING")).body("abandonedThreads", equalTo(0))
                .body("stateReason", equalTo(null));
    }

    @Test
    @Order(13)
    void aPluginRetainingMemoryAcrossCallsIsQuarantinedWhileIngestionAndOtherPluginsGoOn() throws IOException {
        Path leaky = Path.of("target/plugins").resolve("leaky-" + UUID.randomUUID());
        try {
            writeFixture(leaky, "io.footfall.plugins.fixtures.LeakyPlugin");
            // this plugin's own limits: 48 MB retained, checked after every batch (instance defaults: 256 MB, every minute)
            Files.writeString(leaky.resolve("footfall-plugin.properties"), "retained-budget-mb=48\nretained-check=PT0S\n");
            admin().post("/api/v1/plugins/reload").then().statusCode(200).body("started", hasItem("leaky-fixture"));
            long affinityBefore = processed("category-affinity");
            configure("ok");
            long brokenBefore = processed(BROKEN);
            // 4 MB kept per batch, far below the 64 MB per call: only the retained-memory budget catches it
            JsonPath status = Poll.until(Duration.ofSeconds(90), () -> {
                sendEvents(2);
                return listed("leaky-fixture");
            }, s -> "QUARANTINED".equals(s.getString("state")));
            assertTrue(status.getString("stateReason").contains("retains more than its memory budget of 48 MB"), status.prettify());
            assertTrue(status.getLong("retainedBytes") > 48L * 1024 * 1024, status.prettify());

            String user = sendEvents(5);
            Api.awaitProfile(user, 5);
            Poll.until(Duration.ofSeconds(30), () -> processed("category-affinity"), n -> n >= affinityBefore + 5);
            Poll.until(Duration.ofSeconds(30), () -> processed(BROKEN), n -> n >= brokenBefore + 5);
            assertEquals("RUNNING", listed("category-affinity").getString("state"));
            assertEquals("RUNNING", listed(BROKEN).getString("state"));
            assertEquals("QUARANTINED", listed("leaky-fixture").getString("state"), "stays stopped until enabled");

            // enable loads it afresh in a new class loader: what the old instance kept in its static field is gone
            admin().post("/api/v1/plugins/{id}/enable", "leaky-fixture").then().statusCode(200).body("state", equalTo("RUNNING"));
            JsonPath fresh = Poll.until(Duration.ofSeconds(30), () -> {
                sendEvents(1);
                return listed("leaky-fixture");
            }, s -> s.getLong("retainedBytes") >= 0);
            assertTrue(fresh.getLong("retainedBytes") < 48L * 1024 * 1024 && "RUNNING".equals(fresh.getString("state")), fresh.prettify());
        } finally {
            admin().post("/api/v1/plugins/{id}/disable", "leaky-fixture");
            deleteTree(leaky);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** A copy of the fixtures jar whose service file names only the given plugin class. */
    static void writeFixture(Path dir, String pluginClass) throws IOException {
        Files.createDirectories(dir);
        Path source;
        try (var jars = Files.list(Path.of("target/fixture-jars"))) {
            source = jars.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        String service = "META-INF/services/io.footfall.api.plugin.MiningPlugin";
        try (JarInputStream in = new JarInputStream(Files.newInputStream(source));
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(dir.resolve("plugin.jar")))) {
            JarEntry entry;
            while ((entry = in.getNextJarEntry()) != null) {
                out.putNextEntry(new JarEntry(entry.getName()));
                if (entry.getName().equals(service)) {
                    out.write((pluginClass + "\n").getBytes(StandardCharsets.UTF_8));
                } else {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
    }

    private void storeAsAnotherInstanceWould(String sql) throws Exception {
        try (var c = dataSource.getConnection(); var s = c.prepareStatement(sql)) {
            s.setString(1, BROKEN);
            assertEquals(1, s.executeUpdate());
        }
    }

    @Test
    @Order(14)
    void aConfigurationAnotherInstanceStoredIsAppliedHere() throws Exception {
        configure("ok");
        // another instance changed the stored configuration; this instance's API was not called
        storeAsAnotherInstanceWould("UPDATE plugin_config SET config = jsonb_set(config, '{sleep-ms}', '\"1234\"') WHERE plugin_id = ?");
        Poll.until(Duration.ofSeconds(30), () -> listed(BROKEN),
                p -> "RUNNING".equals(p.getString("state")) && p.getLong("config.sleep-ms") == 1234);
        storeAsAnotherInstanceWould("UPDATE plugin_config SET enabled = FALSE WHERE plugin_id = ?");
        Poll.until(Duration.ofSeconds(30), () -> listed(BROKEN), p -> "DISABLED".equals(p.getString("state")));
        storeAsAnotherInstanceWould("UPDATE plugin_config SET enabled = TRUE WHERE plugin_id = ?");
        Poll.until(Duration.ofSeconds(30), () -> listed(BROKEN), p -> "RUNNING".equals(p.getString("state")));
    }

}
