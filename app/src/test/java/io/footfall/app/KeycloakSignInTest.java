package io.footfall.app;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.Cookie;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * Footfall deployed with Keycloak (the {@code keycloak} profile) against a real Keycloak started by the test run:
 * every endpoint family answers 401 without a token, 403 with each wrong role and its success status (on real
 * fixtures: a projected profile, a trained churn model, a merge to undo, ...) with each right one; expired bearer
 * tokens are refused; an expired browser (code-flow) session is refreshed, and one Keycloak has ended sends the UI
 * back to sign-in; browser writes need the CSRF token; local accounts are off; the UI signs in by the
 * authorization-code flow in a real browser; the collectors keep write-key authentication.
 */
@QuarkusTest
@TestProfile(KeycloakProfile.class)
class KeycloakSignInTest {

    /** The caller without a token, as a member of {@link Family#allowed} for the public endpoints. */
    private static final String ANONYMOUS = "anonymous";

    /**
     * One endpoint family: a representative call, the callers who may make it and the status they get. {@code {user}}
     * in the path and the body is the caller's name, so that each caller's write has an object of its own (a segment,
     * a funnel, a merge to undo); {@code after} runs after each allowed call, e.g. waits for the training job it
     * started, so that the next caller is not refused for a reason other than its role.
     */
    private record Family(String method, String path, String body, Set<String> allowed, int status, Consumer<Response> after) {

        Family then(Consumer<Response> next) {
            return new Family(method, path, body, allowed, status, next);
        }

