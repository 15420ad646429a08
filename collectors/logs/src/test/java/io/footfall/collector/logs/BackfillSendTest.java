package io.footfall.collector.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.footfall.sdk.BatchSender;
import io.footfall.sdk.Json;
import io.footfall.sdk.RetryPolicy;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backfill's sending: dedup on re-run, a given-up batch stops the run and names its lines. */
class BackfillSendTest {

    @TempDir
    Path dir;

    private HttpServer server;
    private final Set<String> stored = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int failFrom = Integer.MAX_VALUE;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/batch", ex -> {
            try (ex) {
                int n = requests.incrementAndGet();
                byte[] raw;
                try (InputStream in = new GZIPInputStream(ex.getRequestBody())) {
                    raw = in.readAllBytes();
                }
                Map<?, ?> body = (Map<?, ?>) Json.parse(new String(raw, StandardCharsets.UTF_8));
                if (n >= failFrom) {
                    ex.sendResponseHeaders(503, -1);
                    return;
                }
                assertFalse(body.containsKey("sentAt"), "historical data is sent without sentAt");
                int s = 0;
                int d = 0;
                for (Object m : (List<?>) body.get("batch")) {
                    if (stored.add((String) ((Map<?, ?>) m).get("messageId"))) {
                        s++;
                    } else {
                        d++;
                    }
                }
                byte[] answer = ("{\"success\":true,\"stored\":" + s + ",\"duplicates\":" + d + ",\"failed\":0}").getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, answer.length);
                ex.getResponseBody().write(answer);
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Backfill.Report run(Path file) throws Exception {
        BatchSender sender = BatchSender.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "k")
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ZERO)).build();
        return new Backfill(file, new UserBehaviorFormat("t"), sender, new Backfill.Options(10, 400_000, 2, false, 20, Long.MAX_VALUE),
                null).run();
    }

    @Test
    void reRunStoresNothingTwice() throws Exception {
        Path file = dir.resolve("ub.csv");
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 95; i++) {
            rows.append("u").append(i % 5).append(',').append(i).append(",1,pv,").append(1511544070 + i).append('\n');
        }
        Files.writeString(file, rows);
        Backfill.Report first = run(file);
        assertTrue(first.complete());
        assertEquals(95, first.stored());
        Backfill.Report second = run(file);
        assertEquals(0, second.stored());
        assertEquals(95, second.duplicates());
        assertEquals(95, stored.size());
    }

    @Test
    void aBatchGivenUpStopsTheRunAndNamesItsLinesAndARerunCompletesIt() throws Exception {
        Path file = dir.resolve("ub.csv");
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            rows.append("u,").append(i).append(",1,pv,").append(1511544070 + i).append('\n');
        }
        Files.writeString(file, rows);
        failFrom = 4; // the server goes down after three batches
        Backfill.Report broken = run(file);
        assertFalse(broken.complete());
        assertTrue(broken.failures().stream().anyMatch(f -> f.matches("lines \\d+–\\d+ \\(10 events\\) not imported: HTTP 503")),
                broken.failures().toString());
        assertTrue(stored.size() < 200);
        failFrom = Integer.MAX_VALUE;
        Backfill.Report again = run(file);
        assertTrue(again.complete());
        assertEquals(200, stored.size(), "the re-run imported the rest");
        assertEquals(200 - again.stored(), again.duplicates());
    }

    @Test
    void tailCommandSendsEachRequestOnceAcrossRuns() throws Exception {
        Path log = dir.resolve("access.log");
        String ua = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0";
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            lines.append("203.0.113.").append(i % 7).append(" - - [29/Nov/2026:10:15:").append(String.format("%02d", i))
                    .append(" +0000] \"GET /product/p-").append(i).append(" HTTP/1.1\" 200 512 \"-\" \"").append(ua).append("\"\n");
        }
        lines.append("66.249.66.1 - - [29/Nov/2026:10:16:00 +0000] \"GET /product/p-1 HTTP/1.1\" 200 5 \"-\" \"Googlebot/2.1\"\n");
        lines.append("203.0.113.1 - - [29/Nov/2026:10:16:01 +0000] \"GET /favicon.ico HTTP/1.1\" 200 5 \"-\" \"").append(ua).append("\"\n");
        Files.writeString(log, lines);
        String[] argv = {"tail", "--once", "--format", "combined", "--state", dir.resolve("state.json").toString(),
                "--url", "http://127.0.0.1:" + server.getAddress().getPort(), "--write-key", "k", "--batch", "8", log.toString()};
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        assertEquals(0, LogsMain.run(argv, new java.io.PrintStream(out, true), System.err));
        assertEquals(30, stored.size(), "30 product views; the bot and the favicon are dropped");
        assertTrue(out.toString().contains("sent 30 events (30 stored"), out.toString());
        int before = requests.get();
        assertEquals(0, LogsMain.run(argv, new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true), System.err));
        assertEquals(before, requests.get(), "the second run starts at the saved offset: nothing to send");
    }
}
