package io.footfall.app;

import static io.footfall.app.Api.admin;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The admin UI's sign-in with local accounts: form login, session cookie, CSRF, sign-out, and the roles. */
@QuarkusTest
class SignInTest {

    @jakarta.inject.Inject
    javax.sql.DataSource ds;

    /** Passwords are stored as bcrypt hashes with a work factor of at least 10 (a slow hash), never as given. */
    @Test
    void passwordsAreStoredAsSlowSaltedHashes() {
        String a = "hash-" + UUID.randomUUID().toString().substring(0, 8);
        String b = "hash-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "the same password " + UUID.randomUUID();
        for (String user : List.of(a, b)) {
            admin().contentType("application/json").body(Map.of("username", user, "password", password, "roles", List.of("analyst")))
                    .post("/api/v1/accounts").then().statusCode(201);
        }
        List<String> hashes = Db.strings(ds, "SELECT password_hash FROM account WHERE username IN (?, ?) ORDER BY username", a, b);
        assertEquals(2, hashes.size());
        for (String hash : hashes) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\$2[aby]?\\$(\\d\\d)\\$[./A-Za-z0-9]{53}$").matcher(hash);
            assertTrue(m.matches(), "a bcrypt hash: " + hash.substring(0, Math.min(7, hash.length())) + "…");
            assertTrue(Integer.parseInt(m.group(1)) >= 10, "work factor " + m.group(1));
            assertTrue(!hash.contains(password) && io.quarkus.elytron.security.common.BcryptUtil.matches(password, hash));
        }
        assertTrue(!hashes.get(0).equals(hashes.get(1)), "salted: the same password hashes differently");
        RestAssured.given().auth().preemptive().basic(a, password).get("/api/v1/segments").then().statusCode(200);
    }

    /** A browser session: the cookies a successful form login left. */
    private record Session(String session, String sid, String csrf) {
        RequestSpecification request() {
            RequestSpecification spec = RestAssured.given().cookie("footfall-session", session).cookie("footfall-sid", sid);
            return csrf == null ? spec : spec.cookie("footfall-csrf", csrf);
        }

        /** A write from the UI: the CSRF header as its scripts send it. */
        RequestSpecification write() {
            return request().header("X-CSRF-Token", csrf);
        }
    }

    private static Session signIn(String user, String password) {
        Response login = RestAssured.given().redirects().follow(false)
                .formParam("j_username", user).formParam("j_password", password).post("/j_security_check");
        assertEquals(302, login.statusCode(), "form login redirects");
        assertTrue(login.header("Location").endsWith("/admin/"), "to the UI, was " + login.header("Location"));
        String session = login.cookie("footfall-session");
        String sid = login.cookie("footfall-sid");
        assertNotNull(session, "a session cookie");
        assertNotNull(sid, "a session token cookie");
        for (String setCookie : login.headers().getValues("Set-Cookie")) {
            assertTrue(setCookie.toLowerCase().contains("httponly") && setCookie.toLowerCase().contains("samesite=strict"), setCookie);
        }
        Response me = RestAssured.given().cookie("footfall-session", session).cookie("footfall-sid", sid).get("/api/v1/me");
        me.then().statusCode(200).body("name", equalTo(user)).body("authentication", equalTo("local"));
        return new Session(session, sid, me.cookie("footfall-csrf"));
    }

    @Test
    void formLoginGivesASessionThatReadsTheApi() {
        Session s = signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        assertNotNull(s.csrf(), "/api/v1/me hands out the CSRF cookie");
        assertTrue(s.csrf().length() >= 32);
        s.request().get("/api/v1/me").then().statusCode(200).body("roles", hasItem("admin"));
        s.request().get("/api/v1/plugins").then().statusCode(200);
        RestAssured.given().get("/api/v1/auth").then().statusCode(200)
                .body("mode", equalTo("local")).body("loginUrl", equalTo("/admin/login.html"));
    }

    @Test
    void wrongPasswordIsA401WithoutASession() {
        Response login = RestAssured.given().redirects().follow(false)
                .formParam("j_username", Api.ADMIN).formParam("j_password", "not-the-password").post("/j_security_check");
        assertEquals(401, login.statusCode());
        assertEquals(null, login.cookie("footfall-session"));
        assertEquals(null, login.cookie("footfall-sid"));
    }

    @Test
    void browserWritesNeedTheCsrfHeader() {
        Session s = signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        Map<String, Object> account = Map.of("username", "csrf-" + UUID.randomUUID().toString().substring(0, 8),
                "password", "a-long-password", "roles", List.of("analyst"));
        s.request().contentType("application/json").body(account).post("/api/v1/accounts")
                .then().statusCode(403).body("error", equalTo("csrf")).body("field", equalTo("X-CSRF-Token"));
        s.request().header("X-CSRF-Token", "forged-forged-forged-forged-forged-forged").contentType("application/json")
                .body(account).post("/api/v1/accounts").then().statusCode(403).body("error", equalTo("csrf"));
        s.request().header("X-CSRF-Token", s.csrf()).contentType("application/json").body(account)
                .post("/api/v1/accounts").then().statusCode(201);
        // an Authorization header added to a cookie-borne write does not stand in for the token
        s.request().header("Authorization", "Bearer junk").contentType("application/json").body(account)
                .post("/api/v1/accounts").then().statusCode(403).body("error", equalTo("csrf"));
        // API clients (HTTP Basic) carry no cookie and need no token
        admin().contentType("application/json").body(Map.of("username", "csrf-" + UUID.randomUUID().toString().substring(0, 8),
                "password", "a-long-password", "roles", List.of("analyst"))).post("/api/v1/accounts").then().statusCode(201);
        // unless a browser sends them from another site (cached Basic credentials travel like a cookie)
        admin().header("Origin", "https://evil.example").contentType("application/x-www-form-urlencoded").formParam("a", "b")
                .post("/api/v1/plugins/{id}/enable", "basket-rules").then().statusCode(403).body("error", equalTo("csrf")).body("field", equalTo("Origin"));
        admin().header("Origin", "null").post("/api/v1/plugins/{id}/enable", "basket-rules").then().statusCode(403);
        // from its own origin it is a write like any other
        admin().header("Origin", RestAssured.baseURI + ":" + RestAssured.port).post("/api/v1/plugins/{id}/enable", "basket-rules")
                .then().statusCode(200);
    }

    @Test
    void scriptsGetA401WithoutBrowserPasswordDialog() {
        RestAssured.given().get("/api/v1/me").then().statusCode(401)
                .header("WWW-Authenticate", equalTo("Basic realm=\"footfall\""));
        RestAssured.given().header("Sec-Fetch-Mode", "cors").get("/api/v1/me").then().statusCode(401)
                .header("WWW-Authenticate", nullValue()).body("error", equalTo("unauthorized"));
    }

    @Test
    void logoutExpiresTheCookies() {
        Session s = signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        Response out = s.request().header("X-CSRF-Token", s.csrf()).post("/api/v1/logout");
        out.then().statusCode(204);
        String setCookie = String.join("\n", out.headers().getValues("Set-Cookie"));
        assertTrue(setCookie.contains("footfall-session=;") && setCookie.contains("footfall-sid=;") && setCookie.contains("Max-Age=0"),
                setCookie);
    }

    /**
     * Signing out ends the sign-in on the server: a copy of its cookies, kept by whoever saw them, no longer works,
     * although the encrypted session cookie itself has not expired. The token is stored only as a hash.
     */
    @Test
    void signingOutEndsTheSessionForCopiesOfItsCookiesToo() {
        String name = "out-" + UUID.randomUUID().toString().substring(0, 8);
        createAccount(name, "sign-out-password");
        Session s = signIn(name, "sign-out-password");
        assertEquals(1, Db.count(ds, "SELECT count(*) FROM admin_session WHERE username = ?", name));
        assertEquals(1, Db.count(ds, "SELECT count(*) FROM admin_session WHERE username = ? AND id_hash = encode(sha256(convert_to(?, 'UTF8')), 'hex')",
                name, s.sid()), "the token is stored as its SHA-256");
        // the encrypted cookie alone is not a session
        RestAssured.given().cookie("footfall-session", s.session()).get("/api/v1/me").then().statusCode(401);
        RestAssured.given().cookie("footfall-session", s.session()).cookie("footfall-sid", "forged-" + s.sid())
                .get("/api/v1/me").then().statusCode(401);
        // nor another account's token with this account's cookie
        Session admin = signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        RestAssured.given().cookie("footfall-session", s.session()).cookie("footfall-sid", admin.sid())
                .get("/api/v1/me").then().statusCode(401);
        s.write().post("/api/v1/logout").then().statusCode(204);
        s.request().get("/api/v1/me").then().statusCode(401);
        assertEquals(0, Db.count(ds, "SELECT count(*) FROM admin_session WHERE username = ?", name));
        admin.request().get("/api/v1/me").then().statusCode(200);
    }

    /** {@code everywhere=true} ends every sign-in of the account, and only that account's. */
    @Test
    void signingOutEverywhereEndsEverySessionOfTheAccount() {
        String name = "all-" + UUID.randomUUID().toString().substring(0, 8);
        createAccount(name, "everywhere-password");
        Session laptop = signIn(name, "everywhere-password");
        Session phone = signIn(name, "everywhere-password");
        Session admin = signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        laptop.write().queryParam("everywhere", true).post("/api/v1/logout").then().statusCode(204);
        phone.request().get("/api/v1/me").then().statusCode(401);
        laptop.request().get("/api/v1/me").then().statusCode(401);
        admin.request().get("/api/v1/me").then().statusCode(200);
        // Basic credentials are not sessions: they still work
        RestAssured.given().auth().preemptive().basic(name, "everywhere-password").get("/api/v1/me").then().statusCode(200);
        // the audit trail has the three sign-ins and the sign-out, newest first
        admin().queryParam("actor", name).get("/api/v1/audit").then().statusCode(200)
                .body("entries.action", equalTo(List.of("POST /api/v1/logout", "POST /j_security_check", "POST /j_security_check")))
                .body("entries[0].target.everywhere", equalTo("true"));
    }

    /** An account sees its own sign-ins, this one marked, and ends another one; nobody else's. */
    @Test
    void anAccountListsItsSignInsAndEndsOneOfThem() {
        String name = "list-" + UUID.randomUUID().toString().substring(0, 8);
        createAccount(name, "listing-password");
        Session first = signIn(name, "listing-password");
        Session second = signIn(name, "listing-password");
        Session admin = signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        JsonPath mine = second.request().get("/api/v1/me/sessions").then().statusCode(200).extract().jsonPath();
        assertEquals(2, mine.getList("$").size());
        assertEquals(List.of(true), mine.getList("findAll { it.current }.current"));
        String other = mine.getString("find { !it.current }.id");
        assertTrue(other.matches("[0-9a-f]{16}") && !first.sid().contains(other), other);
        assertNotNull(mine.getString("[0].createdAt"));
        // an admin cannot end it as their own, and a made-up id is a 404 naming it
        admin.write().delete("/api/v1/me/sessions/{id}", other).then().statusCode(404).body("field", equalTo("id"));
        second.write().delete("/api/v1/me/sessions/{id}", "not-an-id").then().statusCode(404).body("field", equalTo("id"));
        first.request().get("/api/v1/me").then().statusCode(200);
        second.write().delete("/api/v1/me/sessions/{id}", other).then().statusCode(204);
        first.request().get("/api/v1/me").then().statusCode(401);
        second.request().get("/api/v1/me/sessions").then().statusCode(200).body("size()", equalTo(1)).body("[0].current", equalTo(true));
        // over HTTP Basic there is no current sign-in
        RestAssured.given().auth().preemptive().basic(name, "listing-password").get("/api/v1/me/sessions").then().statusCode(200)
                .body("current", equalTo(List.of(false)));
    }

    /**
     * A password change ends the account's other sessions: one's own keeps the session that made it, an admin's
     * change ends them all.
     */
    @Test
    void aNewPasswordEndsTheOtherSessions() {
        String name = "pw-" + UUID.randomUUID().toString().substring(0, 8);
        createAccount(name, "first-password");
        Session here = signIn(name, "first-password");
        Session elsewhere = signIn(name, "first-password");
        here.write().contentType("application/json")
                .body(Map.of("currentPassword", "first-password", "newPassword", "second-password")).put("/api/v1/me/password")
                .then().statusCode(204);
        here.request().get("/api/v1/me").then().statusCode(200);
        elsewhere.request().get("/api/v1/me").then().statusCode(401);
        admin().contentType("application/json").body(Map.of("password", "third-password"))
                .patch("/api/v1/accounts/{name}", name).then().statusCode(200);
        here.request().get("/api/v1/me").then().statusCode(401);
        Session again = signIn(name, "third-password");
        admin().delete("/api/v1/accounts/{name}", name).then().statusCode(204);
        again.request().get("/api/v1/me").then().statusCode(401);
        assertEquals(0, Db.count(ds, "SELECT count(*) FROM admin_session WHERE username = ?", name));
    }

    /** Guessing the current password in a password change counts like failed sign-ins: a stolen session cannot guess on. */
    @Test
    void wrongCurrentPasswordsInAPasswordChangeAreSlowed() {
        String name = "pwguess-" + UUID.randomUUID().toString().substring(0, 8);
        createAccount(name, "the-real-password");
        Session s = signIn(name, "the-real-password");
        for (int i = 0; i < 10; i++) {
            s.write().contentType("application/json").body(Map.of("currentPassword", "guess-" + i, "newPassword", "a-new-password"))
                    .put("/api/v1/me/password").then().statusCode(400).body("field", equalTo("currentPassword"));
        }
        Response slowed = s.write().contentType("application/json")
                .body(Map.of("currentPassword", "the-real-password", "newPassword", "a-new-password")).put("/api/v1/me/password");
        slowed.then().statusCode(429).body("error", equalTo("too_many_failed_sign_ins")).body("field", equalTo("currentPassword"));
        long retryAfter = Long.parseLong(slowed.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 5, "Retry-After " + retryAfter);
        // the same count slows password checks of sign-ins to that account from this address
        RestAssured.given().auth().preemptive().basic(name, "one-more-guess").get("/api/v1/me").then().statusCode(429);
        Poll.until(java.time.Duration.ofSeconds(30), () -> s.write().contentType("application/json")
                .body(Map.of("currentPassword", "the-real-password", "newPassword", "a-new-password"))
                .put("/api/v1/me/password").statusCode(), code -> code == 204);
    }

    /** Password spraying: one address trying a common password on many names is slowed for every account, until a correct one. */
    @Test
    void oneAddressSprayingManyAccountsIsSlowedForEveryAccount() throws Exception {
        String prefix = "sprayed-" + UUID.randomUUID().toString().substring(0, 8);
        createAccount(prefix + "-first", "the-first-password");
        createAccount(prefix + "-second", "the-second-password");
        try {
            // a correct password starts the address's series over (whatever earlier tests left in it)
            RestAssured.given().auth().preemptive().basic(prefix + "-first", "the-first-password").get("/api/v1/me").then().statusCode(200);
            // fifty wrong passwords, each for another name: none of them reaches the limit of its own account
            for (int i = 0; i < 50; i++) {
                RestAssured.given().auth().preemptive().basic(prefix + "-" + i, "Summer2026!").get("/api/v1/me").then().statusCode(401);
            }
            // then any account's password check from this address waits, a right password too
            RestAssured.given().auth().preemptive().basic(prefix + "-fresh", "another-guess").get("/api/v1/me").then().statusCode(429)
                    .body("error", equalTo("too_many_failed_sign_ins"));
            Response slowed = RestAssured.given().auth().preemptive().basic(prefix + "-second", "the-second-password").get("/api/v1/me");
            slowed.then().statusCode(429);
            long retryAfter = Long.parseLong(slowed.header("Retry-After"));
            assertTrue(retryAfter >= 1 && retryAfter <= 5, "Retry-After " + retryAfter);
            // credentials already checked (people at work) are not slowed
            RestAssured.given().auth().preemptive().basic(prefix + "-first", "the-first-password").get("/api/v1/me").then().statusCode(200);
            // after the wait, a correct password works and starts the address over
            Poll.until(java.time.Duration.ofSeconds(30),
                    () -> RestAssured.given().auth().preemptive().basic(prefix + "-second", "the-second-password").get("/api/v1/me").statusCode(),
                    code -> code == 200);
            RestAssured.given().auth().preemptive().basic(prefix + "-fresh", "another-guess").get("/api/v1/me").then().statusCode(401);
        } finally {
            // whatever happened above, the next tests from this address are not slowed
            try (java.sql.Connection c = ds.getConnection(); java.sql.PreparedStatement clear = c.prepareStatement(
                    "DELETE FROM sign_in_failure WHERE pair IN (sha256(decode(?, 'hex')), sha256(decode(?, 'hex')))")) {
                for (String address : List.of("127.0.0.1", "0:0:0:0:0:0:0:1")) {
                    clear.setString(address.equals("127.0.0.1") ? 1 : 2, java.util.HexFormat.of()
                            .formatHex(("\u0001address\u0000" + address).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                }
                clear.executeUpdate();
            }
        }
    }

    private static void createAccount(String name, String password) {
        admin().contentType("application/json").body(Map.of("username", name, "password", password, "roles", List.of("analyst")))
                .post("/api/v1/accounts").then().statusCode(201);
    }

    @Test
    void pluginDeveloperWorksOnPluginsButNotOnCustomers() {
        String name = "plugdev-" + UUID.randomUUID().toString().substring(0, 8);
        admin().contentType("application/json").body(Map.of("username", name, "password", "plugin-dev-password",
                "roles", List.of("plugin-developer"))).post("/api/v1/accounts").then().statusCode(201);
        RequestSpecification dev = RestAssured.given().auth().preemptive().basic(name, "plugin-dev-password");
        dev.get("/api/v1/plugins").then().statusCode(200);
        dev.get("/api/v1/plugins/category-affinity/dead-letters").then().statusCode(200);
        dev.post("/api/v1/plugins/no-such-plugin/replay").then().statusCode(not(403));
        dev.get("/api/v1/profiles/nobody").then().statusCode(403);
        dev.delete("/api/v1/customers/nobody").then().statusCode(403);
        dev.post("/api/v1/plugins/category-affinity/models/rollback").then().statusCode(403);
        // an analyst cannot train
        String analyst = "an-" + UUID.randomUUID().toString().substring(0, 8);
        admin().contentType("application/json").body(Map.of("username", analyst, "password", "analyst-password",
                "roles", List.of("analyst"))).post("/api/v1/accounts").then().statusCode(201);
        RestAssured.given().auth().preemptive().basic(analyst, "analyst-password")
                .post("/api/v1/plugins/category-affinity/train").then().statusCode(403);
    }
    @Test
    void repeatedWrongPasswordsAreSlowedForThatAccountAndAddressUntilTheWaitPasses() {
        String name = "guessed-" + UUID.randomUUID().toString().substring(0, 8);
        admin().contentType("application/json").body(Map.of("username", name, "password", "the-right-one", "roles", List.of("analyst")))
                .post("/api/v1/accounts").then().statusCode(201);
        // ten wrong passwords cost only their checks
        for (int i = 0; i < 10; i++) {
            RestAssured.given().auth().preemptive().basic(name, "guess-" + i).get("/api/v1/me").then().statusCode(401);
        }
        // then the account is refused from this address without a check, even with the right password, and says for how long
        Response slowed = RestAssured.given().auth().preemptive().basic(name, "the-right-one").get("/api/v1/me");
        slowed.then().statusCode(429).body("error", equalTo("too_many_failed_sign_ins")).body("field", equalTo("Authorization"));
        long retryAfter = Long.parseLong(slowed.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 5, "Retry-After " + retryAfter);
        // the count is shared through the database (every instance reads it), under a hash of the account and address
        String pair = "SELECT count(*) FROM sign_in_failure WHERE failures = 10 AND pair IN (sha256(convert_to(?, 'UTF8') || '\\x00'::bytea || convert_to('127.0.0.1', 'UTF8')), "
                + "sha256(convert_to(?, 'UTF8') || '\\x00'::bytea || convert_to('0:0:0:0:0:0:0:1', 'UTF8')))";
        assertEquals(1, Db.count(ds, pair, name, name));
        // another account from the same address is not slowed
        admin().get("/api/v1/me").then().statusCode(200);
        // after the wait the right password works, and the count starts over
        Poll.until(java.time.Duration.ofSeconds(30),
                () -> RestAssured.given().auth().preemptive().basic(name, "the-right-one").get("/api/v1/me").statusCode(), code -> code == 200);
        assertEquals(0, Db.count(ds, pair.replace("failures = 10 AND ", ""), name, name));
        RestAssured.given().auth().preemptive().basic(name, "guess-again").get("/api/v1/me").then().statusCode(401);
    }
}
