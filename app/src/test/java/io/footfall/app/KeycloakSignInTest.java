package io.footfall.app;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * Footfall deployed with Keycloak (the {@code keycloak} profile) against a real Keycloak started by the test run:
 * every endpoint family answers 401 without a token, 403 with the wrong role and serves the right one; expired
 * tokens are refused; local accounts are off; the UI signs in by the authorization-code flow in a real browser; the
 * collectors keep write-key authentication.
 */
@QuarkusTest
@TestProfile(KeycloakProfile.class)
class KeycloakSignInTest {

    /** One endpoint family: a representative call and the roles that may make it. */
    private record Family(String method, String path, Set<String> allowed) {
    }

    private static final Set<String> READERS = Set.of("admin1", "operator1", "analyst1");
    private static final List<Family> FAMILIES = List.of(
            new Family("GET", "/api/v1/profiles/nobody", READERS),
            new Family("GET", "/api/v1/profiles/nobody/events", READERS),
            new Family("GET", "/api/v1/segments", READERS),
            new Family("POST", "/api/v1/segments", Set.of("admin1", "operator1")),
            new Family("GET", "/api/v1/recommendations/nobody", READERS),
            new Family("GET", "/api/v1/items/nothing/similar", READERS),
            new Family("GET", "/api/v1/items/nothing/bought-together", READERS),
            new Family("GET", "/api/v1/users/nobody/insights", READERS),
            new Family("GET", "/api/v1/reports/overview", READERS),
            new Family("GET", "/api/v1/users/nobody/churn", READERS),
            new Family("GET", "/api/v1/churn/at-risk", READERS),
            new Family("GET", "/api/v1/reports/funnel?format=csv", READERS),
            new Family("GET", "/api/v1/plugins", Set.of("admin1", "operator1", "analyst1", "plugindev1")),
            new Family("POST", "/api/v1/plugins/category-affinity/train", Set.of("admin1", "operator1", "plugindev1")),
            new Family("POST", "/api/v1/plugins/no-such-plugin/replay", Set.of("admin1", "plugindev1")),
            new Family("POST", "/api/v1/plugins/category-affinity/models/rollback", Set.of("admin1", "operator1")),
            new Family("GET", "/api/v1/failed-events", Set.of("admin1", "operator1")),
            new Family("POST", "/api/v1/identity/unmerge", Set.of("admin1", "operator1")),
            new Family("GET", "/api/v1/projections", Set.of("admin1")),
            new Family("GET", "/api/v1/collectors/kafka", Set.of("admin1", "operator1")),
            new Family("GET", "/api/v1/sources", Set.of("admin1")),
            new Family("DELETE", "/api/v1/customers/nobody-at-all", Set.of("admin1")));
    private static final List<String> USERS = List.of("admin1", "operator1", "analyst1", "plugindev1", "norole1");

    private static String token(String client, String secret, String user) {
        var request = RestAssured.given().formParam("grant_type", "password").formParam("client_id", client)
                .formParam("username", user).formParam("password", user + "-password");
        if (secret != null) {
            request.formParam("client_secret", secret);
        }
        Response response = request.post(KeycloakTestResource.realmUrl + "/protocol/openid-connect/token");
        assertEquals(200, response.statusCode(), response.asString());
        return response.jsonPath().getString("access_token");
    }

    private static String token(String user) {
        return token("footfall-app", "footfall-app-test-secret", user);
    }

    private static Response call(Family family, String token) {
        var request = RestAssured.given().redirects().follow(false).contentType("application/json");
        if (token != null) {
            request.auth().oauth2(token);
        }
        if (family.method().equals("POST")) {
            request.body("{}");
        }
        return request.request(family.method(), family.path());
    }