        Response call(String user) {
            RequestSpecification request = RestAssured.given().redirects().follow(false);
            if (!user.equals(ANONYMOUS)) {
                request.auth().oauth2(user.equals(FORGED) ? "not.a.token" : token(user));
            }
            if (body != null) {
                request.contentType("application/json").body(body.replace("{user}", user));
            }
            return request.request(method, path.replace("{user}", user));
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static final String FORGED = "forged";
    private static final List<String> USERS = List.of("admin1", "operator1", "analyst1", "plugindev1", "norole1");
    private static final Set<String> ADMINS = Set.of("admin1");
    private static final Set<String> OPERATORS = Set.of("admin1", "operator1");
    private static final Set<String> READERS = Set.of("admin1", "operator1", "analyst1");
    private static final Set<String> PLUGIN_READERS = Set.of("admin1", "operator1", "analyst1", "plugindev1");
    private static final Set<String> PLUGIN_OPERATORS = Set.of("admin1", "operator1", "plugindev1");
    private static final Set<String> PLUGIN_DEVELOPERS = Set.of("admin1", "plugindev1");
    private static final Set<String> SIGNED_IN = Set.copyOf(USERS);
    private static final Set<String> EVERYONE = union(SIGNED_IN, Set.of(ANONYMOUS));

    /** The profile every per-user family reads: a buyer with eight days of views and orders. */
    private static final String BUYER = "kc-buyer-0";
    private static final String ITEM = "kc-p-1";
    /**
     * The churn plugin's configuration for the fixtures: one-day labels and cutoffs over a week of history, so that a
     * dozen users train a model in seconds; the {@code PUT .../config} family stores it again, unchanged.
     */
    private static final String CHURN_CONFIG = "{\"horizon\":\"P1D\",\"cutoff-step\":\"P1D\",\"training-cutoffs\":4,"
            + "\"validation-cutoffs\":1,\"min-history\":\"P1D\",\"active-window\":\"P7D\",\"xgb.min-child-weight\":0,"
            + "\"xgb.rounds\":30,\"xgb.eta\":0.3,\"xgb.nthread\":1}";

    /** The two churn model versions the fixtures trained: a rollback goes from the newer to the older. */
    private record Models(int older, int newer) {
    }

    private static List<Family> families(Models models) {
        return List.of(
                call("GET", "/api/v1/me", null, SIGNED_IN, 200),
                call("GET", "/api/v1/auth", null, EVERYONE, 200),
                call("POST", "/api/v1/logout", null, EVERYONE, 204),
                call("GET", "/api/v1/profiles/" + BUYER, null, READERS, 200),
                call("GET", "/api/v1/profiles/" + BUYER + "/events", null, READERS, 200),
                call("GET", "/api/v1/segments", null, READERS, 200),
                call("POST", "/api/v1/segments", segment("kc-seg-{user}", "Product Viewed"), OPERATORS, 201),
                call("PUT", "/api/v1/segments/kc-seg-{user}", segment("kc-seg-{user}", "Order Completed"), OPERATORS, 200),
                call("DELETE", "/api/v1/segments/kc-seg-{user}", null, OPERATORS, 204),
                call("GET", "/api/v1/users/" + BUYER + "/segments", null, READERS, 200),
                call("GET", "/api/v1/recommendations/" + BUYER, null, READERS, 200),
                call("GET", "/api/v1/items/" + ITEM + "/similar", null, READERS, 200),
                call("GET", "/api/v1/items/" + ITEM + "/bought-together", null, READERS, 200),
                call("GET", "/api/v1/users/" + BUYER + "/insights", null, READERS, 200),
                call("GET", "/api/v1/users/" + BUYER + "/churn", null, READERS, 200),
                call("GET", "/api/v1/users/" + BUYER + "/propensity", null, READERS, 200),
                call("GET", "/api/v1/churn/at-risk", null, READERS, 200),
                call("GET", "/api/v1/reports/overview", null, READERS, 200),
                call("GET", "/api/v1/reports/funnel?format=csv", null, READERS, 200),
                call("GET", "/api/v1/reports/funnels", null, READERS, 200),
                call("POST", "/api/v1/reports/funnels", "{\"id\":\"kc-{user}\",\"steps\":[\"Product Viewed\",\"Order Completed\"]}",
                        OPERATORS, 201),
                call("DELETE", "/api/v1/reports/funnels/kc-{user}", null, OPERATORS, 204),
                call("GET", "/api/v1/plugins", null, PLUGIN_READERS, 200),
                call("GET", "/api/v1/plugins/churn/models", null, PLUGIN_READERS, 200),
                call("PUT", "/api/v1/plugins/churn/config", CHURN_CONFIG, PLUGIN_OPERATORS, 200),
                call("POST", "/api/v1/plugins/category-affinity/train", null, PLUGIN_OPERATORS, 202)
                        .then(r -> awaitJob("category-affinity", r.jsonPath().getString("id"))),
                call("GET", "/api/v1/plugins/churn/dead-letters", null, PLUGIN_OPERATORS, 200),
                call("POST", "/api/v1/plugins/reload", null, PLUGIN_DEVELOPERS, 200),
                call("POST", "/api/v1/plugins/category-affinity/replay", null, PLUGIN_DEVELOPERS, 202)
                        .then(r -> awaitCaughtUp("category-affinity")),
                call("POST", "/api/v1/plugins/churn/models/" + models.newer() + "/promote", null, OPERATORS, 200),
                call("POST", "/api/v1/plugins/churn/models/rollback", null, OPERATORS, 200)
                        .then(r -> {
                            assertEquals(models.older(), r.jsonPath().getInt("version"), "the rollback serves the older version");
                            promote(models.newer()); // so that the next caller has a version to roll back from
                        }),
                call("GET", "/api/v1/failed-events", null, OPERATORS, 200),
                call("POST", "/api/v1/identity/unmerge", "{\"userId\":\"kc-merged-{user}\",\"anonymousId\":\"kc-anon-{user}\"}",
                        OPERATORS, 202),
                call("GET", "/api/v1/collectors/kafka", null, OPERATORS, 200),
                call("GET", "/api/v1/projections", null, ADMINS, 200),
                call("GET", "/api/v1/cluster", null, OPERATORS, 200)
                        .then(r -> assertEquals(r.jsonPath().getString("node"), r.jsonPath().getString("instances[0].node"),
                                "the instance that answered announced itself")),
                call("GET", "/api/v1/sources", null, ADMINS, 200),
                call("POST", "/api/v1/sources", "{\"name\":\"kc-source-{user}\"}", ADMINS, 201),
                call("POST", "/api/v1/accounts", "{\"username\":\"kc-{user}\",\"password\":\"kc-account-password\",\"roles\":[\"analyst\"]}",
                        ADMINS, 201),
                call("DELETE", "/api/v1/customers/kc-erase-{user}", null, ADMINS, 200));
    }

    private static Family call(String method, String path, String body, Set<String> allowed, int status) {
        return new Family(method, path, body, allowed, status, r -> {
        });
    }

    private static String segment(String id, String event) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + id + "\",\"when\":{\"event\":\"" + event + "\",\"within\":\"P1D\"}}";
    }

