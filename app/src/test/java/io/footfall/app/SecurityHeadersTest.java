package io.footfall.app;

import static io.footfall.app.Api.admin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The response headers a browser needs to protect the admin UI and the API's personal data (docs/security.md); that the
 * UI still works under its policy is what {@link AdminUiTest} shows in Chromium.
 */
@QuarkusTest
class SecurityHeadersTest {

    @Test
    void theAdminUiLoadsOnlyItsOwnScriptsAndCannotBeFramed() {
        for (String page : new String[] {"/admin/", "/admin/login.html", "/admin/js/app.js"}) {
            given().get(page).then().statusCode(200)
                    .header("Content-Security-Policy", containsString("script-src 'self'"))
                    .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                    .header("X-Frame-Options", equalTo("DENY"))
                    .header("X-Content-Type-Options", equalTo("nosniff"))
                    .header("Referrer-Policy", equalTo("no-referrer"));
        }
    }

    @Test
    void apiAnswersAreNeverStoredByABrowserOrProxy() {
        admin().get("/api/v1/me").then().statusCode(200).header("Cache-Control", equalTo("no-store"))
                .header("X-Content-Type-Options", equalTo("nosniff"));
        // errors too: a 401 names nobody, but a 404 may name a person's id
        given().get("/api/v1/profiles/someone").then().statusCode(401).header("Cache-Control", equalTo("no-store"));
        admin().get("/api/v1/profiles/nobody-at-all").then().statusCode(404).header("Cache-Control", equalTo("no-store"));
        // the collectors' answers carry no UI policy
        Api.tracking().body("{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"headers-test\"}").post("/v1/track")
                .then().statusCode(200).header("X-Content-Type-Options", equalTo("nosniff"))
                .header("Content-Security-Policy", nullValue());
    }
}
