package io.footfall.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpBatchSinkTest {

    private static List<ObjectNode> messages;

    @BeforeAll
    static void simulate() {
        ListSink sink = new ListSink();
        Simulator.run(SimulatorConfig.builder().users(60).days(3).seed(5).build(), sink);
        messages = sink.messages();
    }

    private static void send(HttpBatchSink sink, int count) {
        try (sink) {
            for (int i = 0; i < count; i++) {
                sink.accept(messages.get(i));
            }
        }
    }

    @Test
    void postsBatchesWithBasicAuthAndBoundedConcurrency() throws Exception {
        int concurrency = 3;
        try (FakeTrackingApi api = new FakeTrackingApi(concurrency)) {
            HttpBatchSink sink = HttpBatchSink.builder(api.baseUrl(), "wk_test").batchSize(100)
                    .concurrency(concurrency).build();
            assertTrue(messages.size() > 1_000, "need more messages: " + messages.size());
            send(sink, 1_000);
            List<FakeTrackingApi.Received> received = api.received();
            assertEquals(10, received.size());
            String expectedAuth = "Basic " + Base64.getEncoder()
                    .encodeToString("wk_test:".getBytes(StandardCharsets.UTF_8));
            Set<String> ids = new HashSet<>();
            for (FakeTrackingApi.Received r : received) {
                assertEquals("/v1/batch", r.path());
                assertEquals(expectedAuth, r.authorization());
                assertEquals("application/json", r.contentType());
                assertEquals(100, r.body().get("batch").size());
                for (JsonNode m : r.body().get("batch")) {
                    assertTrue(ids.add(m.get("messageId").asText()));
                }
            }
            Set<String> expected = new HashSet<>();
            messages.subList(0, 1_000).forEach(m -> expected.add(m.get("messageId").asText()));
            assertEquals(expected, ids);
            assertEquals(concurrency, api.maxInFlight());
            assertEquals(10, sink.batchesSent());
            assertEquals(1_000, sink.messagesSent());
        }
    }

    @Test
    void retries429And5xxThenDeliversOnce() throws Exception {
        try (FakeTrackingApi api = new FakeTrackingApi()) {
            api.then(429, "0", "{\"error\":\"slow down\"}").then(503, null, "").then(500, null, "oops");
            HttpBatchSink sink = HttpBatchSink.builder(api.baseUrl(), "k").batchSize(10).concurrency(1)
                    .initialBackoff(Duration.ofMillis(1)).build();
            send(sink, 10);
            assertEquals(4, api.received().size());
            assertEquals(1, api.accepted().size());
            assertEquals(messages.get(0).get("messageId"), api.accepted().get(0).body().get("batch").get(0)
                    .get("messageId"));
            assertEquals(3, sink.retries());
        }
    }

    @Test
    void retryAfterOverridesTheBackoff() throws Exception {
        try (FakeTrackingApi api = new FakeTrackingApi()) {
            api.then(503, "0", "");
            HttpBatchSink sink = HttpBatchSink.builder(api.baseUrl(), "k").batchSize(5)
                    .initialBackoff(Duration.ofMinutes(5)).build();
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> send(sink, 5));
            assertEquals(1, api.accepted().size());
        }
    }

    @Test
    void waitsAsLongAsRetryAfterSays() throws Exception {
        try (FakeTrackingApi api = new FakeTrackingApi()) {
            api.then(429, "1", "");
            HttpBatchSink sink = HttpBatchSink.builder(api.baseUrl(), "k").batchSize(5)
                    .initialBackoff(Duration.ofMillis(1)).build();
            send(sink, 5);
            List<FakeTrackingApi.Received> received = api.received();
            assertEquals(2, received.size());
            long waitedMillis = (received.get(1).arrivalNanos() - received.get(0).arrivalNanos()) / 1_000_000;
            assertTrue(waitedMillis >= 950, "retried after " + waitedMillis + " ms");
        }
    }

    @Test
    void failsLoudlyOnOtherClientErrors() throws Exception {
        try (FakeTrackingApi api = new FakeTrackingApi()) {
            api.then(400, null, "{\"error\":\"invalid write key\"}");
            HttpBatchSink sink = HttpBatchSink.builder(api.baseUrl(), "bad").batchSize(5)
                    .initialBackoff(Duration.ofMillis(1)).build();
            HttpBatchException e = assertThrows(HttpBatchException.class, () -> send(sink, 5));
            assertEquals(400, e.status());
            assertTrue(e.responseBody().contains("invalid write key"));
            assertTrue(e.getMessage().contains("invalid write key"), e.getMessage());
            assertEquals(1, api.received().size(), "a 400 must not be retried");
        }
    }

    @Test
    void aFailureStopsFurtherAccepts() throws Exception {
        try (FakeTrackingApi api = new FakeTrackingApi()) {
            api.then(401, null, "unauthorised");
            HttpBatchSink sink = HttpBatchSink.builder(api.baseUrl(), "bad").batchSize(1).concurrency(1).build();
            HttpBatchException e = assertThrows(HttpBatchException.class, () -> {
                for (ObjectNode m : messages) {
                    sink.accept(m);
                }
            });
            assertEquals(401, e.status());
            sink.close();
            assertTrue(api.received().size() < messages.size());
        }
    }

    @Test
    void givesUpAfterMaxRetries() throws Exception {
        try (FakeTrackingApi api = new FakeTrackingApi()) {
            for (int i = 0; i < 3; i++) {
                api.then(503, null, "down");
            }
            HttpBatchSink sink = HttpBatchSink.builder(api.baseUrl(), "k").batchSize(5).maxRetries(2)
                    .initialBackoff(Duration.ofMillis(1)).build();
            HttpBatchException e = assertThrows(HttpBatchException.class, () -> send(sink, 5));
            assertEquals(503, e.status());
            assertEquals(3, api.received().size());
        }
    }

    @Test
    void retriesNetworkErrorsThenFails() throws Exception {
        URI closed;
        try (FakeTrackingApi api = new FakeTrackingApi()) {
            closed = api.baseUrl();
        }
        HttpBatchSink sink = HttpBatchSink.builder(closed, "k").batchSize(5).maxRetries(1)
                .initialBackoff(Duration.ofMillis(1)).build();
        HttpBatchException e = assertThrows(HttpBatchException.class, () -> send(sink, 5));
        assertEquals(-1, e.status());
        assertEquals(1, sink.retries());
    }

    @Test
    void parsesRetryAfterSecondsAndDates() {
        assertEquals(Optional.of(Duration.ofSeconds(7)), HttpBatchSink.parseRetryAfter("7"));
        assertEquals(Optional.empty(), HttpBatchSink.parseRetryAfter("soon"));
        assertEquals(Optional.empty(), HttpBatchSink.parseRetryAfter(null));
        String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)
                .plusSeconds(60));
        Duration d = HttpBatchSink.parseRetryAfter(inAMinute).orElseThrow();
        assertTrue(d.compareTo(Duration.ofSeconds(55)) > 0 && d.compareTo(Duration.ofSeconds(61)) <= 0, d::toString);
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)
                .minusSeconds(60));
        assertEquals(Optional.of(Duration.ZERO), HttpBatchSink.parseRetryAfter(past));
    }

    @Test
    void endpointIsBaseUrlPlusV1Batch() {
        assertEquals(URI.create("http://localhost:9/v1/batch"),
                HttpBatchSink.builder(URI.create("http://localhost:9/"), "k").build().endpoint());
        assertEquals(URI.create("http://localhost:9/api/v1/batch"),
                HttpBatchSink.builder(URI.create("http://localhost:9/api"), "k").build().endpoint());
        assertThrows(IllegalArgumentException.class,
                () -> HttpBatchSink.builder(URI.create("http://localhost:9"), "k").batchSize(0));
    }
}