    private static <T> Set<T> union(Set<T> a, Set<T> b) {
        Set<T> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    // ---- tokens ----

    /** Bearer tokens from the password grant, by user: fetched again after a minute (they live five). */
    private static final Map<String, Map.Entry<Instant, String>> TOKENS = new ConcurrentHashMap<>();

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
        Map.Entry<Instant, String> cached = TOKENS.get(user);
        if (cached == null || cached.getKey().isBefore(Instant.now().minus(Duration.ofMinutes(1)))) {
            cached = Map.entry(Instant.now(), token("footfall-app", "footfall-app-test-secret", user));
            TOKENS.put(user, cached);
        }
        return cached.getValue();
    }

    /** An admin API request as admin1 (local accounts are off here). */
    private static RequestSpecification asAdmin() {
        return RestAssured.given().auth().oauth2(token("admin1")).contentType("application/json");
    }

    // ---- fixtures ----

    private static String event(String type, String fields, Instant at) {
        return "{\"type\":\"" + type + "\"," + fields + ",\"timestamp\":\"" + at + "\",\"messageId\":\"" + UUID.randomUUID() + "\"}";
    }

    private static String view(String who, String id, String product, Instant at) {
        return event("track", "\"event\":\"Product Viewed\",\"" + who + "\":\"" + id + "\",\"properties\":{\"product_id\":\""
                + product + "\",\"category\":\"Books\",\"price\":12}", at);
    }

    private static String order(String user, Instant at) {
        return event("track", "\"event\":\"Order Completed\",\"userId\":\"" + user + "\",\"properties\":{\"order_id\":\"o-"
                + UUID.randomUUID() + "\",\"revenue\":24,\"products\":[{\"product_id\":\"kc-p-1\",\"category\":\"Books\",\"price\":12},"
                + "{\"product_id\":\"kc-p-2\",\"category\":\"Books\",\"price\":12}]}", at);
    }

