package io.footfall.app;

import static io.footfall.app.Api.admin;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventContext;
import io.footfall.api.event.EventKind;
import io.footfall.core.store.EventLog;
import io.footfall.core.store.RecordedBehavior;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.Test;

/**
 * An event the profile projection fails on every time (ADR 0023) is parked as a dead letter and skipped; the events after
 * it are folded. Before, the processor retried the batch forever and every profile went stale.
 *
 * <p>The poison is appended to the log directly: the tracking API refuses a NUL character since session 25, but an event
 * of an older version, or a defect not yet found, reaches the projection the same way.
 */
@QuarkusTest
class ProjectionDeadLettersTest {

    @Inject
    EventLog log;
    @Inject
    DataSource ds;

    private static GenericEventMessage<RecordedBehavior> event(EventKind kind, String name, String userId, Map<String, Object> traits) {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        BehaviorEvent event = new BehaviorEvent(id, id, kind, name, userId, null, null, null, now, now, null, null,
                "dead-letter-test", null, null, null, EventContext.empty(), Map.of(), traits);
        return new GenericEventMessage<>(id, new RecordedBehavior(event, null), MetaData.emptyInstance(), now);
    }

    @Test
    void anEventTheProfilesFailOnEveryTimeIsParkedAndTheEventsAfterItAreFolded() {
        String poisoned = "poisoned-" + UUID.randomUUID();
        String after = "after-" + UUID.randomUUID();
        // PostgreSQL's jsonb refuses \u0000, so the profile's write fails at the end of every batch that holds this event
        GenericEventMessage<RecordedBehavior> poison = event(EventKind.IDENTIFY, null, poisoned, Map.of("plan", "gold\u0000"));
        log.appendNow(List.of(poison, event(EventKind.TRACK, "Product Viewed", after, Map.of())));
        long position = Db.count(ds, "SELECT globalindex FROM domainevententry WHERE eventidentifier = ?", poison.getIdentifier());

        // the event after the poison reaches its profile: the projection went on
        Api.awaitProfile(after, 1);
        JsonPath letters = Poll.until(Duration.ofSeconds(30),
                () -> admin().get("/api/v1/projections/profiles/dead-letters?status=PARKED&limit=500").then().statusCode(200).extract().jsonPath(),
                j -> j.getList("position", Long.class).contains(position));
        int index = letters.getList("position", Long.class).indexOf(position);
        long letter = letters.getLong("[" + index + "].id");
        assertEquals(poison.getIdentifier(), letters.getString("[" + index + "].eventId"));
        assertEquals("identify", letters.getString("[" + index + "].eventType"));
        // why, without the event's data: exception classes and the SQL state of jsonb's refusal
        String error = letters.getString("[" + index + "].error");
        assertTrue(error.contains("22P05"), error);
        assertTrue(!error.contains("gold"), error);
        assertEquals(1, letters.getList("position", Long.class).stream().filter(p -> p == position).count(), "parked once");

        // skipped, so never folded; the projection is not in error and counts the letter
        admin().get("/api/v1/profiles/{id}", poisoned).then().statusCode(404);
        JsonPath status = admin().get("/api/v1/projections/profiles").then().statusCode(200).extract().jsonPath();
        assertTrue(status.getLong("deadLetters") >= 1, status.prettify());
        Api.awaitProjectionsCaughtUp();
        // the gauges are refreshed every few seconds
        Poll.until(Duration.ofSeconds(30), () -> io.restassured.RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString(),
                metrics -> metrics.lines().anyMatch(l -> l.startsWith("footfall_projection_dead_letters")
                        && l.contains("processor=\"profiles\"") && !l.endsWith(" 0.0")));

        // an operator accepts the gap: dropped, still skipped, no longer counted as parked; a second drop is a conflict
        long parkedBefore = status.getLong("deadLetters");
        admin().post("/api/v1/projections/profiles/dead-letters/{id}/drop", letter).then().statusCode(200)
                .body("status", equalTo("DROPPED"));
        admin().post("/api/v1/projections/profiles/dead-letters/{id}/drop", letter).then().statusCode(409)
                .body("error", equalTo("not_parked"));
        assertEquals(parkedBefore - 1, admin().get("/api/v1/projections/profiles").jsonPath().getLong("deadLetters"));
        admin().get("/api/v1/projections/profiles/dead-letters/{id}", letter).then().statusCode(200)
                .body("position", equalTo((int) position)).body("status", equalTo("DROPPED"));
        admin().get("/api/v1/profiles/{id}", poisoned).then().statusCode(404);
    }

    @Test
    void badRequestsNameTheirField() {
        admin().get("/api/v1/projections/profiles/dead-letters?status=LOST").then().statusCode(400).body("field", equalTo("status"));
        admin().get("/api/v1/projections/profiles/dead-letters?limit=0").then().statusCode(400).body("field", equalTo("limit"));
        admin().get("/api/v1/projections/profiles/dead-letters/abc").then().statusCode(404);
        admin().get("/api/v1/projections/profiles/dead-letters/999999999").then().statusCode(404);
        admin().get("/api/v1/projections/nope/dead-letters").then().statusCode(404);
        admin().post("/api/v1/projections/profiles/dead-letters/999999999/drop").then().statusCode(404);
    }
}
