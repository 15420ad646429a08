package io.footfall.app;

import static io.footfall.app.Api.admin;
import static io.footfall.app.Api.tracking;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The built-in recommender plugin end to end: views and an order through the tracking API, the plugin catches up,
 * a training run through the admin API, then {@code GET /api/v1/recommendations/{userId}} (personal, cold start,
 * with an item context) and {@code GET /api/v1/items/{id}/similar}; bad parameters and unknown ids.
 */
@QuarkusTest
class RecommendationsTest {

    private static final String PLUGIN = "recommender";
    private static final String P = "rc-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private static final String TENT = P + "tent";
    private static final String PEGS = P + "pegs";
    private static final String LAMP = P + "lamp";
    private static final String MUG = P + "mug";
    private static final String BUYER = P + "buyer";
    private static final String CATEGORY = P + "Camping";

    private static String viewed(String user, String item) {
        return "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + user + "\",\"properties\":{\"product_id\":\""
                + item + "\",\"category\":\"" + CATEGORY + "\",\"price\":9.5}}";
    }

    private static boolean trained;

    /** Once per class, inside the running application (a static {@code @BeforeAll} would run before RestAssured has its port). */
    @BeforeEach
    synchronized void shopAndTrainOnce() {
        if (trained) {
            return;
        }
        trained = true;
        List<String> events = new ArrayList<>();
        // six shoppers look at the tent and then the pegs; three of them at the lamp too; one at the mug
        for (int s = 0; s < 6; s++) {
            events.add(viewed(P + "s" + s, TENT));
            events.add(viewed(P + "s" + s, PEGS));
            if (s < 3) {
                events.add(viewed(P + "s" + s, LAMP));
            }
        }
        events.add(viewed(P + "s5", MUG));
        // the buyer looks at the tent and the pegs, and buys the pegs
        events.add(viewed(BUYER, TENT));
        events.add(viewed(BUYER, PEGS));
        events.add("{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\"" + BUYER + "\",\"properties\":{\"order_id\":\""
                + P + "o1\",\"products\":[{\"product_id\":\"" + PEGS + "\",\"category\":\"" + CATEGORY + "\",\"price\":9.5}]}}");
        tracking().body("{\"batch\":[" + String.join(",", events) + "]}").post("/v1/batch").then().statusCode(200)
                .body("stored", equalTo(events.size()));
        Poll.until(Duration.ofSeconds(60), () -> admin().get("/api/v1/plugins/{id}", PLUGIN).jsonPath(),
                s -> "RUNNING".equals(s.getString("state")) && s.getLong("lag") == 0);
        // personal recommendations also read the shopper's profile (what they viewed and bought): on a busy machine
        // the profile projection can trail the plugin
        Api.awaitProjectionsCaughtUp();
        String job = admin().post("/api/v1/plugins/{id}/train", PLUGIN).then().statusCode(202).extract().path("id");
        JsonPath done = Poll.until(Duration.ofSeconds(90), () -> admin().get("/api/v1/plugins/{id}/jobs/{job}", PLUGIN, job).jsonPath(),
                j -> !"RUNNING".equals(j.getString("status")));
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
    }

    @Test
    void aShopperGetsRelatedItemsWithReasonsAndNeverWhatTheyBought() {
        JsonPath r = admin().get("/api/v1/recommendations/{id}", BUYER).then().statusCode(200)
                .body("userId", equalTo(BUYER)).body("source", equalTo("personal")).extract().jsonPath();
        List<String> items = r.getList("items.itemId");
        assertFalse(items.contains(PEGS), "the bought pegs are not recommended: " + items);
        assertTrue(items.contains(LAMP), "the lamp, viewed with the tent and the pegs, is recommended: " + items);
        for (int k = 0; k < items.size(); k++) {
            assertFalse(r.getString("items[" + k + "].reason").isBlank());
            assertTrue(r.getDouble("items[" + k + "].score") > 0);
        }
        int lamp = items.indexOf(LAMP);
        assertTrue(r.getString("items[" + lamp + "].reason").startsWith("because you viewed " + P), r.prettify());
        admin().queryParam("limit", 1).get("/api/v1/recommendations/{id}", BUYER).then().statusCode(200)
                .body("items.size()", equalTo(1));
    }

    @Test
    void similarItemsComeFromCoVisitation() {
        JsonPath r = admin().get("/api/v1/items/{id}/similar", TENT).then().statusCode(200)
                .body("itemId", equalTo(TENT)).body("items[0].itemId", equalTo(PEGS)).extract().jsonPath();
        assertTrue(r.getList("items.itemId").contains(LAMP), r.prettify());
        assertTrue(r.getString("items[0].reason").contains(TENT), r.prettify());
        admin().get("/api/v1/items/{id}/similar", "no-such-item-" + UUID.randomUUID()).then().statusCode(200).body("items", empty());
    }

    @Test
    void anItemContextBringsItsNeighboursWithoutTheItemOrPurchases() {
        JsonPath r = admin().queryParam("context", "item:" + TENT).get("/api/v1/recommendations/{id}", BUYER).then()
                .statusCode(200).body("context", equalTo("item:" + TENT)).extract().jsonPath();
        List<String> items = r.getList("items.itemId");
        assertFalse(items.contains(TENT), items.toString());
        assertFalse(items.contains(PEGS), items.toString());
        assertTrue(items.contains(LAMP), items.toString());
    }

    @Test
    void anUnknownUserGetsColdStartResults() {
        JsonPath r = admin().get("/api/v1/recommendations/{id}", "nobody-" + UUID.randomUUID()).then().statusCode(200)
                .body("source", equalTo("cold-start")).extract().jsonPath();
        assertFalse(r.getList("items").isEmpty(), "popular items for a stranger");
        assertTrue(r.getString("items[0].reason").startsWith("popular"), r.prettify());
        JsonPath withContext = admin().queryParam("context", "item:" + TENT).get("/api/v1/recommendations/{id}", "nobody-" + UUID.randomUUID())
                .then().statusCode(200).extract().jsonPath();
        int pegs = withContext.getList("items.itemId").indexOf(PEGS);
        assertTrue(pegs >= 0, withContext.prettify());
        assertEquals("because you are viewing " + TENT, withContext.getString("items[" + pegs + "].reason"));
    }

    @Test
    void badParametersAre400NamingThem() {
        for (String limit : new String[] {"0", "101", "-3", "ten", "1.5"}) {
            admin().queryParam("limit", limit).get("/api/v1/recommendations/{id}", BUYER).then().statusCode(400)
                    .body("error", equalTo("invalid_parameter")).body("field", equalTo("limit"));
            admin().queryParam("limit", limit).get("/api/v1/items/{id}/similar", TENT).then().statusCode(400)
                    .body("field", equalTo("limit"));
        }
        for (String context : new String[] {"item:", "user:x", "tent"}) {
            admin().queryParam("context", context).get("/api/v1/recommendations/{id}", BUYER).then().statusCode(400)
                    .body("error", equalTo("invalid_parameter")).body("field", equalTo("context"));
        }
        admin().queryParam("limit", 100).get("/api/v1/items/{id}/similar", "50%_off\\").then().statusCode(200).body("items", empty());
    }
}