    /**
     * Seeds what the families work on, through the tracking API (write key) and the admin API (as admin1): four
     * buyers (a view and an order every day of the last eight), four viewers (a view a day) and four users gone after
     * three days, so that the churn plugin, configured for one-day labels, trains a model and scores them (twice: two
     * versions for the rollback); per caller a visitor merged into a user at login (to unmerge) and a customer to
     * erase.
     */
    private static Models seed() {
        Instant end = Instant.now().truncatedTo(ChronoUnit.DAYS);
        List<String> events = new ArrayList<>();
        for (int u = 0; u < 4; u++) {
            for (int d = 8; d >= 1; d--) {
                Instant at = end.minus(Duration.ofDays(d)).plus(Duration.ofHours(10)).plusSeconds(60L * u);
                events.add(view("userId", "kc-buyer-" + u, ITEM, at));
                events.add(order("kc-buyer-" + u, at.plusSeconds(30)));
                events.add(view("userId", "kc-viewer-" + u, "kc-p-" + d, at));
                if (d >= 6) {
                    events.add(view("userId", "kc-gone-" + u, "kc-p-" + d, at));
                }
            }
        }
        Instant recent = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
        for (String user : USERS) {
            events.add(view("anonymousId", "kc-anon-" + user, ITEM, recent));
            events.add(event("identify", "\"userId\":\"kc-merged-" + user + "\",\"anonymousId\":\"kc-anon-" + user + "\"",
                    recent.plusSeconds(60)));
            events.add(view("userId", "kc-erase-" + user, ITEM, recent));
        }
        Api.tracking().body("{\"batch\":[" + String.join(",", events) + "]}").post("/v1/batch")
                .then().statusCode(200).body("stored", equalTo(events.size()));

        awaitProfile(BUYER, r -> eventCount(r) >= 16);
        for (String user : USERS) {
            awaitProfile("kc-merged-" + user, r -> anonymousIds(r).contains("kc-anon-" + user));
        }
        asAdmin().body(CHURN_CONFIG).put("/api/v1/plugins/churn/config").then().statusCode(200);
        awaitCaughtUp("churn");
        int older = train("churn", end);
        Poll.until(Duration.ofSeconds(60), () -> asAdmin().get("/api/v1/users/{id}/churn", BUYER).statusCode(), s -> s == 200);
        int newer = train("churn", end);
        promote(older);
        promote(newer);
        return new Models(older, newer);
    }

    private static List<Object> anonymousIds(Response profile) {
        List<Object> ids = profile.jsonPath().getList("anonymousIds");
        return ids == null ? List.of() : ids;
    }

    private static long eventCount(Response profile) {
        return profile.jsonPath().getMap("eventCounts").values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
    }

    private static void awaitProfile(String id, java.util.function.Predicate<Response> done) {
        Poll.until(Duration.ofSeconds(60), () -> asAdmin().get("/api/v1/profiles/{id}", id),
                r -> r.statusCode() == 200 && done.test(r));
    }

    /** Waits until the plugin runs and has folded the log up to its head (as it is at each look). */
    private static void awaitCaughtUp(String plugin) {
        Poll.until(Duration.ofSeconds(120), () -> asAdmin().get("/api/v1/plugins/{id}", plugin).jsonPath(),
                s -> "RUNNING".equals(s.getString("state")) && s.getLong("lag") == 0);
    }

    private static JsonPath awaitJob(String plugin, String job) {
        JsonPath done = Poll.until(Duration.ofSeconds(300), () -> asAdmin().get("/api/v1/plugins/{id}/jobs/{job}", plugin, job).jsonPath(),
                j -> !"RUNNING".equals(j.getString("status")));
        assertEquals("SUCCEEDED", done.getString("status"), done.prettify());
        return done;
    }

    /** Trains the plugin on the history before {@code cutoff}; the model version saved. */
    private static int train(String plugin, Instant cutoff) {
        String job = asAdmin().queryParam("cutoff", cutoff.toString()).post("/api/v1/plugins/{id}/train", plugin)
                .then().statusCode(202).extract().path("id");
        JsonPath done = awaitJob(plugin, job);
        assertNotNull(done.get("report.model"), "a model was saved: " + done.prettify());
        return done.getInt("report.model.version");
    }

    private static void promote(int version) {
        asAdmin().post("/api/v1/plugins/churn/models/{v}/promote", version).then().statusCode(200);
    }

    // ---- the role matrix ----

