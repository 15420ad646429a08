package io.footfall.app;

import static io.footfall.app.Api.admin;
import static io.footfall.app.Api.tracking;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Identity stitching, alias, unmerge, and profiles as of an instant. */
@QuarkusTest
class IdentityTest {

    static String event(String json, Instant at) {
        return json.replace("}$", ",\"timestamp\":\"" + at + "\",\"messageId\":\"" + UUID.randomUUID() + "\"}");
    }

    static long total(Response profile) {
        return profile.jsonPath().getMap("eventCounts").values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
    }

    @Test
    void anonymousHistoryJoinsTheUserAtLoginAndUnmergeSeparatesIt() {
        String anon = "anon-" + UUID.randomUUID();
        String user = "user-" + UUID.randomUUID();
        Instant t0 = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        String view = "{\"type\":\"track\",\"event\":\"Product Viewed\",\"anonymousId\":\"" + anon
                + "\",\"properties\":{\"product_id\":\"b1\",\"category\":\"Books\",\"price\":12}}$";
        tracking().body("{\"batch\":[" + event(view, t0) + "," + event(view, t0.plusSeconds(60)) + "," + event(view, t0.plusSeconds(120)) + "]}")
                .post("/v1/batch").then().statusCode(200).body("stored", equalTo(3));
        Api.awaitProfile(anon, 3).then().body("userId", equalTo(null));

        String identify = "{\"type\":\"identify\",\"userId\":\"" + user + "\",\"anonymousId\":\"" + anon
                + "\",\"traits\":{\"email\":\"" + user + "@example.test\",\"plan\":\"gold\"}}$";
        String order = "{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\"" + user + "\",\"anonymousId\":\"" + anon
                + "\",\"properties\":{\"order_id\":\"o-" + user + "\",\"revenue\":100,\"products\":[{\"product_id\":\"b1\",\"category\":\"Books\",\"price\":100}]}}$";
        Instant login = t0.plus(1, ChronoUnit.HOURS);
        tracking().body("{\"batch\":[" + event(identify, login) + "," + event(order, login.plusSeconds(30)) + "]}")
                .post("/v1/batch").then().statusCode(200).body("stored", equalTo(2));

        Response profile = Api.awaitProfile(user, 5);
        profile.then().body("anonymousIds", hasItem(anon))
                .body("orders", equalTo(1))
                .body("revenue", equalTo(100))
                .body("sessions", equalTo(2))
                .body("traits.email", equalTo(user + "@example.test"))
                .body("traits.plan", equalTo("gold"))
                .body("topCategories[0].name", equalTo("Books"));
        admin().get("/api/v1/profiles/{id}", anon).then().statusCode(200).body("userId", equalTo(user));

        // as of an instant: only what had happened by then
        Response before = admin().queryParam("asOf", t0.plusSeconds(90).toString()).get("/api/v1/profiles/{id}", user);
        before.then().statusCode(200).body("orders", equalTo(0));
        assertEquals(2, total(before));
        Response after = admin().queryParam("asOf", login.plusSeconds(31).toString()).get("/api/v1/profiles/{id}", user);
        assertEquals(5, total(after));
        after.then().body("orders", equalTo(1));

        admin().contentType("application/json").body(Map.of("userId", user, "anonymousId", anon))
                .post("/api/v1/identity/unmerge").then().statusCode(202);
        Response separated = Poll.until(Duration.ofSeconds(30), () -> admin().get("/api/v1/profiles/{id}", user),
                r -> r.statusCode() == 200 && total(r) == 2);
        separated.then().body("anonymousIds", not(hasItem(anon))).body("orders", equalTo(1));
        Response anonymous = admin().get("/api/v1/profiles/{id}", anon);
        anonymous.then().statusCode(200).body("userId", equalTo(null));
        assertEquals(3, total(anonymous));
    }

    @jakarta.inject.Inject
    io.footfall.core.profile.ProfileQueries queries;

