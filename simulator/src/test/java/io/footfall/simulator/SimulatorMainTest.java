package io.footfall.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorMainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return SimulatorMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private long summaryEvents() {
        Matcher m = Pattern.compile("events\\s+([\\d,]+) in").matcher(out.toString(StandardCharsets.UTF_8));
        assertTrue(m.find(), out::toString);
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    @Test
    void writesNdjsonAndPrintsASummary(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("events.ndjson");
        assertEquals(0, run("--seed", "3", "--users", "60", "--days", "4", "--out", file.toString()));
        long lines = Files.readAllLines(file).size();
        assertTrue(lines > 500, "only " + lines + " lines");
        assertEquals(lines, summaryEvents());
        String summary = out.toString(StandardCharsets.UTF_8);
        assertTrue(summary.contains("Order Completed") && summary.contains("churned") && summary.contains("events/s"),
                summary);
    }

    @Test
    void postsToAUrl() throws IOException {
        try (FakeTrackingApi api = new FakeTrackingApi()) {
            assertEquals(0, run("--users", "30", "--days", "2", "--url", api.baseUrl().toString(),
                    "--write-key", "wk", "--batch", "50", "--concurrency", "2"));
            long delivered = api.accepted().stream().mapToLong(r -> r.body().get("batch").size()).sum();
            assertEquals(summaryEvents(), delivered);
        }
    }

    @Test
    void reportsDeliveryFailureWithStatus1() throws IOException {
        try (FakeTrackingApi api = new FakeTrackingApi()) {
            api.then(403, null, "forbidden source");
            assertEquals(1, run("--users", "30", "--days", "2", "--url", api.baseUrl().toString(),
                    "--write-key", "wk"));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("forbidden source"), err::toString);
        }
    }

    @Test
    void countsOnlyWithoutASink() {
        assertEquals(0, run("--users", "20", "--days", "2"));
        assertTrue(summaryEvents() > 0);
    }

    @Test
    void rejectsBadCommandLines() {
        assertEquals(2, run("--users"));
        assertEquals(2, run("--users", "many"));
        assertEquals(2, run("--url", "http://localhost:1"));
        assertEquals(2, run("--out", "a.ndjson", "--url", "http://localhost:1", "--write-key", "k"));
        assertEquals(2, run("--frobnicate", "1"));
        assertEquals(2, run("--clusters", "99"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage:"));
        assertEquals(0, run("--help"));
    }
}