    @Test
    void everyEndpointFamilyChecksTokenAndRole() {
        List<Family> families = families(seed());
        for (Family family : families) {
            if (family.allowed().contains(ANONYMOUS)) {
                assertEquals(family.status(), family.call(ANONYMOUS).statusCode(), family + " without a token");
            } else {
                assertEquals(401, family.call(ANONYMOUS).statusCode(), family + " without a token");
                assertEquals(401, family.call(FORGED).statusCode(), family + " with a forged token");
            }
            for (String user : USERS) {
                Response response = family.call(user);
                if (family.allowed().contains(user) || family.allowed().contains(ANONYMOUS)) {
                    assertEquals(family.status(), response.statusCode(), family + " as " + user + ": " + response.asString());
                    family.after().accept(response);
                } else {
                    assertEquals(403, response.statusCode(), family + " as " + user + ": " + response.asString());
                    assertEquals("forbidden", response.jsonPath().getString("error"), family + " as " + user);
                }
            }
        }
        // what the writes did: the merges are undone, the customer erased, the funnels and segments gone again
        awaitProfile("kc-merged-operator1", r -> !anonymousIds(r).contains("kc-anon-operator1"));
        asAdmin().get("/api/v1/profiles/{id}", "kc-erase-admin1").then().statusCode(404);
        asAdmin().get("/api/v1/profiles/{id}", "kc-erase-operator1").then().statusCode(200);
        asAdmin().get("/api/v1/reports/funnels/{id}", "kc-operator1").then().statusCode(404);
        asAdmin().get("/api/v1/segments/{id}", "kc-seg-admin1").then().statusCode(404);
    }

    @Test
    void meShowsTheKeycloakAccountAndItsRoles() {
        RestAssured.given().auth().oauth2(token("plugindev1")).get("/api/v1/me").then().statusCode(200)
                .body("name", equalTo("plugindev1")).body("roles", hasItem("plugin-developer"))
                .body("authentication", equalTo("oidc"));
        RestAssured.given().get("/api/v1/auth").then().statusCode(200)
                .body("mode", equalTo("oidc")).body("loginUrl", equalTo("/admin/sign-in"));
    }

    /** A change made with a Keycloak token is in the audit trail under the Keycloak user's name. */
    @Test
    void changesWithKeycloakTokensAreAuditedUnderTheUsersName() {
        String plugin = "no-such-plugin-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        RestAssured.given().auth().oauth2(token("plugindev1")).post("/api/v1/plugins/{id}/enable", plugin).then().statusCode(404);
        asAdmin().queryParam("actor", "plugindev1").get("/api/v1/audit").then().statusCode(200)
                .body("entries[0].action", equalTo("POST /api/v1/plugins/{id}/enable"))
                .body("entries[0].target.id", equalTo(plugin)).body("entries[0].status", equalTo(404));
        // the trail is for admins only
        RestAssured.given().auth().oauth2(token("plugindev1")).get("/api/v1/audit").then().statusCode(403);
    }

    /**
     * The realm export shipped in deploy/keycloak (imported by the test resource under another name) gives what the app
     * relies on: each role's user a token with exactly that role, the service client a token with {@code operator},
     * no token for a wrong password, the code flow for the app's redirect URI and not for a foreign one nor for the
     * service client. The same checks as {@code deploy/keycloak/check-realm.sh}, in every run.
     */
    @Test
    void theShippedRealmExportGivesWhatTheAppReliesOn() {
        String realm = KeycloakTestResource.baseUrl + "/realms/" + KeycloakTestResource.SHIPPED_REALM_NAME + "/protocol/openid-connect";
        for (String role : List.of("admin", "operator", "analyst", "plugin-developer")) {
            Response token = RestAssured.given().formParam("grant_type", "password").formParam("client_id", "footfall-app")
                    .formParam("client_secret", "footfall-app-test-secret").formParam("username", "test-" + role)
                    .formParam("password", "test-" + role + "-password").post(realm + "/token");
            assertEquals(200, token.statusCode(), token.asString());
            assertEquals(List.of(role), appRoles(token.jsonPath().getString("access_token")), "test-" + role);
        }
        Response service = RestAssured.given().formParam("grant_type", "client_credentials").formParam("client_id", "footfall-service")
                .formParam("client_secret", "footfall-service-test-secret").post(realm + "/token");
        assertEquals(200, service.statusCode(), service.asString());
        assertEquals(List.of("operator"), appRoles(service.jsonPath().getString("access_token")));
        assertEquals(401, RestAssured.given().formParam("grant_type", "password").formParam("client_id", "footfall-app")
                .formParam("client_secret", "footfall-app-test-secret").formParam("username", "test-admin").formParam("password", "wrong")
                .post(realm + "/token").statusCode());
        var code = RestAssured.given().redirects().follow(false).queryParam("response_type", "code").queryParam("scope", "openid");
        assertEquals(200, code.queryParam("client_id", "footfall-app").queryParam("redirect_uri", "http://localhost:8080/admin/sign-in")
                .get(realm + "/auth").statusCode(), "the code flow to the app");
        assertEquals(400, RestAssured.given().redirects().follow(false).queryParam("response_type", "code").queryParam("scope", "openid")
                .queryParam("client_id", "footfall-app").queryParam("redirect_uri", "http://attacker.invalid/cb").get(realm + "/auth").statusCode(),
                "a foreign redirect URI is refused");
        assertEquals(400, RestAssured.given().redirects().follow(false).queryParam("response_type", "code").queryParam("scope", "openid")
                .queryParam("client_id", "footfall-service").queryParam("redirect_uri", "http://localhost:8080/x").get(realm + "/auth").statusCode(),
                "no code flow for the service client");
    }

