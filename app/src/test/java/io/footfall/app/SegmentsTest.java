package io.footfall.app;

import static io.footfall.app.Api.admin;
import static io.footfall.app.Api.tracking;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
 * segments and history); RFM after a training run; refused definitions and bad parameters; CRUD for rule segments
 * and the Segment Entered/Exited events in the log (once per transition, in the user's timeline, no loop).
 */
@QuarkusTest
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
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

        // the segment reports follow the plugin's Segment Entered/Exited events in the log (reporting's rollups)
        String from = t.atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
        String to = t.plusSeconds(11).atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
        JsonPath bigReport = Poll.until(Duration.ofSeconds(60), () -> admin().queryParam("from", from).queryParam("to", to)
                .queryParam("segment", big).get("/api/v1/reports/overview").then().statusCode(200).extract().jsonPath(),
                j -> j.getInt("totals.activeUsers") == 2);
        assertEquals(4, bigReport.getInt("totals.events"), "alice's views and order, carol's order; the plugin's own events are not behaviour");
        assertEquals(0, admin().queryParam("from", from).queryParam("to", to).queryParam("segment", shoes).get("/api/v1/reports/overview")
                .then().statusCode(200).extract().jsonPath().getInt("totals.activeUsers"), "alice left the shoe burst");

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

    @jakarta.inject.Inject
    javax.sql.DataSource ds;

    private static String definition(String id, String name) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"when\":{\"event\":\"Product Viewed\",\"where\":{\"category\":\""
                + id + "\"},\"within\":\"P1D\"}}";
    }

    /** Runs {@code calls} at once (released together) and returns their responses in order. */
    @SafeVarargs
    private static List<io.restassured.response.Response> together(java.util.concurrent.Callable<io.restassured.response.Response>... calls)
            throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(calls.length);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<io.restassured.response.Response>> futures = new java.util.ArrayList<>();
            for (java.util.concurrent.Callable<io.restassured.response.Response> call : calls) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return call.call();
                }));
            }
            go.countDown();
            List<io.restassured.response.Response> out = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<io.restassured.response.Response> f : futures) {
                out.add(f.get(120, java.util.concurrent.TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentChangesLoseNothingAndAStaleVersionIsAConflict() throws Exception {
        String p = "sg" + UUID.randomUUID().toString().substring(0, 8);
        String a = p + "-a";
        String b = p + "-b";
        configure("{\"segments\":[]}");
        // two creates at once: both stored
        List<io.restassured.response.Response> created = together(
                () -> admin().contentType("application/json").body(definition(a, "A")).post("/api/v1/segments"),
                () -> admin().contentType("application/json").body(definition(b, "B")).post("/api/v1/segments"));
        assertEquals(List.of(201, 201), created.stream().map(io.restassured.response.Response::statusCode).toList());
        assertTrue(admin().get("/api/v1/segments").jsonPath().getList("segments.id").containsAll(List.of(a, b)));

        // the version: in the body and as ETag, the same for the same definition
        io.restassured.response.Response read = admin().get("/api/v1/segments/{id}/definition", a);
        String version = read.jsonPath().getString("version");
        assertTrue(version != null && version.matches("[0-9a-f]{16}"), read.asString());
        assertEquals("\"" + version + "\"", read.header("ETag"));
        assertEquals(version, created.get(0).jsonPath().getString("version"));

        // two replacements of the same version at once: one wins, the other is told the definition changed
        List<io.restassured.response.Response> replaced = together(
                () -> admin().contentType("application/json").header("If-Match", "\"" + version + "\"").body(definition(a, "A1"))
                        .put("/api/v1/segments/{id}", a),
                () -> admin().contentType("application/json").header("If-Match", "\"" + version + "\"").body(definition(a, "A2"))
                        .put("/api/v1/segments/{id}", a));
        List<Integer> statuses = replaced.stream().map(io.restassured.response.Response::statusCode).sorted().toList();
        assertEquals(List.of(200, 409), statuses, replaced.get(0).asString() + " / " + replaced.get(1).asString());
        io.restassured.response.Response won = replaced.get(0).statusCode() == 200 ? replaced.get(0) : replaced.get(1);
        io.restassured.response.Response lost = replaced.get(0).statusCode() == 200 ? replaced.get(1) : replaced.get(0);
        assertEquals("version_conflict", lost.jsonPath().getString("error"));
        assertEquals("If-Match", lost.jsonPath().getString("field"));
        String current = won.jsonPath().getString("version");
        assertEquals(current, lost.jsonPath().getString("version"), "the conflict names the version now stored");
        JsonPath stored = admin().get("/api/v1/segments/{id}/definition", a).jsonPath();
        assertEquals(won.jsonPath().getString("name"), stored.getString("name"));
        assertEquals(current, stored.getString("version"));

        // the version in the body works the same way, and is not stored
        admin().contentType("application/json").body(definition(a, "A3").replace("{\"id\"", "{\"version\":\"" + version + "\",\"id\""))
                .put("/api/v1/segments/{id}", a).then().statusCode(409).body("error", equalTo("version_conflict")).body("field", equalTo("version"));
        admin().contentType("application/json").body(definition(a, "A3").replace("{\"id\"", "{\"version\":\"" + current + "\",\"id\""))
                .put("/api/v1/segments/{id}", a).then().statusCode(200).body("name", equalTo("A3"));
        assertTrue(!admin().get("/api/v1/plugins/{id}", PLUGIN).jsonPath().getString("config.rules").contains(current));
        admin().header("If-Match", "\"" + current + "\"").delete("/api/v1/segments/{id}", a).then().statusCode(409)
                .body("error", equalTo("version_conflict"));

        // without versions, two replacements of different segments at once: neither is lost
        together(() -> admin().contentType("application/json").body(definition(a, "A4")).put("/api/v1/segments/{id}", a),
                () -> admin().contentType("application/json").body(definition(b, "B4")).put("/api/v1/segments/{id}", b))
                .forEach(r -> assertEquals(200, r.statusCode(), r.asString()));
        assertEquals("A4", admin().get("/api/v1/segments/{id}/definition", a).jsonPath().getString("name"));
        assertEquals("B4", admin().get("/api/v1/segments/{id}/definition", b).jsonPath().getString("name"));

        // another instance's change holds the database lock: this one waits for it
        try (java.sql.Connection other = ds.getConnection()) {
            other.setAutoCommit(false);
            try (java.sql.PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, io.footfall.core.api.SegmentsResource.LOCK_KEY);
                lock.execute();
            }
            java.util.concurrent.CompletableFuture<Integer> waiting = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> admin().delete("/api/v1/segments/{id}", b).statusCode());
            assertThrows(java.util.concurrent.TimeoutException.class, () -> waiting.get(2, java.util.concurrent.TimeUnit.SECONDS));
            other.rollback();
            assertEquals(204, waiting.get(60, java.util.concurrent.TimeUnit.SECONDS));
        }
        admin().get("/api/v1/segments/{id}/definition", b).then().statusCode(404);
        configure("{\"segments\":[]}");
    }

    /**
     * The whole-document configuration PUT (what the admin UI's rule editor sends) and segment CRUD on the same rules
     * document: the PUT takes the same database lock, and with the version it read ({@code If-Match}, the plugin's
     * {@code configVersion}) it is refused with 409 naming the field instead of silently dropping a segment created
     * in between; under concurrent creates and read-modify-write PUTs (starting from {@code storedConfig}, read with
     * the version), nothing is lost.
     */
    @Test
    void aWholeConfigPutNeverOverwritesAConcurrentSegmentChange() throws Exception {
        String p = "sg" + UUID.randomUUID().toString().substring(0, 8);
        String a = p + "-a";
        String b = p + "-b";
        configure("{\"segments\":[]}");
        JsonPath read = admin().get("/api/v1/plugins/{id}", PLUGIN).then().statusCode(200).extract().jsonPath();
        String version = read.getString("configVersion");
        assertTrue(version != null && version.matches("[0-9a-f]{16}"), "the plugin shows the version of its stored configuration");

        // meanwhile a segment is created through the CRUD API ...
        admin().contentType("application/json").body(definition(a, "A")).post("/api/v1/segments").then().statusCode(201);
        String current = admin().get("/api/v1/plugins/{id}", PLUGIN).jsonPath().getString("configVersion");
        assertTrue(!current.equals(version), "a segment change is a new configuration version");
        // ... so the whole document as read before, with another segment added, is refused: it would drop segment a
        io.restassured.response.Response stale = admin().contentType("application/json").header("If-Match", "\"" + version + "\"")
                .body(Map.of("rules", "{\"segments\":[" + definition(b, "B") + "]}")).put("/api/v1/plugins/{id}/config", PLUGIN);
        assertEquals(409, stale.statusCode(), stale.asString());
        assertEquals("version_conflict", stale.jsonPath().getString("error"));
        assertEquals("If-Match", stale.jsonPath().getString("field"));
        assertEquals(current, stale.jsonPath().getString("version"), "the conflict names the version now stored");
        admin().get("/api/v1/segments/{id}/definition", a).then().statusCode(200);
        admin().get("/api/v1/segments/{id}/definition", b).then().statusCode(404);

        // read again and PUT with the current version: stored, and the answer carries the new version as ETag
        String rules = admin().get("/api/v1/plugins/{id}", PLUGIN).jsonPath().getString("storedConfig.rules");
        io.restassured.response.Response fresh = admin().contentType("application/json").header("If-Match", "\"" + current + "\"")
                .body(Map.of("rules", withSegment(rules, definition(b, "B")))).put("/api/v1/plugins/{id}/config", PLUGIN);
        assertEquals(200, fresh.statusCode(), fresh.asString());
        String after = fresh.jsonPath().getString("configVersion");
        assertEquals("\"" + after + "\"", fresh.header("ETag"));
        assertEquals(after, admin().get("/api/v1/plugins/{id}", PLUGIN).jsonPath().getString("configVersion"));
        admin().get("/api/v1/segments/{id}/definition", a).then().statusCode(200);
        admin().get("/api/v1/segments/{id}/definition", b).then().statusCode(200);
        // a malformed If-Match is a version that does not match either
        admin().contentType("application/json").header("If-Match", "\"nonsense\"").body(Map.of("rules", rules))
                .put("/api/v1/plugins/{id}/config", PLUGIN).then().statusCode(409).body("field", equalTo("If-Match"));

        // another instance's segment change holds the database lock: the whole-document PUT waits for it
        try (java.sql.Connection other = ds.getConnection()) {
            other.setAutoCommit(false);
            try (java.sql.PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, io.footfall.core.api.SegmentsResource.LOCK_KEY);
                lock.execute();
            }
            String v = admin().get("/api/v1/plugins/{id}", PLUGIN).jsonPath().getString("configVersion");
            String r = admin().get("/api/v1/plugins/{id}", PLUGIN).jsonPath().getString("storedConfig.rules");
            java.util.concurrent.CompletableFuture<Integer> waiting = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> admin().contentType("application/json").header("If-Match", "\"" + v + "\"").body(Map.of("rules", r))
                            .put("/api/v1/plugins/{id}/config", PLUGIN).statusCode());
            assertThrows(java.util.concurrent.TimeoutException.class, () -> waiting.get(2, java.util.concurrent.TimeUnit.SECONDS));
            other.rollback();
            assertEquals(200, waiting.get(60, java.util.concurrent.TimeUnit.SECONDS));
        }

        // creates through CRUD and read-modify-write PUTs of the whole document at once: every segment survives
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        List<String> expected = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(a, b));
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<?>> work = new java.util.ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 3; i++) {
                        String id = p + "-c" + thread + i;
                        admin().contentType("application/json").body(definition(id, id)).post("/api/v1/segments").then().statusCode(201);
                        expected.add(id);
                    }
                    return null;
                }));
                work.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 3; i++) {
                        String id = p + "-w" + thread + i;
                        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                        while (true) {
                            JsonPath plugin = admin().get("/api/v1/plugins/{id}", PLUGIN).jsonPath();
                            io.restassured.response.Response put = admin().contentType("application/json")
                                    .header("If-Match", "\"" + plugin.getString("configVersion") + "\"")
                                    .body(Map.of("rules", withSegment(plugin.getString("storedConfig.rules"), definition(id, id))))
                                    .put("/api/v1/plugins/{id}/config", PLUGIN);
                            if (put.statusCode() == 200) {
                                break;
                            }
                            assertEquals(409, put.statusCode(), put.asString());
                            assertTrue(System.nanoTime() < deadline, "a PUT kept conflicting for 60 s");
                        }
                        expected.add(id);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (java.util.concurrent.Future<?> f : work) {
                f.get(180, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> stored = JsonPath.from(admin().get("/api/v1/plugins/{id}", PLUGIN).jsonPath().getString("storedConfig.rules"))
                .getList("segments.id", String.class);
        assertEquals(new java.util.TreeSet<>(expected), new java.util.TreeSet<>(stored), "no segment was lost");
        configure("{\"segments\":[]}");
    }

    /** The rules document with one more definition appended. */
    private static String withSegment(String rules, String definition) {
        String doc = rules == null || rules.isBlank() ? "{\"segments\":[]}" : rules;
        JsonPath parsed = JsonPath.from(doc);
        String sep = parsed.getList("segments").isEmpty() ? "" : ",";
        int end = doc.lastIndexOf(']');
        return doc.substring(0, end) + sep + definition + doc.substring(end);
    }

    /** Runs last: its events are later than the others', and "now" is the latest event time of the shared log. */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void crudForRuleSegmentsAndSegmentEventsInTheLog() {
        String p = "sg" + UUID.randomUUID().toString().substring(0, 8);
        String browsers = p + "-browsers";
        String loop = p + "-loop";
        configure("{\"segments\":[]}");
        String definition = "{\"id\":\"" + browsers + "\",\"name\":\"Browsers\",\"when\":{\"event\":\"Product Viewed\","
                + "\"where\":{\"category\":\"" + p + "\"},\"within\":\"PT3S\"}}";
        admin().contentType("application/json").body(definition).post("/api/v1/segments").then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.endsWith("/api/v1/segments/" + browsers))
                .body("id", equalTo(browsers)).body("when.within", equalTo("PT3S"));
        admin().contentType("application/json").body(definition).post("/api/v1/segments").then().statusCode(409)
                .body("error", equalTo("segment_exists")).body("field", equalTo("id"));
        // a segment counting Segment Entered events: the plugin never sees its own events, so nobody ever enters it
        admin().contentType("application/json")
                .body("{\"id\":\"" + loop + "\",\"when\":{\"event\":\"Segment Entered\",\"within\":\"P1D\"}}")
                .post("/api/v1/segments").then().statusCode(201);
        // invalid definitions: 400 with JSON pointers into the body; nothing stored
        admin().contentType("application/json")
                .body("{\"id\":\"" + p + "-bad\",\"when\":{\"all\":[{\"profile\":\"revenu\",\"op\":\">\",\"value\":1}]}}")
                .post("/api/v1/segments").then().statusCode(400)
                .body("error", equalTo("invalid_definition")).body("field", equalTo("/when/all/0/profile"))
                .body("errors[0].pointer", equalTo("/when/all/0/profile"));
        admin().contentType("application/json").body("{\"id\":\"Bad Id\",\"colour\":\"red\"}")
                .post("/api/v1/segments").then().statusCode(400)
                .body("errors.pointer", org.hamcrest.Matchers.hasItems("/id", "/when", "/colour"));
        admin().contentType("application/json").body("{\"id\":\"" + p + "-x\",\"when\":{\"segment\":\"" + p + "-nope\"}}")
                .post("/api/v1/segments").then().statusCode(400).body("field", equalTo("/when"));
        admin().contentType("application/json").body("[]").post("/api/v1/segments").then().statusCode(400).body("field", equalTo(""));
        admin().get("/api/v1/segments/{id}/definition", p + "-bad").then().statusCode(404);

        // replace: unknown id 404, another id 400, then a new name, shown at once
        admin().contentType("application/json").body(definition).put("/api/v1/segments/{id}", p + "-nope").then().statusCode(404);
        admin().contentType("application/json").body(definition).put("/api/v1/segments/{id}", loop).then().statusCode(400)
                .body("field", equalTo("/id"));
        admin().contentType("application/json").body(definition.replace("\"Browsers\"", "\"Recent browsers\""))
                .put("/api/v1/segments/{id}", browsers).then().statusCode(200).body("name", equalTo("Recent browsers"));
        admin().get("/api/v1/segments/{id}/definition", browsers).then().statusCode(200)
                .body("name", equalTo("Recent browsers")).body("when.where.category", equalTo(p));
        JsonPath listed = admin().get("/api/v1/segments").then().statusCode(200).extract().jsonPath();
        assertEquals("Recent browsers", listed.getString("segments.find { it.id == '" + browsers + "' }.name"));
        assertEquals("rule", listed.getString("segments.find { it.id == '" + loop + "' }.kind"));

        // roles: an analyst reads, cannot write
        String analyst = p + "-reader";
        admin().contentType("application/json").body(Map.of("username", analyst, "password", "analyst-password", "roles", List.of("analyst")))
                .post("/api/v1/accounts").then().statusCode(201);
        RestAssured.given().auth().preemptive().basic(analyst, "analyst-password").get("/api/v1/segments/{id}/definition", browsers)
                .then().statusCode(200);
        RestAssured.given().auth().preemptive().basic(analyst, "analyst-password").contentType("application/json").body(definition)
                .post("/api/v1/segments").then().statusCode(403);
        RestAssured.given().auth().preemptive().basic(analyst, "analyst-password").delete("/api/v1/segments/{id}", browsers)
                .then().statusCode(403);

        // dave views once: enters; a later event of someone else passes the 3 s window: dave exits, once
        String dave = p + "-dave";
        String erin = p + "-erin";
        Instant t = Instant.now().plusSeconds(120).truncatedTo(ChronoUnit.MILLIS);
        send(view(dave, p, t));
        Poll.until(Duration.ofSeconds(60), () -> history(dave, browsers), h -> h.equals(List.of("entered")));
        send(view(erin, "Books", t.plusSeconds(10)));
        Poll.until(Duration.ofSeconds(60), () -> history(dave, browsers), h -> h.equals(List.of("exited", "entered")));
        JsonPath entries = admin().queryParam("segment", browsers).get("/api/v1/users/{id}/segments/history", dave).jsonPath();
        assertEquals(t.plusSeconds(3).toString(), entries.getString("history[0].at"), "left when the view left the window");
        assertEquals(t.toString(), entries.getString("history[1].at"));
        // more events move time on; once the plugin and the projection are caught up, still one event per transition
        send(view(erin, "Books", t.plusSeconds(11)), view(erin, p, t.plusSeconds(12)));
        Poll.until(Duration.ofSeconds(60), () -> history(erin, browsers), h -> h.equals(List.of("entered")));
        Poll.until(Duration.ofSeconds(60), () -> admin().get("/api/v1/plugins/{id}", PLUGIN).jsonPath(), j -> j.getLong("lag") == 0);
        Api.awaitProjectionsCaughtUp();
        JsonPath timeline = admin().get("/api/v1/profiles/{id}/events", dave).then().statusCode(200).extract().jsonPath();
        List<String> names = timeline.getList("items.event.name");
        assertEquals(List.of("Segment Exited", "Segment Entered", "Product Viewed"), names, timeline.prettify());
        assertEquals(browsers, timeline.getString("items[0].event.properties.segmentId"));
        assertEquals("Recent browsers", timeline.getString("items[1].event.properties.segmentName"));
        assertEquals("plugin:segmentation", timeline.getString("items[1].event.sourceId"));
        assertEquals(t.plusSeconds(3).toString(), timeline.getString("items[0].event.occurredAt"));
        // the derived events are in dave's timeline, but the profile is what dave did
        JsonPath profile = admin().get("/api/v1/profiles/{id}", dave).then().statusCode(200).extract().jsonPath();
        assertEquals(t.toString(), profile.getString("lastSeen"));
        assertEquals(Map.of("Product Viewed", 1), profile.getMap("eventCounts"));
        assertEquals(0, admin().get("/api/v1/segments/{id}", loop).jsonPath().getInt("size"), "no loop");
        assertTrue(history(dave, loop).isEmpty() && history(erin, loop).isEmpty());

        // delete: refused while another segment refers to it; then gone
        String ref = p + "-ref";
        admin().contentType("application/json").body("{\"id\":\"" + ref + "\",\"when\":{\"segment\":\"" + browsers + "\"}}")
                .post("/api/v1/segments").then().statusCode(201);
        admin().delete("/api/v1/segments/{id}", browsers).then().statusCode(409).body("error", equalTo("segment_in_use"))
                .body("errors[0].pointer", org.hamcrest.Matchers.startsWith("rules:/segments/2/when"));
        admin().delete("/api/v1/segments/{id}", ref).then().statusCode(204);
        admin().delete("/api/v1/segments/{id}", ref).then().statusCode(404);
        admin().delete("/api/v1/segments/{id}", browsers).then().statusCode(204);
        admin().get("/api/v1/segments/{id}/definition", browsers).then().statusCode(404);
        assertTrue(!admin().get("/api/v1/segments").jsonPath().getList("segments.id").contains(browsers));
        // erin, still a member, leaves the deleted segment as the plugin sweeps its users
        send(view(erin, "Books", t.plusSeconds(13)));
        Poll.until(Duration.ofSeconds(60), () -> history(erin, browsers), h -> h.equals(List.of("exited", "entered")));
        configure("{\"segments\":[]}");
    }

    private static List<String> history(String user, String segment) {
        return admin().queryParam("segment", segment).get("/api/v1/users/{id}/segments/history", user).jsonPath().getList("history.change");
    }
}
