package io.footfall.app;

import static io.footfall.app.Api.admin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.footfall.core.source.SourceRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What an operator needs after the first start: write keys that can be rotated (with an overlap) and sources that can
 * be disabled, and local accounts that can be listed, changed and deleted, each change taking effect at once.
 */
@QuarkusTest
class SourcesAndAccountsTest {

    @Inject
    SourceRegistry registry;

    private static RequestSpecification as(String writeKey) {
        return given().auth().preemptive().basic(writeKey, "").contentType(ContentType.JSON);
    }

    private static int track(String writeKey) {
        String id = UUID.randomUUID().toString();
        return as(writeKey).body("{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"u-" + id + "\",\"messageId\":\"" + id + "\"}")
                .post("/v1/track").statusCode();
    }

    @Test
    void aRotatedKeyStopsAfterItsOverlapAndADisabledSourceIsRefused() {
        var created = admin().contentType(ContentType.JSON).body("{\"name\":\"rotating shop\"}").post("/api/v1/sources")
                .then().statusCode(201).extract().jsonPath();
        String id = created.getString("source.id");
        String first = created.getString("writeKey");
        assertEquals(200, track(first));

        // rotate, keeping the first key for an hour: both work, the answer shows the new key once
        var rotated = admin().contentType(ContentType.JSON).body("{\"keepOldFor\":\"PT1H\"}").post("/api/v1/sources/{id}/rotate-key", id)
                .then().statusCode(200).body("source.previousKeyValidUntil", notNullValue()).body("source.keyRotatedAt", notNullValue())
                .extract().jsonPath();
        String second = rotated.getString("writeKey");
        assertNotEquals(first, second);
        assertEquals(200, track(first));
        assertEquals(200, track(second));
        admin().get("/api/v1/sources/{id}", id).then().statusCode(200).body("name", equalTo("rotating shop"))
                .body("enabled", equalTo(true));

        // rotate again without overlap: the first key (rotated out earlier) and the second stop at once
        String third = admin().contentType(ContentType.JSON).body("{}").post("/api/v1/sources/{id}/rotate-key", id)
                .then().statusCode(200).body("source.previousKeyValidUntil", nullValue()).extract().jsonPath().getString("writeKey");
        assertEquals(401, track(first));
        assertEquals(401, track(second));
        assertEquals(200, track(third));
        // a key rotated out is not brought back by FOOTFALL_BOOTSTRAP_WRITE_KEY left in the environment
        assertFalse(registry.createIfUnknown("default", first).isPresent());
        assertEquals(401, track(first));

        // disabled: refused; enabled again: accepted; renamed
        admin().contentType(ContentType.JSON).body("{\"enabled\":false}").patch("/api/v1/sources/{id}", id)
                .then().statusCode(200).body("enabled", equalTo(false));
        assertEquals(401, track(third));
        admin().contentType(ContentType.JSON).body("{\"enabled\":true,\"name\":\"renamed shop\"}").patch("/api/v1/sources/{id}", id)
                .then().statusCode(200).body("enabled", equalTo(true)).body("name", equalTo("renamed shop"));
        assertEquals(200, track(third));
        admin().get("/api/v1/sources").then().statusCode(200).body("name", hasItem("renamed shop"));
    }

    @Test
    void sourceChangesWithBadInputNameTheField() {
        String id = admin().contentType(ContentType.JSON).body("{\"name\":\"bad input shop\"}").post("/api/v1/sources")
                .then().statusCode(201).extract().jsonPath().getString("source.id");
        admin().contentType(ContentType.JSON).body("{\"keepOldFor\":\"P31D\"}").post("/api/v1/sources/{id}/rotate-key", id)
                .then().statusCode(400).body("field", equalTo("keepOldFor"));
        admin().contentType(ContentType.JSON).body("{\"keepOldFor\":\"an hour\"}").post("/api/v1/sources/{id}/rotate-key", id)
                .then().statusCode(400).body("field", equalTo("keepOldFor"));
        admin().contentType(ContentType.JSON).body("{\"keepOldFor\":\"-PT1H\"}").post("/api/v1/sources/{id}/rotate-key", id)
                .then().statusCode(400).body("field", equalTo("keepOldFor"));
        admin().contentType(ContentType.JSON).body("{\"enabled\":\"no\"}").patch("/api/v1/sources/{id}", id)
                .then().statusCode(400).body("field", equalTo("enabled"));
        admin().contentType(ContentType.JSON).body("{\"name\":\"\"}").patch("/api/v1/sources/{id}", id)
                .then().statusCode(400).body("field", equalTo("name"));
        admin().contentType(ContentType.JSON).body("{}").patch("/api/v1/sources/{id}", id)
                .then().statusCode(400).body("field", equalTo("body"));
        admin().contentType(ContentType.JSON).body("{\"enabled\":false}").patch("/api/v1/sources/{id}", "src_nope").then().statusCode(404);
        admin().contentType(ContentType.JSON).body("{}").post("/api/v1/sources/{id}/rotate-key", "src_nope").then().statusCode(404);
        admin().get("/api/v1/sources/{id}", "src_nope").then().statusCode(404);
    }