    /** The app's roles in an access token (realm roles, Keycloak's defaults left out). */
    private static List<String> appRoles(String accessToken) {
        String[] parts = accessToken.split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8);
        List<String> roles = new io.restassured.path.json.JsonPath(payload).getList("realm_access.roles", String.class);
        return roles.stream().filter(r -> List.of("admin", "operator", "analyst", "plugin-developer").contains(r)).sorted().toList();
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

    // ---- browser sessions (authorization-code flow) ----

    /** A request as a browser holding {@code jar}'s cookies, not following redirects, URLs sent as they are. */
    private static RequestSpecification browser(Map<String, String> jar) {
        return RestAssured.given().urlEncodingEnabled(false).redirects().follow(false).cookies(jar);
    }

    /** A request as the admin UI's scripts make it (js/api.js). */
    private static RequestSpecification script(Map<String, String> jar) {
        return browser(jar).header("Accept", "application/json").header("X-Requested-With", "XMLHttpRequest");
    }

    /** Applies the response's Set-Cookie headers to the jar, as a browser does. */
    private static Response keep(Map<String, String> jar, Response response) {
        for (Cookie c : response.detailedCookies()) {
            if (c.getMaxAge() == 0 || c.getValue() == null || c.getValue().isEmpty()) {
                jar.remove(c.getName());
            } else {
                jar.put(c.getName(), c.getValue());
            }
        }
        return response;
    }

    private static boolean setsSession(Response response) {
        return response.detailedCookies().asList().stream()
                .anyMatch(c -> c.getName().startsWith("q_session") && c.getValue() != null && !c.getValue().isEmpty() && c.getMaxAge() != 0);
    }

    private static boolean hasSession(Map<String, String> jar) {
        return jar.keySet().stream().anyMatch(name -> name.startsWith("q_session"));
    }

    /**
     * Signs {@code user} in as a browser does: {@code /admin/sign-in} redirects to Keycloak, Keycloak's login form is
     * posted, Keycloak redirects back with the code, the app exchanges it and sets its session cookie, then sends the
     * browser to the UI. The app's cookies (Quarkus OIDC's session cookie {@code q_session}, split into
     * {@code q_session_chunk_<n>} cookies when long, as Keycloak's tokens make it).
     */
    private static Map<String, String> signInByCodeFlow(String user) {
        return signInByCodeFlow(user, new HashMap<>());
    }