    @Test
    void profilesReadTogetherResolveEachIdAsOneReadDoes() {
        String anon = "anon-" + UUID.randomUUID();
        String user = "user-" + UUID.randomUUID();
        String loner = "anon-" + UUID.randomUUID();
        Instant t0 = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        String view = "{\"type\":\"track\",\"event\":\"Product Viewed\",\"anonymousId\":\"" + anon
                + "\",\"properties\":{\"product_id\":\"b1\",\"category\":\"Books\",\"price\":12}}$";
        String identify = "{\"type\":\"identify\",\"userId\":\"" + user + "\",\"anonymousId\":\"" + anon + "\"}$";
        String other = "{\"type\":\"page\",\"anonymousId\":\"" + loner + "\",\"name\":\"Home\"}$";
        tracking().body("{\"batch\":[" + event(view, t0) + "," + event(identify, t0.plusSeconds(60)) + "," + event(other, t0) + "]}")
                .post("/v1/batch").then().statusCode(200).body("stored", equalTo(3));
        Api.awaitProfile(user, 2);
        Api.awaitProfile(loner, 1);

        java.util.List<String> ids = java.util.List.of(user, anon, loner, "nobody-" + UUID.randomUUID());
        Map<String, io.footfall.core.profile.ProfileState> together = queries.states(ids);
        assertEquals(java.util.Set.of(user, anon, loner), together.keySet());
        for (String id : java.util.List.of(user, anon, loner)) {
            io.footfall.core.profile.ProfileState alone = queries.state(id).orElseThrow();
            assertEquals(alone.userId, together.get(id).userId, id);
            assertEquals(alone.anonymousIds, together.get(id).anonymousIds, id);
            assertEquals(alone.eventCounts, together.get(id).eventCounts, id);
        }
        // the anonymous id was stitched into the user: both ids name the same person
        assertEquals(user, together.get(anon).userId);
        assertEquals(null, together.get(loner).userId);
    }

    @Test
    void aliasMergesThePreviousIdentity() {
        String previous = "old-" + UUID.randomUUID();
        String user = "new-" + UUID.randomUUID();
        Instant t = Instant.now().minus(1, ChronoUnit.HOURS);
        String view = "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + previous + "\",\"properties\":{\"product_id\":\"x\"}}$";
        String page = "{\"type\":\"page\",\"name\":\"Home\",\"userId\":\"" + user + "\"}$";
        tracking().body("{\"batch\":[" + event(view, t) + "," + event(page, t.plusSeconds(5)) + "]}").post("/v1/batch").then().statusCode(200);
        Api.awaitProfile(previous, 1);
        Api.awaitProfile(user, 1);
        String alias = "{\"type\":\"alias\",\"previousId\":\"" + previous + "\",\"userId\":\"" + user + "\"}$";
        tracking().body(event(alias, t.plusSeconds(10))).post("/v1/alias").then().statusCode(200);
        Response merged = Api.awaitProfile(user, 3);
        assertEquals(3, total(merged));
        admin().get("/api/v1/profiles/{id}", previous).then().statusCode(200).body("userId", equalTo(user));
    }

    @Test
    void asOfIsExactToTheMicrosecond() {
        String anon = "anon-" + UUID.randomUUID();
        Instant t = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).plusNanos(123_456_000);
        String view = "{\"type\":\"track\",\"event\":\"Product Viewed\",\"anonymousId\":\"" + anon + "\",\"properties\":{\"product_id\":\"m\"}}$";
        tracking().body("{\"batch\":[" + event(view, t) + "," + event(view, t.plusNanos(1_000)) + "]}")
                .post("/v1/batch").then().statusCode(200).body("stored", equalTo(2));
        Api.awaitProfile(anon, 2);
        // the timeline keeps each event's time to the microsecond, whatever the time zone of the JVM or the database
        assertEquals(1, total(admin().queryParam("asOf", t.toString()).get("/api/v1/profiles/{id}", anon)));
        assertEquals(1, total(admin().queryParam("asOf", t.atOffset(java.time.ZoneOffset.ofHours(5)).toString()).get("/api/v1/profiles/{id}", anon)));
        assertEquals(2, total(admin().queryParam("asOf", t.plusNanos(1_000).toString()).get("/api/v1/profiles/{id}", anon)));
        // a microsecond before the first event the person had no profile yet: a 404 naming asOf, not an empty profile
        admin().queryParam("asOf", t.minusNanos(1_000).toString()).get("/api/v1/profiles/{id}", anon)
                .then().statusCode(404).body("error", equalTo("not_found")).body("field", equalTo("asOf"))
                .body("message", equalTo("profile " + anon + " has no events at or before " + t.minusNanos(1_000)));
    }

    @Test
    void invalidAsOfIs400NamingTheParameter() {
        admin().queryParam("asOf", "last tuesday").get("/api/v1/profiles/{id}", "anyone")
                .then().statusCode(400).body("field", equalTo("asOf"));
    }

    @Test
    void unknownProfileIs404() {
        admin().get("/api/v1/profiles/{id}", "nobody-" + UUID.randomUUID()).then().statusCode(404).body("error", equalTo("not_found"));
    }
}
