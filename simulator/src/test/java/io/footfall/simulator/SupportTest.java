package io.footfall.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration, timestamp formatting and file output. */
class SupportTest {

    @Test
    void configDefaultsAndBuilderRoundTrip() {
        SimulatorConfig d = SimulatorConfig.defaults();
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), d.start());
        assertEquals(HazardModel.DEFAULT, d.hazard());
        assertEquals(d, d.toBuilder().build());
        SimulatorConfig changed = d.toBuilder().users(7).seed(9).build();
        assertEquals(7, changed.users());
        assertEquals(9, changed.seed());
        assertEquals(d.days(), changed.days());
    }

    @Test
    void configRejectsNonsense() {
        SimulatorConfig.Builder b = SimulatorConfig.builder();
        assertThrows(IllegalArgumentException.class, () -> b.users(0).build());
        assertThrows(IllegalArgumentException.class, () -> SimulatorConfig.builder().clusters(20).categories(10)
                .build());
        assertThrows(IllegalArgumentException.class, () -> SimulatorConfig.builder().identifyFraction(1.5).build());
        assertThrows(IllegalArgumentException.class, () -> SimulatorConfig.builder().coPurchasePairs(200).build());
    }

    @Test
    void hazardFollowsTheDocumentedFormula() {
        HazardModel m = new HazardModel(0.01, 1.0, 0.5, 0.25, -0.001);
        ChurnFeatures x = new ChurnFeatures(0.5, 2.0, 3, 1000);
        assertEquals(0.01 * Math.exp(0.5 + 1.0 + 0.75 - 1.0), m.dailyHazard(x), 1e-15);
        assertEquals(2.0, x.value("deliveryDelayDays"));
        assertEquals(1.0, new HazardModel(0.5, 10, 0, 0, 0).dailyHazard(x));
    }

    @Test
    void timestampsMatchJavaTime() {
        DateTimeFormatter iso = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
        SplittableRandom r = new SplittableRandom(1);
        long from = Instant.parse("1970-01-01T00:00:00Z").toEpochMilli();
        long to = Instant.parse("2199-12-31T23:59:59.999Z").toEpochMilli();
        for (int i = 0; i < 20_000; i++) {
            long t = r.nextLong(from, to);
            assertEquals(iso.format(Instant.ofEpochMilli(t)), Timestamps.iso(t));
        }
        assertEquals("2024-02-29T23:59:59.999Z", Timestamps.iso(Instant.parse("2024-02-29T23:59:59.999Z")
                .toEpochMilli()));
    }

    @Test
    void ndjsonFilesRoundTrip(@TempDir Path dir) throws IOException {
        ListSink memory = new ListSink();
        SimulatorConfig config = SimulatorConfig.builder().users(30).days(2).build();
        Simulator.run(config, memory);
        for (String name : List.of("out/plain.ndjson", "out/zipped.ndjson.gz")) {
            Path file = dir.resolve(name);
            try (NdjsonFileSink sink = new NdjsonFileSink(file)) {
                Simulator.run(config, sink);
                assertEquals(memory.messages().size(), sink.count());
            }
            ObjectMapper mapper = new ObjectMapper();
            var in = Files.newInputStream(file);
            var stream = name.endsWith(".gz") ? new GZIPInputStream(in) : in;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                List<String> lines = reader.lines().toList();
                assertEquals(memory.messages().size(), lines.size());
                for (int i = 0; i < lines.size(); i++) {
                    ObjectNode expected = memory.messages().get(i);
                    assertEquals(mapper.writeValueAsString(expected), lines.get(i));
                }
            }
        }
    }
}