    @Test
    void accountsAreListedChangedAndDeletedWithEffectAtOnce() {
        String name = "acct-" + UUID.randomUUID().toString().substring(0, 8);
        admin().contentType(ContentType.JSON).body("{\"username\":\"" + name + "\",\"password\":\"first-password\",\"roles\":[\"analyst\"]}")
                .post("/api/v1/accounts").then().statusCode(201);
        admin().get("/api/v1/accounts").then().statusCode(200).body("username", hasItem(name)).body("passwordHash", hasItem(nullValue()));
        // the analyst reads and cannot write; the answer is remembered (no bcrypt per request)
        given().auth().preemptive().basic(name, "first-password").get("/api/v1/me").then().statusCode(200)
                .body("roles", equalTo(java.util.List.of("analyst")));
        given().auth().preemptive().basic(name, "first-password").contentType(ContentType.JSON).body("{\"name\":\"x\"}")
                .post("/api/v1/sources").then().statusCode(403);

        // promoted: the remembered roles are forgotten at once
        admin().contentType(ContentType.JSON).body("{\"roles\":[\"admin\"]}").patch("/api/v1/accounts/{u}", name)
                .then().statusCode(200).body("roles", equalTo(java.util.List.of("admin")));
        given().auth().preemptive().basic(name, "first-password").get("/api/v1/me").then().statusCode(200)
                .body("roles", equalTo(java.util.List.of("admin")));

        // their own password: the current one is checked; afterwards the old one is refused at once
        given().auth().preemptive().basic(name, "first-password").contentType(ContentType.JSON)
                .body("{\"currentPassword\":\"wrong-password\",\"newPassword\":\"second-password\"}").put("/api/v1/me/password")
                .then().statusCode(400).body("field", equalTo("currentPassword"));
        given().auth().preemptive().basic(name, "first-password").contentType(ContentType.JSON)
                .body("{\"currentPassword\":\"first-password\",\"newPassword\":\"short\"}").put("/api/v1/me/password")
                .then().statusCode(400).body("field", equalTo("newPassword"));
        given().auth().preemptive().basic(name, "first-password").contentType(ContentType.JSON)
                .body("{\"currentPassword\":\"first-password\",\"newPassword\":\"second-password\"}").put("/api/v1/me/password")
                .then().statusCode(204);
        given().auth().preemptive().basic(name, "first-password").get("/api/v1/me").then().statusCode(401);
        given().auth().preemptive().basic(name, "second-password").get("/api/v1/me").then().statusCode(200);

        // an admin cannot demote or delete themselves (so one admin always remains); another admin can
        given().auth().preemptive().basic(name, "second-password").contentType(ContentType.JSON).body("{\"roles\":[\"analyst\"]}")
                .patch("/api/v1/accounts/{u}", name).then().statusCode(409).body("error", equalTo("self"));
        given().auth().preemptive().basic(name, "second-password").delete("/api/v1/accounts/{u}", name)
                .then().statusCode(409).body("error", equalTo("self"));
        admin().contentType(ContentType.JSON).body("{\"password\":\"third-password\"}").patch("/api/v1/accounts/{u}", name)
                .then().statusCode(200);
        given().auth().preemptive().basic(name, "second-password").get("/api/v1/me").then().statusCode(401);
        given().auth().preemptive().basic(name, "third-password").get("/api/v1/me").then().statusCode(200);
        admin().delete("/api/v1/accounts/{u}", name).then().statusCode(204);
        given().auth().preemptive().basic(name, "third-password").get("/api/v1/me").then().statusCode(401);
        admin().get("/api/v1/accounts/{u}", name).then().statusCode(404);
        admin().delete("/api/v1/accounts/{u}", name).then().statusCode(404);
    }

    @Test
    void accountChangesWithBadInputNameTheField() {
        admin().contentType(ContentType.JSON).body("{\"roles\":[\"root\"]}").patch("/api/v1/accounts/{u}", Api.ADMIN)
                .then().statusCode(400).body("field", equalTo("roles"));
        admin().contentType(ContentType.JSON).body("{\"password\":\"short\"}").patch("/api/v1/accounts/{u}", Api.ADMIN)
                .then().statusCode(400).body("field", equalTo("password"));
        admin().contentType(ContentType.JSON).body("{}").patch("/api/v1/accounts/{u}", Api.ADMIN)
                .then().statusCode(400).body("field", equalTo("body"));
        admin().contentType(ContentType.JSON).body("{\"roles\":[\"analyst\"]}").patch("/api/v1/accounts/{u}", "no-such-account")
                .then().statusCode(404);
        admin().get("/api/v1/accounts/{u}", "x").then().statusCode(404);
        admin().contentType(ContentType.JSON).body("{\"newPassword\":\"second-password\"}").put("/api/v1/me/password")
                .then().statusCode(400).body("field", equalTo("currentPassword"));
        // analysts may not manage accounts
        String analyst = "analyst-" + UUID.randomUUID().toString().substring(0, 8);
        admin().contentType(ContentType.JSON).body("{\"username\":\"" + analyst + "\",\"password\":\"first-password\",\"roles\":[\"analyst\"]}")
                .post("/api/v1/accounts").then().statusCode(201);
        given().auth().preemptive().basic(analyst, "first-password").get("/api/v1/accounts").then().statusCode(403);
        given().auth().preemptive().basic(analyst, "first-password").delete("/api/v1/accounts/{u}", Api.ADMIN).then().statusCode(403);
        admin().delete("/api/v1/accounts/{u}", analyst).then().statusCode(204);
    }
}
