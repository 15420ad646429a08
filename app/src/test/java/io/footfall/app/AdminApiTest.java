package io.footfall.app;

import static io.footfall.app.Api.admin;
import static io.footfall.app.Api.tracking;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Accounts and roles, sources, failed-event recovery, transport variants, health and API docs. */
@QuarkusTest
class AdminApiTest {

    @Test
    void apiNeedsSignInAndAnswersInJson() {
        RestAssured.given().get("/api/v1/profiles/x").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Basic")).body("error", equalTo("unauthorized"));
        RestAssured.given().auth().preemptive().basic(Api.ADMIN, "wrong").get("/api/v1/profiles/x").then().statusCode(401);
    }

    @Test
    void analystReadsButCannotErase() {
        String name = "analyst-" + UUID.randomUUID().toString().substring(0, 8);
        admin().contentType("application/json").body(Map.of("username", name, "password", "analyst-password", "roles", List.of("analyst")))
                .post("/api/v1/accounts").then().statusCode(201);
        RestAssured.given().auth().preemptive().basic(name, "analyst-password").get("/api/v1/profiles/nobody").then().statusCode(404);
        RestAssured.given().auth().preemptive().basic(name, "analyst-password").delete("/api/v1/customers/nobody")
                .then().statusCode(403).body("error", equalTo("forbidden"));
        admin().contentType("application/json").body(Map.of("username", name, "password", "short", "roles", List.of("analyst")))
                .post("/api/v1/accounts").then().statusCode(400).body("field", equalTo("password"));
        admin().contentType("application/json").body(Map.of("username", "x" + name, "password", "long-enough-1", "roles", List.of("root")))
                .post("/api/v1/accounts").then().statusCode(400).body("field", equalTo("roles"));
    }

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    /** Requests sent at once with new credentials share one bcrypt check; later ones use the remembered result. */
    @Test
    void concurrentRequestsWithTheSameCredentialsPayOneBcrypt() throws Exception {
        String name = "burst-" + UUID.randomUUID().toString().substring(0, 8);
        admin().contentType("application/json").body(Map.of("username", name, "password", "burst-password", "roles", List.of("analyst")))
                .post("/api/v1/accounts").then().statusCode(201);
        double before = registry.counter("footfall.auth.password.checks").count();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 32; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return RestAssured.given().auth().preemptive().basic(name, "burst-password").get("/api/v1/profiles/nobody").statusCode();
                }));
            }
            go.countDown();
            for (var answer : answers) {
                assertEquals(404, answer.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(before + 1, registry.counter("footfall.auth.password.checks").count(), "one bcrypt for 32 requests");
        // a wrong password is still refused, and checked on its own
        RestAssured.given().auth().preemptive().basic(name, "wrong-password").get("/api/v1/profiles/nobody").then().statusCode(401);
    }

    @Test
    void newSourceGetsAWriteKeyShownOnce() {
        Response created = admin().contentType("application/json").body(Map.of("name", "Mobile app")).post("/api/v1/sources");
        created.then().statusCode(201).body("writeKey", notNullValue()).body("source.id", notNullValue());
        String key = created.jsonPath().getString("writeKey");
        String user = "src-" + UUID.randomUUID();
        RestAssured.given().auth().preemptive().basic(key, "").contentType("application/json")
                .body("{\"userId\":\"" + user + "\",\"event\":\"Product Viewed\"}").post("/v1/track").then().statusCode(200).body("stored", equalTo(1));
        admin().get("/api/v1/sources").then().statusCode(200).body("find { it.name == 'Mobile app' }.id", equalTo(created.jsonPath().getString("source.id")))
                .body("toString()", org.hamcrest.Matchers.not(containsString(key)));
        admin().contentType("application/json").body(Map.of("name", "")).post("/api/v1/sources").then().statusCode(400).body("field", equalTo("name"));
    }

    @Test
    void failedEventCanBeFixedAndReprocessedOrDropped() {
        String user = "fix-" + UUID.randomUUID();
        String bad = "{\"type\":\"track\",\"event\":\"Product Added\",\"userId\":\"" + user + "\",\"messageId\":\"fix-" + user
                + "\",\"properties\":{\"product_id\":\"p1\",\"quantity\":-1}}";
        tracking().body("{\"batch\":[" + bad + "," + bad.replace("fix-" + user + "\"", "fix2-" + user + "\"") + "]}").post("/v1/batch").then().statusCode(400);
        List<Map<String, Object>> open = admin().queryParam("limit", 500).get("/api/v1/failed-events").jsonPath().getList("items");
        List<Integer> ids = open.stream().filter(f -> f.toString().contains(user)).map(f -> (Integer) f.get("id")).toList();
        org.junit.jupiter.api.Assertions.assertEquals(2, ids.size());
        admin().get("/api/v1/failed-events/{id}", ids.get(0)).then().statusCode(200)
                .body("event.reason", equalTo("SCHEMA_VIOLATION")).body("event.field", equalTo("properties.quantity"));
        // counted per reason and field over all open events on the server, equal to counting every page
        JsonPath summary = admin().get("/api/v1/failed-events/summary").then().statusCode(200).body("status", equalTo("OPEN")).extract().jsonPath();
        Map<String, Integer> counted = new java.util.HashMap<>();
        Long after = null;
        do {
            var request = admin().queryParam("limit", 500);
            if (after != null) {
                request = request.queryParam("after", after);
            }
            JsonPath page = request.get("/api/v1/failed-events").jsonPath();
            for (Map<String, Object> f : page.<Map<String, Object>>getList("items")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> event = (Map<String, Object>) f.get("event");
                counted.merge(event.get("reason") + "|" + event.get("field"), 1, Integer::sum);
            }
            after = page.get("nextAfter") == null ? null : page.getLong("nextAfter");
        } while (after != null);
        Map<String, Integer> summed = new java.util.HashMap<>();
        for (Map<String, Object> r : summary.<Map<String, Object>>getList("reasons")) {
            summed.put(r.get("reason") + "|" + r.get("field"), ((Number) r.get("count")).intValue());
        }
        org.junit.jupiter.api.Assertions.assertEquals(counted, summed);
        org.junit.jupiter.api.Assertions.assertTrue(summed.getOrDefault("SCHEMA_VIOLATION|properties.quantity", 0) >= 2, summary.prettify());
        org.junit.jupiter.api.Assertions.assertEquals(counted.values().stream().mapToInt(Integer::intValue).sum(), summary.getInt("total"));
        admin().queryParam("status", "lost").get("/api/v1/failed-events/summary").then().statusCode(400).body("field", equalTo("status"));

        admin().post("/api/v1/failed-events/{id}/reprocess", ids.get(0)).then().statusCode(400);
        admin().contentType("application/json").body(bad.replace("\"quantity\":-1", "\"quantity\":1")).post("/api/v1/failed-events/{id}/reprocess", ids.get(0))
                .then().statusCode(200).body("stored", equalTo(1));
        admin().get("/api/v1/failed-events/{id}", ids.get(0)).then().body("status", equalTo("REPROCESSED"));
        admin().post("/api/v1/failed-events/{id}/reprocess", ids.get(0)).then().statusCode(409);
        admin().post("/api/v1/failed-events/{id}/drop", ids.get(1)).then().statusCode(200).body("status", equalTo("DROPPED"));
        Api.awaitProfile(user, 1).then().body("cart[0].quantity", equalTo(1));
        admin().queryParam("status", "lost").get("/api/v1/failed-events").then().statusCode(400).body("field", equalTo("status"));
    }

    @Test
    void browserTransportsWork() throws IOException {
        String user = "browser-" + UUID.randomUUID();
        // text/plain body with the write key inside, as browser SDKs send with sendBeacon
        RestAssured.given().contentType("text/plain").body("{\"writeKey\":\"" + Api.WRITE_KEY + "\",\"anonymousId\":\"" + user
                + "\",\"name\":\"Home\",\"properties\":{\"path\":\"/\"}}").post("/v1/p").then().statusCode(200).body("stored", equalTo(1));
        // gzip
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write(("{\"batch\":[{\"type\":\"track\",\"event\":\"Cart Viewed\",\"anonymousId\":\"" + user + "\"}]}").getBytes());
        }
        RestAssured.given().header("Authorization", "Basic " + Base64.getEncoder().encodeToString((Api.WRITE_KEY + ":").getBytes()))
                .header("Content-Encoding", "gzip").contentType("application/json").body(zipped.toByteArray())
                .post("/v1/b").then().statusCode(200).body("stored", equalTo(1));
        // an encoding the API does not decode is named as such (it was "not valid gzip"), and nothing is stored
        RestAssured.given().header("Authorization", "Basic " + Base64.getEncoder().encodeToString((Api.WRITE_KEY + ":").getBytes()))
                .header("Content-Encoding", "deflate").contentType("application/json").body(zipped.toByteArray())
                .post("/v1/b").then().statusCode(415).body("error", equalTo("unsupported_encoding"))
                .body("field", equalTo("Content-Encoding")).body("message", org.hamcrest.Matchers.endsWith("was deflate"));
        // CORS preflight from a storefront origin
        RestAssured.given().header("Origin", "https://shop.example.com").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,authorization")
                .options("/v1/batch").then().statusCode(200).header("Access-Control-Allow-Origin", "https://shop.example.com")
                .header("Access-Control-Allow-Headers", org.hamcrest.Matchers.containsStringIgnoringCase("authorization"))
                .header("Access-Control-Allow-Credentials", org.hamcrest.Matchers.nullValue());
        // a page on that origin may post events and read the answer
        RestAssured.given().header("Origin", "https://shop.example.com").contentType("text/plain")
                .body("{\"writeKey\":\"" + Api.WRITE_KEY + "\",\"anonymousId\":\"" + user + "\",\"event\":\"Cart Viewed\"}")
                .post("/v1/t").then().statusCode(200).header("Access-Control-Allow-Origin", "https://shop.example.com");
        // but the operators' API is not open to other origins
        RestAssured.given().header("Origin", "https://evil.example.com").header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .options("/api/v1/profiles/" + user).then().header("Access-Control-Allow-Origin", org.hamcrest.Matchers.nullValue());
        Api.admin().header("Origin", "https://evil.example.com").get("/api/v1/projections").then().statusCode(200)
                .header("Access-Control-Allow-Origin", org.hamcrest.Matchers.nullValue());
        Api.awaitProfile(user, 3);
    }

    @Test
    void clockSkewIsCorrectedWithSentAt() {
        String user = "skew-" + UUID.randomUUID();
        // the client's clock is exactly one hour behind: timestamp and sentAt are both an hour early
        java.time.Instant now = java.time.Instant.now();
        String ts = now.minusSeconds(3600 + 60).toString();
        String sent = now.minusSeconds(3600).toString();
        tracking().body("{\"batch\":[{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + user + "\",\"timestamp\":\"" + ts
                + "\"}],\"sentAt\":\"" + sent + "\"}").post("/v1/batch").then().statusCode(200);
        Response profile = Api.awaitProfile(user, 1);
        java.time.Instant seen = java.time.Instant.parse(profile.jsonPath().getString("lastSeen"));
        long offset = java.time.Duration.between(now.minusSeconds(60), seen).abs().toSeconds();
        org.junit.jupiter.api.Assertions.assertTrue(offset < 30, "occurredAt corrected to about a minute ago, was off by " + offset + " s");
    }

    @Test
    void healthAndApiDocs() {
        RestAssured.given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        RestAssured.given().get("/q/openapi").then().statusCode(200).body(containsString("/v1/batch")).body(containsString("/api/v1/profiles/{id}"));
        RestAssured.given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
