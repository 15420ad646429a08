package io.footfall.app;

import static io.footfall.app.Api.admin;
import static io.footfall.app.Api.tracking;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.footfall.simulator.GroundTruth;
import io.footfall.simulator.HttpBatchSink;
import io.footfall.simulator.Simulator;
import io.footfall.simulator.SimulatorConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The operators' admin UI in a real headless Chromium against the running app: sign-in through the login page, the
 * dashboard's charts over simulated traffic equal to the report API's numbers (and the first paint measured), the
 * profile timeline and as-of view, a rule segment created in the editor with its members, a refused rule shown
 * inline, a training run followed to the end, the ingest rate and a failed event reprocessed with a correction (the
 * failed-events-by-reason panel equal to the server's summary before and after), an analyst's 403 state, keyboard
 * reachability of the main navigation, a profile's segments, churn score and recommendations with their reasons equal
 * to the API's answers, empty and error states on the live build, the plugins' state and lag equal to the API's, a
 * saved funnel's failed backfill, the cohorts' weeks followed by their CSV link, and every page at laptop widths (1280
 * and 1024 px) without sideways scrolling. Screenshots are kept under {@code target/screenshots}.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminUiTest {

    @Inject
    DataSource ds;

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Browser browser;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    private static String base() {
        return "http://localhost:" + RestAssured.port;
    }

    private static WebDriver driver() {
        return browser.driver();
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver()).executeScript(script, args);
    }

    /** The data-state of a region (loading, empty, error, forbidden, ready), or null when it is not on the page. */
    private static String state(String region) {
        return (String) js("var e = document.querySelector('[data-region=\"' + arguments[0] + '\"]'); return e ? e.dataset.state : null;", region);
    }

    /** Waits until the region has left its loading state and returns that state. */
    private static String settled(String region) {
        return browser.await(WAIT, d -> {
            String s = state(region);
            return s == null || s.equals("loading") ? null : s;
        });
    }

    private static String text(String css) {
        return driver().findElement(By.cssSelector(css)).getText();
    }

    /** Clears a region's data-state, so that waiting for a state sees the next change, not the last one. */
    private static void resetState(String id) {
        ((org.openqa.selenium.JavascriptExecutor) driver()).executeScript("document.getElementById(arguments[0]).dataset.state = 'none'", id);
    }

    private static void open(String hash) {
        driver().get(base() + "/admin/" + hash);
    }

    /** Signs in through the login page, as a person would. */
    private static void signIn(String user, String password) {
        driver().get(base() + "/admin/login.html");
        driver().findElement(By.id("j_username")).sendKeys(user);
        driver().findElement(By.id("j_password")).sendKeys(password);
        driver().findElement(By.id("sign-in")).click();
        browser.await(WAIT, d -> d.findElement(By.id("who")).getText().startsWith(user + " ·"));
    }

    private static void signOut() {
        WebElement logout = driver().findElement(By.id("logout"));
        logout.click();
        browser.await(WAIT, d -> d.getCurrentUrl().contains("/admin/login.html"));
    }

    @Test
    @Order(1)
    void signInDashboardChartsEqualTheReportApiAndTheNavigationIsKeyboardReachable() throws IOException {
        // simulated storefront traffic of the last 7 days, under ids of its own (other tests use the simulator's ids)
        String prefix = "ui" + UUID.randomUUID().toString().substring(0, 6) + "-";
        Instant start = LocalDate.now(ZoneOffset.UTC).minusDays(7).atStartOfDay().toInstant(ZoneOffset.UTC);
        GroundTruth truth;
        try (HttpBatchSink sink = HttpBatchSink.builder(URI.create(base()), Api.WRITE_KEY).batchSize(250).concurrency(2).build()) {
            truth = Simulator.run(SimulatorConfig.builder().seed(21).users(60).days(7).start(start).build(), message -> sink.accept(prefixed(message, prefix)));
        }
        assertTrue(truth.totalEvents() > 500, "the simulator sent traffic: " + truth.totalEvents());

        // a wrong password comes back to the login page with the message; the right one lands on the UI
        driver().get(base() + "/admin/");
        browser.await(WAIT, d -> d.getCurrentUrl().contains("/admin/login.html"));
        driver().findElement(By.id("j_username")).sendKeys(Api.ADMIN);
        driver().findElement(By.id("j_password")).sendKeys("not-the-password");
        driver().findElement(By.id("sign-in")).click();
        browser.await(WAIT, d -> d.findElement(By.id("login-error")).isDisplayed());
        browser.screenshot("admin-ui-01-login-failed");
        signIn(Api.ADMIN, Api.ADMIN_PASSWORD);

        // keyboard: from the top of the page, Tab reaches the main navigation (after the skip link), with a visible focus
        open("#/dashboard");
        js("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);");
        List<String> reached = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            new Actions(driver()).sendKeys(Keys.TAB).perform();
            reached.add((String) js("var e = document.activeElement; return (e.closest('#nav') ? 'nav:' : '') + e.tagName + ':' + e.textContent.trim();"));
        }
        assertTrue(reached.contains("nav:A:Dashboard") && reached.contains("nav:A:Profiles"), "Tab order: " + reached);
        String outline = (String) js("return getComputedStyle(document.activeElement).outlineStyle;");
        assertFalse("none".equals(outline), "the focused link shows its focus");

        Response overview = admin().get("/api/v1/reports/overview");
        if (overview.statusCode() == 404) {
            // the report API is not on this build: the dashboard shows the API's error state instead of charts
            open("#/dashboard");
            assertEquals("error", settled("overview-totals"));
            assertEquals("404", js("return document.querySelector('[data-region=overview-totals]').dataset.status;"));
            browser.screenshot("admin-ui-02-dashboard-without-report-api");
            Assumptions.abort("GET /api/v1/reports/overview answers 404 on this build: charts over report data not checked");
        }
        // the report read models have taken in the simulated traffic
        JsonPath api = Poll.until(WAIT, () -> admin().get("/api/v1/reports/overview").then().statusCode(200).extract().jsonPath(),
                j -> j.getLong("totals.events") >= truth.totalEvents());

        // first paint of a fresh dashboard load, and the UI's numbers equal the API's (read again until both agree:
        // other tests may add events in between)
        Map<String, Object> shown = Poll.until(WAIT, () -> {
            open("#/dashboard");
            driver().navigate().refresh();
            settled("overview-totals");
            browser.await(WAIT, d -> js("return window.Chart && Chart.getChart(document.querySelector('canvas[data-chart=sessions]')) ? 1 : null;"));
            @SuppressWarnings("unchecked")
            Map<String, Object> ui = (Map<String, Object>) js("""
                    var tile = k => Number(document.querySelector('[data-metric=' + k + '] .value').textContent.replace(/,/g, ''));
                    var chart = n => Chart.getChart(document.querySelector('canvas[data-chart=' + n + ']')).data;
                    var events = chart('events-by-type');
                    var byType = {};
                    events.datasets.forEach(d => byType[d.label] = d.data.reduce((a, b) => a + b, 0));
                    return {events: tile('events'), activeUsers: tile('activeUsers'), sessions: tile('sessions'),
                            labels: chart('sessions').labels, sessionSeries: chart('sessions').datasets[0].data,
                            activeSeries: chart('active-users').datasets[0].data, byType: byType};""");
            JsonPath now = admin().get("/api/v1/reports/overview").jsonPath();
            return Map.of("ui", ui, "api", now);
        }, m -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> ui = (Map<String, Object>) m.get("ui");
            JsonPath now = (JsonPath) m.get("api");
            return ((Number) ui.get("events")).longValue() == now.getLong("totals.events");
        });
        @SuppressWarnings("unchecked")
        Map<String, Object> ui = (Map<String, Object>) shown.get("ui");
        api = (JsonPath) shown.get("api");
        assertEquals(api.getLong("totals.activeUsers"), ((Number) ui.get("activeUsers")).longValue());
        assertEquals(api.getLong("totals.sessions"), ((Number) ui.get("sessions")).longValue());
        assertEquals(api.getList("series.period"), ui.get("labels"));
        assertEquals(longs(api.getList("series.sessions")), longs((List<?>) ui.get("sessionSeries")));
        assertEquals(longs(api.getList("series.activeUsers")), longs((List<?>) ui.get("activeSeries")));
        assertTrue(longs(api.getList("series.sessions")).stream().mapToLong(Long::longValue).sum() > 0, "sessions are drawn");
        @SuppressWarnings("unchecked")
        Map<String, Object> byType = (Map<String, Object>) ui.get("byType");
        Map<String, Long> apiByType = new java.util.HashMap<>();
        for (Map<String, Object> s : api.<Map<String, Object>>getList("series")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> types = (Map<String, Object>) s.get("eventsByType");
            types.forEach((k, v) -> apiByType.merge(k, ((Number) v).longValue(), Long::sum));
        }
        assertEquals(apiByType.keySet(), byType.keySet());
        apiByType.forEach((k, v) -> assertEquals(v, ((Number) byType.get(k)).longValue(), k));
        assertEquals("ready", settled("funnel"));
        assertEquals("ready", settled("cohorts"));
        assertTrue(driver().findElements(By.cssSelector("[data-region=funnel] [data-step]")).size() >= 2, "funnel bars drawn");
        assertTrue(!driver().findElements(By.cssSelector("[data-region=cohorts] tr[data-cohort]")).isEmpty(), "cohort rows drawn");
        browser.screenshot("admin-ui-02-dashboard");
        for (String region : List.of("preferences", "churn-report", "recommendations-report")) {
            String state = settled(region);
            assertTrue(state.equals("ready") || state.equals("empty"), region + " is " + state + ": " + text("[data-region=" + region + "]"));
        }
        assertTrue(text("[data-region=preferences]").contains("Categories"), "category shares over the simulated traffic");
        js("document.querySelector('[data-region=preferences]').scrollIntoView();");
        browser.screenshot("admin-ui-02b-dashboard-preferences");

        // paint timing of that fresh load (recorded, not asserted)
        @SuppressWarnings("unchecked")
        Map<String, Object> timing = (Map<String, Object>) js("""
                var paint = performance.getEntriesByName('first-contentful-paint')[0];
                var drawn = performance.getEntriesByName('footfall-dashboard-drawn')[0];
                var nav = performance.getEntriesByType('navigation')[0];
                return {firstContentfulPaint: paint ? paint.startTime : -1, chartsDrawn: drawn ? drawn.startTime : -1,
                        domContentLoaded: nav ? nav.domContentLoadedEventEnd : -1};""");
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "admin-ui-timing.txt"), timing + System.lineSeparator());
        System.out.println("admin UI dashboard timing (ms since navigation start): " + timing);

        // the cohorts' weeks: the panel's CSV export carries the weeks the table shows, and the URL keeps them
        String cohortsCsv = driver().findElement(By.id("cohorts-csv")).getDomAttribute("href");
        assertTrue(cohortsCsv.contains("weeks=8") && cohortsCsv.contains("format=csv"), cohortsCsv);
        WebElement weeks = driver().findElement(By.id("f-weeks"));
        weeks.clear();
        weeks.sendKeys("3", Keys.ENTER);
        browser.await(WAIT, d -> d.findElement(By.id("cohorts-csv")).getDomAttribute("href").contains("weeks=3") ? true : null);
        assertEquals("ready", settled("cohorts"));
        assertTrue(driver().getCurrentUrl().contains("weeks=3"), driver().getCurrentUrl());
        String from = driver().findElement(By.id("f-from")).getDomProperty("value");
        String to = driver().findElement(By.id("f-to")).getDomProperty("value");
        JsonPath cohorts = admin().queryParam("from", from).queryParam("to", to).queryParam("weeks", 3).get("/api/v1/reports/cohorts")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(cohortRowsOf(cohorts), cohortRowsShown());
        // as many week columns as the API's longest retention row (at most the 3 weeks asked for)
        int shownWeeks = cohorts.<Map<String, Object>>getList("cohorts").stream().mapToInt(c -> ((List<?>) c.get("retention")).size()).max().orElse(0);
        assertTrue(shownWeeks >= 1 && shownWeeks <= 3, "weeks of retention: " + shownWeeks);
        assertEquals(java.util.stream.IntStream.range(0, shownWeeks).mapToObj(i -> "Week " + i).toList(), js("return Array.from("
                + "document.querySelectorAll('[data-region=cohorts] thead th'), t => t.textContent).filter(t => t.startsWith('Week'));"));
        cohortsCsv = driver().findElement(By.id("cohorts-csv")).getDomAttribute("href");
        assertTrue(cohortsCsv.contains("from=" + from) && cohortsCsv.contains("to=" + to) && cohortsCsv.contains("format=csv"), cohortsCsv);
        // the export behind the link has the three week columns
        String header = admin().get(cohortsCsv).then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/csv")).extract().asString()
                .lines().findFirst().orElseThrow();
        assertEquals("cohort,start,size,week_0,week_1,week_2,suppressed", header);
        browser.screenshot("admin-ui-02c-dashboard-cohorts-3-weeks");
        // a reload keeps the weeks
        driver().navigate().refresh();
        assertEquals("ready", settled("cohorts"));
        assertEquals("3", driver().findElement(By.id("f-weeks")).getDomProperty("value"));
        assertTrue(driver().findElement(By.id("cohorts-csv")).getDomAttribute("href").contains("weeks=3"));
    }

    /** The cohort rows of a cohort report: cohort and size. */
    private static List<String> cohortRowsOf(JsonPath report) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> c : report.<Map<String, Object>>getList("cohorts")) {
            out.add(c.get("cohort") + " " + ((Number) c.get("size")).longValue());
        }
        return out;
    }

    /** The cohort rows the dashboard shows: cohort and size. */
    @SuppressWarnings("unchecked")
    private static List<String> cohortRowsShown() {
        return (List<String>) js("return Array.from(document.querySelectorAll('[data-region=cohorts] tr[data-cohort]'), "
                + "r => r.dataset.cohort + ' ' + Number(r.cells[2].textContent.replace(/,/g, '')));");
    }

    @Test
    @Order(2)
    void profileTimelineListsTheUsersEventsLatestFirst() {
        String user = "ui-user-" + UUID.randomUUID().toString().substring(0, 8);
        Instant t = Instant.now().minusSeconds(120).truncatedTo(ChronoUnit.MILLIS);
        List<String> names = List.of("Products Searched", "Product Viewed", "Product Added");
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < names.size(); i++) {
            batch.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"event\":\"").append(names.get(i)).append("\",\"userId\":\"")
                    .append(user).append("\",\"timestamp\":\"").append(t.plusSeconds(i)).append("\",\"properties\":{\"product_id\":\"p-ui-1\",\"query\":\"shoes\",\"price\":10}}");
        }
        tracking().body(batch.append("]}").toString()).post("/v1/batch").then().statusCode(200).body("stored", equalTo(names.size()));
        Api.awaitProfile(user, names.size());

        signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        open("#/profiles");
        // search by keyboard: type the id and press Enter
        WebElement search = browser.await(WAIT, d -> d.findElement(By.id("p-user")));
        search.sendKeys(user, Keys.ENTER);
        assertEquals("ready", settled("timeline"));
        List<String> shown = driver().findElements(By.cssSelector("[data-region=timeline] td[data-field=name]")).stream().map(WebElement::getText).toList();
        assertEquals(List.of("Product Added", "Product Viewed", "Products Searched"), shown);
        assertEquals("ready", settled("profile"));
        assertTrue(text("[data-region=profile]").contains(user));
        browser.screenshot("admin-ui-03-profile");
        // an admin downloads the customer's data export from the live profile, with the browser's own session
        String exportUrl = driver().findElement(By.id("p-export")).getDomAttribute("href");
        assertEquals("/api/v1/customers/" + user + "/export", exportUrl);
        assertEquals(user + " 3", js("return fetch(arguments[0]).then(r => r.json()).then(j => j.subject + ' ' + j.events.length);", exportUrl));

        // the as-of view: half a second after the second event, the profile has folded the first two only
        Instant asOf = t.plusMillis(1500);
        WebElement when = driver().findElement(By.id("p-asof"));
        js("arguments[0].value = arguments[1];", when, java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneOffset.UTC).format(asOf));
        driver().findElement(By.id("p-search")).click();
        browser.await(WAIT, d -> d.getCurrentUrl().contains("asOf=") ? true : null);
        assertEquals("ready", settled("profile"));
        @SuppressWarnings("unchecked")
        Map<String, Object> counts = (Map<String, Object>) js("""
                var out = {};
                document.querySelectorAll('[data-region=profile] table tbody tr').forEach(r => out[r.cells[0].textContent] = Number(r.cells[1].textContent));
                return out;""");
        assertEquals(Map.of("Products Searched", 1L, "Product Viewed", 1L), counts);

        // before the first event the person had no profile: said so, not shown as an empty profile
        js("arguments[0].value = arguments[1];", driver().findElement(By.id("p-asof")),
                java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneOffset.UTC).format(t.minusSeconds(60)));
        driver().findElement(By.id("p-search")).click();
        browser.await(WAIT, d -> "empty".equals(state("profile")) ? true : null);
        assertTrue(text("[data-region=profile]").contains("no event of this person had happened yet"), text("[data-region=profile]"));
    }

    /** An operator detaches a device stitched into a user by mistake; the page shows the re-folded profile. */
    @Test
    @Order(2)
    void anOperatorDetachesAnAnonymousIdFromAUser() {
        String user = "ui-stitched-" + UUID.randomUUID().toString().substring(0, 8);
        String device = "ui-device-" + UUID.randomUUID().toString().substring(0, 8);
        tracking().body("{\"batch\":[{\"type\":\"page\",\"anonymousId\":\"" + device + "\",\"name\":\"Home\"},"
                + "{\"type\":\"identify\",\"userId\":\"" + user + "\",\"anonymousId\":\"" + device + "\"},"
                + "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + user + "\",\"properties\":{\"product_id\":\"p-ui-2\"}}]}")
                .post("/v1/batch").then().statusCode(200).body("stored", equalTo(3));
        Api.awaitProfile(user, 3).then().body("anonymousIds", org.hamcrest.Matchers.hasItem(device));
        String operator = "ui-op-" + UUID.randomUUID().toString().substring(0, 8);
        admin().contentType("application/json").body(Map.of("username", operator, "password", "operator-password", "roles", List.of("operator")))
                .post("/api/v1/accounts").then().statusCode(201);

        // an analyst sees the user's devices without a button to detach them
        String analyst = "ui-an-" + UUID.randomUUID().toString().substring(0, 8);
        admin().contentType("application/json").body(Map.of("username", analyst, "password", "analyst-password", "roles", List.of("analyst")))
                .post("/api/v1/accounts").then().statusCode(201);
        signIn(analyst, "analyst-password");
        open("#/profiles/" + user);
        assertEquals("ready", settled("profile"));
        assertTrue(text("[data-region=profile]").contains(device));
        assertTrue(driver().findElements(By.cssSelector("[data-region=profile] button[data-anon]")).isEmpty());
        signOut();

        signIn(operator, "operator-password");
        open("#/profiles/" + user);
        assertEquals("ready", settled("profile"));
        driver().findElement(By.cssSelector("[data-region=profile] button[data-anon='" + device + "']")).click();
        acceptConfirmation();
        browser.await(WAIT, d -> "done".equals(state("detach")) ? true : null);
        assertTrue(text("[data-region=detach]").contains(device), text("[data-region=detach]"));
        assertEquals("ready", settled("profile"));
        assertTrue(driver().findElements(By.cssSelector("[data-region=profile] button[data-anon]")).isEmpty(), "no device left to detach");
        browser.screenshot("admin-ui-03b-detached");
        admin().get("/api/v1/profiles/{id}", user).then().statusCode(200)
                .body("anonymousIds", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(device)));
        admin().get("/api/v1/profiles/{id}", device).then().statusCode(200).body("userId", equalTo(null));
        signOut();
    }

    @Test
    @Order(3)
    void ruleEditorShowsARefusedRuleInlineAndCreatesASegmentWithItsMembers() {
        String p = "ui" + UUID.randomUUID().toString().substring(0, 8);
        String segment = p + "-buyers";
        signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        open("#/segments");
        assertEquals("ready", settled("rule-editor"));
        WebElement rules = driver().findElement(By.id("rules"));

        // a bad rule: the server's 400 is shown next to the editor with its field and JSON pointer; nothing stored
        rules.clear();
        rules.sendKeys("{\"segments\":[{\"id\":\"" + segment + "\",\"when\":{\"event\":\"Order Completed\",\"within\":\"a month\"}}]}");
        driver().findElement(By.id("rules-save")).click();
        browser.await(WAIT, d -> "invalid".equals(d.findElement(By.id("rules-errors")).getDomAttribute("data-state")));
        WebElement error = driver().findElement(By.cssSelector("#rules-errors [data-pointer]"));
        assertEquals("/segments/0/when/within", error.getDomAttribute("data-pointer"));
        assertEquals("rules", driver().findElement(By.cssSelector("#rules-errors [data-field]")).getDomAttribute("data-field"));
        browser.screenshot("admin-ui-04-rule-refused");
        admin().get("/api/v1/plugins/segmentation").then().statusCode(200)
                .body("config.rules", org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(p)));

        // a good rule: saved, then two buyers of this test's item become its members
        rules.clear();
        rules.sendKeys("{\"segments\":[{\"id\":\"" + segment + "\",\"name\":\"UI test buyers\",\"when\":{\"event\":\"Order Completed\","
                + "\"where\":{\"productId\":\"" + p + "-item\"},\"within\":\"P30D\"}}]}");
        driver().findElement(By.id("rules-save")).click();
        browser.await(WAIT, d -> "saved".equals(d.findElement(By.id("rules-errors")).getDomAttribute("data-state")));
        // saved again from the same page: the editor sends the version its own save stored
        resetState("rules-errors");
        driver().findElement(By.id("rules-save")).click();
        browser.await(WAIT, d -> "saved".equals(d.findElement(By.id("rules-errors")).getDomAttribute("data-state")));
        // a rule segment created through the API meanwhile: saving the page's (now stale) document is refused, not
        // silently dropping that segment (the editor sends If-Match with the configuration version it loaded)
        String viaApi = p + "-api";
        admin().contentType("application/json").body("{\"id\":\"" + viaApi + "\",\"when\":{\"event\":\"Order Completed\",\"within\":\"P1D\"}}")
                .post("/api/v1/segments").then().statusCode(201);
        resetState("rules-errors");
        driver().findElement(By.id("rules-save")).click();
        browser.await(WAIT, d -> "conflict".equals(d.findElement(By.id("rules-errors")).getDomAttribute("data-state")));
        assertEquals("If-Match", driver().findElement(By.cssSelector("#rules-errors [data-error=version_conflict]")).getDomAttribute("data-field"));
        admin().get("/api/v1/segments/{id}/definition", viaApi).then().statusCode(200);
        admin().get("/api/v1/segments/{id}/definition", segment).then().statusCode(200);
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<String> buyers = List.of(p + "-ann", p + "-ben");
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < buyers.size(); i++) {
            batch.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\"").append(buyers.get(i))
                    .append("\",\"timestamp\":\"").append(t.plusMillis(i)).append("\",\"properties\":{\"order_id\":\"").append(p).append("-o").append(i)
                    .append("\",\"revenue\":30,\"products\":[{\"product_id\":\"").append(p).append("-item\",\"price\":30}]}}");
        }
        tracking().body(batch.append("]}").toString()).post("/v1/batch").then().statusCode(200).body("stored", equalTo(2));

        // the list shows the new segment with its size; its page lists the members (reloaded until the plugin has them)
        browser.await(WAIT, d -> {
            d.navigate().refresh();
            settled("segments");
            List<WebElement> size = d.findElements(By.cssSelector("[data-region=segments] [data-size='" + segment + "']"));
            return !size.isEmpty() && size.get(0).getText().equals("2") ? size : null;
        });
        browser.screenshot("admin-ui-05-segments");
        driver().findElement(By.linkText(segment)).click();
        List<String> members = browser.await(WAIT, d -> {
            if (!"ready".equals(settled("members"))) {
                d.navigate().refresh();
                return null;
            }
            return d.findElements(By.cssSelector("[data-region=members] tr[data-member]")).stream().map(e -> e.getDomAttribute("data-member")).toList();
        });
        assertEquals(buyers, members);
        assertTrue(driver().findElement(By.partialLinkText("Export CSV")).getDomAttribute("href").endsWith("/api/v1/segments/" + segment + "/members.csv"));
        browser.screenshot("admin-ui-06-segment-members");
        admin().contentType("application/json").body(Map.of("rules", "{\"segments\":[]}")).put("/api/v1/plugins/segmentation/config").then().statusCode(200);
    }

    @Test
    @Order(4)
    void trainingAPluginShowsProgressUntilDone() {
        signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        open("#/plugins/basket-rules");
        assertEquals("ready", settled("plugin"));

        // the config form generated from the spec: a value out of its bounds is refused under its field, nothing stored
        assertEquals("ready", settled("config"));
        WebElement support = driver().findElement(By.id("cfg-min-support"));
        String before = support.getDomProperty("value");
        assertEquals("number", support.getDomAttribute("type"));
        support.clear();
        support.sendKeys("5");
        driver().findElement(By.id("config-save")).click();
        browser.await(WAIT, d -> "invalid".equals(d.findElement(By.cssSelector("[data-region=config-outcome]")).getDomAttribute("data-state")) ? true : null);
        assertTrue(text("[data-error-for=min-support]").startsWith("must be at most"), text("[data-error-for=min-support]"));
        admin().get("/api/v1/plugins/basket-rules").then().body("config.min-support", equalTo(Float.parseFloat(before)));
        browser.screenshot("admin-ui-07a-config-refused");
        support.clear();
        support.sendKeys(before);
        driver().findElement(By.id("config-save")).click();
        browser.await(WAIT, d -> "saved".equals(d.findElement(By.cssSelector("[data-region=config-outcome]")).getDomAttribute("data-state")) ? true : null);

        driver().findElement(By.id("train")).click();
        String job = browser.await(WAIT, d -> (String) js("var t = document.querySelector('[data-region=training]'); return t && t.dataset.job ? t.dataset.job : null;"));
        browser.screenshot("admin-ui-07-training");
        browser.await(Duration.ofSeconds(120), d -> "done".equals(state("training")) ? true : null);
        assertEquals("100%", text("[data-region=training] [data-field=job-progress]"));
        assertEquals("SUCCEEDED", text("[data-region=training] [data-field=job-status]"));
        assertEquals("1", js("return String(document.querySelector('[data-region=training] progress').value);"));
        JsonPath api = admin().get("/api/v1/plugins/basket-rules/jobs/{job}", job).then().statusCode(200).extract().jsonPath();
        assertEquals("SUCCEEDED", api.getString("status"));
        browser.screenshot("admin-ui-08-training-done");
    }

    @Test
    @Order(5)
    void ingestionShowsTheRateAndFailedEventsByReasonAndReprocessesACorrectedOne() {
        String user = "ui-bad-" + UUID.randomUUID().toString().substring(0, 8);
        String bad = "{\"type\":\"track\",\"event\":\"Product Added\",\"userId\":\"" + user + "\",\"properties\":{\"product_id\":\"p-ui-2\",\"quantity\":-1}}";
        tracking().body(bad).post("/v1/track").then().statusCode(400);
        long id = Poll.until(WAIT, () -> failedEventOf(user), java.util.Objects::nonNull);

        signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        open("#/ingestion");
        assertEquals("ready", settled("failed-events"));
        // page on (as a person would) until this test's event is listed
        WebElement row = browser.await(WAIT, d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("tr[data-failed='" + id + "']"));
            if (!rows.isEmpty()) {
                return rows.get(0);
            }
            d.findElement(By.xpath("//button[text()='Load more']")).click();
            return null;
        });
        assertEquals("ready", settled("failed-by-reason"));
        assertTrue(text("[data-region=failed-by-reason]").contains("SCHEMA_VIOLATION · properties.quantity"), text("[data-region=failed-by-reason]"));
        // the panel is the server's count over every open failed event (not over the loaded page): total and rows
        Map<String, Object> summary = failedSummaryOf("OPEN");
        assertEquals(summary, failedSummaryShown());
        long openBefore = (Long) summary.get("total");
        // the projections: how many segments each folds on (one in this app)
        assertEquals("ready", settled("projections"));
        WebElement reporting = browser.await(WAIT, d -> d.findElements(By.xpath("//*[@data-region='projections']//tr[td[1][text()='reporting']]"))
                .stream().findFirst().orElse(null));
        assertEquals("1", reporting.findElements(By.tagName("td")).get(2).getText(), reporting.getText());
        // and the events each parked (ADR 0023), as the API counts them
        assertEquals(String.valueOf(admin().get("/api/v1/projections/reporting").jsonPath().getLong("deadLetters")),
                reporting.findElements(By.tagName("td")).get(6).getText(), reporting.getText());
        // the ingest rate: two samples of the counters give per-second tiles
        browser.await(Duration.ofSeconds(30), d -> d.findElements(By.cssSelector("[data-region=ingest-rate] [data-metric=stored]")).isEmpty() ? null : true);

        row.findElement(By.tagName("summary")).click();
        WebElement corrected = row.findElement(By.tagName("textarea"));
        corrected.clear();
        corrected.sendKeys(bad.replace("\"quantity\":-1", "\"quantity\":1"));
        row.findElement(By.xpath(".//button[text()='Reprocess corrected']")).click();
        browser.await(WAIT, d -> "REPROCESSED".equals(row.getDomAttribute("data-status")) ? true : null);
        assertTrue(row.getText().contains("Reprocessed: 1 stored."), row.getText());
        // counted again after the reprocess: one open failed event fewer, as the server counts them
        String recounted = settled("failed-by-reason");
        summary = failedSummaryOf("OPEN");
        assertEquals(openBefore - 1, summary.get("total"));
        if (openBefore == 1) {
            assertEquals("empty", recounted);
            assertEquals("No open failed events.", text("[data-region=failed-by-reason]"));
        } else {
            assertEquals("ready", recounted);
            assertEquals(summary, failedSummaryShown());
        }
        browser.screenshot("admin-ui-09-ingestion");
        admin().get("/api/v1/failed-events/{id}", id).then().statusCode(200).body("status", equalTo("REPROCESSED"));
        Api.awaitProfile(user, 1);
    }

    /** GET /api/v1/failed-events/summary as the panel shows it: the total and "reason · field=count" per row. */
    private static Map<String, Object> failedSummaryOf(String status) {
        JsonPath sum = admin().queryParam("status", status).get("/api/v1/failed-events/summary").then().statusCode(200).extract().jsonPath();
        List<String> rows = new ArrayList<>();
        for (Map<String, Object> r : sum.<Map<String, Object>>getList("reasons")) {
            rows.add(r.get("reason") + (r.get("field") == null ? "" : " · " + r.get("field")) + "=" + ((Number) r.get("count")).longValue());
        }
        return Map.of("total", sum.getLong("total"), "reasons", rows);
    }

    /** The ingestion page's "Failed events by reason" panel: its total hint and "reason · field=count" per row. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> failedSummaryShown() {
        Map<String, Object> shown = (Map<String, Object>) js("""
                var panel = document.querySelector('[data-region=failed-by-reason]');
                var n = t => Number(t.replace(/,/g, ''));
                return {total: n(panel.querySelector('[data-field=total]').textContent),
                        reasons: Array.from(panel.querySelectorAll('tbody tr'), r => r.cells[0].textContent + '=' + n(r.cells[1].textContent))};""");
        return Map.of("total", ((Number) shown.get("total")).longValue(), "reasons", shown.get("reasons"));
    }

    /** The id of the open failed event naming {@code user}, or null while there is none. */
    private static Long failedEventOf(String user) {
        Long after = null;
        while (true) {
            io.restassured.specification.RequestSpecification request = admin().queryParam("limit", 500);
            if (after != null) {
                request = request.queryParam("after", after);
            }
            JsonPath page = request.get("/api/v1/failed-events").then().statusCode(200).extract().jsonPath();
            for (Map<String, Object> f : page.<Map<String, Object>>getList("items")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> event = (Map<String, Object>) f.get("event");
                if (String.valueOf(event.get("raw")).contains(user)) {
                    return ((Number) f.get("id")).longValue();
                }
            }
            if (page.get("nextAfter") == null) {
                return null;
            }
            after = page.getLong("nextAfter");
        }
    }

    @Test
    @Order(6)
    void anAnalystSeesTheForbiddenStateAndCannotStartAdminActions() {
        String analyst = "ui-analyst-" + UUID.randomUUID().toString().substring(0, 6);
        admin().contentType("application/json").body(Map.of("username", analyst, "password", "analyst-password", "roles", List.of("analyst")))
                .post("/api/v1/accounts").then().statusCode(201);
        signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        signOut();
        signIn(analyst, "analyst-password");

        // write keys are an admin's: the server answers 403 and the page says so, the rest of the UI stays usable
        open("#/sources");
        assertEquals("forbidden", settled("sources"));
        assertTrue(text("[data-region=sources]").contains("Your role cannot do this"), text("[data-region=sources]"));
        assertFalse(driver().findElement(By.cssSelector("form[aria-label='New source'] button")).isEnabled(), "create is disabled for an analyst");
        browser.screenshot("admin-ui-10-analyst-forbidden");
        // where processors run is an operator's: forbidden too
        open("#/cluster");
        assertEquals("forbidden", settled("cluster"));

        // training is not offered to an analyst, and the server refuses it too
        open("#/plugins/basket-rules");
        assertEquals("ready", settled("plugin"));
        assertFalse(driver().findElement(By.id("train")).isEnabled());
        assertEquals("ready", settled("config"));
        assertFalse(driver().findElement(By.id("config-save")).isEnabled());
        RestAssured.given().auth().preemptive().basic(analyst, "analyst-password").post("/api/v1/plugins/basket-rules/train").then().statusCode(403);
        open("#/dashboard");
        assertNotNull(settled("overview-totals"), "the analyst reads the dashboard");
        signOut();
    }

    private static final String FIXTURE = "broken-fixture";

    private static void configureFixture(String mode) {
        admin().contentType("application/json").body(Map.of("mode", mode)).put("/api/v1/plugins/{id}/config", FIXTURE)
                .then().statusCode(200).body("config.mode", equalTo(mode));
    }

    private static List<Long> letters(String status) {
        return longs(admin().queryParam("status", status).get("/api/v1/plugins/{id}/dead-letters", FIXTURE)
                .then().statusCode(200).extract().jsonPath().getList("id"));
    }

    /** Makes the fixture plugin park one more batch and returns its dead letter's id. */
    private static long parkOneBatch() {
        List<Long> before = letters("PARKED");
        String user = "ui-dead-" + UUID.randomUUID();
        tracking().body("{\"batch\":[{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + user
                + "\",\"properties\":{\"product_id\":\"p-dead\"}}]}").post("/v1/batch").then().statusCode(200);
        List<Long> after = Poll.until(WAIT, () -> letters("PARKED"), l -> !before.containsAll(l));
        return after.stream().filter(id -> !before.contains(id)).findFirst().orElseThrow();
    }

    /** The dead-letter table's row of this letter on the plugin page, once listed. */
    private static WebElement letterRow(long letter) {
        return browser.await(WAIT, d -> d.findElements(By.cssSelector("[data-region=dead-letters] tbody tr")).stream()
                .filter(tr -> tr.findElement(By.tagName("td")).getText().trim().equals(String.valueOf(letter))).findFirst().orElse(null));
    }

    /** Accepts the confirmation dialog a destructive action opens, as the operator would. */
    private static void acceptConfirmation() {
        browser.await(WAIT, d -> {
            try {
                d.switchTo().alert().accept();
                return true;
            } catch (org.openqa.selenium.NoAlertPresentException e) {
                return null;
            }
        });
    }

    @Test
    @Order(7)
    void deadLettersAreRetriedAndDroppedFromThePluginPage() {
        configureFixture("throw");
        long toRetry = parkOneBatch();
        long toDrop = parkOneBatch();
        configureFixture("ok");

        signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        open("#/plugins/" + FIXTURE);
        assertEquals("ready", settled("dead-letters"));
        browser.screenshot("admin-ui-11-dead-letters");
        letterRow(toRetry).findElement(By.xpath(".//button[text()='Retry']")).click();
        Poll.until(WAIT, () -> letters("RETRIED"), l -> l.contains(toRetry));
        browser.await(WAIT, d -> d.findElements(By.cssSelector("[data-region=dead-letters] tbody tr")).stream()
                .noneMatch(tr -> tr.getText().startsWith(toRetry + " ")) ? true : null);

        letterRow(toDrop).findElement(By.xpath(".//button[text()='Drop']")).click();
        acceptConfirmation(); // dropping asks first
        Poll.until(WAIT, () -> letters("DROPPED"), l -> l.contains(toDrop));
        assertFalse(letters("PARKED").contains(toDrop));
        assertFalse(letters("PARKED").contains(toRetry));
    }

    @Test
    @Order(8)
    void aModelVersionIsPromotedAndRolledBackFromTheModelsPage() {
        // a second version of basket-rules (test 4 trained the first)
        String job = admin().post("/api/v1/plugins/basket-rules/train").then().statusCode(202).extract().jsonPath().getString("id");
        Poll.until(Duration.ofSeconds(120), () -> admin().get("/api/v1/plugins/basket-rules/jobs/{job}", job).jsonPath().getString("status"),
                status -> !status.equals("RUNNING"));
        List<Map<String, Object>> versions = admin().get("/api/v1/plugins/basket-rules/models").jsonPath().getList("$");
        assertTrue(versions.size() >= 2, versions.toString());
        int target = versions.stream().filter(v -> !Boolean.TRUE.equals(v.get("serving")))
                .mapToInt(v -> ((Number) v.get("version")).intValue()).min().orElseThrow();
        Integer servingBefore = versions.stream().filter(v -> Boolean.TRUE.equals(v.get("serving")))
                .map(v -> ((Number) v.get("version")).intValue()).findFirst().orElse(null);

        signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        open("#/models?plugin=basket-rules");
        assertEquals("ready", settled("models-basket-rules"));
        WebElement row = browser.await(WAIT, d -> d.findElements(By.cssSelector("[data-region=models-basket-rules] tbody tr")).stream()
                .filter(tr -> tr.findElement(By.tagName("td")).getText().trim().equals(String.valueOf(target))).findFirst().orElse(null));
        row.findElement(By.xpath(".//button[text()='Promote']")).click();
        Poll.until(WAIT, () -> servingVersion("basket-rules"), v -> v != null && v == target);
        browser.screenshot("admin-ui-12-model-promoted");

        if (servingBefore != null) {
            // rolling back serves the version that served before the promotion again
            settled("models-basket-rules");
            browser.await(WAIT, d -> d.findElements(By.xpath("//button[text()='Roll back to the previous promoted version']")).isEmpty() ? null : true);
            driver().findElement(By.xpath("//button[text()='Roll back to the previous promoted version']")).click();
            Poll.until(WAIT, () -> servingVersion("basket-rules"), v -> v != null && v.equals(servingBefore));
        }
    }

    private static Integer servingVersion(String plugin) {
        List<Map<String, Object>> versions = admin().get("/api/v1/plugins/{id}/models", plugin).jsonPath().getList("$");
        return versions.stream().filter(v -> Boolean.TRUE.equals(v.get("serving"))).map(v -> ((Number) v.get("version")).intValue())
                .findFirst().orElse(null);
    }

    @Test
    @Order(9)
    void aReplayStartedFromThePluginPageRebuildsThePluginFromTheLog() {
        signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        open("#/plugins/" + FIXTURE);
        assertEquals("ready", settled("plugin"));
        long head = admin().get("/api/v1/projections/profiles").then().statusCode(200).extract().jsonPath().getLong("head");
        long processedBefore = admin().get("/api/v1/plugins/{id}", FIXTURE).jsonPath().getLong("processedEvents");
        driver().findElement(By.id("replay")).click();
        acceptConfirmation(); // a replay clears the plugin's state: it asks first
        // the page follows the replay with a progress bar until the plugin has folded the log again
        browser.await(WAIT, d -> "done".equals(d.findElement(By.cssSelector("[data-region=replay]")).getDomAttribute("data-state")) ? true : null);
        assertTrue(text("[data-region=replay]").startsWith("Replayed: "), text("[data-region=replay]"));
        // the plugin went back to the start of the log and folded it again, up to the head
        Poll.until(Duration.ofSeconds(120), () -> admin().get("/api/v1/plugins/{id}", FIXTURE).jsonPath(),
                p -> !p.getBoolean("replaying") && p.getLong("position") >= head && p.getLong("processedEvents") - processedBefore >= head / 2);
        browser.screenshot("admin-ui-13-replay");
    }

    @Test
    @Order(10)
    void aSourceCreatedInTheUiTakesEventsWithTheKeyShownOnce() {
        String name = "ui-source-" + UUID.randomUUID().toString().substring(0, 8);
        signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        open("#/sources");
        assertEquals("ready", settled("sources"));
        driver().findElement(By.id("s-name")).sendKeys(name);
        driver().findElement(By.xpath("//button[text()='Create source']")).click();
        String key = browser.await(WAIT, d -> "created".equals(d.findElement(By.cssSelector("[data-region=new-source]")).getDomAttribute("data-state"))
                ? text("[data-region=new-source] [data-field=write-key]") : null);
        browser.await(WAIT, d -> text("[data-region=sources]").contains(name) ? true : null);
        browser.screenshot("admin-ui-14-source-created");
        String user = "ui-src-" + UUID.randomUUID();
        RestAssured.given().auth().preemptive().basic(key, "").contentType("application/json")
                .body("{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + user + "\",\"properties\":{\"product_id\":\"p-src\"}}")
                .post("/v1/track").then().statusCode(200);
        Api.awaitProfile(user, 1);
        // the key is not shown again: the list has names and ids only
        driver().navigate().refresh();
        assertEquals("ready", settled("sources"));
        assertFalse(text("main").contains(key), "a write key is shown only in the answer to its creation");

        // rotate it, keeping the old key for an hour: the new key is shown once, both work
        new org.openqa.selenium.support.ui.Select(driver().findElement(By.id("s-overlap"))).selectByValue("PT1H");
        clickInSourceRow(name, "Rotate key", true);
        acceptConfirmation();
        String rotated = browser.await(WAIT, d -> "rotated".equals(d.findElement(By.cssSelector("[data-region=rotated-key]")).getDomAttribute("data-state"))
                ? text("[data-region=rotated-key] [data-field=write-key]") : null);
        assertNotEquals(key, rotated);
        browser.screenshot("admin-ui-14b-key-rotated");
        assertTrue(text("[data-region=rotated-key]").contains("the old key works until"), text("[data-region=rotated-key]"));
        assertEquals(200, trackWith(key));
        assertEquals(200, trackWith(rotated));
        // disabled: every key of the source refused; enabled again: accepted
        clickInSourceRow(name, "Disable", true);
        acceptConfirmation();
        clickInSourceRow(name, "Enable", false);
        assertEquals(401, trackWith(rotated));
        assertEquals(401, trackWith(key));
        clickInSourceRow(name, "Enable", true);
        clickInSourceRow(name, "Disable", false);
        assertEquals(200, trackWith(rotated), "enabled again");
        signOut();
    }

    /**
     * Waits until the sources table's row of this source shows the button, and clicks it if asked (the table is
     * re-rendered after each action, so a row found before may be gone).
     */
    private static void clickInSourceRow(String name, String button, boolean click) {
        browser.await(WAIT, d -> {
            try {
                for (WebElement tr : d.findElements(By.cssSelector("[data-region=sources] tbody tr"))) {
                    if (tr.findElement(By.tagName("td")).getText().trim().equals(name)) {
                        List<WebElement> found = tr.findElements(By.xpath(".//button[text()='" + button + "']"));
                        if (!found.isEmpty() && found.get(0).isEnabled()) {
                            if (click) {
                                found.get(0).click();
                            }
                            return true;
                        }
                    }
                }
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                // re-rendered meanwhile: look again
            }
            return null;
        });
    }

    private static int trackWith(String writeKey) {
        return RestAssured.given().auth().preemptive().basic(writeKey, "").contentType("application/json")
                .body("{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"ui-rot-" + UUID.randomUUID() + "\"}")
                .post("/v1/track").statusCode();
    }

    /**
     * An admin creates an account in the UI, changes its roles and resets its password; its owner changes the password
     * (their other sign-in ends, this one goes on) and signs out everywhere; the admin deletes it.
     */
    @Test
    @Order(10)
    void accountsAreManagedInTheUiAndSigningOutEverywhereEndsEverySignIn() {
        String name = "ui-acct-" + UUID.randomUUID().toString().substring(0, 8);
        signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        open("#/accounts");
        assertEquals("ready", settled("accounts"));
        driver().findElement(By.id("a-username")).sendKeys(name);
        driver().findElement(By.id("a-password")).sendKeys("first-ui-password");
        driver().findElement(By.cssSelector("input[name=new-role][value=operator]")).click();
        driver().findElement(By.xpath("//button[text()='Create account']")).click();
        browser.await(WAIT, d -> "done".equals(d.findElement(By.cssSelector("[data-region=new-account]")).getDomAttribute("data-state")) ? true : null);
        admin().get("/api/v1/accounts/{name}", name).then().statusCode(200).body("roles", equalTo(List.of("analyst", "operator")));
        // its roles: operator taken away
        accountRow(name).findElement(By.cssSelector("input[value=operator]")).click();
        accountRow(name).findElement(By.xpath(".//button[text()='Save roles']")).click();
        browser.await(WAIT, d -> "done".equals(d.findElement(By.cssSelector("[data-region=account-change]")).getDomAttribute("data-state")) ? true : null);
        assertEquals("ready", settled("accounts"));
        admin().get("/api/v1/accounts/{name}", name).then().statusCode(200).body("roles", equalTo(List.of("analyst")));
        // an admin's password reset
        accountRow(name).findElement(By.cssSelector("input[type=password]")).sendKeys("second-ui-password");
        accountRow(name).findElement(By.xpath(".//button[text()='Reset password']")).click();
        Poll.until(WAIT, () -> RestAssured.given().auth().preemptive().basic(name, "second-ui-password").get("/api/v1/me").statusCode(),
                code -> code == 200);
        browser.screenshot("admin-ui-16-accounts");
        signOut();

        // the owner: an analyst sees their own account only
        Map<String, String> elsewhere = formSession(name, "second-ui-password");
        signIn(name, "second-ui-password");
        open("#/accounts");
        browser.await(WAIT, d -> d.findElements(By.id("own-current")).isEmpty() ? null : true);
        assertTrue(driver().findElements(By.cssSelector("[data-region=accounts]")).isEmpty(), "no account list for an analyst");
        driver().findElement(By.id("own-current")).sendKeys("second-ui-password");
        driver().findElement(By.id("own-new")).sendKeys("third-ui-password");
        driver().findElement(By.id("own-repeat")).sendKeys("third-ui-password");
        driver().findElement(By.xpath("//button[text()='Change password']")).click();
        browser.await(WAIT, d -> "done".equals(d.findElement(By.cssSelector("[data-region=own-password]")).getDomAttribute("data-state")) ? true : null);
        RestAssured.given().cookies(elsewhere).get("/api/v1/me").then().statusCode(401);
        driver().navigate().refresh();
        browser.await(WAIT, d -> d.findElement(By.id("who")).getText().startsWith(name + " ·"));
        // the sign-ins are listed, this browser's marked; ending the other one signs it out
        Map<String, String> other = formSession(name, "third-ui-password");
        open("#/accounts");
        driver().navigate().refresh();
        assertEquals("ready", settled("own-sessions"));
        List<WebElement> end = driver().findElements(By.cssSelector("[data-region=own-sessions] button[data-session]"));
        assertEquals(1, end.size(), "one sign-in besides this browser's");
        assertTrue(text("[data-region=own-sessions]").contains("this browser"));
        end.get(0).click();
        Poll.until(WAIT, () -> RestAssured.given().cookies(other).get("/api/v1/me").statusCode(), code -> code == 401);
        // sign out everywhere: this browser and the other sign-in
        Map<String, String> another = formSession(name, "third-ui-password");
        RestAssured.given().cookies(another).get("/api/v1/me").then().statusCode(200);
        driver().findElement(By.xpath("//button[text()='Sign out everywhere']")).click();
        acceptConfirmation();
        browser.await(WAIT, d -> d.getCurrentUrl().contains("/admin/login.html"));
        RestAssured.given().cookies(another).get("/api/v1/me").then().statusCode(401);

        // the admin deletes it
        signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        open("#/accounts");
        assertEquals("ready", settled("accounts"));
        accountRow(name).findElement(By.xpath(".//button[text()='Delete']")).click();
        acceptConfirmation();
        Poll.until(WAIT, () -> admin().get("/api/v1/accounts/{name}", name).statusCode(), code -> code == 404);
        // the audit trail shows the deletion, with who did it
        driver().findElement(By.id("audit-actor")).sendKeys(Api.ADMIN);
        driver().findElement(By.xpath("//button[text()='Show']")).click();
        browser.await(WAIT, d -> {
            for (WebElement tr : d.findElements(By.cssSelector("[data-region=audit] tbody tr"))) {
                try {
                    String row = tr.getText();
                    if (row.contains("DELETE /api/v1/accounts/{username}") && row.contains(name) && row.contains("204")) {
                        return true;
                    }
                } catch (org.openqa.selenium.StaleElementReferenceException e) {
                    return null;
                }
            }
            return null;
        });
        browser.screenshot("admin-ui-16b-audit-trail");
        // and who looked at a customer: a read of a profile, found by the customer's id
        String looked = "ui-looked-at-" + UUID.randomUUID();
        admin().get("/api/v1/profiles/{id}", looked).then().statusCode(404);
        driver().findElement(By.id("audit-actor")).clear();
        driver().findElement(By.id("audit-person")).sendKeys(looked);
        driver().findElement(By.xpath("//button[text()='Show']")).click();
        browser.await(WAIT, d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("[data-region=audit] tbody tr"));
            try {
                return rows.size() == 1 && rows.get(0).getText().contains("GET /api/v1/profiles/{id}")
                        && rows.get(0).getText().contains(Api.ADMIN) && rows.get(0).getText().contains("404") ? true : null;
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                return null;
            }
        });
        signOut();
    }

    /** The row of the accounts table for this account, once shown. */
    private static WebElement accountRow(String name) {
        return browser.await(WAIT, d -> {
            for (WebElement tr : d.findElements(By.cssSelector("[data-region=accounts] tbody tr"))) {
                try {
                    if (tr.findElement(By.tagName("td")).getText().trim().equals(name)) {
                        return tr;
                    }
                } catch (org.openqa.selenium.StaleElementReferenceException e) {
                    return null;
                }
            }
            return null;
        });
    }

    /** The cookies of a sign-in by the form, outside the browser (another device). */
    private static Map<String, String> formSession(String user, String password) {
        Response login = RestAssured.given().redirects().follow(false).formParam("j_username", user).formParam("j_password", password)
                .post("/j_security_check");
        assertEquals(302, login.statusCode());
        return Map.of("footfall-session", login.cookie("footfall-session"), "footfall-sid", login.cookie("footfall-sid"));
    }

    @Test
    @Order(10)
    void theClusterPageShowsThisInstanceWithItsRolesAndWhatItFolds() {
        signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        open("#/cluster");
        assertEquals("ready", settled("cluster"));
        String node = admin().get("/api/v1/cluster").then().statusCode(200).extract().path("node");
        String instances = text("[data-region=cluster]");
        assertTrue(instances.contains(node + " (this one)"), instances);
        assertTrue(instances.contains("ingest, process, serve"), instances);
        assertTrue(instances.contains("live"), instances);
        for (String processor : List.of("profiles", "reporting", "plugin:")) {
            assertTrue(instances.contains(processor), processor + " is folded here: " + instances);
        }
        // one instance carries out its own replays: none asked of another (the table appears when there are)
        assertEquals("empty", settled("replays"));
        assertTrue(text("[data-region=replays]").contains("None yet"), text("[data-region=replays]"));
        browser.screenshot("admin-ui-14b-cluster");
        // a plugin's page says how it is folded: category-affinity, basket rules (its baskets in parts, SPI 1.7), churn
        // (scored as of the log's event time, SPI 1.8), segmentation (its sweeps in sole batches, SPI 1.10) and the
        // recommender (its item figures in one share per part) may be split by person; the fixture plugin may not
        for (String byPerson : List.of("category-affinity", "basket-rules", "churn", "segmentation", "recommender")) {
            open("#/plugins/" + byPerson);
            assertEquals("ready", settled("plugin"));
            assertTrue(text("[data-field=segments]").contains("may be split by person"), byPerson + ": " + text("[data-field=segments]"));
        }
        open("#/plugins/" + FIXTURE);
        assertEquals("ready", settled("plugin"));
        assertEquals("one segment", text("[data-field=segments]"));
        signOut();
    }

    /** The serious and critical WCAG 2.1 A/AA violations axe-core finds on the page as it is now, one line each. */
    private static List<String> accessibilityViolations(String page) {
        com.deque.html.axecore.results.Results results = new com.deque.html.axecore.selenium.AxeBuilder()
                .withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")).analyze(driver());
        assertTrue(results.getPasses().size() > 10, page + ": axe-core ran its checks");
        List<String> found = new ArrayList<>();
        for (com.deque.html.axecore.results.Rule rule : results.getViolations()) {
            if ("serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact())) {
                rule.getNodes().forEach(n -> found.add(page + ": " + rule.getId() + " (" + rule.getImpact() + ") at " + n.getTarget()));
            }
        }
        return found;
    }

    @Test
    @Order(11)
    void everyPageHasNoSeriousOrCriticalAccessibilityViolation() {
        List<String> violations = new ArrayList<>();
        driver().get(base() + "/admin/login.html");
        browser.await(WAIT, d -> d.findElements(By.id("j_username")).isEmpty() ? null : true);
        violations.addAll(accessibilityViolations("login"));
        signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        for (String page : List.of("#/dashboard", "#/profiles", "#/segments", "#/plugins", "#/plugins/basket-rules", "#/models",
                "#/ingestion", "#/sources", "#/cluster")) {
            open(page);
            driver().navigate().refresh();
            awaitPageSettled();
            violations.addAll(accessibilityViolations(page));
        }
        assertEquals(List.of(), violations);
        signOut();
    }

    /** The funnel bars the dashboard draws: step name to users, in order. */
    @SuppressWarnings("unchecked")
    private static Map<String, Long> funnelBars() {
        List<List<Object>> bars = (List<List<Object>>) js("""
                return Array.from(document.querySelectorAll('[data-region=funnel] [data-step]'), r =>
                    [r.dataset.step, Number(r.querySelector('[data-field=users]').textContent.replace(/,/g, ''))]);""");
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        bars.forEach(b -> out.put((String) b.get(0), ((Number) b.get(1)).longValue()));
        return out;
    }

    @Test
    @Order(12)
    void aFunnelSavedFromTheDashboardIsChosenDrawnFromItsRollupAndDeleted() {
        String id = "ui-funnel-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> steps = List.of("Products Searched", "Product Viewed", "Order Completed");
        try {
            signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
            open("#/dashboard");
            driver().navigate().refresh();
            assertEquals("ready", settled("funnel"));
            assertNotNull(settled("saved-funnels"));
            WebElement picker = driver().findElement(By.id("f-funnel"));
            assertEquals("", picker.getDomProperty("value"), "custom steps are the default choice");

            // custom steps and window, then an id the API refuses: its 400 is shown under the field it names
            WebElement stepsInput = driver().findElement(By.id("f-steps"));
            stepsInput.clear();
            stepsInput.sendKeys(String.join(",", steps));
            WebElement window = driver().findElement(By.id("f-window"));
            window.clear();
            window.sendKeys("P3D");
            WebElement saveId = driver().findElement(By.id("f-save-id"));
            saveId.sendKeys("Not An Id!");
            driver().findElement(By.id("funnel-save-button")).click();
            browser.await(WAIT, d -> "invalid".equals(state("funnel-save")) ? true : null);
            assertEquals("id", driver().findElement(By.cssSelector("[data-region=funnel-save] [data-field]")).getDomAttribute("data-field"));
            assertTrue(text("[data-error-for=id]").startsWith("id must match"), text("[data-error-for=id]"));
            assertEquals("true", saveId.getDomAttribute("aria-invalid"));
            assertTrue(saveId.getDomAttribute("aria-describedby").contains("f-save-id-error"), "the error is tied to the field");
            assertEquals("", text("[data-error-for=steps]"), "only the named field is marked");
            browser.screenshot("admin-ui-15-funnel-save-refused");
            admin().get("/api/v1/reports/funnels").then().statusCode(200).body("funnels.id", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(id)));

            // a slow backfill, simulated in the page: the first two reads of the funnel answer "running" (1, then 2 of 3
            // persons), the page polls until the real answer (done) and then reads the funnel again
            js("""
                    const real = window.fetch;
                    let fake = 0;
                    window.fetch = async (input, init) => {
                      const r = await real(input, init);
                      if (fake < 2 && String(input).startsWith('/api/v1/reports/funnels/') && (!init || !init.method || init.method === 'GET') && r.ok) {
                        fake++;
                        const body = await r.json();
                        body.backfill = { state: 'running', done: fake, total: 3, error: null };
                        return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
                      }
                      return r;
                    };""");

            // a valid id and a name: saved with the custom steps and window, and chosen in the picker
            saveId.clear();
            saveId.sendKeys(id);
            driver().findElement(By.id("f-save-name")).sendKeys("UI test funnel", Keys.ENTER);
            browser.await(WAIT, d -> "saved".equals(state("funnel-save")) ? true : null);
            assertEquals(id, picker.getDomProperty("value"));
            assertTrue(driver().getCurrentUrl().contains("funnel=" + id), driver().getCurrentUrl());
            JsonPath saved = admin().get("/api/v1/reports/funnels/{id}", id).then().statusCode(200).extract().jsonPath();
            assertEquals(steps, saved.getList("steps"));
            assertEquals("P3D", saved.getString("window"), "a window of whole days comes back in days");
            assertEquals("UI test funnel", saved.getString("name"));
            assertFalse(driver().findElement(By.id("f-steps")).isDisplayed(), "the custom steps form is hidden while a saved funnel is chosen");
            String progress = browser.await(WAIT, d -> {
                List<WebElement> p = d.findElements(By.cssSelector("[data-region=saved-funnel] [data-field=backfill-progress]"));
                return p.isEmpty() ? null : p.get(0).getText();
            });
            assertTrue(progress.matches("[12] of 3 persons"), progress);
            browser.screenshot("admin-ui-16-funnel-backfilling");
            browser.await(WAIT, d -> "done".equals(js("return document.querySelector('[data-region=saved-funnel]').dataset.backfill;")) ? true : null);
            assertEquals("Products Searched → Product Viewed → Order Completed", text("[data-region=saved-funnel] [data-field=steps]"));
            assertEquals("P3D", text("[data-region=saved-funnel] [data-field=window]"));

            // once backfilled, the funnel is read again and counted from its entries (source "saved", not on request);
            // the bars are the API's answer for funnel=<id> over the page's range (read again until both agree); the
            // picker lists the funnel by its name
            browser.await(WAIT, d -> "saved".equals(js("return document.querySelector('[data-region=funnel]').dataset.source;")) ? true : null);
            assertNotNull(settled("funnel"));
            String from = driver().findElement(By.id("f-from")).getDomProperty("value");
            String to = driver().findElement(By.id("f-to")).getDomProperty("value");
            Map<String, Long> api = new java.util.LinkedHashMap<>();
            Map<String, Long> bars = Poll.until(WAIT, () -> {
                settled("funnel");
                api.clear();
                JsonPath f = admin().queryParam("funnel", id).queryParam("from", from).queryParam("to", to).get("/api/v1/reports/funnel")
                        .then().statusCode(200).body("source", equalTo("saved")).extract().jsonPath();
                List<String> names = f.getList("steps.name");
                List<Long> users = longs(f.getList("steps.users"));
                for (int i = 0; i < names.size(); i++) {
                    api.put(names.get(i), users.get(i));
                }
                return funnelBars();
            }, b -> b.equals(api));
            assertEquals(steps, new ArrayList<>(bars.keySet()));
            assertTrue(bars.get("Products Searched") > 0, "the simulated traffic reaches the funnel: " + bars);
            assertEquals("UI test funnel (" + id + ")", new org.openqa.selenium.support.ui.Select(picker).getFirstSelectedOption().getText());
            String csv = driver().findElement(By.id("funnel-csv")).getDomAttribute("href");
            assertTrue(csv.contains("funnel=" + id) && csv.contains("format=csv") && !csv.contains("steps="), csv);
            browser.screenshot("admin-ui-17-funnel-saved");

            // a reload (or the link) restores the choice; custom steps and back again by the picker
            driver().navigate().refresh();
            assertEquals("ready", settled("funnel"));
            picker = driver().findElement(By.id("f-funnel"));
            assertEquals(id, picker.getDomProperty("value"));
            assertEquals(bars, funnelBars());
            org.openqa.selenium.support.ui.Select choice = new org.openqa.selenium.support.ui.Select(picker);
            choice.selectByValue("");
            assertEquals("ready", settled("funnel"));
            assertTrue(driver().findElement(By.id("f-steps")).isDisplayed());
            assertFalse(driver().getCurrentUrl().contains("funnel="), driver().getCurrentUrl());
            assertTrue(driver().findElement(By.id("funnel-csv")).getDomAttribute("href").contains("steps="));
            choice.selectByValue(id);
            assertEquals("ready", settled("saved-funnel"));
            assertEquals("ready", settled("funnel"));
            assertEquals(bars, funnelBars());

            // no serious accessibility violation with a saved funnel chosen
            assertEquals(List.of(), accessibilityViolations("#/dashboard?funnel=" + id));

            // delete by keyboard: Tab from the picker reaches Delete, Enter asks first, accepting deletes
            picker.sendKeys(Keys.TAB);
            assertEquals("funnel-delete", js("return document.activeElement.id;"));
            driver().switchTo().activeElement().sendKeys(Keys.ENTER);
            acceptConfirmation();
            browser.await(WAIT, d -> "deleted".equals(state("funnel-notice")) ? true : null);
            assertEquals("", picker.getDomProperty("value"));
            admin().get("/api/v1/reports/funnels/{id}", id).then().statusCode(404);
            assertNotNull(settled("saved-funnels"));
            assertTrue(driver().findElements(By.cssSelector("#f-funnel option[value='" + id + "']")).isEmpty(), "the picker no longer lists it");
            assertFalse(driver().getCurrentUrl().contains("funnel="), driver().getCurrentUrl());
            browser.screenshot("admin-ui-18-funnel-deleted");
        } finally {
            admin().delete("/api/v1/reports/funnels/{id}", id); // 204, or 404 once the UI deleted it
        }
    }

    /** A user with events, a rule segment, a churn score and recommendations, seeded by the profile test (the layout test shows it too). */
    private static String profiled;

    /** A track event of the tracking API's batch, with its properties' JSON members. */
    private static String track(String event, String user, Instant at, String properties) {
        return "{\"type\":\"track\",\"event\":\"" + event + "\",\"userId\":\"" + user + "\",\"timestamp\":\"" + at + "\",\"properties\":{" + properties + "}}";
    }

    private static String product(String id) {
        return "\"product_id\":\"" + id + "\",\"category\":\"UI Boots\",\"brand\":\"Acme\",\"price\":40";
    }

    /** Stores a plugin result as a plugin publishes it (the results read model), replacing one with the same key. */
    private void plantResult(String plugin, String type, String key, String user, String payload) throws SQLException {
        try (Connection c = ds.getConnection()) {
            Db.pluginResult(c, plugin, type, key, user, payload);
        }
    }

    /** An instant as the UI writes it (ui.js when()): seconds, UTC. */
    private static String when(String iso) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC)
                .format(Instant.parse(iso).truncatedTo(ChronoUnit.SECONDS));
    }

    /** Asserts that a number shown rounded to {@code step} (e.g. "0.83", "83.0%") is the API's value. */
    private static void assertShown(double api, String shown, double step, String what) {
        double value = Double.parseDouble(shown.replace("%", "").replace(",", ""));
        if (shown.endsWith("%")) {
            value /= 100;
        }
        assertTrue(Math.abs(api - value) <= step / 2 + 1e-9, what + ": the API's " + api + " shown as " + shown);
    }

    /** The cells' text of the rows a selector finds. */
    @SuppressWarnings("unchecked")
    private static List<List<String>> rows(String css) {
        return (List<List<String>>) js("return Array.from(document.querySelectorAll(arguments[0]), r => Array.from(r.cells, c => c.textContent.trim()));", css);
    }

    /** How the profile page's recommendations differ from the API's answer for the user, or null when they are the same. */
    private static String recommendationsMismatch(String user) {
        if (!"ready".equals(settled("recommendations"))) {
            return "recommendations: " + text("[data-region=recommendations]");
        }
        List<List<String>> shown = rows("[data-region=recommendations] tbody tr");
        String source = text("[data-region=recommendations] p.muted");
        JsonPath recs = admin().queryParam("limit", 10).get("/api/v1/recommendations/{id}", user).then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> items = recs.getList("items");
        String expectedSource = "personal".equals(recs.getString("source")) ? "Personal recommendations." : "Cold start: popular items (no personal list yet).";
        if (!expectedSource.equals(source) || items.size() != shown.size()) {
            return "shown " + source + " " + shown + ", the API answers " + recs.prettify();
        }
        for (int i = 0; i < items.size(); i++) {
            Map<String, Object> item = items.get(i);
            List<String> row = shown.get(i);
            assertFalse(((String) item.get("reason")).isBlank(), "every item has a reason: " + item);
            double score = Double.parseDouble(row.get(2));
            if (!item.get("itemId").equals(row.get(0)) || !item.get("reason").equals(row.get(1))
                    || Math.abs(((Number) item.get("score")).doubleValue() - score) > 0.0005 + 1e-9) {
                return "row " + i + " shown " + row + ", the API answers " + item;
            }
        }
        return null;
    }

    /** Waits until the page has drawn its regions and none is loading any more. */
    private static void awaitPageSettled() {
        browser.await(WAIT, d -> (Boolean) js("return document.querySelector('main') !== null && document.querySelector('main').children.length > 0"
                + " && document.querySelectorAll('[data-state=loading]').length === 0") ? true : null);
    }

    @Test
    @Order(13)
    void theProfileShowsTheUsersSegmentsChurnScoreAndRecommendationsAsTheApiAnswers() throws SQLException {
        String p = "uip" + UUID.randomUUID().toString().substring(0, 6);
        String user = p + "-ann";
        String segment = p + "-viewers";
        // a rule segment the user will match: viewed this test's item within 30 days
        admin().contentType("application/json").body("{\"id\":\"" + segment + "\",\"name\":\"UI profile viewers\",\"when\":{\"event\":\"Product Viewed\","
                + "\"where\":{\"productId\":\"" + p + "-a\"},\"within\":\"P30D\"}}").post("/api/v1/segments").then().statusCode(201);
        try {
            // another user viewed the item and a second one (co-visitation for the recommender), then the user searches,
            // views and adds the first
            Instant t = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
            List<String> events = List.of(
                    track("Product Viewed", p + "-ben", t, product(p + "-a")),
                    track("Product Viewed", p + "-ben", t.plusSeconds(1), product(p + "-b")),
                    track("Products Searched", user, t.plusSeconds(2), "\"query\":\"boots\""),
                    track("Product Viewed", user, t.plusSeconds(3), product(p + "-a")),
                    track("Product Added", user, t.plusSeconds(4), product(p + "-a")));
            tracking().body("{\"batch\":[" + String.join(",", events) + "]}").post("/v1/batch").then().statusCode(200).body("stored", equalTo(events.size()));
            Api.awaitProfile(user, 3);

            // the built-in plugins' results: the segmentation plugin's membership, the recommender's list (personal once
            // the plugin has folded the user's events, cold start before: either has reasons)
            Poll.until(Duration.ofSeconds(120), () -> admin().get("/api/v1/users/{id}/segments", user).then().statusCode(200).extract().jsonPath(),
                    j -> j.getList("segments.segment").contains(segment));
            Poll.until(WAIT, () -> admin().queryParam("limit", 10).get("/api/v1/recommendations/{id}", user).then().statusCode(200).extract().jsonPath(),
                    j -> !j.getList("items").isEmpty());
            // a churn score as the churn plugin publishes it (no churn model is trained here: planted, as ReportsTest
            // does), once the plugin has folded the user's events (a serving model would score them again)
            long head = admin().get("/api/v1/projections/profiles").then().statusCode(200).extract().jsonPath().getLong("head");
            Poll.until(WAIT, () -> admin().get("/api/v1/plugins/churn").then().statusCode(200).extract().jsonPath(),
                    j -> j.getLong("position") >= head || !"RUNNING".equals(j.getString("state")));
            plantResult("churn", "USER_SCORE", "churn:" + user, user, "{\"userId\":\"" + user + "\",\"name\":\"churn\",\"score\":0.83,\"band\":\"high\","
                    + "\"reasons\":[{\"feature\":\"days_since_last_order\",\"contribution\":0.61,\"text\":\"no order for 40 days\"},"
                    + "{\"feature\":\"sessions_30d\",\"contribution\":0.22,\"text\":\"fewer visits than usual\"}]}");
            plantResult("churn", "USER_SCORE", "retention:" + user, user, "{\"userId\":\"" + user + "\",\"name\":\"retention\",\"score\":0.83,"
                    + "\"band\":\"coupon\",\"reasons\":[{\"feature\":\"days_since_last_order\",\"contribution\":0.61,\"text\":\"no order for 40 days\"}]}");
            plantResult("churn", "USER_SCORE", "churn-context:" + user, user, "{\"userId\":\"" + user + "\",\"name\":\"churn-context\",\"score\":240.5,"
                    + "\"band\":\"model\",\"reasons\":[{\"feature\":\"model_version\",\"contribution\":3,\"text\":\"model version 3\"}]}");

            signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
            open("#/profiles/" + user);
            driver().navigate().refresh();
            for (String region : List.of("profile", "timeline", "user-segments", "churn", "recommendations")) {
                assertEquals("ready", settled(region), region + ": " + text("[data-region=" + region + "]"));
            }

            // segments: the API's, row by row (segment, kind, score, since)
            JsonPath segments = admin().get("/api/v1/users/{id}/segments", user).then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> memberships = segments.getList("segments");
            List<List<String>> shownSegments = rows("[data-region=user-segments] tbody tr");
            assertEquals(memberships.size(), shownSegments.size(), shownSegments.toString());
            for (int i = 0; i < memberships.size(); i++) {
                Map<String, Object> m = memberships.get(i);
                List<String> row = shownSegments.get(i);
                assertEquals(m.get("segment"), row.get(0));
                assertEquals(m.get("kind"), row.get(1));
                assertShown(((Number) m.get("score")).doubleValue(), row.get(2), 0.01, "segment score");
                assertEquals(when((String) m.get("recordedAt")), row.get(3));
            }
            assertTrue(shownSegments.stream().anyMatch(r -> r.get(0).equals(segment) && r.get(1).equals("rule")), shownSegments.toString());
            assertEquals("#/segments/" + segment, driver().findElement(By.linkText(segment)).getDomAttribute("href"));
            if (segments.get("rfm") == null) {
                assertTrue(text("[data-region=user-segments]").contains("No RFM score yet"), text("[data-region=user-segments]"));
            } else {
                assertTrue(text("[data-region=user-segments]").contains("RFM: " + segments.getString("rfm.segment")));
            }

            // churn: the answer's fields, its reasons and strategies
            JsonPath churn = admin().get("/api/v1/users/{id}/churn", user).then().statusCode(200).extract().jsonPath();
            @SuppressWarnings("unchecked")
            Map<String, Object> shownChurn = (Map<String, Object>) js("""
                    var c = document.querySelector('[data-region=churn]');
                    var facts = {};
                    c.querySelectorAll('dl.facts dt').forEach(dt => facts[dt.textContent] = dt.nextElementSibling.textContent);
                    var lists = {};
                    c.querySelectorAll('h3').forEach(h => lists[h.textContent] = Array.from(h.nextElementSibling.querySelectorAll('li'), li => li.textContent));
                    return {facts: facts, lists: lists};""");
            @SuppressWarnings("unchecked")
            Map<String, String> facts = (Map<String, String>) shownChurn.get("facts");
            assertEquals(churn.getString("target"), facts.get("Target"));
            assertShown(churn.getDouble("probability"), facts.get("Probability"), 0.001, "probability");
            assertEquals(churn.getString("band"), facts.get("Band"));
            assertEquals(churn.getBoolean("coldStart") ? "yes — too little history, population rate" : "no", facts.get("Cold start"));
            assertEquals(new java.math.BigDecimal(churn.getString("customerValue")).stripTrailingZeros().toPlainString(), facts.get("Value (recent revenue)"));
            assertEquals(churn.getString("modelVersion"), facts.get("Model version"));
            assertEquals(when(churn.getString("scoredAt")), facts.get("Scored"));
            List<String> reasons = churn.getList("reasons.text");
            List<String> strategies = new ArrayList<>();
            for (Map<String, Object> st : churn.<Map<String, Object>>getList("strategies")) {
                strategies.add(st.get("action") + (st.get("reason") == null ? "" : " — " + st.get("reason")));
            }
            assertFalse(reasons.isEmpty() || strategies.isEmpty(), "the churn answer has reasons and strategies: " + churn.prettify());
            assertEquals(Map.of("Why", reasons, "Suggested strategies", strategies), shownChurn.get("lists"));

            // recommendations: the API's items with their reasons and scores, and where they come from (read again until
            // both agree: the recommender may publish the user's personal list in between)
            Poll.until(WAIT, () -> {
                String mismatch = recommendationsMismatch(user);
                if (mismatch != null) {
                    driver().navigate().refresh();
                    settled("recommendations");
                }
                return mismatch;
            }, java.util.Objects::isNull);
            browser.screenshot("admin-ui-19-profile-insights");
            assertEquals(List.of(), accessibilityViolations("#/profiles/" + user));
            profiled = user;
        } finally {
            admin().delete("/api/v1/segments/{id}", segment);
        }
    }

    @Test
    @Order(14)
    void emptyAndErrorStatesAreShownWithTheirMessages() {
        signIn(Api.ADMIN, Api.ADMIN_PASSWORD);

        // a profile nobody has: the profile, the timeline and the churn score say so (the API answers 404)
        String nobody = "ui-nobody-" + UUID.randomUUID().toString().substring(0, 8);
        admin().get("/api/v1/profiles/{id}", nobody).then().statusCode(404);
        admin().get("/api/v1/users/{id}/churn", nobody).then().statusCode(404);
        open("#/profiles/" + nobody);
        driver().navigate().refresh();
        assertEquals("empty", settled("profile"));
        assertEquals("No profile with this id.", text("[data-region=profile]"));
        assertEquals("empty", settled("timeline"));
        assertEquals("No events: no profile with this id.", text("[data-region=timeline]"));
        assertEquals("empty", settled("churn"));
        assertTrue(text("[data-region=churn]").startsWith("No churn score for this user"), text("[data-region=churn]"));
        browser.screenshot("admin-ui-20-profile-unknown");

        // a range without traffic: the reports answer nothing, the regions say so (the tiles show the zeros)
        String from = "2001-01-01";
        String to = "2001-01-31";
        JsonPath overview = admin().queryParam("from", from).queryParam("to", to).get("/api/v1/reports/overview").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(), overview.getList("series"));
        admin().queryParam("from", from).queryParam("to", to).get("/api/v1/reports/cohorts").then().statusCode(200).body("cohorts", org.hamcrest.Matchers.empty());
        admin().queryParam("from", from).queryParam("to", to).get("/api/v1/reports/funnel").then().statusCode(200).body("steps[0].users", equalTo(0));
        admin().queryParam("from", from).queryParam("to", to).get("/api/v1/reports/preferences").then().statusCode(200)
                .body("categories", org.hamcrest.Matchers.empty()).body("brands", org.hamcrest.Matchers.empty());
        open("#/dashboard?from=" + from + "&to=" + to);
        driver().navigate().refresh();
        assertEquals("ready", settled("overview-totals"));
        assertEquals(String.valueOf(overview.getLong("totals.events")), text("[data-region=overview-totals] [data-metric=events] .value"));
        for (String chart : List.of("chart-active-users", "chart-sessions", "chart-events-by-type")) {
            assertEquals("empty", settled(chart), chart);
            assertEquals("No activity in this period.", text("[data-region=" + chart + "]"));
        }
        assertEquals("empty", settled("funnel"));
        assertEquals("No user reached the first step in this period.", text("[data-region=funnel]"));
        assertEquals("empty", settled("cohorts"));
        assertEquals("No cohort in this period.", text("[data-region=cohorts]"));
        assertEquals("empty", settled("preferences"));
        assertEquals("No product activity in this period.", text("[data-region=preferences]"));
        browser.screenshot("admin-ui-21-dashboard-empty-range");

        // a dashboard link to a segment that does not exist (deleted, mistyped): the report API refuses it (400 naming
        // segment) and the regions show that error; the page stays usable
        String gone = "ui-gone-" + UUID.randomUUID().toString().substring(0, 8);
        String message = admin().queryParam("segment", gone).get("/api/v1/reports/overview").then().statusCode(400)
                .body("field", equalTo("segment")).extract().jsonPath().getString("message");
        open("#/dashboard?segment=" + gone);
        driver().navigate().refresh();
        assertEquals("error", settled("overview-totals"));
        assertEquals("400", js("return document.querySelector('[data-region=overview-totals]').dataset.status;"));
        String error = text("[data-region=overview-totals]");
        assertTrue(error.startsWith("Overview report: HTTP 400") && error.contains("field “segment”") && error.endsWith(message), error);
        assertEquals("alert", driver().findElement(By.cssSelector("[data-region=overview-totals] .state.error")).getDomAttribute("role"));
        assertEquals("empty", settled("chart-sessions"));
        assertEquals("No data: the overview report could not be read.", text("[data-region=chart-sessions]"));
        for (String region : List.of("funnel", "cohorts", "preferences")) {
            assertEquals("error", settled(region), region);
            assertTrue(text("[data-region=" + region + "]").contains(message), text("[data-region=" + region + "]"));
        }
        browser.screenshot("admin-ui-22-dashboard-unknown-segment");
        // the filter still works: back to all users
        new org.openqa.selenium.support.ui.Select(driver().findElement(By.id("f-segment"))).selectByValue("");
        driver().findElement(By.xpath("//form[@aria-label='Report filters']//button[text()='Apply']")).click();
        browser.await(WAIT, d -> !d.getCurrentUrl().contains("segment=") && "ready".equals(state("overview-totals")) ? true : null);
    }

    @Test
    @Order(15)
    void thePluginsListShowsEachPluginsStateAndLagAsTheApi() {
        signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        open("#/plugins");
        // read again until both agree: plugins append results to the log, so the lag moves while they work
        Map<String, String> api = new java.util.TreeMap<>();
        Map<String, String> shown = Poll.until(WAIT, () -> {
            driver().navigate().refresh();
            assertEquals("ready", settled("plugins"));
            @SuppressWarnings("unchecked")
            List<List<Object>> ui = (List<List<Object>>) js("""
                    return Array.from(document.querySelectorAll('[data-region=plugins] [data-lag]'), s =>
                        [s.dataset.lag, s.closest('tr').cells[3].textContent.trim(), Number(s.textContent.replace(/,/g, ''))]);""");
            api.clear();
            for (Map<String, Object> plugin : admin().get("/api/v1/plugins").then().statusCode(200).extract().jsonPath().<Map<String, Object>>getList("plugins")) {
                api.put((String) plugin.get("id"), plugin.get("state") + (Boolean.TRUE.equals(plugin.get("replaying")) ? " replaying" : "")
                        + " lag " + ((Number) plugin.get("lag")).longValue());
            }
            Map<String, String> out = new java.util.TreeMap<>();
            ui.forEach(r -> out.put((String) r.get(0), r.get(1) + " lag " + ((Number) r.get(2)).longValue()));
            return out;
        }, ui -> ui.equals(api));
        assertTrue(shown.keySet().containsAll(List.of("basket-rules", "churn", "recommender", "segmentation", FIXTURE)), shown.toString());
        assertTrue(shown.get("basket-rules").startsWith("RUNNING lag "), shown.toString());
        browser.screenshot("admin-ui-23-plugins");
    }

    @Test
    @Order(16)
    void aSavedFunnelWhoseBackfillFailedShowsTheErrorAndIsStillCounted() {
        String id = "ui-failed-" + UUID.randomUUID().toString().substring(0, 6);
        admin().contentType("application/json").body(Map.of("id", id, "name", "UI failed backfill", "steps", List.of("Products Searched", "Product Viewed"),
                "window", "P1D")).post("/api/v1/reports/funnels").then().statusCode(201);
        try {
            signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
            open("#/dashboard");
            driver().navigate().refresh();
            assertEquals("ready", settled("funnel"));
            assertNotNull(settled("saved-funnels"));
            browser.await(WAIT, d -> d.findElements(By.cssSelector("#f-funnel option[value='" + id + "']")).isEmpty() ? null : true);

            // a backfill that failed, simulated in the page: the reads of this funnel answer "failed" with an error
            String reason = "could not read the log (simulated)";
            js("""
                    const real = window.fetch;
                    const path = '/api/v1/reports/funnels/' + arguments[0];
                    const reason = arguments[1];
                    window.fetch = async (input, init) => {
                      const r = await real(input, init);
                      if (String(input) === path && (!init || !init.method || init.method === 'GET') && r.ok) {
                        const body = await r.json();
                        body.backfill = { state: 'failed', done: 1, total: 3, error: reason };
                        return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
                      }
                      return r;
                    };""", id, reason);
            new org.openqa.selenium.support.ui.Select(driver().findElement(By.id("f-funnel"))).selectByValue(id);
            assertEquals("ready", settled("saved-funnel"));
            assertEquals("failed", js("return document.querySelector('[data-region=saved-funnel]').dataset.backfill;"));
            WebElement history = driver().findElement(By.cssSelector("[data-region=saved-funnel] [data-field=backfill]"));
            assertEquals("failed", history.getDomAttribute("data-state"));
            WebElement alert = history.findElement(By.cssSelector("[role=alert]"));
            assertEquals("Backfill failed: " + reason + " — the funnel is computed on request.", alert.getText());
            assertTrue(driver().findElements(By.cssSelector("[data-region=saved-funnel] progress, [data-region=saved-funnel] [data-field=backfill-progress]")).isEmpty(),
                    "no progress is shown for a failed backfill");

            // the funnel is still counted: its bars are the API's answer for funnel=<id>
            String from = driver().findElement(By.id("f-from")).getDomProperty("value");
            String to = driver().findElement(By.id("f-to")).getDomProperty("value");
            Map<String, Long> api = new java.util.LinkedHashMap<>();
            Map<String, Long> bars = Poll.until(WAIT, () -> {
                settled("funnel");
                api.clear();
                JsonPath f = admin().queryParam("funnel", id).queryParam("from", from).queryParam("to", to).get("/api/v1/reports/funnel")
                        .then().statusCode(200).extract().jsonPath();
                List<String> names = f.getList("steps.name");
                List<Long> users = longs(f.getList("steps.users"));
                for (int i = 0; i < names.size(); i++) {
                    api.put(names.get(i), users.get(i));
                }
                return funnelBars();
            }, b -> b.equals(api));
            assertEquals(List.of("Products Searched", "Product Viewed"), new ArrayList<>(bars.keySet()));
            browser.screenshot("admin-ui-24-funnel-backfill-failed");
        } finally {
            admin().delete("/api/v1/reports/funnels/{id}", id);
        }
    }

    @Test
    @Order(17)
    void everyPageFitsALaptopScreenWithoutScrollingSideways() {
        signIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        List<String> pages = new ArrayList<>(List.of("#/dashboard", "#/profiles", "#/segments", "#/plugins", "#/plugins/basket-rules", "#/ingestion",
                "#/sources", "#/models", "#/cluster", "#/accounts"));
        if (profiled != null) {
            pages.add(2, "#/profiles/" + profiled);
        }
        List<String> overflowing = new ArrayList<>();
        try {
            for (Dimension size : List.of(new Dimension(1280, 800), new Dimension(1024, 768))) {
                driver().manage().window().setSize(size);
                for (String page : pages) {
                    open(page);
                    driver().navigate().refresh();
                    awaitPageSettled();
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) js("""
                            var root = document.documentElement, w = root.clientWidth, wide = [];
                            document.querySelectorAll('main *').forEach(e => {
                              var r = e.getBoundingClientRect();
                              if (r.right > w + 0.5 && !e.closest('.table-wrap')) wide.push(e.tagName + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '') + ' ' + Math.round(r.right));
                            });
                            return {scroll: root.scrollWidth, client: w, wide: wide.slice(0, 8)};""");
                    long client = ((Number) m.get("client")).longValue();
                    assertTrue(client <= size.getWidth() && client > size.getWidth() - 40, size + " gives a viewport " + client + " wide");
                    if (((Number) m.get("scroll")).longValue() > client) {
                        overflowing.add(size.getWidth() + " " + page + ": " + m);
                    }
                    if (size.getWidth() == 1024) {
                        browser.screenshot("admin-ui-25-1024-" + page.replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", ""));
                    }
                }
            }
        } finally {
            driver().manage().window().setSize(new Dimension(1366, 900));
        }
        assertEquals(List.of(), overflowing);
    }

    private static ObjectNode prefixed(ObjectNode message, String prefix) {
        for (String field : List.of("userId", "anonymousId", "previousId", "messageId")) {
            if (message.hasNonNull(field)) {
                message.put(field, prefix + message.get(field).asText());
            }
        }
        return message;
    }

    private static List<Long> longs(List<?> values) {
        return values.stream().map(v -> ((Number) v).longValue()).toList();
    }
}
