package io.footfall.app;

import static io.footfall.app.Api.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chromium.ChromiumDriver;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;

/**
 * footfall.js in a real headless Chromium: the demo storefront, served by the app, sends through a
 * fault-injecting proxy to the app's tracking API. Under 5xx, 429 with Retry-After, dropped
 * connections, lost answers, the browser offline, and a reload with events still queued, every
 * event the page produced is in the log exactly once.
 */
@QuarkusTest
class SdkBrowserTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void everyEventArrivesExactlyOnceThroughFailures() throws Exception {
        RestAssured.given().get("/sdk/footfall.umd.js").then().statusCode(200)
                .contentType(containsString("javascript")).body(containsString("footfall"));
        try (FaultProxy proxy = new FaultProxy(URI.create("http://localhost:" + RestAssured.port));
             Browser browser = Browser.start()) {
            var driver = browser.driver();
            JavascriptExecutor js = (JavascriptExecutor) driver;
            driver.get("http://localhost:" + RestAssured.port + "/demo/index.html?writeKey=" + Api.WRITE_KEY
                    + "&host=http://127.0.0.1:" + proxy.port() + "&flushInterval=300&batchSize=5");
            String anon = browser.await(DEADLINE, d -> (String) js.executeScript("return window.ff && ff.user().anonymousId"));

            // healthy: the page view and a product view arrive
            click(browser, "view-demo-p-1");
            awaitAllArrived(browser, anon, "healthy");

            // 5xx: the first two attempts are answered 503 without reaching the app
            proxy.next(Fault.UNAVAILABLE, Fault.UNAVAILABLE);
            click(browser, "add-demo-p-1");
            click(browser, "view-demo-p-2");
            awaitAllArrived(browser, anon, "5xx");
            assertEquals(2, proxy.count("503"), "both 503s were given");

            // 429 with Retry-After: 1 -- the SDK waits at least that long (its own first backoff is at most 0.5 s)
            proxy.next(Fault.OVERLOADED);
            click(browser, "view-demo-p-3");
            awaitAllArrived(browser, anon, "429");
            FaultProxy.Seen overloaded = proxy.first("429");
            FaultProxy.Seen retry = proxy.after(overloaded);
            assertTrue(retry.atNanos() - overloaded.atNanos() >= Duration.ofMillis(950).toNanos(),
                    "the retry came " + Duration.ofNanos(retry.atNanos() - overloaded.atNanos()).toMillis() + " ms after Retry-After: 1");

            // dropped connections: no answer at all
            proxy.next(Fault.DROP, Fault.DROP);
            click(browser, "add-demo-p-2");
            awaitAllArrived(browser, anon, "dropped connection");
            assertEquals(2, proxy.count("dropped"));

            // a lost answer: the app stored the batch but the browser never heard; the re-send is a duplicate
            proxy.next(Fault.LOSE_ANSWER);
            click(browser, "add-demo-p-3");
            click(browser, "view-cart");
            awaitAllArrived(browser, anon, "lost answer");
            assertEquals(1, proxy.count("answer lost"));
            assertTrue(proxy.duplicatesReported() >= 1, "the app recognised the re-sent events by messageId");

            // offline: Chromium's network is cut while the shopper goes on browsing, then restored
            ChromiumDriver chromium = (ChromiumDriver) driver;
            ChromiumNetworkConditions offline = new ChromiumNetworkConditions();
            offline.setOffline(true);
            chromium.setNetworkConditions(offline);
            click(browser, "view-demo-p-1");
            click(browser, "add-demo-p-1");
            browser.await(DEADLINE, d -> ((Number) js.executeScript("return ff.pending()")).intValue() >= 2);
            chromium.deleteNetworkConditions();
            awaitAllArrived(browser, anon, "offline");

            // reload mid-queue: the app is unreachable (every attempt 503) while the shopper checks out, then
            // reloads; the events wait in localStorage and the next page sends them
            proxy.failAll(503);
            int attemptsBefore = proxy.count("503");
            click(browser, "checkout");
            List<String> queued = pageIds(js);
            List<String> checkout = queued.subList(queued.size() - 2, queued.size());
            browser.await(DEADLINE, d -> proxy.count("503") > attemptsBefore && storedQueue(js).containsAll(checkout));
            driver.navigate().refresh();
            browser.await(DEADLINE, d -> Boolean.TRUE.equals(js.executeScript("return !!window.ff")));
            assertTrue(storedQueue(js).containsAll(checkout), "the checkout events survived the reload in localStorage");
            proxy.heal();
            awaitAllArrived(browser, anon, "reload");
            browser.await(DEADLINE, d -> ((Number) js.executeScript("return ff.pending()")).intValue() == 0);

            // exactly once: the whole log of this visitor is the page's events, each once
            Api.awaitProjectionsCaughtUp();
            List<String> expected = pageIds(js);
            Map<String, Long> timeline = timeline(anon);
            assertEquals(expected.size(), Set.copyOf(expected).size(), "the page produced distinct message ids");
            assertEquals(Set.copyOf(expected), timeline.keySet(), "every event arrived, and nothing else");
            assertTrue(timeline.values().stream().allMatch(n -> n == 1), "no event twice: " + timeline);
            // 2 page views, 4 product views, 4 adds, cart viewed, checkout started, order completed
            assertEquals(13, expected.size(), "events the page produced");
            admin().get("/api/v1/profiles/{id}", anon).then().statusCode(200)
                    .body("eventCounts.'Order Completed'", org.hamcrest.Matchers.equalTo(1))
                    .body("eventCounts.'Product Added'", org.hamcrest.Matchers.equalTo(4));
            browser.screenshot("sdk-demo-after-faults");
            System.out.printf("SdkBrowserTest: %d events; tracking requests seen by the proxy: %s; duplicates reported by the app: %d; retry %d ms after the 429%n",
                    expected.size(), proxy.seen.stream().collect(Collectors.groupingBy(FaultProxy.Seen::outcome, Collectors.counting())),
                    proxy.duplicatesReported(), Duration.ofNanos(retry.atNanos() - overloaded.atNanos()).toMillis());
        }
    }

    @Test
    void theAsynchronousSnippetDeliversCallsMadeBeforeTheBundleLoaded() throws Exception {
        String user = "snippet-" + java.util.UUID.randomUUID();
        try (Browser browser = Browser.start()) {
            var driver = browser.driver();
            JavascriptExecutor js = (JavascriptExecutor) driver;
            driver.get("http://localhost:" + RestAssured.port + "/demo/async.html?writeKey=" + Api.WRITE_KEY + "&user=" + user);
            // the global became the client once the bundle replayed the queue
            browser.await(DEADLINE, d -> (Boolean) js.executeScript("return !Array.isArray(window.footfall) && typeof footfall.user === 'function'"));
            List<String> types = Poll.until(DEADLINE, () -> {
                var response = admin().get("/api/v1/profiles/{id}/events?limit=50", user);
                return response.statusCode() == 404 ? List.<String>of()
                        : response.then().statusCode(200).extract().jsonPath().getList("items.event.name", String.class);
            }, t -> t.contains("Product Viewed"));
            assertEquals(1, types.stream().filter("Product Viewed"::equals).count(), "queued before load, sent once: " + types);
            // the page view queued before identify is the same visitor's, stitched into the user's profile
            admin().get("/api/v1/profiles/{id}", user).then().statusCode(200)
                    .body("eventCounts.'Product Viewed'", equalTo(1)).body("eventCounts.page", equalTo(1));
        }
    }

    private static void click(Browser browser, String id) {
        browser.driver().findElement(By.id(id)).click();
    }

    /** Message ids of every event the demo page produced (kept in localStorage across reloads). */
    @SuppressWarnings("unchecked")
    private static List<String> pageIds(JavascriptExecutor js) {
        return new ArrayList<>((List<String>) js.executeScript("return JSON.parse(localStorage.getItem('demo:ids') || '[]')"));
    }

    /** Message ids in the SDK's persisted queue. */
    @SuppressWarnings("unchecked")
    private static List<String> storedQueue(JavascriptExecutor js) {
        return (List<String>) js.executeScript("return Object.keys(localStorage).filter(k => k.startsWith('ff:q:')).map(k => k.slice(5))");
    }

    /** The visitor's log: message id → how many times it is there. */
    private static Map<String, Long> timeline(String anonymousId) {
        var response = admin().get("/api/v1/profiles/{id}/events?limit=500", anonymousId);
        if (response.statusCode() == 404) {
            return Map.of();
        }
        return response.then().statusCode(200).extract().jsonPath().getList("items.event.messageId", String.class).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    /** Waits until every event the page produced so far is in the visitor's log. */
    private static void awaitAllArrived(Browser browser, String anon, String phase) {
        JavascriptExecutor js = (JavascriptExecutor) browser.driver();
        List<String> ids = pageIds(js);
        try {
            Poll.until(DEADLINE, () -> timeline(anon), t -> t.keySet().containsAll(ids));
        } catch (AssertionError e) {
            browser.screenshot("sdk-demo-" + phase.replace(' ', '-'));
            throw new AssertionError(phase + ": not every event arrived: " + e.getMessage(), e);
        }
    }

    /** What the proxy does with the next tracking request. */
    enum Fault {
        /** Answer 503 with Retry-After: 0 (the app is not asked). */
        UNAVAILABLE,
        /** Answer 429 with Retry-After: 1 (the app is not asked). */
        OVERLOADED,
        /** Close the connection without an answer (the app is not asked). */
        DROP,
        /** Forward to the app, then close the connection without passing the answer on. */
        LOSE_ANSWER
    }

    /**
     * A small HTTP proxy in front of the app that injects faults into the tracking requests (POST) it is
     * told to, and records what it did with each.
     */
    static final class FaultProxy implements AutoCloseable {
        private static final Pattern DUPLICATES = Pattern.compile("\"duplicates\"\\s*:\\s*(\\d+)");
        private static final List<String> FORWARDED_HEADERS = List.of("Origin", "Content-Type", "Content-Encoding",
                "Authorization", "Accept", "Access-Control-Request-Method", "Access-Control-Request-Headers");

        /** One tracking request: when, and what became of it (a status, "dropped", "answer lost"). */
        record Seen(long atNanos, String outcome, String answer) {
        }

        final List<Seen> seen = new CopyOnWriteArrayList<>();
        private final Deque<Fault> faults = new ConcurrentLinkedDeque<>();
        private volatile Integer failAll;
        private final URI target;
        private final HttpServer server;
        private final ExecutorService executor = Executors.newFixedThreadPool(4);
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        FaultProxy(URI target) throws IOException {
            this.target = target;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", this::handle);
            server.setExecutor(executor);
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        void next(Fault... next) {
            faults.addAll(List.of(next));
        }

        void failAll(int status) {
            failAll = status;
        }

        void heal() {
            failAll = null;
        }

        int count(String outcome) {
            return (int) seen.stream().filter(s -> s.outcome().equals(outcome)).count();
        }

        Seen first(String outcome) {
            return seen.stream().filter(s -> s.outcome().equals(outcome)).findFirst().orElseThrow();
        }

        Seen after(Seen earlier) {
            return seen.get(seen.indexOf(earlier) + 1);
        }

        int duplicatesReported() {
            int n = 0;
            for (Seen s : seen) {
                Matcher m = DUPLICATES.matcher(s.answer() == null ? "" : s.answer());
                n += m.find() ? Integer.parseInt(m.group(1)) : 0;
            }
            return n;
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                boolean tracking = exchange.getRequestMethod().equals("POST");
                long at = System.nanoTime();
                Integer all = failAll;
                Fault fault = tracking && all == null ? faults.poll() : null;
                if (tracking && all != null) {
                    answer(exchange, all, "0");
                    seen.add(new Seen(at, String.valueOf(all), null));
                    return;
                }
                if (fault == Fault.UNAVAILABLE || fault == Fault.OVERLOADED) {
                    int status = fault == Fault.UNAVAILABLE ? 503 : 429;
                    answer(exchange, status, fault == Fault.UNAVAILABLE ? "0" : "1");
                    seen.add(new Seen(at, String.valueOf(status), null));
                    return;
                }
                if (fault == Fault.DROP) {
                    seen.add(new Seen(at, "dropped", null));
                    return; // closing the exchange before any answer closes the connection
                }
                HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                        .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
                for (String name : FORWARDED_HEADERS) {
                    String value = exchange.getRequestHeaders().getFirst(name);
                    if (value != null) {
                        request.header(name, value);
                    }
                }
                HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                String answer = new String(response.body(), StandardCharsets.UTF_8);
                if (fault == Fault.LOSE_ANSWER) {
                    seen.add(new Seen(at, "answer lost", answer));
                    return;
                }
                response.headers().map().forEach((name, values) -> {
                    if (!Set.of("content-length", "transfer-encoding", "connection", ":status").contains(name.toLowerCase())) {
                        exchange.getResponseHeaders().put(name, values);
                    }
                });
                exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
                if (tracking) {
                    seen.add(new Seen(at, String.valueOf(response.statusCode()), answer));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** An injected answer, with the CORS headers a browser needs to let the page read it. */
        private static void answer(HttpExchange exchange, int status, String retryAfter) throws IOException {
            String origin = exchange.getRequestHeaders().getFirst("Origin");
            if (origin != null) {
                exchange.getResponseHeaders().add("Access-Control-Allow-Origin", origin);
                exchange.getResponseHeaders().add("Access-Control-Expose-Headers", "Retry-After");
            }
            exchange.getResponseHeaders().add("Retry-After", retryAfter);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] body = "{\"error\":\"injected\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
