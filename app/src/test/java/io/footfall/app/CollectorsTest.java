package io.footfall.app;

import static io.footfall.app.Api.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.collector.logs.LogsMain;
import io.footfall.sdk.ClientMetrics;
import io.footfall.sdk.Ecommerce;
import io.footfall.sdk.FootfallClient;
import io.footfall.sdk.Identity;
import io.footfall.sdk.Message;
import io.footfall.sdk.Order;
import io.footfall.sdk.Product;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Java SDK and the CSV backfill against the running application: every event lands exactly
 * once, also when sent again; historical timestamps are kept.
 */
@QuarkusTest
class CollectorsTest {

    private static URI app() {
        return URI.create("http://localhost:" + RestAssured.port);
    }

    /** The timeline of {@code id}: message id → how many times it is there. */
    private static Map<String, Long> timeline(String id) {
        List<String> ids = admin().get("/api/v1/profiles/{id}/events?limit=500", id).then().statusCode(200)
                .extract().jsonPath().getList("items.event.messageId", String.class);
        return ids.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Test
    void sdkEventsLandExactlyOnceEvenWhenSentTwice() throws Exception {
        String user = "sdk-" + UUID.randomUUID();
        Identity who = Identity.of(user, "anon-" + user);
        List<Message> messages = new ArrayList<>();
        messages.add(Message.identify(who, Map.of("plan", "pro")));
        for (int i = 0; i < 20; i++) {
            messages.add(Ecommerce.productViewed(who, Product.of("p-" + i).category("Shoes").brand("Acme").price(59.9).currency("EUR")));
        }
        messages.add(Ecommerce.productAdded(who, Product.of("p-1").price(59.9).quantity(1)));
        messages.add(Ecommerce.orderCompleted(who, Order.of("o-" + user).revenue(59.9).currency("EUR")
                .product(Product.of("p-1").category("Shoes").price(59.9).quantity(1))));
        List<String> json = new ArrayList<>();
        try (FootfallClient client = FootfallClient.builder(app(), Api.WRITE_KEY).batchSize(7).maxInFlight(2).build()) {
            for (Message m : messages) {
                assertTrue(client.enqueue(m));
                json.add(m.toJson());
            }
            assertTrue(client.flush(Duration.ofSeconds(60)));
            ClientMetrics first = client.metrics();
            assertEquals(messages.size(), first.sent(), first.toString());
            assertEquals(0, first.failed(), first.toString());
            assertEquals(0, first.duplicates(), first.toString());
        }
        // the same messages again (what a retry after a lost answer does): nothing is stored twice
        try (FootfallClient again = FootfallClient.builder(app(), Api.WRITE_KEY).batchSize(5).build()) {
            for (String m : json) {
                assertTrue(again.enqueue(copyOf((Map<?, ?>) io.footfall.sdk.Json.parse(m), who)));
            }
            again.close();
            assertEquals(messages.size(), again.metrics().duplicates(), again.metrics().toString());
        }

        Api.awaitProfile(user, messages.size());
        Api.awaitProjectionsCaughtUp();
        Map<String, Long> timeline = timeline(user);
        assertEquals(messages.size(), timeline.size(), "every message is in the timeline");
        timeline.forEach((id, n) -> assertEquals(1L, n, id + " once"));
        for (Message m : messages) {
            assertTrue(timeline.containsKey(m.messageId()), m.messageId());
        }
        JsonPath profile = admin().get("/api/v1/profiles/{id}", user).then().statusCode(200).extract().jsonPath();
        assertEquals(20, profile.getInt("eventCounts.'Product Viewed'"));
        assertEquals(1, profile.getInt("orders"));
        assertEquals("pro", profile.getString("traits.plan"));
    }

    /** The same message (same id, type, fields) built again from its JSON. */
    private static Message copyOf(Map<?, ?> parsed, Identity who) {
        String type = (String) parsed.get("type");
        Message m = switch (type) {
            case "identify" -> Message.identify(who, castMap(parsed.get("traits")));
            default -> Message.track(who, (String) parsed.get("event")).properties(castMap(parsed.get("properties")));
        };
        return m.messageId((String) parsed.get("messageId")).timestamp(Instant.parse((String) parsed.get("timestamp")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return o == null ? Map.of() : (Map<String, Object>) o;
    }

    private static int backfill(String format, Path file, StringBuilder output, String... more) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new java.util.ArrayList<>(List.of("backfill", "--format", format, "--url", app().toString(),
                "--write-key", Api.WRITE_KEY, "--batch", "100"));
        args.addAll(List.of(more));
        args.add(file.toString());
        int status = LogsMain.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        output.setLength(0);
        output.append(out.toString(StandardCharsets.UTF_8)).append(err.toString(StandardCharsets.UTF_8));
        return status;
    }

    /**
     * {@code backfill --server}: the file travels as lines, in pieces, and the server maps and validates the rows. The
     * same rows get the same message ids as the client-side backfill (either way, each row is stored once), bad rows
     * are reported with their line numbers across pieces, and the events keep their historical times.
     */
    @Test
    void serverSideImportStoresEachRowOnceWhicheverSideMapsIt() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Path file = Files.createTempDirectory("import").resolve("UserBehavior-" + run + ".csv");
        StringBuilder rows = new StringBuilder("user,item,category,behavior,timestamp\r\n");
        long t0 = 1511539200L;
        String[] behaviors = {"pv", "pv", "cart", "fav", "buy"};
        int good = 0;
        String user = "srv-" + run;
        for (int i = 0; i < 3000; i++) {
            rows.append(user).append('-').append(i % 3).append(',').append(500 + i % 40).append(",12,")
                    .append(behaviors[i % behaviors.length]).append(',').append(t0 + i * 60L).append(i % 2 == 0 ? "\r\n" : "\n");
            good++;
            if (i == 2000) {
                rows.append(user).append(",1,2,pv,yesterday\n"); // bad: line 2003 (header, 2001 rows, this)
            }
        }
        Files.writeString(file, rows);
        StringBuilder output = new StringBuilder();
        // pieces of 64 KiB: the file (about 100 KB) goes in two, so line numbers must carry across pieces
        assertEquals(0, backfill("userbehavior", file, output, "--server", "--piece-bytes", "65536"), output.toString());
        assertTrue(output.toString().contains(String.format(java.util.Locale.ROOT, "%,d events (%,d stored, 0 already there", good, good)),
                output.toString());
        assertTrue(output.toString().contains("1 bad rows"), output.toString());
        assertTrue(output.toString().contains("line 2003: timestamp is not an integer"), output.toString());
        // the client-side backfill of the same file and tag finds every row stored
        assertEquals(0, backfill("userbehavior", file, output), output.toString());
        String allThere = String.format(java.util.Locale.ROOT, "0 stored, %,d already there", good);
        assertTrue(output.toString().contains(allThere), output.toString());
        assertEquals(0, backfill("userbehavior", file, output, "--server"), output.toString());
        assertTrue(output.toString().contains(allThere), output.toString());

        Api.awaitProfile(user + "-0", 1000);
        Api.awaitProjectionsCaughtUp();
        JsonPath profile = admin().get("/api/v1/profiles/{id}", user + "-0").then().statusCode(200).extract().jsonPath();
        assertEquals(Instant.ofEpochSecond(t0), Instant.parse(profile.getString("firstSeen")), "the first row's time, kept");
        assertEquals(Instant.ofEpochSecond(t0 + 2997 * 60L), Instant.parse(profile.getString("lastSeen")), "the last row's time");
        // the importing machine's address is not the shoppers'
        assertEquals(null, admin().get("/api/v1/profiles/{id}/events?limit=1", user + "-0").jsonPath()
                .getString("items[0].event.context.ipTruncated"));

        // formats that assemble orders from several rows stay client-side; the command says so
        assertEquals(2, backfill("online-retail", file, output, "--server"), output.toString());
        assertTrue(output.toString().contains("leave out --server"), output.toString());
    }

    /** Bad requests to {@code POST /v1/import} are answered with the parameter at fault, and nothing is stored. */
    @Test
    void importRequestsNameWhatIsWrong() {
        String rows = "u1,1,2,pv,1511539200\n";
        java.util.function.Supplier<io.restassured.specification.RequestSpecification> writer = () -> RestAssured.given()
                .baseUri(app().toString()).auth().preemptive().basic(Api.WRITE_KEY, "").contentType("text/csv");
        writer.get().body(rows).post("/v1/import?tag=t").then().statusCode(400).body("field", org.hamcrest.Matchers.equalTo("format"));
        writer.get().body(rows).post("/v1/import?format=online-retail&tag=t").then().statusCode(400)
                .body("field", org.hamcrest.Matchers.equalTo("format"));
        writer.get().body(rows).post("/v1/import?format=userbehavior").then().statusCode(400)
                .body("field", org.hamcrest.Matchers.equalTo("tag"));
        writer.get().body(rows).post("/v1/import?format=userbehavior&tag=t&firstLine=0").then().statusCode(400)
                .body("field", org.hamcrest.Matchers.equalTo("firstLine"));
        writer.get().body("").post("/v1/import?format=userbehavior&tag=t").then().statusCode(400)
                .body("field", org.hamcrest.Matchers.equalTo("body"));
        io.restassured.RestAssured.given().baseUri(app().toString()).auth().preemptive().basic("not-a-key", "")
                .body(rows).post("/v1/import?format=userbehavior&tag=t").then().statusCode(401)
                .body("field", org.hamcrest.Matchers.equalTo("writeKey"));
        // a bad row is an answer about that row, with its line number counted from firstLine
        writer.get().body("u1,1,2,pv,1511539200\nu1,1,2,pv,soon\n").post("/v1/import?format=userbehavior&tag=bad-" + UUID.randomUUID()
                + "&firstLine=41").then().statusCode(200).body("events", org.hamcrest.Matchers.equalTo(1))
                .body("badRows", org.hamcrest.Matchers.equalTo(1)).body("bad[0].line", org.hamcrest.Matchers.equalTo(42));
    }

    @Test
    void backfillKeepsHistoricalTimesAndReRunningAddsNothing() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Path dir = Files.createTempDirectory("backfill");
        Path userBehavior = dir.resolve("UserBehavior-" + run + ".csv");
        StringBuilder rows = new StringBuilder();
        Map<String, Integer> perUser = new HashMap<>();
        long t0 = 1511539200L;
        String[] behaviors = {"pv", "pv", "pv", "cart", "fav", "buy"};
        int good = 0;
        for (int i = 0; i < 240; i++) {
            String user = "ub-" + run + "-" + (i % 4);
            rows.append(user).append(',').append(1000 + i).append(',').append(7 + i % 3).append(',')
                    .append(behaviors[i % behaviors.length]).append(',').append(t0 + i * 60L).append('\n');
            perUser.merge(user, 1, Integer::sum);
            good++;
            if (i == 100) {
                rows.append(user).append(",1,2,click,").append(t0).append('\n'); // bad: line 102
            }
        }
        Files.writeString(userBehavior, rows);

        StringBuilder output = new StringBuilder();
        assertEquals(0, backfill("userbehavior", userBehavior, output), output.toString());
        assertTrue(output.toString().contains(good + " stored, 0 already there"), output.toString());
        assertTrue(output.toString().contains("line 102: behavior is not one of pv, cart, fav, buy"), output.toString());

        assertEquals(0, backfill("userbehavior", userBehavior, output), output.toString());
        assertTrue(output.toString().contains("0 stored, " + good + " already there"), "re-run is idempotent: " + output);

        String user0 = "ub-" + run + "-0";
        Api.awaitProfile(user0, perUser.get(user0));
        Api.awaitProjectionsCaughtUp();
        Map<String, Long> timeline = timeline(user0);
        assertEquals((long) perUser.get(user0), timeline.size());
        timeline.forEach((id, n) -> assertEquals(1L, n, id + " once"));
        List<String> times = admin().get("/api/v1/profiles/{id}/events?limit=500", user0).jsonPath().getList("items.event.occurredAt", String.class);
        for (String t : times) {
            long seconds = Instant.parse(t).getEpochSecond();
            assertTrue(seconds >= t0 && seconds < t0 + 240 * 60 && (seconds - t0) % 60 == 0, "historical time kept exactly: " + t);
        }
        assertEquals(Instant.ofEpochSecond(t0), times.stream().map(Instant::parse).min(Instant::compareTo).orElseThrow(),
                "the user's first row's time");
    }

