package io.footfall.app;

import static io.footfall.app.Api.admin;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Every change through the admin API is in the audit trail — who, what, the answer — and the trail names no shopper
 * and holds no request body: a created account's password and an erased customer's id in clear are not in it. Reads of a
 * person's data are recorded too, other reads are not.
 */
@QuarkusTest
class AuditTrailTest {

    @Inject
    DataSource ds;

    @Test
    void changesAreRecordedWithTheirActorTargetAndAnswerButNeitherBodiesNorShoppers() throws Exception {
        String name = "audited-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "audit-password-" + UUID.randomUUID();
        admin().contentType("application/json").body(Map.of("username", name, "password", password, "roles", List.of("analyst")))
                .post("/api/v1/accounts").then().statusCode(201);
        admin().contentType("application/json").body(Map.of("roles", List.of("analyst", "operator")))
                .patch("/api/v1/accounts/{u}", name).then().statusCode(200);
        admin().contentType("application/json").body(Map.of("roles", List.of("analyst")))
                .patch("/api/v1/accounts/{u}", name).then().statusCode(200);
        // a change the role does not allow is recorded with its 403; reads are not recorded
        RestAssured.given().auth().preemptive().basic(name, password).post("/api/v1/plugins/{id}/train", "category-affinity")
                .then().statusCode(403);
        RestAssured.given().auth().preemptive().basic(name, password).get("/api/v1/plugins").then().statusCode(200);
        // nobody signed in: nothing to record
        RestAssured.given().post("/api/v1/plugins/{id}/train", "category-affinity").then().statusCode(401);
        // an erasure names the customer only by a hash prefix
        String shopper = "audit-shopper-" + UUID.randomUUID();
        Api.tracking().body("{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + shopper + "\"}").post("/v1/track")
                .then().statusCode(200);
        Api.awaitProfile(shopper, 1);
        admin().delete("/api/v1/customers/{id}", shopper).then().statusCode(200);

        JsonPath own = admin().queryParam("actor", name).get("/api/v1/audit").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("POST /api/v1/plugins/{id}/train"), own.getList("entries.action"));
        assertEquals(403, own.getInt("entries[0].status"));
        assertEquals(Map.of("id", "category-affinity"), own.getMap("entries[0].target"));

        JsonPath latest = admin().queryParam("actor", Api.ADMIN).queryParam("limit", 500).get("/api/v1/audit").then().statusCode(200)
                .extract().jsonPath();
        List<Map<String, Object>> entries = latest.getList("entries");
        String hashed = AuditHash.of(shopper);
        Map<String, Object> erasure = entries.stream().filter(e -> e.get("action").equals("DELETE /api/v1/customers/{id}")
                && hashed.equals(((Map<?, ?>) e.get("target")).get("id"))).findFirst().orElse(null);
        assertNotNull(erasure, "the erasure, its customer as " + hashed + ": " + entries.subList(0, Math.min(5, entries.size())));
        assertEquals(200, erasure.get("status"));
        List<Map<String, Object>> mine = entries.stream().filter(e -> name.equals(((Map<?, ?>) e.get("target")).get("username"))).toList();
        assertEquals(List.of("PATCH /api/v1/accounts/{username}", "PATCH /api/v1/accounts/{username}"),
                mine.stream().map(e -> e.get("action")).toList(), "newest first: " + mine);
        assertTrue(entries.stream().anyMatch(e -> e.get("action").equals("POST /api/v1/accounts") && e.get("status").equals(201)));
        assertTrue(entries.stream().filter(e -> ((String) e.get("action")).startsWith("GET "))
                .allMatch(e -> ((String) e.get("action")).matches("GET /api/v1/(customers|profiles|users)/\\{id}.*|GET /api/v1/segments/\\{id}/members.*")),
                "of reads, only those of a person's data are recorded");
        long newer = ((Number) mine.get(0).get("id")).longValue();
        long older = ((Number) mine.get(1).get("id")).longValue();
        assertTrue(newer > older);
        assertTrue(latest.getString("entries[0].at").endsWith("Z"));

