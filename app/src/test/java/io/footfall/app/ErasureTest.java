package io.footfall.app;

import static io.footfall.app.Api.admin;
import static io.footfall.app.Api.tracking;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Erasure makes a person's planted personal data unreadable everywhere in the database. */
@QuarkusTest
class ErasureTest {

    @Inject
    DataSource ds;

    @Inject
    io.footfall.core.privacy.ErasedSubjects erasedSubjects;

    /**
     * An erasure done by another instance (its row in {@code erased_subject}, written here directly) is seen by this
     * one within about a second, without a restart: the person's later events are not folded into a profile.
     */
    @Test
    void anErasureByAnotherInstanceIsSkippedHereToo() throws Exception {
        String user = "erased-elsewhere-" + UUID.randomUUID().toString().substring(0, 8);
        String identifier = io.footfall.core.profile.Identifiers.user(user);
        assertFalse(erasedSubjects.contains(identifier));
        try (java.sql.Connection c = ds.getConnection(); java.sql.PreparedStatement s = c.prepareStatement(
                "INSERT INTO erased_subject (identifier, erased_at) VALUES (?, now())")) {
            s.setString(1, identifier);
            s.executeUpdate();
        }
        Poll.until(java.time.Duration.ofSeconds(10), () -> erasedSubjects.contains(identifier), seen -> seen);
        tracking().body("{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + user + "\",\"properties\":{\"product_id\":\"p1\"}}")
                .post("/v1/track").then().statusCode(200).body("stored", equalTo(1));
        Api.awaitProjectionsCaughtUp();
        admin().get("/api/v1/profiles/{id}", user).then().statusCode(404);
    }

