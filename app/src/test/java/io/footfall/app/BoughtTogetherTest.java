package io.footfall.app;

import static io.footfall.app.Api.admin;
import static io.footfall.app.Api.tracking;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The built-in basket-rules plugin end to end: orders through the tracking API, the plugin catches up, a training
 * run through the admin API, and {@code GET /api/v1/items/{id}/bought-together} serving its rules; bad limits and
 * unknown items.
 */
@QuarkusTest
class BoughtTogetherTest {

    private static final String PLUGIN = "basket-rules";

    private static String order(String orderId, String... items) {
        StringBuilder products = new StringBuilder();
        for (String item : items) {
            products.append(products.length() == 0 ? "" : ",").append("{\"product_id\":\"").append(item).append("\",\"price\":1.5}");
        }
        return "{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\"bt-shopper\",\"properties\":{\"order_id\":\""
                + orderId + "\",\"products\":[" + products + "]}}";
    }

    @Test
    void rulesMinedFromOrdersAreServedBestFirst() {
        String p = "bt-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String a = p + "tent";
        String b = p + "pegs";
        String c = p + "lamp";
        // A in 12 orders: with B in 8 (confidence 2/3), with C in 4 (1/3); B and C never without A
        List<String[]> baskets = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            baskets.add(new String[] {a, b});
        }
        for (int i = 0; i < 2; i++) {
            baskets.add(new String[] {a, b, c});
            baskets.add(new String[] {a, c});
            baskets.add(new String[] {a});
        }
        // and 4 orders without A, so that A is not in every order (lift of A's rules > 1 even on a fresh log)
        for (int i = 0; i < 4; i++) {
            baskets.add(new String[] {p + "other"});
        }
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < baskets.size(); i++) {
            batch.append(i == 0 ? "" : ",").append(order(p + "o" + i, baskets.get(i)));
        }
        tracking().body(batch.append("]}").toString()).post("/v1/batch").then().statusCode(200).body("stored", equalTo(16));

        Poll.until(Duration.ofSeconds(60), () -> admin().get("/api/v1/plugins/{id}", PLUGIN).jsonPath(),
                s -> "RUNNING".equals(s.getString("state")) && s.getLong("lag") == 0);
        String job = admin().post("/api/v1/plugins/{id}/train", PLUGIN).then().statusCode(202).extract().path("id");
        JsonPath done = Poll.until(Duration.ofSeconds(60), () -> admin().get("/api/v1/plugins/{id}/jobs/{job}", PLUGIN, job).jsonPath(),
                j -> !"RUNNING".equals(j.getString("status")));
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());

        JsonPath together = admin().get("/api/v1/items/{id}/bought-together", a).then().statusCode(200)
                .body("itemId", equalTo(a)).body("items.itemId", contains(b, c)).extract().jsonPath();
        // JSON numbers come back as floats: compare to float precision
        assertEquals(8.0 / 12, together.getDouble("items[0].confidence"), 1e-6);
        assertEquals(4.0 / 12, together.getDouble("items[1].confidence"), 1e-6);
        assertTrue(together.getDouble("items[0].support") > 0);
        assertTrue(together.getDouble("items[0].lift") > 1, "B is bought with A far above its base rate");
        admin().queryParam("limit", 1).get("/api/v1/items/{id}/bought-together", a).then().statusCode(200)
                .body("items.itemId", contains(b));
        admin().get("/api/v1/items/{id}/bought-together", b).then().statusCode(200)
                .body("items[0].itemId", equalTo(a)).body("items[0].confidence", equalTo(1.0f));

        String analyst = "bt-analyst-" + UUID.randomUUID().toString().substring(0, 8);
        admin().contentType("application/json").body(Map.of("username", analyst, "password", "analyst-password", "roles", List.of("analyst")))
                .post("/api/v1/accounts").then().statusCode(201);
        RestAssured.given().auth().preemptive().basic(analyst, "analyst-password").get("/api/v1/items/{id}/bought-together", a)
                .then().statusCode(200).body("items.itemId", contains(b, c));
        RestAssured.given().get("/api/v1/items/{id}/bought-together", a).then().statusCode(401);
    }

    @Test
    void anUnknownItemHasNoRulesRatherThanAnError() {
        admin().get("/api/v1/items/{id}/bought-together", "no-such-item-" + UUID.randomUUID()).then().statusCode(200)
                .body("items", empty());
        admin().get("/api/v1/items/{id}/bought-together", "50%_off\\").then().statusCode(200).body("items", empty());
    }

    @Test
    void aLimitOutOfRangeIs400NamingIt() {
        for (String limit : new String[] {"0", "101", "-3", "ten", "1.5"}) {
            admin().queryParam("limit", limit).get("/api/v1/items/{id}/bought-together", "any").then().statusCode(400)
                    .body("error", equalTo("invalid_parameter")).body("field", equalTo("limit"));
        }
        admin().queryParam("limit", 100).get("/api/v1/items/{id}/bought-together", "any").then().statusCode(200);
    }
}
