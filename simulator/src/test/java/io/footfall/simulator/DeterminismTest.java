package io.footfall.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeterminismTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SimulatorConfig SMALL = SimulatorConfig.builder().users(300).days(10).build();

    /** SHA-256 over the serialised messages, newline-separated, plus the message count. */
    private static final class DigestSink implements EventSink {
        private final MessageDigest digest;
        long count;

        DigestSink() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void accept(ObjectNode message) {
            try {
                digest.update(MAPPER.writeValueAsBytes(message));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            digest.update((byte) '\n');
            count++;
        }

        byte[] hash() {
            return digest.digest();
        }
    }

    @Test
    void sameSeedGivesIdenticalOutputAndTruth() {
        DigestSink a = new DigestSink();
        DigestSink b = new DigestSink();
        GroundTruth ta = Simulator.run(SMALL, a);
        GroundTruth tb = Simulator.run(SMALL, b);
        assertTrue(a.count > 10_000, "expected a sizeable run, got " + a.count);
        assertEquals(a.count, b.count);
        assertArrayEquals(a.hash(), b.hash());
        assertEquals(ta.users(), tb.users());
        assertEquals(ta.eventCounts(), tb.eventCounts());
        assertEquals(ta.coPurchasePairs(), tb.coPurchasePairs());
        assertEquals(ta.clusters(), tb.clusters());
    }

    @Test
    void differentSeedGivesDifferentOutput() {
        DigestSink a = new DigestSink();
        DigestSink b = new DigestSink();
        GroundTruth ta = Simulator.run(SMALL, a);
        GroundTruth tb = Simulator.run(SMALL.toBuilder().seed(SMALL.seed() + 1).build(), b);
        assertFalse(java.util.Arrays.equals(a.hash(), b.hash()));
        assertNotEquals(ta.users().get(0).anonymousId(), tb.users().get(0).anonymousId());
        assertNotEquals(ta.coPurchasePairs(), tb.coPurchasePairs());
    }

    @Test
    void gzipFilesAreByteIdentical(@TempDir Path dir) throws IOException {
        Path first = dir.resolve("a.ndjson.gz");
        Path second = dir.resolve("b.ndjson.gz");
        SimulatorConfig config = SMALL.toBuilder().users(100).days(5).build();
        try (NdjsonFileSink sink = new NdjsonFileSink(first)) {
            Simulator.run(config, sink);
        }
        try (NdjsonFileSink sink = new NdjsonFileSink(second)) {
            Simulator.run(config, sink);
        }
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
    }

    @Test
    void messageIdsAreUnique() {
        Set<String> ids = new HashSet<>();
        ListSink sink = new ListSink();
        Simulator.run(SMALL, sink);
        for (ObjectNode m : sink.messages()) {
            assertTrue(ids.add(m.get("messageId").asText()), "duplicate messageId " + m.get("messageId"));
        }
    }

    @Test
    void aUserBehavesTheSameWhateverTheNumberOfOtherUsers() {
        GroundTruth small = Simulator.run(SMALL.toBuilder().users(50).build(), new CountingSink());
        GroundTruth large = Simulator.run(SMALL.toBuilder().users(100).build(), new CountingSink());
        for (int i = 0; i < 50; i++) {
            assertEquals(small.users().get(i), large.users().get(i));
        }
    }

    @Test
    void aSimulatorRunsOnce() {
        Simulator simulator = new Simulator(SMALL.toBuilder().users(10).days(2).build());
        assertThrows(IllegalStateException.class, simulator::groundTruth);
        GroundTruth truth = simulator.run(new CountingSink());
        assertEquals(truth, simulator.groundTruth());
        assertThrows(IllegalStateException.class, () -> simulator.run(new CountingSink()));
    }
}
