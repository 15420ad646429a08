package io.footfall.sdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * A tracking API on com.sun.net.httpserver that behaves like Footfall's (commit, then answer; dedup by
 * messageId; 503/429 store nothing) and answers the first requests with scripted faults.
 */
final class FakeFootfall implements AutoCloseable {

    /** What to do with one request. */
    record Fault(int status, String retryAfter, long delayMillis, boolean storeFirst) {
        static Fault status(int status) {
            return new Fault(status, null, 0, false);
        }

        static Fault tooMany(String retryAfter) {
            return new Fault(429, retryAfter, 0, false);
        }

        /** Commits the batch but answers only after {@code millis}: the client times out and retries. */
        static Fault slowAnswer(long millis) {
            return new Fault(200, null, millis, true);
        }
    }

    /** One request as received. */
    record Received(long atNanos, Map<String, List<String>> headers, Map<?, ?> body, int answered) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ConcurrentLinkedQueue<Fault> script = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> stored = new ConcurrentHashMap<>();
    private final List<Received> requests = Collections.synchronizedList(new ArrayList<>());
    private volatile Fault always;
    volatile java.util.concurrent.CountDownLatch gate;

    FakeFootfall() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/batch", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    FakeFootfall then(Fault... faults) {
        script.addAll(List.of(faults));
        return this;
    }

    FakeFootfall always(Fault fault) {
        this.always = fault;
        return this;
    }

    /** messageId → how many times it was stored (must be 1). */
    Map<String, AtomicInteger> stored() {
        return stored;
    }

    List<Received> requests() {
        synchronized (requests) {
            return new ArrayList<>(requests);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            var gateNow = gate;
            if (gateNow != null) {
                gateNow.await();
            }
            byte[] raw;
            try (InputStream in = "gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(ex.getRequestBody()) : ex.getRequestBody()) {
                raw = in.readAllBytes();
            }
            Map<?, ?> body = (Map<?, ?>) Json.parse(new String(raw, StandardCharsets.UTF_8));
            Fault fault = script.poll();
            if (fault == null) {
                fault = always;
            }
            int status = fault == null ? 200 : fault.status();
            requests.add(new Received(System.nanoTime(), Map.copyOf(ex.getRequestHeaders()), body, status));
            String answer;
            if (status == 200) {
                int stores = 0;
                int dups = 0;
                for (Object m : (List<?>) body.get("batch")) {
                    String id = (String) ((Map<?, ?>) m).get("messageId");
                    AtomicInteger n = stored.computeIfAbsent(id, k -> new AtomicInteger());
                    synchronized (n) {
                        if (n.get() == 0) {
                            n.incrementAndGet();
                            stores++;
                        } else {
                            dups++;
                        }
                    }
                }
                if (fault != null && fault.delayMillis() > 0) {
                    Thread.sleep(fault.delayMillis()); // fault injection: the answer comes after the client's timeout
                }
                answer = "{\"success\":true,\"stored\":" + stores + ",\"duplicates\":" + dups + ",\"failed\":0,\"errors\":[]}";
            } else if (status == 400) {
                answer = "{\"success\":false,\"stored\":0,\"duplicates\":0,\"failed\":1,\"errors\":[{\"index\":0,\"field\":\"properties.quantity\",\"reason\":\"SCHEMA_VIOLATION\"}]}";
            } else {
                answer = "{\"error\":\"unavailable\"}";
            }
            if (fault != null && fault.retryAfter() != null) {
                ex.getResponseHeaders().add("Retry-After", fault.retryAfter());
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up on this request (timeout)
        }
    }

    @Override
    public void close() {
        var g = gate;
        if (g != null) {
            while (g.getCount() > 0) {
                g.countDown();
            }
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