    /** Signs in again with a browser holding {@code app}'s cookies (e.g. a session that can no longer be refreshed). */
    private static Map<String, String> signInByCodeFlow(String user, Map<String, String> app) {
        Response step = keep(app, browser(app).get("/admin/sign-in"));
        assertEquals(302, step.statusCode(), "a visit without a session goes to Keycloak: " + step.headers() + "\n" + step.asString());
        String login = step.header("Location");
        assertTrue(login.startsWith(KeycloakTestResource.realmUrl + "/protocol/openid-connect/auth"), login);
        Map<String, String> keycloak = new HashMap<>();
        Response form = keep(keycloak, browser(keycloak).get(login));
        assertEquals(200, form.statusCode());
        Matcher action = Pattern.compile("<form id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"").matcher(form.asString());
        assertTrue(action.find(), "Keycloak's login form: " + form.asString());
        Response posted = keep(keycloak, browser(keycloak).contentType("application/x-www-form-urlencoded")
                .body("username=" + user + "&password=" + user + "-password&credentialId=")
                .post(action.group(1).replace("&amp;", "&")));
        assertEquals(302, posted.statusCode(), "Keycloak sends the browser back with a code: " + posted.asString());
        String next = posted.header("Location");
        for (int i = 0; i < 5 && !next.endsWith("/admin/"); i++) {
            step = keep(app, browser(app).get(next));
            assertEquals(3, step.statusCode() / 100, "redirected on to the UI from " + next + ": " + step.asString());
            next = step.header("Location");
        }
        assertTrue(next.endsWith("/admin/"), "signed in, the browser goes to the UI: " + next);
        assertTrue(hasSession(app), "a session cookie: " + app.keySet());
        return app;
    }

    /** Keycloak's admin API as the master realm's bootstrap admin. */
    private static RequestSpecification keycloakAdmin() {
        String token = RestAssured.given().formParam("grant_type", "password").formParam("client_id", "admin-cli")
                .formParam("username", KeycloakTestResource.ADMIN).formParam("password", KeycloakTestResource.ADMIN_PASSWORD)
                .post(KeycloakTestResource.baseUrl + "/realms/master/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
        return RestAssured.given().auth().oauth2(token).contentType("application/json");
    }

    /** Sets the lifespan of the app client's access and ID tokens; an empty value is the realm's (300 s). */
    @SuppressWarnings("unchecked")
    private static void appTokenLifespan(String seconds) {
        String clients = KeycloakTestResource.baseUrl + "/admin/realms/footfall/clients";
        String id = keycloakAdmin().queryParam("clientId", "footfall-app").get(clients).then().statusCode(200)
                .extract().path("[0].id");
        Map<String, Object> client = keycloakAdmin().get(clients + "/" + id).then().statusCode(200).extract().as(Map.class);
        ((Map<String, Object>) client.computeIfAbsent("attributes", k -> new HashMap<>())).put("access.token.lifespan", seconds);
        keycloakAdmin().body(client).put(clients + "/" + id).then().statusCode(204);
    }

    /** A browser session whose tokens live 5 s: signed in while the app client's lifespan is shortened. */
    private static Map<String, String> signInWithShortLivedSession(String user) {
        appTokenLifespan("5");
        try {
            return signInByCodeFlow(user);
        } finally {
            appTokenLifespan("");
        }
    }

    @Test
    void anExpiredBrowserSessionIsRefreshedAndOneEndedAtKeycloakGoesBackToSignIn() {
        Map<String, String> session = signInWithShortLivedSession("operator1");
        Response fresh = keep(session, script(session).get("/api/v1/me"));
        fresh.then().statusCode(200).body("name", equalTo("operator1")).body("authentication", equalTo("oidc"));
        assertFalse(setsSession(fresh), "a session whose tokens are valid is used as it is");
        // once its tokens have expired (5 s), the next request refreshes them with the refresh token and renews the cookie
        Response refreshed = Poll.until(Duration.ofSeconds(60), () -> script(session).get("/api/v1/me"),
                r -> r.statusCode() != 200 || setsSession(r));
        assertEquals(200, refreshed.statusCode(), "the expired session is refreshed, not refused: " + refreshed.asString());
        refreshed.then().body("name", equalTo("operator1"));
        keep(session, refreshed);
        script(session).get("/api/v1/segments").then().statusCode(200);

        // a session Keycloak has ended (signed out there, idle timeout) cannot be refreshed: once its tokens have
        // expired the API answers 401 and drops the cookie, on which the UI (js/api.js) sends the browser to sign in
        Map<String, String> ended = signInWithShortLivedSession("analyst1");
        Map<String, String> stale = new HashMap<>(ended);
        script(ended).get("/api/v1/me").then().statusCode(200).body("name", equalTo("analyst1"));
        String userId = keycloakAdmin().queryParam("username", "analyst1").queryParam("exact", true)
                .get(KeycloakTestResource.baseUrl + "/admin/realms/footfall/users").then().statusCode(200).extract().path("[0].id");
        keycloakAdmin().post(KeycloakTestResource.baseUrl + "/admin/realms/footfall/users/" + userId + "/logout").then().statusCode(204);
        Response refused = Poll.until(Duration.ofSeconds(60), () -> script(ended).get("/api/v1/me"), r -> r.statusCode() != 200);
        assertEquals(401, refused.statusCode(), "not a redirect the UI's fetch could not follow: " + refused.asString());
        refused.then().body("error", equalTo("unauthorized"));
        keep(ended, refused);
        assertFalse(hasSession(ended), "the dead session's cookie is dropped: " + refused.headers().getValues("Set-Cookie"));
        RestAssured.given().get("/api/v1/auth").then().body("loginUrl", equalTo("/admin/sign-in"));
        signInByCodeFlow("analyst1", ended);
        script(ended).get("/api/v1/me").then().statusCode(200).body("name", equalTo("analyst1"));

        // a browser that goes to the sign-in entry with the dead cookie (a page load rather than an API call) is not
        // stopped by a 401 there: the cookie is dropped and the browser goes on to Keycloak's login
        Response entry = keep(stale, browser(stale).get("/admin/sign-in"));
        assertEquals(303, entry.statusCode(), entry.headers() + "\n" + entry.asString());
        assertTrue(entry.header("Location").endsWith("/admin/sign-in"), entry.header("Location"));
        assertFalse(hasSession(stale), "the dead session's cookie is dropped: " + entry.headers().getValues("Set-Cookie"));
        signInByCodeFlow("analyst1", stale);
        script(stale).get("/api/v1/me").then().statusCode(200).body("name", equalTo("analyst1"));
    }

    @Test
    void keycloakBrowserWritesNeedTheCsrfTokenAndSignOutDropsTheSession() {
        Map<String, String> session = signInByCodeFlow("operator1");
        keep(session, script(session).get("/api/v1/me")).then().statusCode(200);
        String csrf = session.get("footfall-csrf");
        assertTrue(csrf != null && csrf.length() >= 32, "/api/v1/me hands out the CSRF cookie: " + session.keySet());
        String segment = segment("kc-csrf-" + UUID.randomUUID().toString().substring(0, 8), "Product Viewed");
        script(session).contentType("application/json").body(segment).post("/api/v1/segments")
                .then().statusCode(403).body("error", equalTo("csrf")).body("field", equalTo("X-CSRF-Token"));
        script(session).header("X-CSRF-Token", "forged-forged-forged-forged-forged-forged").contentType("application/json")
                .body(segment).post("/api/v1/segments").then().statusCode(403).body("error", equalTo("csrf"));
        script(session).header("X-CSRF-Token", csrf).contentType("application/json").body(segment).post("/api/v1/segments")
                .then().statusCode(201);

        // signing out is a write too; it drops the session cookie
        script(session).post("/api/v1/logout").then().statusCode(403).body("error", equalTo("csrf"));
        Response out = keep(session, script(session).header("X-CSRF-Token", csrf).post("/api/v1/logout"));
        out.then().statusCode(204);
        assertFalse(hasSession(session), "no session cookie is left: " + out.headers().getValues("Set-Cookie"));
        script(session).get("/api/v1/me").then().statusCode(401);
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
