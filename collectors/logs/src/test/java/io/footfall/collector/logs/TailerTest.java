package io.footfall.collector.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.sdk.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TailerTest {

    @TempDir
    Path dir;

    /** Keeps what it is sent, by message id, like the server; can be told to fail. */
    static final class FakeSink implements EventSink {
        final Map<String, Map<?, ?>> stored = new LinkedHashMap<>();
        final List<String> deliveries = new ArrayList<>();
        int failNext;

        @Override
        public void send(List<String> messages) throws IOException {
            if (failNext > 0) {
                failNext--;
                throw new IOException("injected failure");
            }
            for (String m : messages) {
                Map<?, ?> event = (Map<?, ?>) Json.parse(m);
                deliveries.add((String) event.get("messageId"));
                stored.putIfAbsent((String) event.get("messageId"), event);
            }
        }

        /** The "n" property of each stored event, in order. */
        List<String> values() {
            List<String> out = new ArrayList<>();
            stored.values().forEach(e -> out.add(String.valueOf(((Map<?, ?>) e.get("properties")).get("n"))));
            return out;
        }
    }

    /** Plain lines → a track event carrying the line as property n. */
    static final LineMapper LINES = (line, id) -> Optional.of(
            "{\"type\":\"track\",\"event\":\"Line\",\"userId\":\"u\",\"messageId\":\"" + id + "\",\"properties\":{\"n\":\"" + line + "\"}}");

    private final List<String> problems = new ArrayList<>();

    private FileTailer tailer(Path log, FakeSink sink, Path stateFile, int batch) throws IOException {
        return new FileTailer(log, LINES, sink, TailState.open(stateFile), batch, false, problems::add);
    }

    private static void append(Path file, int from, int to) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) {
            s.append("line-").append(i).append('\n');
        }
        Files.writeString(file, s, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static List<String> expected(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add("line-" + i);
        }
        return out;
    }

    @Test
    void followsAppendsAndWaitsForCompleteLines() throws IOException {
        Path log = dir.resolve("access.log");
        FakeSink sink = new FakeSink();
        FileTailer t = tailer(log, sink, dir.resolve("state.json"), 3);
        append(log, 0, 5);
        Files.writeString(log, "line-5-partial", StandardOpenOption.APPEND);
        assertEquals(5, t.poll());
        Files.writeString(log, "\n", StandardOpenOption.APPEND);
        append(log, 6, 8);
        assertEquals(3, t.poll());
        assertEquals(0, t.poll());
        List<String> want = new ArrayList<>(expected(0, 5));
        want.add("line-5-partial");
        want.addAll(expected(6, 8));
        assertEquals(want, sink.values());
        assertEquals(sink.stored.size(), sink.deliveries.size(), "nothing sent twice");
    }

    @Test
    void fromEndSkipsWhatIsThereAndStartsAtALineBoundary() throws IOException {
        Path log = dir.resolve("access.log");
        append(log, 0, 5);
        Files.writeString(log, "line-5-partial", StandardOpenOption.APPEND);
        FakeSink sink = new FakeSink();
        FileTailer t = new FileTailer(log, LINES, sink, TailState.open(dir.resolve("state.json")), 10, true, problems::add);
        assertEquals(0, t.poll());
        Files.writeString(log, "-done\n", StandardOpenOption.APPEND);
        append(log, 6, 8);
        t.poll();
        assertEquals(List.of("line-5-partial-done", "line-6", "line-7"), sink.values());
    }

    @Test
    void renameRotationLosesAndRepeatsNothing() throws IOException {
        Path log = dir.resolve("access.log");
        FakeSink sink = new FakeSink();
        FileTailer t = tailer(log, sink, dir.resolve("state.json"), 4);
        append(log, 0, 10);
        t.poll();
        append(log, 10, 15);                       // written but not yet read when the file is rotated
        Files.move(log, dir.resolve("access.log.1"));
        append(dir.resolve("access.log.1"), 15, 17); // the server writes on into the old file until it reopens
        append(log, 100, 105);                     // the new file
        t.poll();
        append(dir.resolve("access.log.1"), 17, 18); // still late
        append(log, 105, 107);
        t.poll();
        t.poll();
        List<String> want = new ArrayList<>(expected(0, 17));
        want.addAll(expected(100, 105));
        want.add("line-17");
        want.addAll(expected(105, 107));
        assertEquals(want, sink.values());
        assertEquals(sink.stored.size(), sink.deliveries.size(), "nothing sent twice");
    }

    @Test
    void restartAfterRotationFindsTheRestOfTheOldFile() throws IOException {
        Path log = dir.resolve("access.log");
        Path state = dir.resolve("state.json");
        FakeSink sink = new FakeSink();
        tailer(log, sink, state, 100).poll();      // empty start
        append(log, 0, 10);
        tailer(log, sink, state, 100).poll();
        append(log, 10, 20);                       // unread when the collector stops
        Files.move(log, dir.resolve("access.log.1"));
        append(log, 200, 210);
        tailer(log, sink, state, 100).poll();      // a new process, from the state file
        List<String> want = new ArrayList<>(expected(0, 20));
        want.addAll(expected(200, 210));
        assertEquals(want, sink.values());
        assertEquals(sink.stored.size(), sink.deliveries.size());
    }

    @Test
    void copyTruncateLosesAndRepeatsNothing() throws IOException {
        Path log = dir.resolve("access.log");
        FakeSink sink = new FakeSink();
        FileTailer t = tailer(log, sink, dir.resolve("state.json"), 4);
        append(log, 0, 10);
        t.poll();
        append(log, 10, 14);                                        // unread at rotation
        Files.copy(log, dir.resolve("access.log.1"), StandardCopyOption.COPY_ATTRIBUTES); // logrotate copytruncate
        try (var ch = java.nio.channels.FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        append(log, 300, 330);                                      // grows past the old offset before the next poll
        t.poll();
        append(log, 330, 332);
        t.poll();
        List<String> want = new ArrayList<>(expected(0, 14));
        want.addAll(expected(300, 332));
        assertEquals(want, sink.values());
        assertEquals(sink.stored.size(), sink.deliveries.size(), "nothing sent twice");
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void aRefusedBatchIsSentAgainWithTheSameIdsAndNothingAfterItIsCommitted() throws IOException {
        Path log = dir.resolve("access.log");
        Path stateFile = dir.resolve("state.json");
        FakeSink sink = new FakeSink();
        FileTailer t = tailer(log, sink, stateFile, 5);
        append(log, 0, 12);
        sink.failNext = 1;
        assertThrows(IOException.class, t::poll);
        assertEquals(0, sink.stored.size());
        assertTrue(!Files.exists(stateFile) || Files.readString(stateFile).contains("\"offset\" : 0"),
                "no offset recorded past the refused batch");
        assertEquals(12, tailer(log, sink, stateFile, 5).poll(), "a restarted tailer sends them all");
        assertEquals(expected(0, 12), sink.values());
        assertTrue(Files.readString(stateFile).contains("\"offset\" : " + Files.size(log)));
    }

    @Test
    void crashBetweenSendAndStateSaveResendsTheSameIds() throws IOException {
        Path log = dir.resolve("access.log");
        Path stateFile = dir.resolve("state.json");
        append(log, 0, 6);
        FakeSink sink = new FakeSink();
        tailer(log, sink, stateFile, 100).poll();
        Files.delete(stateFile); // as if the state had not been saved
        tailer(log, sink, stateFile, 100).poll();
        assertEquals(12, sink.deliveries.size());
        assertEquals(6, sink.stored.size(), "the re-sent lines carry the same message ids");
    }

    @Test
    void accessLogLinesBecomeEventsByUrlRulesAndBotsAreDropped() throws Exception {
        TailConfig config = TailConfig.parse("""
                # rules
                map GET /product/{id} => Product Viewed product_id={id}
                map GET /search?q={query} => Products Searched query={query}
                map POST /cart/add/{id} => Product Added product_id={id} quantity=1
                map * /c/{path*} => Product List Viewed category={path}
                bots (?i)bot|spider
                statuses 200-399
                """);
        AccessLogMapper mapper = new AccessLogMapper(config);
        String ua = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0";
        Map<?, ?> viewed = (Map<?, ?>) Json.parse(mapper.map("203.0.113.9 - - [29/Nov/2026:10:15:32 +0100] \"GET /product/p-42?ref=home HTTP/1.1\" 200 5120 \"https://shop.example/\" \"" + ua + "\"", "id-1").orElseThrow());
        assertEquals("Product Viewed", viewed.get("event"));
        assertEquals("p-42", ((Map<?, ?>) viewed.get("properties")).get("product_id"));
        assertEquals("2026-11-29T09:15:32Z", viewed.get("timestamp"));
        assertEquals("id-1", viewed.get("messageId"));
        assertTrue(((String) viewed.get("anonymousId")).startsWith("v-"));
        Map<?, ?> context = (Map<?, ?>) viewed.get("context");
        assertEquals("203.0.113.9", context.get("ip"));
        assertEquals(ua, context.get("userAgent"));
        assertEquals("https://shop.example/", ((Map<?, ?>) context.get("page")).get("referrer"));

        Map<?, ?> searched = (Map<?, ?>) Json.parse(mapper.map("203.0.113.9 - alice [29/Nov/2026:10:15:33 +0000] \"GET /search?page=2&q=red+shoes%21 HTTP/1.1\" 200 1 \"-\" \"" + ua + "\"", "id-2").orElseThrow());
        assertEquals("Products Searched", searched.get("event"));
        assertEquals("red shoes!", ((Map<?, ?>) searched.get("properties")).get("query"));
        assertEquals("alice", searched.get("userId"));

        Map<?, ?> added = (Map<?, ?>) Json.parse(mapper.map("198.51.100.1 - - [29/Nov/2026:10:15:34 +0000] \"POST /cart/add/p-7 HTTP/2.0\" 302 0 \"-\" \"" + ua + "\"", "id-3").orElseThrow());
        assertEquals("Product Added", added.get("event"));
        assertEquals("1", ((Map<?, ?>) added.get("properties")).get("quantity"));
        Map<?, ?> list = (Map<?, ?>) Json.parse(mapper.map("198.51.100.1 - - [29/Nov/2026:10:15:34 +0000] \"GET /c/shoes/running HTTP/1.1\" 200 0 \"-\" \"" + ua + "\"", "id-4").orElseThrow());
        assertEquals("shoes/running", ((Map<?, ?>) list.get("properties")).get("category"));

        assertTrue(mapper.map("66.249.66.1 - - [29/Nov/2026:10:15:35 +0000] \"GET /product/p-1 HTTP/1.1\" 200 10 \"-\" \"Mozilla/5.0 (compatible; Googlebot/2.1)\"", "x").isEmpty(), "bot");
        assertTrue(mapper.map("203.0.113.9 - - [29/Nov/2026:10:15:35 +0000] \"GET /product/p-1 HTTP/1.1\" 404 10 \"-\" \"" + ua + "\"", "x").isEmpty(), "status");
        assertTrue(mapper.map("203.0.113.9 - - [29/Nov/2026:10:15:35 +0000] \"GET /static/app.css HTTP/1.1\" 200 10 \"-\" \"" + ua + "\"", "x").isEmpty(), "unmatched");
        assertTrue(mapper.map("203.0.113.9 - - [29/Nov/2026:10:15:35 +0000] \"GET /search?page=1 HTTP/1.1\" 200 10 \"-\" \"" + ua + "\"", "x").isEmpty(), "query parameter missing");
        assertThrows(BadRow.class, () -> mapper.map("garbage", "x"));
        assertThrows(BadRow.class, () -> TailConfig.parse("map GET /x"));
    }

    @Test
    void jsonLinesAreValidatedWithTheServersRules() throws Exception {
        Path log = dir.resolve("events.jsonl");
        Files.writeString(log, String.join("\n",
                "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"u1\",\"messageId\":\"own-id\",\"properties\":{\"product_id\":\"p1\"}}",
                "{\"type\":\"track\",\"event\":\"Product Added\",\"userId\":\"u1\",\"properties\":{\"quantity\":-1}}",
                "not json",
                "{\"type\":\"identify\",\"userId\":\"u1\",\"traits\":{\"plan\":\"pro\"}}",
                ""));
        FakeSink sink = new FakeSink();
        FileTailer t = new FileTailer(log, new JsonLinesMapper(), sink, TailState.open(dir.resolve("s.json")), 100, false, problems::add);
        assertEquals(2, t.poll());
        assertTrue(sink.stored.containsKey("own-id"));
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("SCHEMA_VIOLATION at properties.quantity"), problems.get(0));
        assertTrue(problems.get(1).contains("not valid JSON"));
    }
}