    @Test
    void onlineRetailInvoicesAreOrdersImportedOnce() throws Exception {
        String customer = "9" + Math.floorMod(UUID.randomUUID().getLeastSignificantBits(), 100_000_000L);
        Path file = Files.createTempDirectory("retail").resolve("online_retail-" + customer + ".csv");
        Files.writeString(file, """
                "","InvoiceNo","StockCode","Description","Quantity","InvoiceDate","UnitPrice","CustomerID","Country"
                "1","I%1$s","85123A","WHITE HANGING HEART T-LIGHT HOLDER",6,"12/1/2010 8:26",2.55,%1$s,"United Kingdom"
                "2","I%1$s","71053","WHITE METAL LANTERN",6,"12/1/2010 8:26",3.39,%1$s,"United Kingdom"
                "3","J%1$s","22423","REGENCY CAKESTAND 3 TIER",1,"6/1/2011 9:10",12.75,%1$s,"United Kingdom"
                "4","K%1$s","22423","REGENCY CAKESTAND 3 TIER",1,"6/1/2011 9:10",-12.75,%1$s,"United Kingdom"
                """.formatted(customer));
        StringBuilder output = new StringBuilder();
        assertEquals(0, backfill("online-retail", file, output), output.toString());
        assertTrue(output.toString().contains("2 stored"), output.toString());
        assertTrue(output.toString().contains("line 5: UnitPrice is negative"), output.toString());
        assertEquals(0, backfill("online-retail", file, output), output.toString());
        assertTrue(output.toString().contains("0 stored, 2 already there"), output.toString());

        Api.awaitProfile(customer, 2);
        Api.awaitProjectionsCaughtUp();
        JsonPath profile = admin().get("/api/v1/profiles/{id}", customer).then().statusCode(200).extract().jsonPath();
        assertEquals(2, profile.getInt("orders"), "one order per invoice, each once");
        assertEquals(35.64 + 12.75, profile.getDouble("revenue"), 0.001);
    }
}
