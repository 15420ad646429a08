package io.footfall.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.sdk.FakeFootfall.Fault;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FootfallClientTest {

    private static final RetryPolicy FAST = new RetryPolicy(10, Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofSeconds(2));

    private static FootfallClient.Builder client(FakeFootfall server) {
        return FootfallClient.builder(server.uri(), "key-1").retryPolicy(FAST).requestTimeout(Duration.ofMillis(500))
                .flushInterval(Duration.ofMillis(20));
    }

    @Test
    void everyEventArrivesExactlyOnceThrough5xx429AndTimeouts() throws Exception {
        try (FakeFootfall server = new FakeFootfall()) {
            server.then(Fault.status(503), Fault.tooMany("1"), Fault.slowAnswer(1500), Fault.status(500),
                    Fault.status(502), Fault.slowAnswer(1500), Fault.status(503));
            List<String> ids = new ArrayList<>();
            FootfallClient client = client(server).batchSize(50).maxInFlight(3).build();
            for (int i = 0; i < 1000; i++) {
                Message m = Ecommerce.productViewed(Identity.user("u-" + (i % 7)), Product.of("p-" + i).price(9.5));
                assertTrue(client.enqueue(m));
                ids.add(m.messageId());
            }
            client.close();

            assertEquals(new HashSet<>(ids), server.stored().keySet(), "every event arrived");
            server.stored().forEach((id, n) -> assertEquals(1, n.get(), id + " stored once"));
            ClientMetrics m = client.metrics();
            assertEquals(1000, m.enqueued());
            assertEquals(1000, m.sent());
            assertEquals(0, m.failed());
            assertEquals(0, m.dropped());
            assertTrue(m.retries() >= 7, "retried each injected fault: " + m);
            assertEquals(0, m.queueDepth());
            long resent = server.requests().stream().filter(r -> r.answered() == 200).mapToInt(r -> ((List<?>) r.body().get("batch")).size()).sum();
            assertTrue(resent > 1000, "the timed-out batches were committed and sent again, and deduplicated: " + resent);
            assertTrue(m.duplicates() > 0 && m.duplicates() <= resent - 1000, "the server's duplicates are counted: " + m);
        }
    }

    @Test
    void badRequestIsNotRetried() throws Exception {
        try (FakeFootfall server = new FakeFootfall()) {
            server.always(Fault.status(400));
            List<String> given = new CopyOnWriteArrayList<>();
            List<SendResult> results = new CopyOnWriteArrayList<>();
            FootfallClient client = client(server).batchSize(10).onFailure((ids, r) -> {
                given.addAll(ids);
                results.add(r);
            }).build();
            for (int i = 0; i < 3; i++) {
                client.track(Identity.anonymous("a"), "Product Added", Map.of("quantity", -1));
            }
            assertTrue(client.flush(Duration.ofSeconds(10)));
            client.close();
            assertEquals(1, server.requests().size(), "400 is final");
            ClientMetrics m = client.metrics();
            assertEquals(3, m.failed());
            assertEquals(0, m.retries());
            assertEquals(0, m.sent());
            assertEquals(3, given.size());
            assertEquals(400, results.get(0).status());
            assertEquals("properties.quantity", results.get(0).errors().get(0).field());
        }
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        try (FakeFootfall server = new FakeFootfall()) {
            server.then(Fault.tooMany("1"));
            FootfallClient client = client(server).build();
            client.track(Identity.user("u"), "Cart Viewed", null);
            assertTrue(client.flush(Duration.ofSeconds(10)));
            client.close();
            List<FakeFootfall.Received> requests = server.requests();
            assertEquals(2, requests.size());
            long waited = requests.get(1).atNanos() - requests.get(0).atNanos();
            assertTrue(waited >= Duration.ofSeconds(1).toNanos(), "waited " + waited / 1_000_000 + " ms, not the 1 s asked");
            assertEquals(1, client.metrics().retries());
            assertEquals(1, client.metrics().sent());
        }
    }

    @Test
    void givesUpAfterTheAttemptsAndCountsFailed() throws Exception {
        try (FakeFootfall server = new FakeFootfall()) {
            server.always(Fault.status(503));
            FootfallClient client = client(server).retryPolicy(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ZERO)).build();
            client.track(Identity.user("u"), "Cart Viewed", null);
            assertTrue(client.flush(Duration.ofSeconds(10)));
            client.close();
            assertEquals(3, server.requests().size());
            assertEquals(1, client.metrics().failed());
            assertEquals(2, client.metrics().retries());
        }
    }

    @Test
    void dropNewestRefusesAtOnceWhenTheQueueIsFull() throws Exception {
        try (FakeFootfall server = new FakeFootfall()) {
            server.gate = new CountDownLatch(1); // the server hangs until released
            FootfallClient client = client(server).requestTimeout(Duration.ofSeconds(30)).queueCapacity(10).batchSize(1)
                    .maxInFlight(1).build();
            List<String> accepted = new ArrayList<>();
            int droppedSeen = 0;
            for (int i = 0; i < 100; i++) {
                Message m = Message.track(Identity.user("u"), "Product Viewed").property("product_id", "p" + i);
                long start = System.nanoTime();
                if (client.enqueue(m)) {
                    accepted.add(m.messageId());
                } else {
                    droppedSeen++;
                    assertTrue(System.nanoTime() - start < Duration.ofMillis(200).toNanos(), "drop-newest does not block");
                }
            }
            assertTrue(accepted.size() <= 12, "queue (10) + one in flight + one held by the dispatcher: " + accepted.size());
            assertEquals(100 - accepted.size(), droppedSeen);
            assertEquals(droppedSeen, client.metrics().dropped());
            server.gate.countDown();
            client.close();
            assertEquals(new HashSet<>(accepted), server.stored().keySet());
            assertEquals(accepted.size(), client.metrics().sent());
        }
    }

    @Test
    void blockWaitsForRoomInsteadOfDropping() throws Exception {
        try (FakeFootfall server = new FakeFootfall()) {
            FootfallClient client = client(server).overflow(OverflowPolicy.BLOCK).enqueueTimeout(Duration.ofSeconds(30))
                    .queueCapacity(5).batchSize(5).maxInFlight(1).build();
            Set<String> ids = new HashSet<>();
            int maxDepth = 0;
            for (int i = 0; i < 300; i++) {
                Message m = Message.track(Identity.user("u"), "Product Viewed").property("product_id", "p" + i);
                assertTrue(client.enqueue(m));
                ids.add(m.messageId());
                maxDepth = Math.max(maxDepth, client.metrics().queueDepth());
            }
            client.close();
            assertTrue(maxDepth <= 5, "queue bounded: " + maxDepth);
            assertEquals(0, client.metrics().dropped());
            assertEquals(ids, server.stored().keySet());
        }
    }

    @Test
    void closeFlushesWhatIsQueued() throws Exception {
        try (FakeFootfall server = new FakeFootfall()) {
            FootfallClient client = client(server).flushInterval(Duration.ofHours(1)).batchSize(100).build();
            for (int i = 0; i < 5; i++) {
                client.productAdded(Identity.user("u"), Product.of("p" + i));
            }
            assertEquals(0, server.requests().size(), "nothing sent before the batch fills or the interval passes");
            client.close();
            assertEquals(5, server.stored().size());
            assertFalse(client.enqueue(Message.track(Identity.user("u"), "Late")), "closed clients drop");
            assertEquals(1, client.metrics().dropped());
        }
    }

    @Test
    void messagesAreSegmentV2AndRequestsGzippedWithTheWriteKey() throws Exception {
        try (FakeFootfall server = new FakeFootfall()) {
            // no timed flush: close() sends the six messages as one batch, however slowly this thread runs
            FootfallClient client = client(server).flushInterval(Duration.ofMinutes(10)).build();
            Identity who = Identity.of("alice", "anon-1");
            Instant at = Instant.parse("2026-11-01T10:00:00Z");
            client.enqueue(Ecommerce.productViewed(who, Product.of("p-1").name("Runner").category("Shoes").brand("Acme")
                    .price(new BigDecimal("59.90")).currency("EUR")).timestamp(at));
            client.orderCompleted(who, Order.of("o-1").revenue(new BigDecimal("119.80")).currency("EUR")
                    .product(Product.of("p-1").price(59.9).quantity(2)));
            client.productsSearched(who, "red \"shoes\"\n");
            client.identify(who, Map.of("plan", "pro"));
            client.alias("alice", "anon-1");
            client.page(who, "Home", Map.of("path", "/"));
            client.close();

            FakeFootfall.Received r = server.requests().get(0);
            assertEquals("gzip", r.headers().get("Content-encoding").get(0));
            assertEquals("Basic " + Base64.getEncoder().encodeToString("key-1:".getBytes()), r.headers().get("Authorization").get(0));
            assertNotNull(Instant.parse((String) r.body().get("sentAt")));
            List<?> batch = (List<?>) r.body().get("batch");
            assertEquals(6, batch.size());
            Map<?, ?> viewed = (Map<?, ?>) batch.get(0);
            assertEquals("track", viewed.get("type"));
            assertEquals("Product Viewed", viewed.get("event"));
            assertEquals("alice", viewed.get("userId"));
            assertEquals("anon-1", viewed.get("anonymousId"));
            assertEquals(at.toString(), viewed.get("timestamp"));
            assertNotNull(viewed.get("messageId"));
            Map<?, ?> props = (Map<?, ?>) viewed.get("properties");
            assertEquals("p-1", props.get("product_id"));
            assertEquals(59.90, ((Number) props.get("price")).doubleValue());
            assertEquals("footfall-sdk-java", ((Map<?, ?>) ((Map<?, ?>) viewed.get("context")).get("library")).get("name"));
            Map<?, ?> order = (Map<?, ?>) ((Map<?, ?>) batch.get(1)).get("properties");
            assertEquals("Order Completed", ((Map<?, ?>) batch.get(1)).get("event"));
            assertEquals("o-1", order.get("order_id"));
            assertEquals(2L, ((Map<?, ?>) ((List<?>) order.get("products")).get(0)).get("quantity"));
            assertEquals("red \"shoes\"\n", ((Map<?, ?>) ((Map<?, ?>) batch.get(2)).get("properties")).get("query"));
            assertEquals("identify", ((Map<?, ?>) batch.get(3)).get("type"));
            assertEquals("pro", ((Map<?, ?>) ((Map<?, ?>) batch.get(3)).get("traits")).get("plan"));
            assertEquals("anon-1", ((Map<?, ?>) batch.get(4)).get("previousId"));
            assertEquals("Home", ((Map<?, ?>) batch.get(5)).get("name"));
        }
    }

    @Test
    void concurrentProducersLoseNothing() throws Exception {
        try (FakeFootfall server = new FakeFootfall()) {
            server.then(Fault.status(503), Fault.status(503));
            FootfallClient client = client(server).overflow(OverflowPolicy.BLOCK).queueCapacity(200).batchSize(40).build();
            AtomicInteger accepted = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                Thread producer = new Thread(() -> {
                    for (int i = 0; i < 500; i++) {
                        if (client.track(Identity.user("t" + thread), "Product Viewed", Map.of("product_id", "p" + i))) {
                            accepted.incrementAndGet();
                        }
                    }
                });
                producer.start();
                threads.add(producer);
            }
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(client.flush(Duration.ofSeconds(30)));
            assertEquals(2000, accepted.get());
            assertEquals(2000, server.stored().size());
            assertEquals(2000, client.metrics().sent());
            client.close();
        }
    }

    @Test
    void oversizedMessagesAreRefusedAtEnqueue() throws Exception {
        try (FakeFootfall server = new FakeFootfall(); FootfallClient client = client(server).maxMessageBytes(1000).build()) {
            Message big = Message.track(Identity.user("u"), "Big").property("blob", "x".repeat(2000));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> client.enqueue(big));
        }
    }

    @Test
    void retryAfterAcceptsSecondsAndDates() {
        assertEquals(Duration.ofSeconds(3), BatchSender.retryAfter("3"));
        assertTrue(BatchSender.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT").isZero());
        assertEquals(null, BatchSender.retryAfter("soon"));
        Duration d = FAST.delay(1, Duration.ofSeconds(1));
        assertTrue(d.compareTo(Duration.ofSeconds(1)) >= 0);
        assertTrue(FAST.delay(20, null).toMillis() <= 50);
    }
}
