package io.footfall.app;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;

/** Small helpers shared by the API tests. */
public final class Api {
    public static final String WRITE_KEY = "test-write-key";
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-secret";

    private Api() {
    }

    /** A tracking-API request authenticated as analytics-node does: Basic with the write key as user. */
    public static RequestSpecification tracking() {
        return given().auth().preemptive().basic(WRITE_KEY, "").contentType(ContentType.JSON);
    }

    /** An admin API request. */
    public static RequestSpecification admin() {
        return given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD);
    }

    /** Waits until the profile projection has processed the whole log as it is now. */
    public static void awaitProjectionsCaughtUp() {
        // the head as it is now: plugins go on appending their results, so "no lag at all" may never be seen at a poll
        long head = admin().get("/api/v1/projections/profiles").then().statusCode(200).extract().jsonPath().getLong("head");
        Poll.until(Duration.ofSeconds(60), () -> admin().get("/api/v1/projections/profiles").jsonPath(),
                s -> s.getLong("position") >= head);
    }

    /** Waits until the profile of {@code id} has folded at least {@code events} events. */
    public static Response awaitProfile(String id, long events) {
        return Poll.until(Duration.ofSeconds(30), () -> admin().get("/api/v1/profiles/{id}", id),
                r -> r.statusCode() == 200 && r.jsonPath().getMap("eventCounts").values().stream()
                        .mapToLong(v -> ((Number) v).longValue()).sum() >= events);
    }
}
