package io.footfall.app;

import static io.footfall.app.Api.tracking;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad input gets a clear 4xx naming the field, and nothing of it is stored in the log. */
@QuarkusTest
class BadInputTest {

    @Inject
    DataSource ds;

    static String track(String body) {
        return """
                {"type":"track","event":"Product Added","userId":"bad-%s","messageId":"%s",%s}
                """.formatted(UUID.randomUUID(), UUID.randomUUID(), body);
    }

    static Stream<Arguments> invalidEvents() {
        String deep = "{\"a\":".repeat(40) + "1" + "}".repeat(40);
        return Stream.of(
                Arguments.of("wrong type for userId", "{\"type\":\"track\",\"event\":\"x\",\"userId\":{\"id\":1}}", "userId"),
                Arguments.of("missing ids", "{\"type\":\"track\",\"event\":\"Product Viewed\"}", "userId"),
                Arguments.of("unknown type", "{\"type\":\"teleport\",\"userId\":\"u1\"}", "type"),
                Arguments.of("missing event name", "{\"type\":\"track\",\"userId\":\"u1\"}", "event"),
                Arguments.of("event name not a string", "{\"type\":\"track\",\"event\":[1],\"userId\":\"u1\"}", "event"),
                Arguments.of("very long userId", "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"" + "u".repeat(300) + "\"}", "userId"),
                Arguments.of("negative quantity", track("\"properties\":{\"product_id\":\"p1\",\"quantity\":-2}"), "properties.quantity"),
                Arguments.of("negative price in order line", """
                        {"type":"track","event":"Order Completed","userId":"u1","properties":{"order_id":"o1","products":[{"product_id":"p","price":-1}]}}
                        """, "properties.products[0].price"),
                Arguments.of("timestamp far in the future", "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u1\",\"timestamp\":\""
                        + Instant.now().plus(400, ChronoUnit.DAYS) + "\"}", "timestamp"),
                Arguments.of("timestamp far in the past (stalled every projection once)", "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u1\","
                        + "\"timestamp\":\"-999999999-01-01T00:00:00Z\"}", "timestamp"),
                Arguments.of("timestamp before 1970", "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u1\",\"timestamp\":\"1969-12-31T23:59:59Z\"}", "timestamp"),
                Arguments.of("sentAt out of range", "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u1\",\"sentAt\":\"-999999999-01-01T00:00:00Z\"}", "sentAt"),
                Arguments.of("sentAt that corrects the time to before 1970", "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u1\","
                        + "\"timestamp\":\"2026-01-01T00:00:00Z\",\"sentAt\":\"9999-01-01T00:00:00Z\"}", "sentAt"),
                Arguments.of("NUL in a trait (stalled the profiles once)", "{\"type\":\"identify\",\"userId\":\"u1\",\"traits\":{\"email\":\"x\\u0000@y\"}}", "traits.email"),
                Arguments.of("NUL in a nested property", track("\"properties\":{\"a\":{\"b\":[\"x\\u0000\"]}}"), "properties.a.b"),
                Arguments.of("NUL in a property name", track("\"properties\":{\"a\\u0000\":1}"), "properties.a\\u0000"),
                Arguments.of("NUL in the context", "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u1\",\"context\":{\"campaign\":{\"name\":\"x\\u0000\"}}}",
                        "context.campaign.name"),
                // a lone UTF-16 surrogate became "?" in PostgreSQL: two ids one, the personal-data key lost, 503s for everyone
                Arguments.of("lone surrogate in userId", "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"first\\ud800\"}", "userId"),
                Arguments.of("lone surrogate in a property", track("\"properties\":{\"product_id\":\"p\\udc00\"}"), "properties.product_id"),
                Arguments.of("lone surrogate in an event name", "{\"type\":\"track\",\"event\":\"N\\ud800\",\"userId\":\"u1\"}", "event"),
                // numbers the read models cannot hold stalled the profiles or answered 500
                Arguments.of("amount with a billion decimal places", "{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\"u1\","
                        + "\"properties\":{\"order_id\":\"t1\",\"revenue\":\"1e-999999999\"}}", "properties.revenue"),
                Arguments.of("infinite revenue", "{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\"u1\","
                        + "\"properties\":{\"order_id\":\"t1\",\"revenue\":1e400}}", "properties.revenue"),
                Arguments.of("infinite trait", "{\"type\":\"identify\",\"userId\":\"u1\",\"traits\":{\"score\":{\"x\":-1e400}}}", "traits.score.x"),
                Arguments.of("quantity beyond a cart's counting", track("\"properties\":{\"product_id\":\"p1\",\"quantity\":2147483647}"), "properties.quantity"),
                Arguments.of("a failed field path longer than the store's column", "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u1\","
                        + "\"properties\":{\"" + "k".repeat(250) + "\":\"a\\u0000b\"}}", "properties." + "k".repeat(250)),
                Arguments.of("timestamp not a date", "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u1\",\"timestamp\":\"yesterday\"}", "timestamp"),
                Arguments.of("properties not an object", "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u1\",\"properties\":[1,2]}", "properties"),
                Arguments.of("deeply nested properties", "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u1\",\"properties\":" + deep + "}", "properties"),
                Arguments.of("control character in event name", "{\"type\":\"track\",\"event\":\"a\\u0000b\",\"userId\":\"u1\"}", "event"),
                Arguments.of("alias without previousId", "{\"type\":\"alias\",\"userId\":\"u1\"}", "previousId"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidEvents")
    void invalidEventIsRejectedNamingTheField(String name, String event, String field) {
        long before = Db.count(ds, "SELECT count(*) FROM domainevententry WHERE payloadtype = 'io.footfall.core.store.RecordedBehavior'");
        long failedBefore = Db.count(ds, "SELECT count(*) FROM failed_event");
        tracking().body("{\"batch\":[" + event + "]}").post("/v1/batch")
                .then().statusCode(400)
                .body("success", equalTo(false))
                .body("errors[0].index", equalTo(0))
                .body("errors[0].field", equalTo(field));
        assertEquals(before, Db.count(ds, "SELECT count(*) FROM domainevententry WHERE payloadtype = 'io.footfall.core.store.RecordedBehavior'"), "nothing of it is in the log");
        assertEquals(failedBefore + 1, Db.count(ds, "SELECT count(*) FROM failed_event"), "it is kept as a failed event");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidEvents")
    void invalidSingleEventIs400(String name, String event, String field) {
        java.util.regex.Matcher type = java.util.regex.Pattern.compile("\"type\":\"(track|page|identify|alias|group|screen)\"").matcher(event);
        String endpoint = type.find() ? "/v1/" + type.group(1) : "/v1/track";
        tracking().body(event).post(endpoint).then().statusCode(400).body("errors[0].field", equalTo(field));
    }

    /** A browser's single call carries the write key in its body; the failed-events store keeps the body without it. */
    @org.junit.jupiter.api.Test
    void aWriteKeyInTheBodyIsNotKeptWithTheFailedEvent() {
        String user = "wk-" + UUID.randomUUID();
        RestAssured.given().contentType("text/plain").body("{\"writeKey\":\"" + Api.WRITE_KEY + "\",\"event\":\"Product Added\",\"anonymousId\":\""
                + user + "\",\"properties\":{\"quantity\":-1}}").post("/v1/t").then().statusCode(400);
        // a body that is not JSON is kept as text when the key also came as Basic user
        tracking().contentType("text/plain").body("{\"writeKey\" : \"" + Api.WRITE_KEY + "\",\"event\":\"" + user + "\"")
                .post("/v1/t").then().statusCode(400).body("errors[0].reason", equalTo("MALFORMED"));
        assertEquals(2, Db.count(ds, "SELECT count(*) FROM failed_event WHERE raw LIKE ?", "%" + user + "%"));
        assertEquals(0, Db.count(ds, "SELECT count(*) FROM failed_event WHERE raw LIKE ? AND raw LIKE ?", "%" + user + "%",
                "%" + Api.WRITE_KEY + "%"), "the write key is not kept");
    }

    @org.junit.jupiter.api.Test
    void malformedJsonIs400AndKeptRaw() {
        long failedBefore = Db.count(ds, "SELECT count(*) FROM failed_event WHERE reason = 'MALFORMED'");
        tracking().body("{\"batch\":[{\"type\":\"track\",").post("/v1/batch")
                .then().statusCode(400).body("errors[0].reason", equalTo("MALFORMED"));
        assertEquals(failedBefore + 1, Db.count(ds, "SELECT count(*) FROM failed_event WHERE reason = 'MALFORMED'"));
    }

    @org.junit.jupiter.api.Test
    void invalidUtf8Is400() {
        byte[] body = "{\"batch\":[{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u\u00e9\"}]}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        tracking().body(body).post("/v1/batch").then().statusCode(400).body("errors[0].reason", equalTo("MALFORMED"))
                .body("errors[0].message", containsString("UTF-8"));
    }

    @org.junit.jupiter.api.Test
    void batchMustBeAnArray() {
        tracking().body("{\"batch\":{}}").post("/v1/batch").then().statusCode(400).body("field", equalTo("batch"));
    }

    @org.junit.jupiter.api.Test
    void mixedBatchStoresTheValidEventsAndReportsTheOthers() {
        String user = "mixed-" + UUID.randomUUID();
        String ok = "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + user + "\",\"messageId\":\"ok1-" + user + "\"}";
        String ok2 = "{\"type\":\"page\",\"name\":\"Home\",\"userId\":\"" + user + "\",\"messageId\":\"ok2-" + user + "\"}";
        String bad = "{\"type\":\"track\",\"event\":\"Product Added\",\"userId\":\"" + user + "\",\"properties\":{\"quantity\":-1}}";
        tracking().body("{\"batch\":[" + ok + "," + bad + "," + ok2 + "]}").post("/v1/batch")
                .then().statusCode(200).body("stored", equalTo(2)).body("failed", equalTo(1))
                .body("errors[0].index", equalTo(1)).body("errors[0].field", equalTo("properties.quantity"));
        Api.awaitProfile(user, 2);
    }

    @org.junit.jupiter.api.Test
    void oversizedRequestIs413NamingTheLimit() {
        String big = "{\"batch\":[{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u\",\"properties\":{\"blob\":\"" + "x".repeat(600_000) + "\"}}]}";
        tracking().body(big).post("/v1/batch").then().statusCode(413).body("limit", equalTo(512000)).body("field", equalTo("body"));
    }

    @org.junit.jupiter.api.Test
    void oversizedEventInBatchIsRejectedAlone() {
        String user = "size-" + UUID.randomUUID();
        String big = "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"" + user + "\",\"properties\":{\"blob\":\"" + "x".repeat(40_000) + "\"}}";
        String ok = "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + user + "\"}";
        tracking().body("{\"batch\":[" + big + "," + ok + "]}").post("/v1/batch")
                .then().statusCode(200).body("stored", equalTo(1)).body("errors[0].reason", equalTo("SIZE"))
                .body("errors[0].field", equalTo("batch[0]"));
        tracking().body(big).post("/v1/track").then().statusCode(413).body("limit", equalTo(32768));
    }

    @org.junit.jupiter.api.Test
    void missingWriteKeyIs401() {
        RestAssured.given().contentType("application/json").body("{\"batch\":[]}").post("/v1/batch")
                .then().statusCode(401).body("error", equalTo("invalid_write_key"));
    }
}
