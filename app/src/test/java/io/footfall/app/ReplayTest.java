package io.footfall.app;

import static io.footfall.app.Api.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.simulator.GroundTruth;
import io.footfall.simulator.HttpBatchSink;
import io.footfall.simulator.Simulator;
import io.footfall.simulator.SimulatorConfig;
import io.footfall.simulator.UserTruth;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Simulated storefront traffic through the public API: profiles match the planted truth, and a replay rebuilds exactly the live state. */
@QuarkusTest
class ReplayTest {

    @Inject
    DataSource ds;

    @Test
    void simulatedTrafficProjectsTheTruthAndReplayEndsInTheLiveState() {
        long failedBefore = Db.count(ds, "SELECT count(*) FROM failed_event");
        GroundTruth truth;
        try (HttpBatchSink sink = HttpBatchSink.builder(URI.create("http://localhost:" + RestAssured.port), Api.WRITE_KEY)
                .batchSize(250).concurrency(2).build()) {
            truth = Simulator.run(SimulatorConfig.builder().seed(11).users(120).days(7).build(), sink);
        }
        assertEquals(failedBefore, Db.count(ds, "SELECT count(*) FROM failed_event"), "the simulator sends only valid events");
        assertTrue(truth.totalEvents() > 1000, "enough traffic: " + truth.totalEvents());
        long head = awaitCaughtUp(-1);

        int checked = 0;
        for (UserTruth user : truth.users()) {
            if (user.identifiedAt() == null || user.events() == 0) {
                continue;
            }
            JsonPath profile = admin().get("/api/v1/profiles/{id}", user.userId()).then().statusCode(200).extract().jsonPath();
            long total = profile.getMap("eventCounts").values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
            assertEquals(user.events(), total, "every event of " + user.userId() + ", before and after login, is in one profile");
            assertTrue(profile.getList("anonymousIds").contains(user.anonymousId()));
            checked++;
        }
        assertTrue(checked > 20, "identified users checked: " + checked);

        // this test's own people: other classes' traffic in the same log is theirs to check
        java.util.Set<String> ours = new java.util.HashSet<>();
        for (UserTruth user : truth.users()) {
            if (user.userId() != null) {
                ours.add("user:" + user.userId());
            }
            ours.add("anon:" + user.anonymousId());
        }
        List<String> live = snapshot(ours);
        admin().post("/api/v1/projections/profiles/replay").then().statusCode(202);
        awaitCaughtUp(head);
        assertTrue(live.size() > 1000, "the snapshot covers this test's traffic: " + live.size());
        assertEquals(live, snapshot(ours), "a replay ends in exactly the live state");
    }

    /** Profiles, identity links and timelines of the given people and identifiers (the first word of each row). */
    private List<String> snapshot(java.util.Set<String> ids) {
        List<String> rows = Db.strings(ds, "SELECT person_id || ' ' || COALESCE(user_id, '-') || ' ' || state::text FROM profile ORDER BY person_id");
        rows.addAll(Db.strings(ds, "SELECT identifier || ' -> ' || person_id FROM identity_link ORDER BY identifier"));
        rows.addAll(Db.strings(ds, "SELECT identifier || ' ' || global_index || ' ' || event_type FROM profile_timeline ORDER BY identifier, global_index"));
        rows.removeIf(row -> !ids.contains(row.substring(0, row.indexOf(' '))));
        return rows;
    }

    /** Waits until the profile projection has processed everything up to the log's head (at least {@code minHead}). */
    private long awaitCaughtUp(long minHead) {
        JsonPath status = Poll.until(Duration.ofSeconds(90), () -> Poll.json(admin().get("/api/v1/projections/profiles").asString()),
                s -> s.getLong("lag") == 0 && s.getLong("position") >= Math.max(minHead, 0)
                        && s.getLong("head") >= minHead);
        return status.getLong("head");
    }
}
