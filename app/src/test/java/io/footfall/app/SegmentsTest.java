package io.footfall.app;

import static io.footfall.app.Api.admin;
import static io.footfall.app.Api.tracking;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The built-in segmentation plugin end to end: rule segments defined through the plugin config, entered from events
 * sent to the tracking API and left when their window passes; the segments API (sizes, paged members, CSV, a user's
 * segments and history); RFM after a training run; refused definitions and bad parameters.
 */
@QuarkusTest
class SegmentsTest {

    private static final String PLUGIN = "segmentation";

    private static String view(String user, String category, Instant at) {
        return "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + user + "\",\"timestamp\":\"" + at
                + "\",\"properties\":{\"product_id\":\"p-1\",\"category\":\"" + category + "\",\"price\":20}}";
    }

    private static String order(String user, String orderId, String productId, String revenue, Instant at) {
        return "{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\"" + user + "\",\"timestamp\":\"" + at
                + "\",\"properties\":{\"order_id\":\"" + orderId + "\",\"revenue\":" + revenue
                + ",\"products\":[{\"product_id\":\"" + productId + "\",\"category\":\"Shoes\",\"price\":" + revenue + "}]}}";
    }

    private static void send(String... messages) {
        tracking().body("{\"batch\":[" + String.join(",", messages) + "]}").post("/v1/batch").then().statusCode(200)
                .body("stored", equalTo(messages.length));
    }

    private static void configure(String rules) {
        admin().contentType("application/json").body(Map.of("rules", rules))
                .put("/api/v1/plugins/{id}/config", PLUGIN).then().statusCode(200);
    }