        // no password, no shopper id anywhere in the trail
        assertEquals(0, Db.count(ds, "SELECT count(*) FROM admin_audit a WHERE strpos(a::text, ?) > 0 OR strpos(a::text, ?) > 0",
                password, shopper));
        assertEquals(0, Db.count(ds, "SELECT count(*) FROM admin_audit WHERE actor IS NULL OR actor = ''"));
        // the trail cannot be rewritten
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            SQLException refused = assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE admin_audit SET actor = 'someone-else'"));
            assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
        }
    }

    /** Reads of one person's data are recorded, hashed like changes, and the trail answers "who looked at this customer". */
    @Test
    void readsOfAPersonsDataAreRecordedAndFoundByThePerson() {
        String reader = "audit-looker-" + UUID.randomUUID().toString().substring(0, 8);
        admin().contentType("application/json").body(Map.of("username", reader, "password", "audit-looker-pw", "roles", List.of("analyst")))
                .post("/api/v1/accounts").then().statusCode(201);
        String shopper = "audit-looked-at-" + UUID.randomUUID();
        Api.tracking().body("{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + shopper + "\"}").post("/v1/track")
                .then().statusCode(200);
        Api.awaitProfile(shopper, 1);
        java.util.function.Supplier<io.restassured.specification.RequestSpecification> analyst =
                () -> RestAssured.given().auth().preemptive().basic(reader, "audit-looker-pw");
        analyst.get().get("/api/v1/profiles/{id}", shopper).then().statusCode(200);
        analyst.get().get("/api/v1/profiles/{id}/events", shopper).then().statusCode(200);
        analyst.get().get("/api/v1/users/{id}/segments", shopper).then().statusCode(200);
        analyst.get().get("/api/v1/plugins").then().statusCode(200);

        JsonPath looked = admin().queryParam("actor", reader).get("/api/v1/audit").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("GET /api/v1/users/{id}/segments", "GET /api/v1/profiles/{id}/events", "GET /api/v1/profiles/{id}"),
                looked.getList("entries.action"), "the person's data, newest first; the list of plugins is not recorded");
        String hashed = AuditHash.of(shopper);
        assertEquals(List.of(hashed, hashed, hashed), looked.getList("entries.target.id"));
        assertEquals(List.of(200, 200, 200), looked.getList("entries.status"));
        // who read or changed this customer: the admin's polls and the analyst's reads, nobody else's entries
        JsonPath byPerson = admin().queryParam("person", shopper).queryParam("limit", 500).get("/api/v1/audit").then().statusCode(200)
                .extract().jsonPath();
        List<String> actors = byPerson.getList("entries.actor");
        assertTrue(actors.contains(reader) && actors.contains(Api.ADMIN), "both readers: " + actors);
        assertTrue(byPerson.getList("entries.target.id").stream().allMatch(hashed::equals), byPerson.prettify());
        assertEquals(0, Db.count(ds, "SELECT count(*) FROM admin_audit a WHERE strpos(a::text, ?) > 0", shopper));
    }

    /** The hash prefix the trail records for a person's id. */
    static final class AuditHash {
        static String of(String id) {
            try {
                return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)), 0, 8);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void theTrailIsPagedForAdminsOnly() {
        for (int i = 0; i < 3; i++) {
            admin().post("/api/v1/plugins/{id}/enable", "basket-rules").then().statusCode(200);
        }
        JsonPath first = admin().queryParam("limit", 2).get("/api/v1/audit").then().statusCode(200).extract().jsonPath();
        assertEquals(2, first.getList("entries").size());
        long next = first.getLong("next");
        assertEquals(first.getLong("entries[1].id"), next);
        JsonPath second = admin().queryParam("limit", 2).queryParam("before", next).get("/api/v1/audit").then().statusCode(200)
                .extract().jsonPath();
        assertTrue(second.getLong("entries[0].id") < next);
        admin().queryParam("limit", "x").get("/api/v1/audit").then().statusCode(400).body("field", equalTo("limit"));
        admin().queryParam("before", "-1").get("/api/v1/audit").then().statusCode(400).body("field", equalTo("before"));
        String analyst = "audit-reader-" + UUID.randomUUID().toString().substring(0, 8);
        admin().contentType("application/json").body(Map.of("username", analyst, "password", "audit-reader-pw", "roles", List.of("analyst")))
                .post("/api/v1/accounts").then().statusCode(201);
        RestAssured.given().auth().preemptive().basic(analyst, "audit-reader-pw").get("/api/v1/audit").then().statusCode(403);
        // a sign-in to the admin UI is recorded too
        RestAssured.given().redirects().follow(false).formParam("j_username", analyst).formParam("j_password", "audit-reader-pw")
                .post("/j_security_check").then().statusCode(302);
        admin().queryParam("actor", analyst).get("/api/v1/audit").then().statusCode(200)
                .body("entries.action", equalTo(List.of("POST /j_security_check"))).body("entries[0].status", equalTo(302));
    }
}
