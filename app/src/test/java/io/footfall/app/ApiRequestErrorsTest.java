package io.footfall.app;

import static io.footfall.app.Api.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests the framework would refuse before any resource method runs — a parameter it cannot convert, a body that is
 * not JSON or has the wrong shape, an unknown member, a path or method nothing serves, a media type nothing reads — are
 * answered with the API's machine-readable body naming the field at fault, never an empty body or an HTML page.
 */
@QuarkusTest
class ApiRequestErrorsTest {

    static Stream<Arguments> parameters() {
        return Stream.of(
                Arguments.of("/api/v1/failed-events?limit=abc", 400, "limit"),
                Arguments.of("/api/v1/failed-events?after=x", 400, "after"),
                Arguments.of("/api/v1/failed-events?after=-1", 400, "after"),
                Arguments.of("/api/v1/profiles/someone/events?before=yesterday", 400, "before"),
                Arguments.of("/api/v1/profiles/someone/events?limit=1e3", 400, "limit"),
                Arguments.of("/api/v1/plugins/category-affinity/dead-letters?limit=many", 400, "limit"),
                Arguments.of("/api/v1/plugins/category-affinity/results?limit=-", 400, "limit"),
                // instants PostgreSQL cannot hold were a 500
                Arguments.of("/api/v1/profiles/someone?asOf=%2B999999999-12-31T23:59:59Z", 400, "asOf"),
                Arguments.of("/api/v1/profiles/someone?asOf=-999999999-01-01T00:00:00Z", 400, "asOf"),
                // a NUL character in a path or query parameter was a 500 from the database
                Arguments.of("/api/v1/users/%00/churn", 400, "id"),
                Arguments.of("/api/v1/profiles/a%00b/events", 400, "id"),
                Arguments.of("/api/v1/segments/rfm:champions/members?after=%00", 400, "after"),
                Arguments.of("/api/v1/reports/churn?minValue=-5", 400, "minValue"));
    }

    @ParameterizedTest
    @MethodSource("parameters")
    void aParameterThatIsNotANumberIsA400NamingIt(String url, int status, String field) {
        admin().urlEncodingEnabled(false).get(url).then().statusCode(status).contentType(startsWith("application/json"))
                .body("error", equalTo("invalid_parameter")).body("field", equalTo(field));
    }

    @Test
    void parametersReadAsTextAreStillDocumentedAsNumbers() {
        JsonPath doc = RestAssured.given().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
        String[][] documented = {
                {"/api/v1/failed-events", "get", "limit"}, {"/api/v1/failed-events", "get", "after"},
                {"/api/v1/failed-events/{id}", "get", "id"}, {"/api/v1/profiles/{id}/events", "get", "before"},
                {"/api/v1/plugins/{id}/dead-letters", "get", "limit"}, {"/api/v1/plugins/{id}/results", "get", "limit"},
                {"/api/v1/plugins/{id}/models/{version}/promote", "post", "version"}};
        for (String[] p : documented) {
            assertEquals(List.of("integer"),
                    doc.getList("paths.'" + p[0] + "'." + p[1] + ".parameters.findAll { it.name == '" + p[2] + "' }.schema.type"),
                    String.join(" ", p));
        }
    }

    @Test
    void anIdentifierThatIsNotANumberIsNotFoundInJson() {
        admin().get("/api/v1/failed-events/abc").then().statusCode(404).body("error", equalTo("not_found"))
                .body("message", equalTo("failed event abc not found"));
        admin().post("/api/v1/failed-events/abc/drop").then().statusCode(404).body("message", equalTo("failed event abc not found"));
        admin().post("/api/v1/plugins/category-affinity/dead-letters/x/retry").then().statusCode(404)
                .body("message", equalTo("dead letter x not found"));
        admin().post("/api/v1/plugins/category-affinity/models/latest/promote").then().statusCode(404)
                .body("message", equalTo("model version latest not found"));
        // the literal path beside the numeric one still answers
        admin().get("/api/v1/failed-events/summary").then().statusCode(200).body("status", equalTo("OPEN"));
    }