    private static JsonPath userSegments(String user) {
        return admin().get("/api/v1/users/{id}/segments", user).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void ruleSegmentsRfmAndTheSegmentsApi() {
        String p = "sg" + UUID.randomUUID().toString().substring(0, 8);
        String shoes = p + "-shoes";
        String big = p + "-big";
        configure("{\"segments\":["
                + "{\"id\":\"" + shoes + "\",\"name\":\"Shoe burst\",\"when\":{\"event\":\"Product Viewed\",\"where\":{\"category\":\"Shoes\"},\"atLeast\":2,\"within\":\"PT2S\"}},"
                // every user of the shared log is evaluated: the bought item keeps this segment to this test's users
                + "{\"id\":\"" + big + "\",\"when\":{\"all\":[{\"profile\":\"revenue\",\"op\":\">\",\"value\":500},"
                + "{\"event\":\"Order Completed\",\"where\":{\"productId\":\"" + p + "-item\"},\"within\":\"P30D\"}]}}]}");
        String alice = p + "-alice";
        String bob = p + "-bob";
        // ahead of the events other tests send, so that "now" (the latest event time) is ours
        Instant t = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
        send(view(alice, "Shoes/Running", t), view(alice, "Shoes/Trail", t.plusMillis(500)), order(alice, p + "-o1", p + "-item", "600.00", t.plusMillis(600)),
                view(bob, "Books", t.plusMillis(700)));

        JsonPath mine = Poll.until(Duration.ofSeconds(60), () -> userSegments(alice),
                j -> j.getList("segments.segment").contains(big));
        assertTrue(mine.getList("segments.segment").contains(shoes) || history(alice, shoes).contains("exited"), mine.prettify());
        assertEquals("rule", mine.getString("segments.find { it.segment == '" + big + "' }.kind"));

        // the window passes: another user's later event moves time on and alice leaves, once
        send(view(bob, "Books", t.plusSeconds(10)));
        Poll.until(Duration.ofSeconds(60), () -> history(alice, shoes), h -> h.equals(List.of("exited", "entered")));
        JsonPath entries = admin().queryParam("segment", shoes).get("/api/v1/users/{id}/segments/history", alice).jsonPath();
        assertEquals(t.plusMillis(500).toString(), entries.getString("history[1].at"), "entered at the second view's event time");
        assertEquals(t.plusMillis(2000).toString(), entries.getString("history[0].at"), "left when the first view left the 2 s window");
        assertTrue(!userSegments(alice).getList("segments.segment").contains(shoes));

        // sizes and definitions
        JsonPath all = admin().get("/api/v1/segments").then().statusCode(200).extract().jsonPath();
        assertEquals("Shoe burst", all.getString("segments.find { it.id == '" + shoes + "' }.name"));
        assertEquals(0, all.getInt("segments.find { it.id == '" + shoes + "' }.size"));
        assertEquals(1, all.getInt("segments.find { it.id == '" + big + "' }.size"));
        assertTrue(all.getList("segments.id").contains("rfm:champions"), "the RFM segments are listed");
        admin().get("/api/v1/segments/{id}", big).then().statusCode(200).body("size", equalTo(1));
        admin().get("/api/v1/segments/{id}", p + "-nope").then().statusCode(404);

        // a second big spender, then members paged and as CSV
        String carol = p + "-carol";
        send(order(carol, p + "-o2", p + "-item", "900.00", t.plusSeconds(11)));
        Poll.until(Duration.ofSeconds(60), () -> admin().get("/api/v1/segments/{id}/members", big).jsonPath(),
                j -> j.getList("members").size() == 2);
        JsonPath page1 = admin().queryParam("limit", 1).get("/api/v1/segments/{id}/members", big).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(alice), page1.getList("members.userId"));
        assertEquals(alice, page1.getString("next"));
        JsonPath page2 = admin().queryParam("limit", 1).queryParam("after", alice).get("/api/v1/segments/{id}/members", big).jsonPath();
        assertEquals(List.of(carol), page2.getList("members.userId"));
        String csv = admin().get("/api/v1/segments/{id}/members.csv", big).then().statusCode(200)
                .header("Content-Type", containsString("text/csv")).extract().asString();
        List<String> lines = List.of(csv.split("\n"));
        assertEquals("user_id,score,recorded_at", lines.get(0));
        assertEquals(List.of(alice, carol), lines.subList(1, lines.size()).stream().map(l -> l.split(",")[0]).toList());

        // RFM after a training run
        String job = admin().post("/api/v1/plugins/{id}/train", PLUGIN).then().statusCode(202).extract().path("id");
        JsonPath done = Poll.until(Duration.ofSeconds(120), () -> admin().get("/api/v1/plugins/{id}/jobs/{job}", PLUGIN, job).jsonPath(),
                j -> !"RUNNING".equals(j.getString("status")));
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
        JsonPath rfm = Poll.until(Duration.ofSeconds(60), () -> userSegments(alice), j -> j.get("rfm") != null);
        String segment = rfm.getString("rfm.segment");
        assertTrue(rfm.getList("segments.segment").stream().anyMatch(s -> ((String) s).startsWith("rfm:")), rfm.prettify());
        assertTrue(rfm.getInt("rfm.r") >= 1 && rfm.getInt("rfm.m") <= 5 && segment != null, rfm.prettify());

        String analyst = p + "-analyst";
        admin().contentType("application/json").body(Map.of("username", analyst, "password", "analyst-password", "roles", List.of("analyst")))
                .post("/api/v1/accounts").then().statusCode(201);
        RestAssured.given().auth().preemptive().basic(analyst, "analyst-password").get("/api/v1/segments").then().statusCode(200);
        RestAssured.given().get("/api/v1/segments").then().statusCode(401);
    }

    @Test
    void refusedDefinitionsNameTheBadPartAndBadParametersAre400() {
        String p = "sg" + UUID.randomUUID().toString().substring(0, 8);
        // an invalid rules document is refused at once, naming the property and the JSON pointer of the bad part
        admin().contentType("application/json")
                .body(Map.of("rules", "{\"segments\":[{\"id\":\"" + p + "\",\"when\":{\"event\":\"Product Viewed\",\"within\":\"a week\"}}]}"))
                .put("/api/v1/plugins/{id}/config", PLUGIN).then().statusCode(400)
                .body("error", equalTo("invalid_config")).body("field", equalTo("rules"))
                .body("errors[0].message", org.hamcrest.Matchers.startsWith("/segments/0/when/within"));
        // nothing was stored: the plugin's configuration still holds the previous rules
        admin().get("/api/v1/plugins/{id}", PLUGIN).then().statusCode(200)
                .body("config.rules", org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(p)));
        configure("{\"segments\":[]}");

        for (String limit : new String[] {"0", "1001", "x"}) {
            admin().queryParam("limit", limit).get("/api/v1/segments/{id}/members", "rfm:champions").then().statusCode(400)
                    .body("error", equalTo("invalid_parameter")).body("field", equalTo("limit"));
        }
    }

    private static List<String> history(String user, String segment) {
        return admin().queryParam("segment", segment).get("/api/v1/users/{id}/segments/history", user).jsonPath().getList("history.change");
    }
}
