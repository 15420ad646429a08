package io.footfall.app;

import static io.footfall.app.Api.admin;
import static io.footfall.app.Api.tracking;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class TrackingApiTest {

    /** A batch byte-for-byte in the shape @segment/analytics-node 3.x sends. */
    static String analyticsNodeBatch(String userId, String anonymousId, String... messageIds) {
        String now = Instant.now().toString();
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < messageIds.length; i++) {
            if (i > 0) {
                batch.append(',');
            }
            batch.append("""
                    {"type":"track","event":"Product Viewed","userId":"%s","anonymousId":"%s",
                     "properties":{"product_id":"p-%d","sku":"SKU-%d","category":"Shoes","name":"Runner","brand":"Acme","price":59.9,"currency":"EUR"},
                     "context":{"library":{"name":"@segment/analytics-node","version":"3.0.0"},"ip":"192.0.2.44","locale":"en-GB"},
                     "integrations":{},"_metadata":{"jsRuntime":"node"},"timestamp":"%s","messageId":"%s"}
                    """.formatted(userId, anonymousId, i, i, now, messageIds[i]));
        }
        return batch.append("],\"sentAt\":\"").append(now).append("\"}").toString();
    }

    @Test
    void analyticsNodeBatchIsStoredAndProjected() {
        String user = "u-" + UUID.randomUUID();
        String anon = UUID.randomUUID().toString();
        tracking().body(analyticsNodeBatch(user, anon, "m1-" + user, "m2-" + user, "m3-" + user))
                .post("/v1/batch").then().statusCode(200).body("stored", equalTo(3)).body("duplicates", equalTo(0));
        Response profile = Api.awaitProfile(user, 3);
        profile.then().body("userId", equalTo(user))
                .body("anonymousIds", hasItem(anon))
                .body("eventCounts.'Product Viewed'", equalTo(3))
                .body("topCategories[0].name", equalTo("Shoes"))
                .body("locale", equalTo("en-GB"));
    }

    @Test
    void resentBatchAddsNothing() {
        String user = "u-" + UUID.randomUUID();
        String body = analyticsNodeBatch(user, "a-" + user, "d1-" + user, "d2-" + user);
        tracking().body(body).post("/v1/batch").then().statusCode(200).body("stored", equalTo(2));
        tracking().body(body).post("/v1/batch").then().statusCode(200).body("stored", equalTo(0)).body("duplicates", equalTo(2));
        Api.awaitProjectionsCaughtUp();
        Response timeline = admin().get("/api/v1/profiles/{id}/events", user);
        assertEquals(2, timeline.jsonPath().getList("items").size(), "the resent events were not stored again");
    }

    @jakarta.inject.Inject
    javax.sql.DataSource ds;
    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry registry;
    @jakarta.inject.Inject
    io.footfall.core.source.SourceRegistry sources;

    /**
     * Another instance stores one of a batch's events between this instance's duplicate look-up (outside the append
     * lock) and its append: the append fails on the log's unique event id, is rolled back, and is done again with the
     * look-up under the lock. The answer counts that event as a duplicate, every event is in the log once, and the
     * rolled-back append leaves no gap in the log's indexes.
     */
    @Test
    void anEventAnotherInstanceStoresMeanwhileIsADuplicateAndTheCommitIsRedone() throws Exception {
        String user = "race-" + UUID.randomUUID();
        String source = sources.authenticate(Api.WRITE_KEY).orElseThrow().id();
        // a stored event whose row "the other instance" copies under another id (it only needs a valid row)
        tracking().body(analyticsNodeBatch(user, "a-" + user, "seed-" + user)).post("/v1/batch").then().statusCode(200)
                .body("stored", equalTo(1));
        double retriedBefore = commitsRetried();
        java.util.List<String> messageIds = java.util.List.of("r1-" + user, "r2-" + user, "r3-" + user, "r4-" + user);
        String raced = io.footfall.collector.segment.EventIds.of(source, messageIds.get(2));
        java.util.concurrent.ExecutorService sender = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (java.sql.Connection other = ds.getConnection()) {
            other.setAutoCommit(false);
            // the other instance's append holds the lock, so this instance's append waits behind it
            io.footfall.core.store.CopyEventStorageEngine.lockAppends(other);
            long prepared = prepareCount();
            java.util.concurrent.Future<Response> answer = sender.submit(() -> tracking()
                    .body(analyticsNodeBatch(user, "a-" + user, messageIds.toArray(String[]::new))).post("/v1/batch"));
            // preparation has looked the ids up (and found none) once its timer counts the group
            Poll.until(java.time.Duration.ofSeconds(30), this::prepareCount, n -> n > prepared);
            try (java.sql.PreparedStatement copy = other.prepareStatement("""
                    INSERT INTO domainevententry (eventidentifier, aggregateidentifier, sequencenumber, type, timestamp,
                                                  payloadtype, payloadrevision, payload, metadata)
                    SELECT ?, ?, 0, type, timestamp, payloadtype, payloadrevision, payload, metadata
                    FROM domainevententry WHERE eventidentifier = ?""")) {
                copy.setString(1, raced);
                copy.setString(2, raced);
                copy.setString(3, io.footfall.collector.segment.EventIds.of(source, "seed-" + user));
                assertEquals(1, copy.executeUpdate());
            }
            other.commit();
            Response response = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response.asString());
            assertEquals(3, response.jsonPath().getInt("stored"), response.asString());
            assertEquals(1, response.jsonPath().getInt("duplicates"), response.asString());
        } finally {
            sender.shutdownNow();
        }
        assertEquals(retriedBefore + 1, commitsRetried(), "the append failed once and was done again under the lock");
        // the redone append took the indexes the failed one had taken, so the log has no gap (ADR 0012 amendment)
        assertEquals(0, Db.count(ds, "SELECT max(globalindex) - min(globalindex) + 1 - count(*) FROM domainevententry"),
                "gaps in the log's indexes");
        for (String messageId : messageIds) {
            String id = io.footfall.collector.segment.EventIds.of(source, messageId);
            assertEquals(1, Db.count(ds, "SELECT count(*) FROM domainevententry WHERE eventidentifier = ?", id), messageId);
        }
        // the next request is stored as usual, and the profile projection reaches the head
        tracking().body(analyticsNodeBatch(user, "a-" + user, "after-" + user)).post("/v1/batch").then().statusCode(200)
                .body("stored", equalTo(1));
        long head = admin().get("/api/v1/projections/profiles").then().statusCode(200).extract().jsonPath().getLong("head");
        Poll.until(java.time.Duration.ofSeconds(20), () -> admin().get("/api/v1/projections/profiles").jsonPath(),
                st -> st.getLong("position") >= head);
        Api.awaitProfile(user, 5);
    }

    /** Groups the ingest pipeline has prepared since start. */
    private long prepareCount() {
        io.micrometer.core.instrument.Timer t = registry.find("footfall.ingest.prepare").timer();
        return t == null ? 0 : t.count();
    }

    /** The ingest pipeline's counter of group commits redone with the duplicate check under the append lock. */
    private static double commitsRetried() {
        String metrics = io.restassured.RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("footfall_ingest_commit_retried_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void theSameBatchSentManyTimesAtOnceIsStoredOnce() throws Exception {
        // requests that land in consecutive group commits: the later group is prepared (and its ids looked up) before
        // the earlier one commits; the committing thread drops the earlier group's ids, so no append fails on them
        double retriedBefore = commitsRetried();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            for (int round = 0; round < 5; round++) {
                String user = "same-" + UUID.randomUUID();
                StringBuilder batch = new StringBuilder("{\"batch\":[");
                for (int i = 0; i < 100; i++) {
                    batch.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"")
                            .append(user).append("\",\"messageId\":\"m-").append(i).append("-").append(user)
                            .append("\",\"properties\":{\"product_id\":\"p").append(i).append("\"}}");
                }
                String body = batch.append("]}").toString();
                java.util.List<java.util.concurrent.Future<Response>> answers = new java.util.ArrayList<>();
                for (int r = 0; r < 16; r++) {
                    answers.add(pool.submit(() -> tracking().body(body).post("/v1/batch")));
                }
                int stored = 0;
                int duplicates = 0;
                for (var answer : answers) {
                    Response response = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
                    assertEquals(200, response.statusCode(), response.asString());
                    stored += response.jsonPath().getInt("stored");
                    duplicates += response.jsonPath().getInt("duplicates");
                }
                assertEquals(100, stored, "round " + round + ": each event stored by exactly one request");
                assertEquals(1500, duplicates, "round " + round);
                Api.awaitProfile(user, 100);
                admin().get("/api/v1/profiles/{id}", user).then().statusCode(200).body("eventCounts.'Product Viewed'", equalTo(100));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(retriedBefore, commitsRetried(),
                "no append failed on an id of the group before it (a failed append leaves a gap in every processor's token)");
    }

    @Test
    void analyticsNextLoadsItsSettingsFromFootfall() {
        // analytics-next with cdnURL pointing here: the settings send its events to this server's /v1
        io.restassured.RestAssured.given().header("Origin", "https://shop.example.com")
                .get("/v1/projects/{key}/settings", Api.WRITE_KEY).then().statusCode(200)
                .header("Access-Control-Allow-Origin", "https://shop.example.com")
                .body("integrations.'Segment.io'.apiKey", equalTo(Api.WRITE_KEY))
                .body("integrations.'Segment.io'.apiHost", org.hamcrest.Matchers.endsWith("/v1"))
                .body("integrations.'Segment.io'.protocol", equalTo("http"))
                .body("integrations.size()", equalTo(1));
        io.restassured.RestAssured.given().get("/v1/projects/{key}/settings", "not-a-key").then().statusCode(404)
                .body("field", equalTo("writeKey"));
    }

    @Test
    void badWriteKeyIs401() {
        io.restassured.RestAssured.given().auth().preemptive().basic("nope", "").contentType("application/json")
                .body(analyticsNodeBatch("u", "a", "x")).post("/v1/batch")
                .then().statusCode(401).body("field", equalTo("writeKey"));
    }
}