    static Stream<Arguments> bodies() {
        return Stream.of(
                // not JSON at all
                Arguments.of("POST", "/api/v1/sources", "{\"name\": ", "malformed_json", "body"),
                Arguments.of("PUT", "/api/v1/plugins/category-affinity/schedule", "every=P1D", "malformed_json", "body"),
                Arguments.of("POST", "/api/v1/segments", "{bad", "malformed_json", "body"),
                // JSON of the wrong shape
                Arguments.of("POST", "/api/v1/sources", "[\"a\"]", "invalid_parameter", "body"),
                Arguments.of("POST", "/api/v1/accounts", "{\"username\":\"someone\",\"password\":\"long-enough-1\",\"roles\":\"analyst\"}",
                        "invalid_parameter", "roles"),
                Arguments.of("POST", "/api/v1/identity/unmerge", "{\"userId\":{\"id\":1},\"anonymousId\":\"a\"}", "invalid_parameter", "userId"),
                Arguments.of("POST", "/api/v1/reports/funnels", "{\"id\":\"f-bad\",\"steps\":[\"Product Viewed\",{\"x\":1}]}",
                        "invalid_parameter", "steps[1]"),
                Arguments.of("POST", "/api/v1/accounts", "{\"username\":\"someone\",\"password\":\"long-enough-1\",\"roles\":[null]}",
                        "invalid_parameter", "roles"),
                Arguments.of("POST", "/api/v1/accounts", "{\"username\":123,\"password\":\"long-enough-1\",\"roles\":[\"analyst\"]}",
                        "invalid_parameter", "username"),
                Arguments.of("POST", "/api/v1/reports/funnels", "{\"id\":\"f-empty\",\"steps\":[]}", "invalid_parameter", "steps"),
                Arguments.of("POST", "/api/v1/identity/unmerge", "{\"userId\":\"\\u0000\",\"anonymousId\":\"a\"}", "invalid_parameter", "userId"),
                // a member given twice, or more after the JSON value, is malformed rather than the last value or ignored
                Arguments.of("POST", "/api/v1/accounts", "{\"username\":\"xx11\",\"password\":\"long-enough-1\",\"roles\":[\"analyst\"],"
                        + "\"username\":\"xx12\"}", "malformed_json", "username"),
                Arguments.of("POST", "/api/v1/sources", "{\"name\":\"a\"} garbage", "malformed_json", "body"),
                // a NUL character in a body's string cannot be stored (was a 500 from the database)
                Arguments.of("POST", "/api/v1/sources", "{\"name\":\"a\\u0000b\"}", "invalid_parameter", "body"),
                // an unknown member (a typo) is refused, not dropped
                Arguments.of("PUT", "/api/v1/plugins/category-affinity/schedule", "{\"evry\":\"P1D\"}", "invalid_parameter", "evry"),
                Arguments.of("POST", "/api/v1/sources", "{\"name\":\"shop\",\"writeKey\":\"mine\"}", "invalid_parameter", "writeKey"));
    }

    @ParameterizedTest
    @MethodSource("bodies")
    void aBodyTheApiCannotReadIsA400NamingTheFieldAndChangesNothing(String method, String path, String body, String error, String field) {
        int sourcesBefore = admin().get("/api/v1/sources").then().statusCode(200).extract().jsonPath().getList("$").size();
        admin().contentType("application/json").body(body).request(method, path).then().statusCode(400)
                .contentType(startsWith("application/json")).body("error", equalTo(error)).body("field", equalTo(field));
        admin().get("/api/v1/sources").then().statusCode(200).body("size()", equalTo(sourcesBefore));
    }

    @Test
    void aTypoOrAnEmptyBodyLeavesTheScheduleAsItWas() {
        String schedule = "/api/v1/plugins/category-affinity/schedule";
        admin().contentType("application/json").body("{\"every\":\"P1D\"}").put(schedule).then().statusCode(200).body("every", equalTo("P1D"));
        try {
            admin().contentType("application/json").body("{\"evry\":\"P2D\"}").put(schedule).then().statusCode(400)
                    .body("message", containsString("allowed: every"));
            admin().get(schedule).then().statusCode(200).body("every", equalTo("P1D"));
            // nor does an empty body
            admin().contentType("application/json").put(schedule).then().statusCode(400).body("field", equalTo("body"));
            admin().get(schedule).then().statusCode(200).body("every", equalTo("P1D"));
            // days and hours read back as sent; hours alone stay hours
            admin().contentType("application/json").body("{\"every\":\"P1DT6H\"}").put(schedule).then().statusCode(200).body("every", equalTo("P1DT6H"));
            admin().contentType("application/json").body("{\"every\":\"PT6H\"}").put(schedule).then().statusCode(200).body("every", equalTo("PT6H"));
            admin().get(schedule).then().statusCode(200).body("every", equalTo("PT6H"));
        } finally {
            admin().contentType("application/json").body("{\"every\":null}").put(schedule).then().statusCode(200);
        }
    }

    @Test
    void pathsMethodsAndMediaTypesNothingServesAnswerInJson() {
        admin().get("/api/v1/no-such-thing").then().statusCode(404).contentType(startsWith("application/json"))
                .body("error", equalTo("not_found")).body("field", equalTo("path"))
                .body("message", containsString("GET /api/v1/no-such-thing"));
        RestAssured.given().header("Authorization", "Basic " + Base64.getEncoder().encodeToString((Api.WRITE_KEY + ":").getBytes()))
                .contentType("application/json").body("{}").post("/v1/no-such-call/extra").then().statusCode(404)
                .body("error", equalTo("not_found"));
        admin().get("/api/v1/plugins/category-affinity/models/1/promote").then().statusCode(405)
                .body("error", equalTo("method_not_allowed")).body("field", equalTo("method"));
        admin().contentType("application/xml").body("<segment/>").post("/api/v1/segments").then().statusCode(415)
                .body("error", equalTo("unsupported_media_type")).body("field", equalTo("Content-Type"));
        admin().accept("application/xml").get("/api/v1/segments").then().statusCode(406)
                .body("error", equalTo("not_acceptable")).body("field", equalTo("Accept"));
    }
}
