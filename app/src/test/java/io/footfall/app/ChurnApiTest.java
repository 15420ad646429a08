package io.footfall.app;

import static io.footfall.app.Api.admin;
import static io.footfall.app.Api.tracking;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.footfall.simulator.GroundTruth;
import io.footfall.simulator.HttpBatchSink;
import io.footfall.simulator.Simulator;
import io.footfall.simulator.SimulatorConfig;
import io.footfall.simulator.UserTruth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The churn plugin end to end through the churn API: eight weeks of simulated shoppers (ids prefixed, so that they
 * meet no other test's users) through the tracking API, a training run through the admin API, then
 * {@code GET /api/v1/users/{id}/churn}, {@code …/propensity} and {@code GET /api/v1/churn/at-risk} are compared with
 * the plugin's stored results (the insights API, the {@code churn-at-risk} report table, the model versions); a user
 * first seen after training gets a cold-start score; unknown users are 404 and bad parameters 400 naming them.
 */
@QuarkusTest
class ChurnApiTest {

    private static final String PLUGIN = "churn";
    private static final String P = "ch-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private static final int DAYS = 56;
    private static final String NEWBIE = P + "newbie";

    private static GroundTruth truth;
    private static boolean started;
    private static int version;
    private static Map<String, Object> metrics;

    /** Once per class, inside the running application. */
    @BeforeEach
    synchronized void simulateAndTrainOnce() {
        assertFalse(started && metrics == null, "simulating and training failed in the first test");
        if (started) {
            return;
        }
        started = true;
        Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(DAYS));
        try (HttpBatchSink sink = HttpBatchSink.builder(URI.create("http://localhost:" + RestAssured.port), Api.WRITE_KEY)
                .batchSize(250).concurrency(1).build()) {
            truth = Simulator.run(SimulatorConfig.builder().seed(23).users(160).days(DAYS).start(start).build(), message -> {
                prefix(message, "userId");
                prefix(message, "anonymousId");
                prefix(message, "messageId");
                sink.accept(message);
            });
        }
        // Generous deadlines: on the shared 2-core build machine the plugins fold this backlog in minutes, and a batch
        // can overrun the test profile's 2-second call timeout: it is parked (then retried here, so that no event is
        // missing), and five in a row stop the plugin (then enabled again here).
        Poll.until(Duration.ofSeconds(900), ChurnApiTest::caughtUp, done -> done);
        String job = admin().post("/api/v1/plugins/{id}/train", PLUGIN).then().statusCode(202).extract().path("id");
        JsonPath done = Poll.until(Duration.ofSeconds(600), () -> admin().get("/api/v1/plugins/{id}/jobs/{job}", PLUGIN, job).jsonPath(),
                j -> !"RUNNING".equals(j.getString("status")));
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
        JsonPath models = admin().get("/api/v1/plugins/{id}/models", PLUGIN).then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> versions = models.getList("findAll { it.serving }");
        assertEquals(1, versions.size(), models.prettify());
        version = ((Number) versions.get(0).get("version")).intValue();
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) versions.get(0).get("metrics");
        metrics = m;
    }

    /** True when the churn plugin runs, has folded the whole log and has no parked batch; else nudges it on. */
    private static boolean caughtUp() {
        JsonPath status = admin().get("/api/v1/plugins/{id}", PLUGIN).jsonPath();
        if ("FAILED".equals(status.getString("state"))) {
            admin().post("/api/v1/plugins/{id}/enable", PLUGIN);
            return false;
        }
        if (!"RUNNING".equals(status.getString("state")) || status.getLong("lag") != 0) {
            return false;
        }
        return retryParkedBatches() == 0;
    }

    /** Retries the churn plugin's parked batches; the number still parked afterwards. */
    private static int retryParkedBatches() {
        List<Integer> parked = admin().queryParam("status", "PARKED").get("/api/v1/plugins/{id}/dead-letters", PLUGIN).then()
                .statusCode(200).extract().jsonPath().getList("id", Integer.class);
        for (int letter : parked) {
            admin().post("/api/v1/plugins/{id}/dead-letters/{letter}/retry", PLUGIN, letter);
        }
        return admin().queryParam("status", "PARKED").get("/api/v1/plugins/{id}/dead-letters", PLUGIN).then().statusCode(200)
                .extract().jsonPath().getList("id").size();
    }

    private static void prefix(ObjectNode message, String field) {
        if (message.hasNonNull(field)) {
            message.put(field, P + message.get(field).asText());
        }
    }

    private static double metric(String name) {
        return ((Number) metrics.get(name)).doubleValue();
    }

    /** The user's stored score of this name, from the generic insights API. */
    private static Map<String, Object> stored(String user, String name) {
        JsonPath insights = admin().get("/api/v1/users/{id}/insights", user).then().statusCode(200).extract().jsonPath();
        Map<String, Object> found = insights.get("results.find { it.pluginId == 'churn' && it.result.name == '" + name + "' }.result");
        assertNotNull(found, name + " of " + user + ": " + insights.prettify());
        return found;
    }

    private static double number(Map<String, Object> score, String field) {
        return ((Number) score.get(field)).doubleValue();
    }

    @SuppressWarnings("unchecked")
    private static List<String> texts(Map<String, Object> score) {
        return ((List<Map<String, Object>>) score.get("reasons")).stream().map(r -> (String) r.get("text")).toList();
    }

    @Test
    void aUsersChurnAndPropensityAreTheStoredScoresWithReasonsStrategiesValueAndVersion() {
        assertTrue(metric("churn.roc_auc") > 0.6, "a model that learned something: " + metrics);
        int checked = 0;
        int withStrategy = 0;
        for (UserTruth u : truth.users()) {
            if (u.identifiedAt() == null || u.events() == 0 || checked >= 25) {
                continue;
            }
            String id = P + u.userId();
            JsonPath churn = admin().get("/api/v1/users/{id}/churn", id).then().statusCode(200)
                    .body("userId", equalTo(id)).body("target", equalTo("churn")).extract().jsonPath();
            Map<String, Object> stored = stored(id, "churn");
            assertEquals(number(stored, "score"), churn.getDouble("probability"), 1e-6, churn.prettify());
            assertEquals(stored.get("band"), churn.getString("band"));
            assertEquals(texts(stored), churn.getList("reasons.text"));
            assertEquals(version, churn.getInt("modelVersion"), "the serving version computed it");
            assertEquals(number(stored(id, "churn-context"), "score"), churn.getDouble("customerValue"), 1e-3);
            assertTrue(churn.getDouble("customerValue") >= 0);
            // reasons are the contributions that push the risk up: a low-risk user may have none
            assertTrue("low".equals(churn.getString("band")) || !churn.getList("reasons").isEmpty(), churn.prettify());
            churn.getList("reasons.text", String.class).forEach(t -> assertFalse(t.isBlank()));
            String action = (String) stored(id, "retention").get("band");
            if ("low".equals(churn.getString("band"))) {
                assertTrue(churn.getList("strategies").isEmpty(), churn.prettify());
            } else {
                assertEquals(List.of(action), churn.getList("strategies.action"), churn.prettify());
                assertFalse(churn.getString("strategies[0].reason").isBlank());
                withStrategy++;
            }
            JsonPath propensity = admin().get("/api/v1/users/{id}/propensity", id).then().statusCode(200)
                    .body("target", equalTo("propensity")).extract().jsonPath();
            assertEquals(number(stored(id, "propensity"), "score"), propensity.getDouble("probability"), 1e-6);
            assertTrue(propensity.getList("strategies").isEmpty());
            assertEquals(version, propensity.getInt("modelVersion"));
            checked++;
        }
        assertEquals(25, checked);
        assertTrue(withStrategy > 0, "some of them are at risk and get a strategy");
    }

    @Test
    void usersWhoLeftRankAboveUsersWhoStay() {
        Instant now = Instant.now();
        double left = 0;
        double stayed = 0;
        int nLeft = 0;
        int nStayed = 0;
        for (UserTruth u : truth.users()) {
            if (u.identifiedAt() == null || u.events() == 0) {
                continue;
            }
            boolean gone = u.churned() && u.churnInstant().isBefore(now.minus(Duration.ofDays(10)))
                    && u.churnInstant().isAfter(now.minus(Duration.ofDays(30)));
            if (!gone && u.churned()) {
                continue;
            }
            double p = admin().get("/api/v1/users/{id}/churn", P + u.userId()).then().statusCode(200).extract().jsonPath()
                    .getDouble("probability");
            if (gone) {
                left += p;
                nLeft++;
            } else {
                stayed += p;
                nStayed++;
            }
        }
        assertTrue(nLeft >= 5 && nStayed >= 20, nLeft + " left, " + nStayed + " stayed");
        // measured 0.19 vs 0.09 with 160 users (churn ROC-AUC 0.77 on this small log); a +0.2 gap held with 250 users
        assertTrue(left / nLeft > 1.5 * (stayed / nStayed) && left / nLeft > stayed / nStayed + 0.05, "mean churn probability "
                + left / nLeft + " of users silent for 10-30 days vs " + stayed / nStayed + " of users who stay");
    }

    @Test
    void theAtRiskListIsTheRiskiestFirstWithValueAndPagesThroughAll() {
        JsonPath table = admin().queryParam("type", "REPORT_TABLE").get("/api/v1/plugins/{id}/results", PLUGIN).then().statusCode(200)
                .extract().jsonPath();
        List<List<Object>> rows = table.getList("find { it.key == 'churn-at-risk' }.result.rows");
        assertNotNull(rows, table.prettify());
        JsonPath first = admin().queryParam("limit", 21).get("/api/v1/churn/at-risk").then().statusCode(200).extract().jsonPath();
        List<Double> probabilities = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            if (!first.getString("users[" + i + "].userId").equals(NEWBIE)) { // scored after training, if that test ran first
                probabilities.add(first.getDouble("users[" + i + "].probability"));
            }
            assertTrue(first.getList("users[" + i + "].reasons").size() > 0);
            assertNotNull(first.get("users[" + i + "].customerValue"));
        }
        for (int i = 0; i < 20; i++) {
            assertEquals(((Number) rows.get(i).get(1)).doubleValue(), probabilities.get(i), 1e-6,
                    "the same ranking as the plugin's at-risk table, row " + i);
        }
        String riskiest = first.getString("users[0].userId");
        JsonPath own = admin().get("/api/v1/users/{id}/churn", riskiest).then().statusCode(200).extract().jsonPath();
        assertEquals(own.getDouble("probability"), first.getDouble("users[0].probability"), 1e-9);
        assertEquals(own.getList("strategies.action"), first.getList("users[0].strategies.action"));
        assertFalse(first.getList("users[0].strategies").isEmpty(), "the riskiest user gets a strategy: " + first.prettify());

        // the churn report (issue 8) shows the same riskiest users, high and medium bands only, with the value the plugin
        // scored (its churn-context score) and the same reasons
        JsonPath report = admin().queryParam("limit", 10).get("/api/v1/reports/churn").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> reported = report.getList("users");
        assertFalse(reported.isEmpty(), report.prettify());
        double previous = 1.0;
        for (Map<String, Object> u : reported) {
            String id = (String) u.get("userId");
            Map<String, Object> churn = stored(id, "churn");
            assertTrue(List.of("high", "medium").contains(churn.get("band")), id + " is at risk");
            assertEquals(number(churn, "score"), ((Number) u.get("probability")).doubleValue(), 1e-3);
            assertTrue(((Number) u.get("probability")).doubleValue() <= previous + 1e-12, "riskiest first");
            previous = ((Number) u.get("probability")).doubleValue();
            assertNotNull(u.get("value"), "the customer's value is shown: " + u);
            assertEquals(number(stored(id, "churn-context"), "score"), ((Number) u.get("value")).doubleValue(), 1e-3);
            assertEquals(texts(churn), u.get("reasons"));
        }

        // pages: disjoint, in order, to the end
        Set<String> seen = new HashSet<>();
        double last = 1.0;
        String after = null;
        int pages = 0;
        do {
            var request = admin().queryParam("limit", 200);
            if (after != null) {
                request = request.queryParam("after", after);
            }
            JsonPath page = request.get("/api/v1/churn/at-risk").then().statusCode(200).extract().jsonPath();
            for (Map<String, Object> u : page.<Map<String, Object>>getList("users")) {
                double p = ((Number) u.get("probability")).doubleValue();
                assertTrue(p <= last + 1e-12, "riskiest first across pages");
                last = p;
                assertTrue(seen.add((String) u.get("userId")), "no user twice: " + u.get("userId"));
            }
            after = page.getString("next");
            pages++;
        } while (after != null && pages < 100);
        long ours = truth.users().stream().filter(u -> u.identifiedAt() != null && u.events() > 0).count();
        long listed = seen.stream().filter(id -> id.startsWith(P) && !id.equals(NEWBIE)).count();
        assertEquals(ours, listed, "every scored user of this test once");
    }

    @Test
    void minValueKeepsValuableCustomersOnly() {
        io.restassured.path.json.config.JsonPathConfig doubles = new io.restassured.path.json.config.JsonPathConfig(
                io.restassured.path.json.config.JsonPathConfig.NumberReturnType.DOUBLE);
        JsonPath all = new JsonPath(admin().queryParam("limit", 1000).get("/api/v1/churn/at-risk").then().statusCode(200)
                .extract().asString()).using(doubles);
        List<Double> values = all.getList("users.customerValue", Double.class);
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        // half a cent below a value that occurs: no user sits on the boundary, whatever the rounding of either side
        double threshold = sorted.get(sorted.size() * 3 / 4) - 0.005;
        assertTrue(threshold > 0, "a quarter of the users spent something: " + threshold);
        JsonPath valuable = new JsonPath(admin().queryParam("limit", 1000).queryParam("minValue", threshold)
                .get("/api/v1/churn/at-risk").then().statusCode(200).extract().asString()).using(doubles);
        List<Double> kept = valuable.getList("users.customerValue", Double.class);
        assertFalse(kept.isEmpty());
        kept.forEach(v -> assertTrue(v >= threshold, v + " < " + threshold));
        if (values.size() < 1000) {
            assertEquals(values.stream().filter(v -> v >= threshold).count(), kept.size(), "and all of them");
        }
    }

    @Test
    void aNewUserGetsAColdStartScore() {
        String newbie = NEWBIE;
        tracking().body("{\"batch\":[{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + newbie
                + "\",\"properties\":{\"product_id\":\"p-00001\",\"price\":9.5}}]}").post("/v1/batch").then().statusCode(200);
        JsonPath churn = Poll.until(Duration.ofSeconds(180), () -> admin().get("/api/v1/users/{id}/churn", newbie),
                r -> r.statusCode() == 200).jsonPath();
        assertTrue(churn.getBoolean("coldStart"), churn.prettify());
        assertEquals(metric("churn.prior.new_visitor"), churn.getDouble("probability"), 1e-6, "the prior of new visitors");
        assertEquals(List.of("cold_start"), churn.getList("reasons.feature"));
        assertEquals(version, churn.getInt("modelVersion"));
        JsonPath propensity = admin().get("/api/v1/users/{id}/propensity", newbie).then().statusCode(200).extract().jsonPath();
        assertTrue(propensity.getBoolean("coldStart"));
        assertEquals(metric("propensity.prior.new_visitor"), propensity.getDouble("probability"), 1e-6);
    }

    @Test
    void unknownUsersAre404AndBadParameters400NamingThem() {
        String nobody = "nobody-" + UUID.randomUUID();
        for (String path : List.of("/api/v1/users/{id}/churn", "/api/v1/users/{id}/propensity")) {
            admin().get(path, nobody).then().statusCode(404).body("error", equalTo("not_found"));
        }
        for (String limit : new String[] {"0", "1001", "-1", "many", "2.5"}) {
            admin().queryParam("limit", limit).get("/api/v1/churn/at-risk").then().statusCode(400)
                    .body("error", equalTo("invalid_parameter")).body("field", equalTo("limit"));
        }
        for (String minValue : new String[] {"-1", "rich", "NaN", "Infinity"}) {
            admin().queryParam("minValue", minValue).get("/api/v1/churn/at-risk").then().statusCode(400)
                    .body("error", equalTo("invalid_parameter")).body("field", equalTo("minValue"));
        }
        for (String after : new String[] {"nothing", "x:u-1", ":u-1"}) {
            admin().queryParam("after", after).get("/api/v1/churn/at-risk").then().statusCode(400)
                    .body("field", equalTo("after"));
        }
        RestAssured.given().get("/api/v1/churn/at-risk").then().statusCode(401);
    }
}
