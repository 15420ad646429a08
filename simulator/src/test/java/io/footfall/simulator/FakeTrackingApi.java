package io.footfall.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback {@code /v1/batch} endpoint for tests: answers scripted responses first, then 200, and records what
 * it received. Optionally holds the first requests until {@code rendezvous} of them are in flight at once.
 */
final class FakeTrackingApi implements AutoCloseable {

    record Scripted(int status, String retryAfter, String body) {
    }

    record Received(long arrivalNanos, String path, String authorization, String contentType, JsonNode body,
                    int status) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final Deque<Scripted> script = new ArrayDeque<>();
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final CountDownLatch rendezvous;

    FakeTrackingApi(int rendezvous) throws IOException {
        this.rendezvous = new CountDownLatch(rendezvous);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    FakeTrackingApi() throws IOException {
        this(0);
    }

    synchronized FakeTrackingApi then(int status, String retryAfter, String body) {
        script.add(new Scripted(status, retryAfter, body));
        return this;
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    List<Received> accepted() {
        return received().stream().filter(r -> r.status() / 100 == 2).toList();
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    private synchronized Scripted next() {
        Scripted s = script.poll();
        return s != null ? s : new Scripted(200, null, "{\"success\":true}");
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            long arrival = System.nanoTime();
            byte[] bytes = exchange.getRequestBody().readAllBytes();
            if (rendezvous.getCount() > 0) {
                rendezvous.countDown();
                rendezvous.await(5, TimeUnit.SECONDS);
            }
            Scripted reply = next();
            received.add(new Received(arrival, exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), MAPPER.readTree(bytes), reply.status()));
            if (reply.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", reply.retryAfter());
            }
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            inFlight.decrementAndGet();
            exchange.sendResponseHeaders(reply.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            inFlight.decrementAndGet();
            exchange.sendResponseHeaders(500, -1);
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