    @Test
    void erasureLeavesNoReadablePersonalDataAnywhere() {
        java.time.Instant started = java.time.Instant.now().minusSeconds(5);
        String token = UUID.randomUUID().toString().substring(0, 8);
        String user = "erase-" + token;
        String anon = "anon-erase-" + token;
        String email = "planted." + token + "@example.test";
        String name = "Zed Planted" + token;
        String phone = "+44 7700 9" + token.replaceAll("[^0-9]", "7").substring(0, 5);
        String ip = "198.51.100." + (100 + Math.abs(token.hashCode() % 150));
        String address = "1 Planted Street " + token;
        String mobile = "+44 7700 8" + token.replaceAll("[^0-9]", "3").substring(0, 5);
        String shipping = "2 Shipping Lane " + token;

        String identify = """
                {"type":"identify","userId":"%s","anonymousId":"%s","traits":{"email":"%s","name":"%s","phone":"%s","address":"%s","plan":"gold"},
                 "context":{"ip":"%s"}}""".formatted(user, anon, email, name, phone, address, ip);
        String view = """
                {"type":"track","event":"Product Viewed","userId":"%s","properties":{"product_id":"p1"},"context":{"ip":"%s"}}""".formatted(user, ip);
        // personal keys spelt another way, and in properties
        String order = """
                {"type":"track","event":"Order Completed","userId":"%s","traits":{"Mobile_Phone":"%s"},
                 "properties":{"order_id":"o-%s","revenue":5,"shipping_address":"%s"}}""".formatted(user, mobile, token, shipping);
        String invalid = """
                {"type":"identify","userId":"%s","traits":{"email":"%s"},"timestamp":"not a date"}""".formatted(user, email);
        tracking().body("{\"batch\":[" + identify + "," + view + "," + order + "," + invalid + "]}").post("/v1/batch")
                .then().statusCode(200).body("stored", equalTo(3)).body("failed", equalTo(1));
        Api.awaitProfile(user, 3).then().body("traits.email", equalTo(email));
        // a body that is not JSON cannot be attributed to anyone, yet it names the person
        tracking().body("{\"type\":\"identify\",\"userId\":\"" + user + "\",\"traits\":{\"phone\":\"" + phone + "\"}")
                .post("/v1/identify").then().statusCode(400).body("errors[0].reason", equalTo("MALFORMED"));
        // what a plugin published about the person
        Poll.until(Duration.ofSeconds(60), () -> Db.count(ds, "SELECT count(*) FROM plugin_result WHERE user_id = ?", user), n -> n > 0);

        List<String> planted = List.of(email, name, phone, ip, address, mobile, shipping);
        assertFalse(placesHolding(email).isEmpty(), "the scan finds the email before erasure (profile, failed events)");
        for (String value : List.of(email, mobile, shipping)) {
            assertTrue(placesHolding(value).stream().noneMatch(p -> p.startsWith("domainevententry")),
                    "the log never holds personal data in clear: " + value + " in " + placesHolding(value));
        }

        // the customer's copy of their data (right of access): everything the erasure will remove, personal data opened
        String exported = admin().get("/api/v1/customers/{id}/export", anon).then().statusCode(200)
                .header("Content-Disposition", org.hamcrest.Matchers.startsWith("attachment")).extract().asString();
        io.restassured.path.json.JsonPath export = new io.restassured.path.json.JsonPath(exported);
        assertEquals("footfall-customer-export/1", export.getString("format"));
        assertEquals(email, export.getString("profile.traits.email"));
        assertEquals(user, export.getString("profile.userId"));
        assertTrue(export.getList("identifiers").containsAll(List.of("user:" + user, "anon:" + anon)), exported);
        List<String> names = export.getList("events.event.name");
        assertEquals(3, names.size(), "every event of the person: " + names);
        assertEquals(List.of("Product Viewed", "Order Completed"), names.subList(1, 3), "in log order");
        assertTrue(export.getList("failedEvents.reason").containsAll(List.of("MALFORMED")), "failed events naming the person: " + exported);
        assertFalse(export.getList("pluginResults").isEmpty(), "what plugins published about the person");
        for (String value : planted) {
            assertTrue(exported.contains(value), "the export holds " + value);
        }
        admin().get("/api/v1/customers/{id}/export", "nobody-" + token).then().statusCode(404);

        admin().delete("/api/v1/customers/{id}", user).then().statusCode(200).body("keysDestroyed", equalTo(1));
        admin().get("/api/v1/customers/{id}/export", user).then().statusCode(404);

        for (String value : planted) {
            assertEquals(List.of(), placesHolding(value), "after erasure nothing holds " + value);
        }
        admin().get("/api/v1/profiles/{id}", user).then().statusCode(404);
        admin().get("/api/v1/profiles/{id}", anon).then().statusCode(404);

        String log = readLog();
        for (String value : planted) {
            org.junit.jupiter.api.Assertions.assertFalse(log.contains(value), "the application log never shows " + value);
        }

        assertEquals(0, Db.count(ds, "SELECT count(*) FROM plugin_result WHERE user_id IN (?, ?)", user, anon), "plugin results purged");

        // later events of the erased identifiers are not projected again
        tracking().body(view).post("/v1/track").then().statusCode(200);
        Api.awaitProjectionsCaughtUp();
        assertEquals(0, Db.count(ds, "SELECT count(*) FROM profile WHERE user_id = ?", user));
        // nor folded again by a plugin replaying the log (from this test's start: the whole suite's log takes minutes)
        admin().queryParam("from", started.toString()).post("/api/v1/plugins/{id}/replay", "category-affinity").then().statusCode(202);
        Poll.until(Duration.ofSeconds(300), () -> Poll.json(admin().get("/api/v1/plugins/{id}", "category-affinity").asString()),
                p -> p.getLong("lag") == 0 && !p.getBoolean("replaying"));
        assertEquals(0, Db.count(ds, "SELECT count(*) FROM plugin_result WHERE user_id IN (?, ?)", user, anon),
                "a replay publishes nothing about the erased person");
    }

    private static String readLog() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("target/footfall-test.log"));
        } catch (java.io.IOException e) {
            throw new AssertionError("the test log file is missing", e);
        }
    }

    /** Every table.column whose value contains the text (text columns as text, binary columns as UTF-8 bytes). */
    private List<String> placesHolding(String value) {
        List<String> places = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            List<String[]> columns = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT table_name, column_name, data_type FROM information_schema.columns "
                    + "WHERE table_schema = 'public'"); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    columns.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
            for (String[] col : columns) {
                String sql = col[2].equals("bytea")
                        ? "SELECT count(*) FROM \"" + col[0] + "\" WHERE position(?::bytea in \"" + col[1] + "\") > 0"
                        : "SELECT count(*) FROM \"" + col[0] + "\" WHERE \"" + col[1] + "\"::text LIKE '%' || ? || '%'";
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    if (col[2].equals("bytea")) {
                        s.setBytes(1, value.getBytes(StandardCharsets.UTF_8));
                    } else {
                        s.setString(1, value);
                    }
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            places.add(col[0] + "." + col[1]);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return places;
    }
}
