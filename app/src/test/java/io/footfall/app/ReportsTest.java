package io.footfall.app;

import static io.footfall.app.Api.admin;
import static io.footfall.app.Api.tracking;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The report API end to end over planted traffic sent through the tracking API, in weeks of June 2025 that no other
 * test writes to (so every number is exact although the app and its log are shared): 7 people on Monday 2 June of
 * whom 3 come back in the second week, 2 new people in the second week, a funnel with one drop-off per step (and one
 * person who viewed before searching), a search without results and without a click, products in two categories,
 * recommendation lists shown and clicked. A segment's memberships (also as the plugin's {@code Segment Entered} /
 * {@code Segment Exited} events in the log, which the segment rollups follow), churn scores, recommendation lists and model
 * versions are planted in the plugin results read model and the model store (with ids only this test uses), as the
 * segmentation, churn, recommender and other plugins would write them. Then: every report's numbers, the segment filter, CSV and JSON exports with small-group
 * suppression, a replay of the reporting projection, bad parameters and roles.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportsTest {

    private static final String DAY1 = "2025-06-02";
    private static final String RANGE_TO = "2025-06-15";

    @Inject
    DataSource ds;
    @Inject
    io.footfall.reporting.ReportQueries queries;
    @Inject
    io.footfall.core.store.EventLog log;

    private final String p = "rp" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final String shoe = p + "-shoe";
    private final String book = p + "-book";
    private final String noHits = p + " xyzzy";
    private final String vip = p + "-vip";
    private String analystUser;

    private static Instant at(String day, String time) {
        return Instant.parse(day + "T" + time + "Z");
    }

    private String user(int i) {
        return p + "-u" + i;
    }

    private static String msg(String type, String event, String user, Instant at, String properties) {
        return "{\"type\":\"" + type + "\"" + (event == null ? "" : ",\"event\":\"" + event + "\"") + ",\"userId\":\"" + user
                + "\",\"timestamp\":\"" + at + "\",\"properties\":" + properties + "}";
    }

    private String page(String user, Instant at) {
        return msg("page", null, user, at, "{\"path\":\"/\"}");
    }

    private String product(String id, String category, String brand) {
        return "\"product_id\":\"" + id + "\",\"name\":\"Name of " + id + "\",\"category\":\"" + category + "\",\"brand\":\"" + brand + "\",\"price\":20";
    }

    private String track(String event, String user, Instant at, String properties) {
        return msg("track", event, user, at, properties);
    }

    private static void send(List<String> messages) {
        tracking().body("{\"batch\":[" + String.join(",", messages) + "]}").post("/v1/batch").then().statusCode(200)
                .body("stored", equalTo(messages.size()));
    }

    private boolean planted;

    /** The application's port, kept for {@link #enableChurnAgain} (RestAssured's is reset after the last test). */
    private int port;

    /** The live churn plugin scores every user it sees; this test plants its scores, so the plugin sits this one out. */
    @org.junit.jupiter.api.AfterAll
    void enableChurnAgain() {
        if (port != 0) {
            admin().port(port).post("/api/v1/plugins/churn/enable").then().statusCode(200);
        }
    }

    /** Plants the traffic once per test instance (the class has one): RestAssured knows the app's port only inside tests. */
    @BeforeEach
    void plant() throws SQLException {
        if (planted) {
            return;
        }
        planted = true;
        port = RestAssured.port;
        admin().post("/api/v1/plugins/churn/disable").then().statusCode(200);
        List<String> day1 = new ArrayList<>();
        String shoeProps = "{" + product(shoe, "Shoes", "Acme") + "}";
        for (int i = 1; i <= 7; i++) {
            day1.add(page(user(i), at(DAY1, "10:00:00")));
        }
        for (int i = 1; i <= 6; i++) {
            String query = i == 6 ? noHits : "Running  Shoes";
            day1.add(track("Products Searched", user(i), at(DAY1, "10:01:00"), "{\"query\":\"" + query + "\",\"results\":" + (i == 6 ? 0 : 12) + "}"));
        }
        for (int i = 1; i <= 5; i++) {
            day1.add(track("Product Viewed", user(i), at(DAY1, "10:02:00"), shoeProps));
        }
        // u6 viewed before searching: not in the funnel's second step
        day1.add(track("Product Viewed", user(6), at(DAY1, "09:58:00"), shoeProps));
        for (int i = 1; i <= 4; i++) {
            day1.add(track("Product Added", user(i), at(DAY1, "10:03:00"), "{" + product(shoe, "Shoes", "Acme") + ",\"quantity\":1}"));
        }
        for (int i = 1; i <= 3; i++) {
            day1.add(track("Checkout Started", user(i), at(DAY1, "10:04:00"), "{\"order_id\":\"" + p + "-o" + i + "\",\"revenue\":20}"));
        }
        for (int i = 1; i <= 2; i++) {
            day1.add(track("Order Completed", user(i), at(DAY1, "10:05:00"), "{\"order_id\":\"" + p + "-o" + i
                    + "\",\"revenue\":120,\"products\":[{" + product(shoe, "Shoes", "Acme") + ",\"quantity\":1}]}"));
        }
        // u6 comes back two hours later: a second session, which ends the search without a click
        day1.add(page(user(6), at(DAY1, "12:00:00")));
        day1.add(track("Product Viewed", user(7), at(DAY1, "10:30:00"), "{" + product(book, "Books", "Paper") + "}"));
        // recommendation lists shown 4 times, clicked once
        for (int i = 0; i < 4; i++) {
            day1.add(track("Product List Viewed", user(7), at(DAY1, "10:3" + (i + 1) + ":00"), "{\"list_id\":\"recommended\"}"));
        }
        day1.add(track("Product Clicked", user(7), at(DAY1, "10:36:00"), "{\"list_id\":\"recommended\"," + product(book, "Books", "Paper") + "}"));
        send(day1);
        // the segment vip: u1, u2 and u3 enter after day 1 (their history joins the segment's rollups), u3 leaves after
        // week 2 (whose events folded into the segment's rollups meanwhile)
        for (int i = 1; i <= 3; i++) {
            segmentEvent(user(i), vip, true, at(DAY1, "11:00:00"));
        }
        // week 2: three come back, two are new
        send(List.of(page(user(1), at("2025-06-10", "09:00:00")), page(user(2), at("2025-06-10", "09:00:00")),
                page(user(3), at("2025-06-10", "09:00:00")), page(user(8), at("2025-06-11", "09:00:00")),
                page(user(9), at("2025-06-11", "09:00:00"))));
        segmentEvent(user(3), vip, false, at("2025-06-11", "12:00:00"));
        plantPluginResults();
        awaitReporting();
        admin().get("/api/v1/segments/{id}/members", vip).then().statusCode(200).body("members.userId", equalTo(List.of(user(1), user(2))));

        analystUser = p + "-analyst";
        admin().contentType("application/json").body(Map.of("username", analystUser, "password", "analyst-password", "roles", List.of("analyst")))
                .post("/api/v1/accounts").then().statusCode(201);
    }

    /**
     * The segment {@code vip} of u1 and u2 (u3 left it), as the segmentation plugin publishes memberships (planted
     * rather than evaluated: the plugin's batches can time out on a loaded machine), churn scores of u1 (high, value
     * 1200) and u2 (medium, value 50), three recommendation lists holding one item, and model versions.
     */
    private void plantPluginResults() throws SQLException {
        try (Connection c = ds.getConnection()) {
            for (int i = 1; i <= 3; i++) {
                result(c, "segmentation", "SEGMENT_MEMBERSHIP", vip + ":" + user(i), user(i), "{\"userId\":\"" + user(i) + "\",\"segment\":\""
                        + vip + "\",\"member\":" + (i < 3) + ",\"score\":1.0}");
            }
            result(c, "churn", "USER_SCORE", "churn:" + user(1), user(1), "{\"userId\":\"" + user(1) + "\",\"name\":\"churn\",\"score\":0.9,"
                    + "\"band\":\"high\",\"reasons\":[{\"feature\":\"days_since_last_order\",\"contribution\":0.5,\"text\":\"no order for 40 days\"}]}");
            result(c, "churn", "USER_SCORE", "retention:" + user(1), user(1), "{\"userId\":\"" + user(1) + "\",\"name\":\"retention\",\"score\":0.9,"
                    + "\"band\":\"win-back-voucher\",\"reasons\":[]}");
            result(c, "churn", "USER_SCORE", "churn:" + user(2), user(2), "{\"userId\":\"" + user(2) + "\",\"name\":\"churn\",\"score\":0.6,"
                    + "\"band\":\"medium\",\"reasons\":[]}");
            result(c, "churn", "USER_SCORE", "churn:" + user(3), user(3), "{\"userId\":\"" + user(3) + "\",\"name\":\"churn\",\"score\":0.1,"
                    + "\"band\":\"low\",\"reasons\":[]}");
            // the customer's value, as the plugin publishes it (ChurnPlugin.CONTEXT_SCORE: revenue of the last 90 days)
            for (int i = 1; i <= 2; i++) {
                result(c, "churn", "USER_SCORE", io.footfall.plugins.churn.ChurnPlugin.CONTEXT_SCORE + ":" + user(i), user(i), "{\"userId\":\""
                        + user(i) + "\",\"name\":\"" + io.footfall.plugins.churn.ChurnPlugin.CONTEXT_SCORE + "\",\"score\":" + (i == 1 ? "1200.0" : "50.0")
                        + ",\"band\":\"model\",\"reasons\":[]}");
            }
            for (int i = 1; i <= 3; i++) {
                result(c, "recommender", "RANKED_ITEMS", "recommended:user:" + p + "-r" + i, p + "-r" + i, "{\"list\":\"recommended\",\"userId\":\""
                        + p + "-r" + i + "\",\"items\":[{\"itemId\":\"" + p + "-rec\",\"score\":1.0}]}");
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO plugin_model (plugin_id, version, bytes, metrics, metadata, created_at) "
                    + "VALUES (?, ?, ?, ?::jsonb, '{}'::jsonb, ?)")) {
                for (int v = 1; v <= 2; v++) {
                    s.setString(1, p + "-plugin");
                    s.setInt(2, v);
                    s.setBytes(3, new byte[] {1});
                    s.setString(4, "{\"auc\":0." + (7 + v) + "}");
                    s.setTimestamp(5, Timestamp.from(at("2025-06-0" + v, "08:00:00")));
                    s.executeUpdate();
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO plugin_model_promotion (plugin_id, version, promoted_at) VALUES (?, 1, now())")) {
                s.setString(1, p + "-plugin");
                s.executeUpdate();
            }
        }
    }

    /**
     * Appends a {@code Segment Entered} or {@code Segment Exited} event of a user as the segmentation plugin derives it
     * (source {@code plugin:segmentation}, property {@code segmentId}).
     */
    private void segmentEvent(String user, String segment, boolean entered, Instant at) {
        String id = UUID.randomUUID().toString();
        io.footfall.api.event.BehaviorEvent e = new io.footfall.api.event.BehaviorEvent(id, id, io.footfall.api.event.EventKind.TRACK,
                entered ? "Segment Entered" : "Segment Exited", user, null, null, null, at, Instant.now(), null, null, "plugin:segmentation",
                null, null, null, io.footfall.api.event.EventContext.empty(), Map.of("segmentId", segment, "segmentKind", "rule"), Map.of());
        log.appendNow(List.of(new org.axonframework.eventhandling.GenericEventMessage<>(id, new io.footfall.core.store.RecordedBehavior(e, null),
                org.axonframework.messaging.MetaData.emptyInstance(), Instant.now())));
    }

    private static void result(Connection c, String plugin, String type, String key, String user, String payload) throws SQLException {
        Db.pluginResult(c, plugin, type, key, user, payload);
    }

    /**
     * Waits until the reporting processor has folded the whole log as it is now, and says it is no longer replaying.
     * (Axon keeps a replay token until an event beyond the reset point arrives; on this idle log the status must still
     * end the replay once the processor reaches that point.)
     */
    private static void awaitReporting() {
        Poll.until(Duration.ofSeconds(180), () -> Poll.json(admin().get("/api/v1/projections/reporting").asString()),
                s -> s.getLong("lag") == 0 && s.getLong("position") >= s.getLong("head") && !s.getBoolean("replaying"));
    }

    private static JsonPath report(String path, Object... params) {
        RequestSpecification r = admin();
        for (int i = 0; i < params.length; i += 2) {
            r = r.queryParam((String) params[i], params[i + 1]);
        }
        return r.get("/api/v1/reports/" + path).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void overviewByWeekAndDay() {
        JsonPath o = report("overview", "from", DAY1, "to", RANGE_TO, "granularity", "week");
        assertEquals("week", o.getString("granularity"));
        assertEquals(List.of("2025-06-02", "2025-06-09"), o.getList("series.period"));
        assertEquals(List.of(7, 5), o.getList("series.activeUsers"));
        assertEquals(List.of(7, 2), o.getList("series.newUsers"));
        assertEquals(List.of(0, 3), o.getList("series.returningUsers"));
        assertEquals(List.of(8, 5), o.getList("series.sessions"), "u6 had two sessions on day 1");
        assertEquals(List.of(35, 5), o.getList("series.events"));
        assertEquals(Map.of("page", 8, "Products Searched", 6, "Product Viewed", 7, "Product Added", 4, "Checkout Started", 3,
                "Order Completed", 2, "Product List Viewed", 4, "Product Clicked", 1), o.getMap("series[0].eventsByType"));
        assertEquals(Map.of("activeUsers", 9, "newUsers", 9, "returningUsers", 0, "sessions", 13, "events", 40), o.getMap("totals"));

        JsonPath days = report("overview", "from", "2025-06-03", "to", RANGE_TO);
        assertEquals(List.of("2025-06-10", "2025-06-11"), days.getList("series.period"));
        assertEquals(List.of(0, 2), days.getList("series.newUsers"));
        assertEquals(List.of(3, 0), days.getList("series.returningUsers"), "seen before the range: returning");

        JsonPath month = report("overview", "from", DAY1, "to", RANGE_TO, "granularity", "month");
        assertEquals(List.of("2025-06-01"), month.getList("series.period"));
        assertEquals(List.of(9), month.getList("series.activeUsers"));

        JsonPath segment = report("overview", "from", DAY1, "to", RANGE_TO, "segment", vip);
        assertEquals(Map.of("activeUsers", 2, "newUsers", 2, "returningUsers", 0, "sessions", 4, "events", 14), segment.getMap("totals"));
        assertEquals(6, segment.getInt("series[0].eventsByType.size()"), "by type from the members' rows");
    }

    @Test
    void funnelWithDropOffsWindowAndSegment() {
        JsonPath f = report("funnel", "from", DAY1, "to", RANGE_TO);
        assertEquals(List.of("Products Searched", "Product Viewed", "Product Added", "Checkout Started", "Order Completed"), f.getList("steps.name"));
        assertEquals(List.of(6, 5, 4, 3, 2), f.getList("steps.users"));
        assertEquals(List.of(0, 1, 1, 1, 1), f.getList("steps.dropOff"));
        assertEquals(List.of(1.0f, 0.8333f, 0.8f, 0.75f, 0.6667f), f.getList("steps.conversionFromPrevious"));
        assertEquals(List.of(1.0f, 0.8333f, 0.6667f, 0.5f, 0.3333f), f.getList("steps.conversionFromStart"));

        // the view is 60 s after the search, the cart add 120 s
        JsonPath minute = report("funnel", "from", DAY1, "to", RANGE_TO, "steps", "Products Searched,Product Viewed,Product Added", "window", "PT1M");
        assertEquals(List.of(6, 5, 0), minute.getList("steps.users"));

        JsonPath segment = report("funnel", "from", DAY1, "to", RANGE_TO, "segment", vip);
        assertEquals(List.of(2, 2, 2, 2, 2), segment.getList("steps.users"));
        // other steps with a segment: counted on request over the members of report_segment_member
        assertEquals(List.of(2, 2), report("funnel", "from", DAY1, "to", RANGE_TO, "segment", vip, "steps", "Products Searched,Product Viewed")
                .getList("steps.users"));

        // the first step must happen in the range
        assertEquals(List.of(0, 0), report("funnel", "from", "2025-06-03", "to", RANGE_TO, "steps", "Products Searched,Product Viewed").getList("steps.users"));
    }

    /** The default funnel of everyone and of a segment comes from its rollup; it counts what the per-person query counts. */
    @Test
    void theRolledUpDefaultFunnelEqualsTheLiveQuery() {
        List<String> steps = io.footfall.reporting.ReportParams.DEFAULT_STEPS;
        for (String[] range : new String[][] {{DAY1, RANGE_TO}, {DAY1, DAY1}, {"2025-06-03", RANGE_TO}, {"2025-05-26", "2025-06-08"}}) {
            io.footfall.reporting.ReportParams.Range r = new io.footfall.reporting.ReportParams.Range(java.time.LocalDate.parse(range[0]),
                    java.time.LocalDate.parse(range[1]));
            assertEquals(queries.funnelLive(r, steps, Duration.ofDays(7), null).steps(), queries.funnel(r, steps, Duration.ofDays(7), null).steps(),
                    range[0] + ".." + range[1]);
            assertEquals(queries.funnelLive(r, steps, Duration.ofDays(7), vip).steps(), queries.funnel(r, steps, Duration.ofDays(7), vip).steps(),
                    "segment " + range[0] + ".." + range[1]);
            assertEquals("rollup", queries.funnel(r, steps, Duration.ofDays(7), vip).source());
        }
        assertEquals(List.of(6L, 5L, 4L, 3L, 2L), queries.funnel(new io.footfall.reporting.ReportParams.Range(java.time.LocalDate.parse(DAY1),
                java.time.LocalDate.parse(RANGE_TO)), steps, Duration.ofDays(7), null).steps().stream().map(s -> s.users()).toList());
    }

    @Test
    void cohorts() {
        JsonPath c = report("cohorts", "from", DAY1, "to", "2025-06-22", "weeks", "3");
        assertEquals(3, c.getInt("weeks"));
        assertEquals(List.of("2025-W23", "2025-W24"), c.getList("cohorts.cohort"));
        assertEquals(List.of("2025-06-02", "2025-06-09"), c.getList("cohorts.start"));
        assertEquals(List.of(7, 2), c.getList("cohorts.size"));
        assertEquals(List.of(1.0f, 0.4286f, 0.0f), c.getList("cohorts[0].retention"));
        assertEquals(List.of(1.0f, 0.0f), c.getList("cohorts[1].retention"), "weeks after the range's end are left out");
    }

    @Test
    void preferences() {
        JsonPath pr = report("preferences", "from", DAY1, "to", RANGE_TO);
        assertEquals(List.of("Shoes", "Books"), pr.getList("categories.name"));
        assertEquals(List.of(6, 1), pr.getList("categories.users"));
        assertEquals(List.of(0.8571f, 0.1429f), pr.getList("categories.share"));
        assertEquals(List.of("Acme", "Paper"), pr.getList("brands.name"));
        assertEquals(List.of(shoe, book), pr.getList("topProducts.viewed.productId"));
        assertEquals(List.of(6, 1), pr.getList("topProducts.viewed.count"));
        assertEquals("Name of " + shoe, pr.getString("topProducts.viewed[0].name"));
        assertEquals(List.of(4), pr.getList("topProducts.carted.count"));
        assertEquals(List.of(2), pr.getList("topProducts.purchased.count"));
        assertEquals(List.of(Map.of("query", noHits, "count", 1)), pr.getList("searches.noResult"));
        assertEquals(List.of(Map.of("query", noHits, "count", 1)), pr.getList("searches.noClick"), "the clicked searches are not listed");

        JsonPath segment = report("preferences", "from", DAY1, "to", RANGE_TO, "segment", vip, "limit", "1");
        assertEquals(List.of(Map.of("name", "Shoes", "users", 2, "share", 1.0f)), segment.getList("categories"));
    }

    @Test
    void topProductsAndSearchesFollowTheSegment() {
        // vip = u1 and u2: each viewed, carted and bought the shoe once and clicked after searching "running shoes"
        JsonPath segment = report("preferences", "from", DAY1, "to", RANGE_TO, "segment", vip);
        assertEquals(List.of(shoe), segment.getList("topProducts.viewed.productId"), "the book was viewed by u7 only");
        assertEquals(List.of(2), segment.getList("topProducts.viewed.count"));
        assertEquals("Name of " + shoe, segment.getString("topProducts.viewed[0].name"));
        assertEquals(List.of(2), segment.getList("topProducts.carted.count"));
        assertEquals(List.of(2), segment.getList("topProducts.purchased.count"));
        assertEquals(List.of(), segment.getList("searches.noResult"), "u6's search without results is not the segment's");
        assertEquals(List.of(), segment.getList("searches.noClick"));
        // everyone: store-wide counts as before
        JsonPath all = report("preferences", "from", DAY1, "to", RANGE_TO);
        assertEquals(List.of(6, 1), all.getList("topProducts.viewed.count"));
    }

    /**
     * Identity stitching: a shopper browses anonymously on Monday, logs in on Wednesday (the identify carries both
     * ids), browses anonymously again on Thursday on the same device, and on Friday logs in from a second device
     * that browsed on Tuesday. One person, new on Monday and returning after, in the overview and the cohorts.
     */
    @Test
    void anonymousHistoryJoinsTheUserAtLogin() {
        String user = p + "-stitched";
        String phone = p + "-anon-phone";
        String laptop = p + "-anon-laptop";
        String mon = "2025-09-01";
        send(List.of(anonymous("page", null, phone, at(mon, "10:00:00")),
                anonymous("track", "Video Played", phone, at(mon, "10:01:00"))));
        send(List.of(anonymous("page", null, laptop, at("2025-09-02", "10:00:00"))));
        send(List.of(identify(user, phone, at("2025-09-03", "10:00:00")), page(user, at("2025-09-03", "10:01:00"))));
        send(List.of(anonymous("page", null, phone, at("2025-09-04", "10:00:00"))));
        send(List.of(identify(user, laptop, at("2025-09-05", "10:00:00"))));
        awaitReporting();

        JsonPath week = report("overview", "from", mon, "to", "2025-09-07");
        assertEquals(Map.of("activeUsers", 1, "newUsers", 1, "returningUsers", 0, "sessions", 5, "events", 7), week.getMap("totals"));
        assertEquals(List.of(mon, "2025-09-02", "2025-09-03", "2025-09-04", "2025-09-05"), week.getList("series.period"));
        assertEquals(List.of(1, 1, 1, 1, 1), week.getList("series.activeUsers"));
        assertEquals(List.of(1, 0, 0, 0, 0), week.getList("series.newUsers"), "the laptop's Tuesday is the same person's");
        assertEquals(List.of(0, 1, 1, 1, 1), week.getList("series.returningUsers"));

        JsonPath later = report("overview", "from", "2025-09-03", "to", "2025-09-07");
        assertEquals(Map.of("activeUsers", 1, "newUsers", 0, "returningUsers", 1, "sessions", 3, "events", 4), later.getMap("totals"),
                "first seen on Monday as an anonymous visitor: returning at login");

        JsonPath cohorts = report("cohorts", "from", mon, "to", "2025-09-07", "weeks", "1");
        assertEquals(List.of("2025-W36"), cohorts.getList("cohorts.cohort"));
        assertEquals(List.of(1), cohorts.getList("cohorts.size"));

        assertEquals(1, Db.count(ds, "SELECT count(*) FROM report_person WHERE person = ?", "user:" + user));
        assertEquals(0, Db.count(ds, "SELECT count(*) FROM report_person WHERE person IN (?, ?)", "anon:" + phone, "anon:" + laptop));
        assertEquals(5, Db.count(ds, "SELECT count(*) FROM report_user_day WHERE person = ?", "user:" + user));
    }

    /**
     * An unmerge splits the reporting person again: a phone browses anonymously on Monday (a search answered by a
     * view, a search without a click, a view in a category), a laptop on Tuesday; the shopper logs in on the phone on
     * Wednesday (and adds to the cart), the phone browses anonymously on Thursday, the laptop logs in on Friday. An
     * operator then unmerges the phone, which browses again on Saturday. The phone's anonymous history (Monday,
     * Thursday, Saturday) is a person of its own, new on Monday; the user keeps the laptop; and every read model of
     * the week is what a replay of the log gives.
     */
    @Test
    void anUnmergeSplitsThePersonAsAReplayWould() {
        String user = p + "-split";
        String phone = p + "-split-phone";
        String laptop = p + "-split-laptop";
        String mon = "2025-10-06";
        String sun = "2025-10-12";
        String rake = "{" + product(p + "-rake", "Garden", "Rake") + "}";
        send(List.of(anonymous("page", null, phone, at(mon, "10:00:00")),
                anonymousTrack("Products Searched", phone, at(mon, "10:01:00"), "{\"query\":\"garden rake\",\"results\":3}"),
                anonymousTrack("Product Viewed", phone, at(mon, "10:02:00"), rake),
                anonymousTrack("Products Searched", phone, at(mon, "10:04:00"), "{\"query\":\"" + p + " hose\",\"results\":5}")));
        send(List.of(anonymous("page", null, laptop, at("2025-10-07", "10:00:00"))));
        send(List.of(identify(user, phone, at("2025-10-08", "10:00:00")), page(user, at("2025-10-08", "10:01:00")),
                track("Product Added", user, at("2025-10-08", "10:02:00"), rake)));
        send(List.of(anonymous("page", null, phone, at("2025-10-09", "10:00:00"))));
        send(List.of(identify(user, laptop, at("2025-10-10", "10:00:00"))));
        awaitReporting();
        // the user is in a segment: its rollups follow the person through both unmerges
        String segment = p + "-split-seg";
        plantMembership(segment, user);
        segmentEvent(user, segment, true, at("2025-10-10", "12:00:00"));
        awaitReporting();
        JsonPath merged = report("overview", "from", mon, "to", sun);
        assertEquals(Map.of("activeUsers", 1, "newUsers", 1, "returningUsers", 0, "sessions", 5, "events", 10), merged.getMap("totals"));
        assertEquals(merged.getMap("totals"), report("overview", "from", mon, "to", sun, "segment", segment).getMap("totals"),
                "the segment holds the stitched person");
        assertEquals(List.of(1, 1, 1, 0, 0), report("funnel", "from", mon, "to", sun).getList("steps.users"),
                "searched and viewed as the phone, added to the cart as the user: one person");

        admin().contentType("application/json").body(Map.of("userId", user, "anonymousId", phone)).post("/api/v1/identity/unmerge").then().statusCode(202);
        send(List.of(anonymous("page", null, phone, at("2025-10-11", "10:00:00"))));
        awaitReporting();

        JsonPath week = report("overview", "from", mon, "to", sun);
        assertEquals(Map.of("activeUsers", 2, "newUsers", 2, "returningUsers", 0, "sessions", 6, "events", 11), week.getMap("totals"));
        assertEquals(List.of(mon, "2025-10-07", "2025-10-08", "2025-10-09", "2025-10-10", "2025-10-11"), week.getList("series.period"));
        assertEquals(List.of(1, 1, 1, 1, 1, 1), week.getList("series.activeUsers"));
        assertEquals(List.of(1, 1, 0, 0, 0, 0), week.getList("series.newUsers"), "the phone is new on Monday, the user on Tuesday");
        assertEquals(List.of(1, 1, 0, 0, 0), report("funnel", "from", mon, "to", sun).getList("steps.users"),
                "the phone searched and viewed; the user never searched");
        JsonPath cohorts = report("cohorts", "from", mon, "to", sun, "weeks", "1");
        assertEquals(List.of(2), cohorts.getList("cohorts.size"));
        assertEquals(Map.of("activeUsers", 1, "newUsers", 1, "returningUsers", 0, "sessions", 3, "events", 5),
                report("overview", "from", mon, "to", sun, "segment", segment).getMap("totals"), "the phone's history left the segment with it");
        assertEquals(List.of(0, 0, 0, 0, 0), report("funnel", "from", mon, "to", sun, "segment", segment).getList("steps.users"));
        assertEquals(List.of("2025-10-06|2025-10-09|2025-10-11"), Db.strings(ds,
                "SELECT string_agg(day::text, '|' ORDER BY day) FROM report_user_day WHERE person = ?", "anon:" + phone));
        assertEquals(List.of("2025-10-07|2025-10-08|2025-10-10"), Db.strings(ds,
                "SELECT string_agg(day::text, '|' ORDER BY day) FROM report_user_day WHERE person = ?", "user:" + user));
        assertEquals(List.of("user:" + user), Db.strings(ds, "SELECT person FROM report_identity WHERE identifier = ?", "anon:" + laptop));
        assertEquals(0, Db.count(ds, "SELECT count(*) FROM report_identity WHERE identifier = ?", "anon:" + phone));
        assertEquals(List.of("c|Garden|anon:" + phone, "b|Rake|anon:" + phone, "c|Garden|user:" + user, "b|Rake|user:" + user),
                Db.strings(ds, "SELECT dimension || '|' || value || '|' || person FROM report_affinity WHERE person IN (?, ?) "
                        + "ORDER BY person, dimension DESC", "anon:" + phone, "user:" + user));

        // a second unmerge re-folds the user's history again: the phone's earlier unmerge holds
        admin().contentType("application/json").body(Map.of("userId", user, "anonymousId", laptop)).post("/api/v1/identity/unmerge")
                .then().statusCode(202);
        awaitReporting();
        JsonPath three = report("overview", "from", mon, "to", sun);
        assertEquals(Map.of("activeUsers", 3, "newUsers", 3, "returningUsers", 0, "sessions", 6, "events", 11), three.getMap("totals"));
        assertEquals(List.of(1, 1, 1, 0, 0, 0), three.getList("series.newUsers"), "phone Monday, laptop Tuesday, user Wednesday");
        assertEquals(List.of("2025-10-06|2025-10-09|2025-10-11"), Db.strings(ds,
                "SELECT string_agg(day::text, '|' ORDER BY day) FROM report_user_day WHERE person = ?", "anon:" + phone));
        assertEquals(List.of("2025-10-07"), Db.strings(ds,
                "SELECT string_agg(day::text, '|' ORDER BY day) FROM report_user_day WHERE person = ?", "anon:" + laptop));
        assertEquals(List.of("2025-10-08|2025-10-10"), Db.strings(ds,
                "SELECT string_agg(day::text, '|' ORDER BY day) FROM report_user_day WHERE person = ?", "user:" + user));
        assertEquals(0, Db.count(ds, "SELECT count(*) FROM report_identity WHERE person = ?", "user:" + user));
        assertEquals(Map.of("activeUsers", 1, "newUsers", 1, "returningUsers", 0, "sessions", 2, "events", 4),
                report("overview", "from", mon, "to", sun, "segment", segment).getMap("totals"));

        Map<String, Object> before = unmergeSnapshot(user, phone, laptop, mon, sun);
        before.putAll(segmentSnapshot(segment));
        admin().post("/api/v1/projections/reporting/replay").then().statusCode(202);
        awaitReporting();
        Map<String, Object> replayed = unmergeSnapshot(user, phone, laptop, mon, sun);
        replayed.putAll(segmentSnapshot(segment));
        for (String k : before.keySet()) {
            assertEquals(before.get(k), replayed.get(k), k + " after a replay");
        }
    }

    /** Every row of a segment's rollups (zero sums left out) and its members. */
    private Map<String, Object> segmentSnapshot(String segment) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (String table : List.of("report_seg_reach", "report_seg_cohort", "report_seg_counter", "report_seg_funnel")) {
            out.put(table, Db.strings(ds, "SELECT t::text FROM " + table + " t WHERE segment = ? AND n <> 0 ORDER BY 1", segment));
        }
        out.put("report_seg_product_day", Db.strings(ds, "SELECT t::text FROM report_seg_product_day t WHERE segment = ? "
                + "AND (views, carts, purchases) <> (0, 0, 0) ORDER BY 1", segment));
        out.put("report_seg_search_day", Db.strings(ds, "SELECT t::text FROM report_seg_search_day t WHERE segment = ? "
                + "AND (searches, no_result, no_click) <> (0, 0, 0) ORDER BY 1", segment));
        out.put("report_segment_member", Db.strings(ds, "SELECT person FROM report_segment_member WHERE segment = ? ORDER BY 1", segment));
        return out;
    }

    /**
     * Segment rollups follow the log: a member's anonymous history joins the segment when a login stitches it, a
     * member who left is out, a {@code Segment Entered} sent by a client is behaviour (not a membership) while the
     * plugin's are not behaviour, a replay rebuilds the same rows, and erasure takes the person out of the segment.
     */
    @Test
    void segmentRollupsFollowStitchingExitsErasureAndReplay() throws SQLException {
        String segment = p + "-seg";
        String a = p + "-sa";
        String b = p + "-sb";
        String c = p + "-sc";
        String phone = p + "-sa-phone";
        String mon = "2025-11-03";
        String sun = "2025-11-09";
        plantMembership(segment, a);
        send(List.of(page(a, at(mon, "10:00:00")), track("Product Viewed", a, at(mon, "10:01:00"), "{" + product(shoe, "Shoes", "Acme") + "}"),
                page(b, at(mon, "10:00:00")), page(c, at(mon, "10:00:00")),
                track("Segment Entered", c, at(mon, "10:02:00"), "{\"segmentId\":\"" + segment + "\"}")));
        segmentEvent(a, segment, true, at(mon, "12:00:00"));
        segmentEvent(b, segment, true, at(mon, "12:00:00"));
        segmentEvent(b, segment, false, at(mon, "13:00:00"));
        send(List.of(anonymous("page", null, phone, at("2025-11-04", "10:00:00"))));
        send(List.of(identify(a, phone, at("2025-11-05", "10:00:00"))));
        awaitReporting();

        JsonPath o = report("overview", "from", mon, "to", sun, "segment", segment);
        assertEquals(Map.of("activeUsers", 1, "newUsers", 1, "returningUsers", 0, "sessions", 3, "events", 4), o.getMap("totals"),
                "a with the phone's Tuesday; b left; c's own Segment Entered is not a membership");
        assertEquals(List.of(mon, "2025-11-04", "2025-11-05"), o.getList("series.period"));
        assertEquals(Map.of("page", 1, "Product Viewed", 1), o.getMap("series[0].eventsByType"));
        assertEquals(List.of(Map.of("name", "Shoes", "users", 1, "share", 1.0f)), report("preferences", "from", mon, "to", sun, "segment", segment)
                .getList("categories"));
        assertEquals(List.of(1), report("cohorts", "from", mon, "to", sun, "weeks", "1", "segment", segment).getList("cohorts.size"));
        JsonPath all = report("overview", "from", mon, "to", sun);
        assertEquals(Map.of("activeUsers", 3, "newUsers", 3, "returningUsers", 0, "sessions", 5, "events", 7), all.getMap("totals"),
                "the plugin's transitions are not behaviour, the client's event is");
        assertEquals(Map.of("page", 3, "Product Viewed", 1, "Segment Entered", 1), all.getMap("series[0].eventsByType"));
        assertEquals(List.of("user:" + a), Db.strings(ds, "SELECT person FROM report_segment_member WHERE segment = ?", segment));

        Map<String, Object> before = segmentSnapshot(segment);
        admin().post("/api/v1/projections/reporting/replay").then().statusCode(202);
        awaitReporting();
        assertEquals(before, segmentSnapshot(segment), "a replay rebuilds the segment's rollups");

        admin().delete("/api/v1/customers/{id}", a).then().statusCode(200);
        // erasure removed a's membership result, the one that made this planted segment known; a rule segment's
        // definition would keep it known, here another (event-less) person's result does
        plantMembership(segment, p + "-known");
        assertEquals(Map.of("activeUsers", 0, "newUsers", 0, "returningUsers", 0, "sessions", 0, "events", 0),
                report("overview", "from", mon, "to", sun, "segment", segment).getMap("totals"));
        assertEquals(0, Db.count(ds, "SELECT count(*) FROM report_segment_member WHERE segment = ?", segment));
    }

    /**
     * A saved funnel: refused without the operator role or with bad fields, backfilled from the history in the
     * background, then read from its rollup with the numbers the query on request gives, kept current by new events,
     * rebuilt by a replay, counted on request with a segment, and gone after a delete.
     */
    @Test
    void savedFunnelsAreBackfilledKeptCurrentAndReadFromTheirRollup() {
        String id = p + "-three";
        Map<String, Object> body = Map.of("id", id, "name", "Search to cart in a minute",
                "steps", List.of("Products Searched", "Product Viewed", "Product Added"), "window", "PT1M");
        RestAssured.given().auth().preemptive().basic(analystUser, "analyst-password").contentType("application/json").body(body)
                .post("/api/v1/reports/funnels").then().statusCode(403);
        admin().contentType("application/json").body(body).post("/api/v1/reports/funnels").then().statusCode(201)
                .body("id", equalTo(id)).body("window", equalTo("PT1M")).body("steps.size()", equalTo(3));
        admin().contentType("application/json").body(body).post("/api/v1/reports/funnels").then().statusCode(409).body("field", equalTo("id"));
        admin().contentType("application/json").body(Map.of("id", "Bad Id", "steps", List.of("a", "b"))).post("/api/v1/reports/funnels")
                .then().statusCode(400).body("field", equalTo("id"));
        admin().contentType("application/json").body(Map.of("id", p + "-x", "steps", List.of("a"))).post("/api/v1/reports/funnels")
                .then().statusCode(400).body("field", equalTo("steps"));
        admin().contentType("application/json").body(Map.of("id", p + "-x", "steps", List.of("a", "b"), "window", "P100D"))
                .post("/api/v1/reports/funnels").then().statusCode(400).body("field", equalTo("window"));
        JsonPath done = Poll.until(Duration.ofSeconds(120), () -> new JsonPath(admin().get("/api/v1/reports/funnels/{id}", id).asString()),
                f -> "done".equals(f.getString("backfill.state")));
        assertTrue(done.getLong("backfill.done") > 0, "every person was recomputed");
        RestAssured.given().auth().preemptive().basic(analystUser, "analyst-password").get("/api/v1/reports/funnels").then().statusCode(200)
                .body("funnels.id", org.hamcrest.Matchers.hasItem(id));

        JsonPath saved = report("funnel", "from", DAY1, "to", RANGE_TO, "funnel", id);
        assertEquals(List.of(6, 5, 0), saved.getList("steps.users"), "the view 60 s after the search counts, the cart add 120 s after does not");
        assertEquals(report("funnel", "from", DAY1, "to", RANGE_TO, "steps", "Products Searched,Product Viewed,Product Added", "window", "PT1M")
                .getList("steps"), saved.getList("steps"));
        assertEquals("saved", saved.getString("source"), "read from the funnel's rollup, not counted on request");
        JsonPath ofSegment = report("funnel", "from", DAY1, "to", RANGE_TO, "funnel", id, "segment", vip);
        assertEquals(List.of(2, 2, 0), ofSegment.getList("steps.users"));
        assertEquals("saved", ofSegment.getString("source"), "a segment's saved funnel counts the members' entries");
        JsonPath onRequest = report("funnel", "from", DAY1, "to", RANGE_TO, "segment", vip, "steps", "Products Searched,Product Viewed,Product Added",
                "window", "PT1M");
        assertEquals("on-request", onRequest.getString("source"));
        assertEquals(onRequest.getList("steps"), ofSegment.getList("steps"), "the members' entries count what the query on request counts");

        // kept current from the moment it was saved
        String mon = "2025-12-01";
        String quick = p + "-quick";
        send(List.of(track("Products Searched", quick, at(mon, "10:00:00"), "{\"query\":\"rake\",\"results\":1}"),
                track("Product Viewed", quick, at(mon, "10:00:20"), "{" + product(shoe, "Shoes", "Acme") + "}"),
                track("Product Added", quick, at(mon, "10:00:40"), "{" + product(shoe, "Shoes", "Acme") + "}")));
        awaitReporting();
        assertEquals(List.of(1, 1, 1), report("funnel", "from", mon, "to", "2025-12-07", "funnel", id).getList("steps.users"));
        assertSegmentCopiesOfSavedFunnelsMatchTheMembersEntries();

        // the quick user enters a segment of their own after the funnel was saved: their entries join its copy, and
        // leave it with them
        String fast = p + "-fast-seg";
        plantMembership(fast, quick);
        segmentEvent(quick, fast, true, at(mon, "12:00:00"));
        awaitReporting();
        JsonPath ofFast = report("funnel", "from", mon, "to", "2025-12-07", "funnel", id, "segment", fast);
        assertEquals(List.of(1, 1, 1), ofFast.getList("steps.users"));
        assertEquals("saved", ofFast.getString("source"));
        assertSegmentCopiesOfSavedFunnelsMatchTheMembersEntries();

        String before = admin().queryParam("from", DAY1).queryParam("to", "2025-12-07").queryParam("funnel", id).get("/api/v1/reports/funnel").asString();
        String beforeOfVip = report("funnel", "from", DAY1, "to", "2025-12-07", "funnel", id, "segment", vip).getList("steps").toString();
        admin().post("/api/v1/projections/reporting/replay").then().statusCode(202);
        awaitReporting();
        assertEquals(before, admin().queryParam("from", DAY1).queryParam("to", "2025-12-07").queryParam("funnel", id).get("/api/v1/reports/funnel")
                .asString(), "a replay rebuilds the saved funnel's rollup");
        assertEquals(beforeOfVip, report("funnel", "from", DAY1, "to", "2025-12-07", "funnel", id, "segment", vip).getList("steps").toString(),
                "and its segments' copies");
        assertSegmentCopiesOfSavedFunnelsMatchTheMembersEntries();

        segmentEvent(quick, fast, false, at(mon, "13:00:00"));
        awaitReporting();
        assertEquals(List.of(0, 0, 0), report("funnel", "from", mon, "to", "2025-12-07", "funnel", id, "segment", fast).getList("steps.users"));
        assertSegmentCopiesOfSavedFunnelsMatchTheMembersEntries();

        bad("funnel", "funnel", id, "steps", "a,b", "funnel");
        admin().delete("/api/v1/reports/funnels/{id}", id).then().statusCode(204);
        admin().get("/api/v1/reports/funnels/{id}", id).then().statusCode(404);
        admin().delete("/api/v1/reports/funnels/{id}", id).then().statusCode(404);
        bad("funnel", "funnel", id, "funnel");
        assertEquals(0, Db.count(ds, "SELECT count(*) FROM report_saved_funnel_entry WHERE funnel = ?", id));
    }

    /**
     * Each segment's copy of the saved funnels ({@code report_seg_saved_funnel}) holds exactly its current members'
     * entries, in one snapshot (one statement: the processor may be writing).
     */
    private void assertSegmentCopiesOfSavedFunnelsMatchTheMembersEntries() {
        String kept = "SELECT segment, funnel, day, prev_day, depth, n FROM report_seg_saved_funnel WHERE n <> 0";
        String derived = "SELECT m.segment, e.funnel, e.day, e.prev_day, e.depth, count(*) FROM report_saved_funnel_entry e "
                + "JOIN report_segment_member m ON m.person = e.person GROUP BY 1, 2, 3, 4, 5";
        List<String> differences = Db.strings(ds, "SELECT 'kept only: ' || x::text FROM ((" + kept + ") EXCEPT (" + derived + ")) x "
                + "UNION ALL SELECT 'members only: ' || y::text FROM ((" + derived + ") EXCEPT (" + kept + ")) y");
        assertEquals(List.of(), differences);
        assertTrue(Db.count(ds, "SELECT count(*) FROM report_seg_saved_funnel WHERE n <> 0") > 0, "the copies are not empty");
    }

    /** A user's membership as the segmentation plugin publishes it (the segment filter checks the segment exists). */
    private void plantMembership(String segment, String user) {
        try (Connection c = ds.getConnection()) {
            result(c, "segmentation", "SEGMENT_MEMBERSHIP", segment + ":" + user, user, "{\"userId\":\"" + user + "\",\"segment\":\""
                    + segment + "\",\"member\":true,\"score\":1.0}");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The reports of a week and every stored row of these people and of the week's rollups (zero sums left out). */
    private Map<String, Object> unmergeSnapshot(String user, String phone, String laptop, String from, String to) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (String r : List.of("overview", "funnel", "preferences")) {
            out.put(r, admin().queryParam("from", from).queryParam("to", to).get("/api/v1/reports/" + r).asString());
        }
        out.put("cohorts", admin().queryParam("from", from).queryParam("to", to).queryParam("weeks", "2").get("/api/v1/reports/cohorts").asString());
        Object[] people = {"user:" + user, "anon:" + phone, "anon:" + laptop};
        for (String table : List.of("report_person", "report_user_day", "report_user_step", "report_affinity", "report_span",
                "report_user_product", "report_user_search", "report_funnel_entry")) {
            out.put(table, Db.strings(ds, "SELECT t::text FROM " + table + " t WHERE person IN (?, ?, ?) ORDER BY 1", people));
        }
        out.put("report_identity", Db.strings(ds, "SELECT t::text FROM report_identity t WHERE identifier IN (?, ?, ?) OR person IN (?, ?, ?) ORDER BY 1",
                people[0], people[1], people[2], people[0], people[1], people[2]));
        java.time.LocalDate a = java.time.LocalDate.parse(from);
        java.time.LocalDate b = java.time.LocalDate.parse(to);
        out.put("report_reach", Db.strings(ds, "SELECT t::text FROM report_reach t WHERE day BETWEEN ? AND ? AND n <> 0 ORDER BY 1", a, b));
        out.put("report_cohort", Db.strings(ds, "SELECT t::text FROM report_cohort t WHERE first_day BETWEEN ? AND ? AND n <> 0 ORDER BY 1", a, b));
        out.put("report_counter", Db.strings(ds, "SELECT t::text FROM report_counter t WHERE day BETWEEN ? AND ? AND n <> 0 ORDER BY 1", a, b));
        out.put("report_funnel", Db.strings(ds, "SELECT t::text FROM report_funnel t WHERE day BETWEEN ? AND ? AND n <> 0 ORDER BY 1", a, b));
        out.put("report_search_day", Db.strings(ds, "SELECT t::text FROM report_search_day t WHERE day BETWEEN ? AND ? "
                + "AND (searches, no_result, no_click) <> (0, 0, 0) ORDER BY 1", a, b));
        out.put("report_product_day", Db.strings(ds, "SELECT t::text FROM report_product_day t WHERE day BETWEEN ? AND ? ORDER BY 1", a, b));
        return out;
    }

    private static String anonymousTrack(String event, String anonymousId, Instant at, String properties) {
        return "{\"type\":\"track\",\"event\":\"" + event + "\",\"anonymousId\":\"" + anonymousId + "\",\"timestamp\":\"" + at
                + "\",\"properties\":" + properties + "}";
    }

    private static String anonymous(String type, String event, String anonymousId, Instant at) {
        return "{\"type\":\"" + type + "\"" + (event == null ? "" : ",\"event\":\"" + event + "\"") + ",\"anonymousId\":\"" + anonymousId
                + "\",\"timestamp\":\"" + at + "\",\"properties\":{}}";
    }

    private static String identify(String user, String anonymousId, Instant at) {
        return "{\"type\":\"identify\",\"userId\":\"" + user + "\",\"anonymousId\":\"" + anonymousId + "\",\"timestamp\":\"" + at
                + "\",\"traits\":{}}";
    }

    @Test
    void churnRecommendationsAndModels() {
        JsonPath churn = report("churn", "segment", vip);
        assertEquals(List.of(user(1), user(2)), churn.getList("users.userId"));
        assertEquals(List.of(0.9f, 0.6f), churn.getList("users.probability"));
        assertEquals(List.of("high", "medium"), churn.getList("users.band"));
        assertEquals(List.of(1200.0f, 50.0f), churn.getList("users.value"));
        assertEquals(List.of("no order for 40 days"), churn.getList("users[0].reasons"));
        assertEquals(List.of("win-back-voucher"), churn.getList("users[0].strategies"));
        assertEquals(List.of(), churn.getList("users[1].strategies"));
        assertEquals(List.of(user(1)), report("churn", "segment", vip, "minValue", "100").getList("users.userId"));
        assertTrue(report("churn", "limit", "1000").getList("users.userId").containsAll(List.of(user(1), user(2))));
        assertFalse(report("churn", "limit", "1000").getList("users.userId").contains(user(3)), "low risk is not at risk");

        // the lists are counted on a timer (every 0.5 s in tests), not per request
        JsonPath rec = Poll.until(Duration.ofSeconds(60), () -> report("recommendations", "from", DAY1, "to", RANGE_TO, "limit", "1000"),
                r -> r.get("mostRecommended.find { it.itemId == '" + p + "-rec' }") != null);
        assertEquals(0.25f, rec.getFloat("clickThrough"), "1 click on 4 lists shown");
        assertEquals(3, rec.getInt("mostRecommended.find { it.itemId == '" + p + "-rec' }.count"));
        assertTrue(rec.getLong("lists") >= 3, rec.prettify());
        assertTrue(Instant.parse(rec.getString("countedAt")).isAfter(Instant.now().minusSeconds(120)), rec.prettify());
        String recCsv = admin().queryParam("from", DAY1).queryParam("to", RANGE_TO).queryParam("limit", "1000").queryParam("format", "csv")
                .get("/api/v1/reports/recommendations").then().statusCode(200).header("Content-Disposition", containsString("recommendations.csv"))
                .extract().asString();
        assertTrue(recCsv.startsWith("section,item_id,value,suppressed\ncoverage,,"), recCsv);
        assertTrue(recCsv.contains("\nclick_through,,0.25,false\n"), recCsv);
        assertTrue(recCsv.contains("\nmost_recommended," + p + "-rec,,true\n"), "3 lists: below 5, suppressed in the export\n" + recCsv);
        assertTrue(rec.getDouble("coverage") > 0 && rec.getDouble("coverage") <= 1, rec.prettify());
        String quiet = admin().queryParam("from", "2025-07-01").queryParam("to", "2025-07-02").get("/api/v1/reports/recommendations").asString();
        assertTrue(quiet.contains("\"clickThrough\":null"), quiet);

        JsonPath models = report("models");
        String mine = "plugins.find { it.pluginId == '" + p + "-plugin' }";
        assertEquals(List.of(2, 1), models.getList(mine + ".versions.version"));
        assertEquals(List.of(false, true), models.getList(mine + ".versions.promoted"));
        assertEquals(Map.of("auc", 0.9f), models.getMap(mine + ".versions[0].metrics"));
        assertEquals("2025-06-02T08:00:00Z", models.getString(mine + ".versions[0].createdAt"));
    }

    @Test
    void exportsSuppressSmallGroups() {
        String csv = admin().queryParam("from", DAY1).queryParam("to", RANGE_TO).queryParam("granularity", "week").queryParam("format", "csv")
                .get("/api/v1/reports/overview").then().statusCode(200).header("Content-Type", containsString("text/csv"))
                .header("Content-Disposition", containsString("overview.csv")).extract().asString();
        List<String> lines = List.of(csv.split("\n"));
        assertEquals("period,active_users,new_users,returning_users,sessions,events,events:Checkout Started,events:Order Completed,"
                + "events:Product Added,events:Product Clicked,events:Product List Viewed,events:Product Viewed,events:Products Searched,events:page,suppressed", lines.get(0));
        assertEquals("2025-06-02,7,7,0,8,35,3,2,4,1,4,7,6,8,false", lines.get(1));
        assertEquals("2025-06-09,,,,,,,,,,,,,,true", lines.get(2), "2 new users: below 5");
        // complementary suppression: the totals (new users, sessions and events are sums over the weeks) would give the
        // suppressed week back by subtraction
        assertEquals("total,,,,,,,,,,,,,,true", lines.get(3));
        assertEquals(4, lines.size());

        // Accept: text/csv works too; the funnel: 1 dropped at each step, so only the first step is shown
        String funnel = admin().accept("text/csv").queryParam("from", DAY1).queryParam("to", RANGE_TO).get("/api/v1/reports/funnel")
                .then().statusCode(200).extract().asString();
        assertEquals("step,name,users,conversion_from_previous,conversion_from_start,drop_off,suppressed\n"
                + "1,Products Searched,6,1.0,1.0,0,false\n2,Product Viewed,,,,,true\n3,Product Added,,,,,true\n"
                + "4,Checkout Started,,,,,true\n5,Order Completed,,,,,true\n", funnel);

        String prefs = admin().queryParam("from", DAY1).queryParam("to", RANGE_TO).queryParam("format", "csv")
                .get("/api/v1/reports/preferences").then().statusCode(200).extract().asString();
        assertTrue(prefs.contains("\ncategory,Shoes,,6,0.8571,false\n"), prefs);
        assertTrue(prefs.contains("\ncategory,Books,,,,true\n"), prefs);
        assertTrue(prefs.contains("\nsearch_no_result,,,,,true\n"), "a rare query is suppressed with its text: " + prefs);
        assertFalse(prefs.contains("xyzzy"), prefs);

        // the JSON export: the same suppression, as a download
        JsonPath json = admin().queryParam("from", DAY1).queryParam("to", "2025-06-22").queryParam("weeks", "3").queryParam("format", "json")
                .get("/api/v1/reports/cohorts").then().statusCode(200).header("Content-Disposition", containsString("cohorts.json"))
                .extract().jsonPath();
        assertEquals(Map.of("cohort", "2025-W23", "start", "2025-06-02", "suppressed", true), json.getMap("cohorts[0]"),
                "3 of 7 came back: below 5");
        assertEquals(true, json.getBoolean("cohorts[1].suppressed"));
        // the live JSON is not suppressed
        assertNull(report("cohorts", "from", DAY1, "to", "2025-06-22", "weeks", "3").get("cohorts[0].suppressed"));

        String churnCsv = admin().queryParam("segment", vip).queryParam("format", "csv").get("/api/v1/reports/churn").then().statusCode(200).extract().asString();
        assertEquals("user_id,probability,band,value,reasons,strategies\n" + user(1) + ",0.9,high,1200.0,no order for 40 days,win-back-voucher\n"
                + user(2) + ",0.6,medium,50.0,,\n", churnCsv);
        String models = admin().queryParam("format", "csv").get("/api/v1/reports/models").then().statusCode(200).extract().asString();
        assertTrue(models.contains("\n" + p + "-plugin,2,2025-06-02T08:00:00Z,false,auc,0.9\n"), models);
    }

    @Test
    void replayRebuildsTheSameReports() {
        String before = admin().queryParam("from", DAY1).queryParam("to", RANGE_TO).get("/api/v1/reports/overview").asString();
        String funnelBefore = admin().queryParam("from", DAY1).queryParam("to", RANGE_TO).get("/api/v1/reports/funnel").asString();
        RestAssured.given().auth().preemptive().basic(analystUser, "analyst-password").post("/api/v1/projections/reporting/replay")
                .then().statusCode(403);
        admin().post("/api/v1/projections/reporting/replay").then().statusCode(202);
        awaitReporting();
        assertEquals(before, admin().queryParam("from", DAY1).queryParam("to", RANGE_TO).get("/api/v1/reports/overview").asString());
        assertEquals(funnelBefore, admin().queryParam("from", DAY1).queryParam("to", RANGE_TO).get("/api/v1/reports/funnel").asString());
    }

    @Test
    void erasureRemovesThePersonFromTheReadModels() {
        String gone = p + "-gone";
        send(List.of(page(gone, at("2025-08-04", "10:00:00")), track("Product Viewed", gone, at("2025-08-04", "10:01:00"),
                "{" + product(shoe, "Shoes", "Acme") + "}")));
        awaitReporting();
        assertEquals(1, report("overview", "from", "2025-08-04", "to", "2025-08-04").getInt("totals.activeUsers"));
        assertEquals(1, Db.count(ds, "SELECT count(*) FROM report_person WHERE person = ?", "user:" + gone));
        admin().delete("/api/v1/customers/{id}", gone).then().statusCode(200);
        for (String table : List.of("report_person", "report_user_day", "report_user_step", "report_affinity")) {
            assertEquals(0, Db.count(ds, "SELECT count(*) FROM " + table + " WHERE person = ?", "user:" + gone), table);
        }
        JsonPath after = report("overview", "from", "2025-08-04", "to", "2025-08-04");
        assertEquals(0, after.getInt("totals.activeUsers"));
        assertEquals(List.of(), after.getList("series"), "no per-person rows left for the day");
        // the anonymous daily counters by type stay
        assertEquals(2, Db.count(ds, "SELECT sum(n) FROM report_counter WHERE day = DATE '2025-08-04' AND metric = 'type'"));
    }

    @Test
    void badParametersAre400NamingTheParameter() {
        bad("overview", "from", "2025-13-01", "from");
        bad("overview", "to", "yesterday", "to");
        bad("funnel", "from", "2025-06-10", "to", "2025-06-01", "to");
        bad("overview", "granularity", "hour", "granularity");
        bad("funnel", "steps", "Product Viewed", "steps");
        bad("funnel", "steps", "a,b,c,d,e,f,g,h,i,j,k", "steps");
        bad("funnel", "steps", "a,,b", "steps");
        bad("funnel", "window", "a week", "window");
        bad("funnel", "window", "P1000D", "window");
        bad("cohorts", "weeks", "0", "weeks");
        bad("preferences", "limit", "x", "limit");
        bad("churn", "minValue", "lots", "minValue");
        bad("overview", "format", "xml", "format");
        bad("overview", "segment", p + "-no-such-segment", "segment");
        bad("overview", "from", "2020-01-01", "to", "2025-01-01", "from");
    }

    private static void bad(String report, Object... paramsAndField) {
        RequestSpecification r = admin();
        for (int i = 0; i + 1 < paramsAndField.length; i += 2) {
            r = r.queryParam((String) paramsAndField[i], paramsAndField[i + 1]);
        }
        String field = (String) paramsAndField[paramsAndField.length - 1];
        r.get("/api/v1/reports/" + report).then().statusCode(400).body("error", equalTo("invalid_parameter")).body("field", equalTo(field));
    }

    @Test
    void rolesAnalystReadsNobodyElseDoes() {
        for (String report : List.of("overview", "funnel", "cohorts", "preferences", "churn", "recommendations", "models")) {
            RestAssured.given().get("/api/v1/reports/" + report).then().statusCode(401);
            RestAssured.given().auth().preemptive().basic(analystUser, "wrong-password").get("/api/v1/reports/" + report).then().statusCode(401);
            RestAssured.given().auth().preemptive().basic(Api.WRITE_KEY, "").get("/api/v1/reports/" + report).then().statusCode(401);
            RestAssured.given().auth().preemptive().basic(analystUser, "analyst-password").get("/api/v1/reports/" + report).then().statusCode(200);
        }
    }
}