    @Test
    void everyEndpointFamilyChecksTokenAndRole() {
        Map<String, String> tokens = new java.util.HashMap<>();
        USERS.forEach(u -> tokens.put(u, token(u)));
        for (Family family : FAMILIES) {
            assertEquals(401, call(family, null).statusCode(), family + " without a token");
            assertEquals(401, call(family, "not.a.token").statusCode(), family + " with a forged token");
            for (String user : USERS) {
                int status = call(family, tokens.get(user)).statusCode();
                if (family.allowed().contains(user)) {
                    assertTrue(status != 401 && status != 403 && status < 500, family + " as " + user + " answered " + status);
                } else {
                    assertEquals(403, status, family + " as " + user);
                }
            }
        }
    }

    @Test
    void meShowsTheKeycloakAccountAndItsRoles() {
        RestAssured.given().auth().oauth2(token("plugindev1")).get("/api/v1/me").then().statusCode(200)
                .body("name", equalTo("plugindev1")).body("roles", hasItem("plugin-developer"))
                .body("authentication", equalTo("oidc"));
        RestAssured.given().get("/api/v1/auth").then().statusCode(200)
                .body("mode", equalTo("oidc")).body("loginUrl", equalTo("/admin/sign-in"));
    }

    @Test
    void serviceAccountTokensCarryTheirRole() {
        String service = RestAssured.given().formParam("grant_type", "client_credentials")
                .formParam("client_id", "footfall-service").formParam("client_secret", "footfall-service-test-secret")
                .post(KeycloakTestResource.realmUrl + "/protocol/openid-connect/token").jsonPath().getString("access_token");
        RestAssured.given().auth().oauth2(service).get("/api/v1/segments").then().statusCode(200);
        RestAssured.given().auth().oauth2(service).get("/api/v1/sources").then().statusCode(403);
    }

    @Test
    void expiredTokensAreRefused() {
        // this client's access tokens live 5 s (see the test realm)
        String shortLived = token("footfall-short-lived", null, "analyst1");
        RestAssured.given().auth().oauth2(shortLived).get("/api/v1/segments").then().statusCode(200);
        Poll.until(Duration.ofSeconds(60),
                () -> RestAssured.given().auth().oauth2(shortLived).get("/api/v1/segments").statusCode(),
                status -> status == 401);
    }

    @Test
    void localAccountsAreOffButWriteKeysStillWork() {
        RestAssured.given().auth().preemptive().basic(Api.ADMIN, Api.ADMIN_PASSWORD).get("/api/v1/segments")
                .then().statusCode(401);
        Api.tracking().body("{\"userId\":\"kc-user\",\"event\":\"Product Viewed\",\"properties\":{\"product_id\":\"p1\"}}")
                .post("/v1/track").then().statusCode(200).body("stored", equalTo(1));
    }

    @Test
    void theUiSignsInThroughKeycloak() {
        try (Browser browser = Browser.start()) {
            String base = "http://localhost:" + io.restassured.RestAssured.port;
            browser.driver().get(base + "/admin/sign-in");
            browser.await(Duration.ofSeconds(60), d -> d.findElements(By.id("username")).isEmpty() ? null : true);
            browser.screenshot("keycloak-login");
            browser.driver().findElement(By.id("username")).sendKeys("operator1");
            browser.driver().findElement(By.id("password")).sendKeys("operator1-password");
            browser.driver().findElement(By.id("kc-login")).click();
            browser.await(Duration.ofSeconds(60), d -> d.getCurrentUrl().startsWith(base + "/admin/") ? true : null);
            Object me = ((JavascriptExecutor) browser.driver()).executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                            + "fetch('/api/v1/me', {headers: {'X-Requested-With': 'fetch'}})"
                            + ".then(r => r.json()).then(j => done(j.name + '|' + j.authentication + '|' + j.roles.includes('operator') + '|' + j.roles.includes('admin')))"
                            + ".catch(e => done('error ' + e));");
            assertEquals("operator1|oidc|true|false", me);
            browser.screenshot("keycloak-signed-in");
        }
    }
}
