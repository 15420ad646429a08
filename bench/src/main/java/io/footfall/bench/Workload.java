package io.footfall.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.footfall.simulator.Simulator;
import io.footfall.simulator.SimulatorConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Realistic Segment messages from the storefront simulator, generated once into memory (as JSON text) before
 * anything is timed. {@link #batches} re-labels them with fresh {@code messageId}s for each use, so every
 * repetition is new to the app's duplicate check, and pre-serialises them into request-sized JSON arrays.
 */
final class Workload {

    /** Largest JSON array put into one request: the app refuses bodies over 512,000 bytes. */
    static final int MAX_ARRAY_BYTES = 500_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_ATTEMPTS = 6;

    private final String[] json;
    private final String[] ids;
    private final int users;
    private final int days;
    private final long totalBytes;

    /** One request's worth of messages: {@code array} is the UTF-8 JSON array of {@code events} messages. */
    record Batch(int events, byte[] array) {
    }

    private Workload(String[] json, String[] ids, int users, int days) {
        this.json = json;
        this.ids = ids;
        this.users = users;
        this.days = days;
        long bytes = 0;
        for (String s : json) {
            bytes += s.length();
        }
        this.totalBytes = bytes;
    }

    /** Runs the simulator (seeded, 30 days) until it yields at least {@code needed} messages; keeps the first ones. */
    static Workload generate(long seed, int needed) {
        return generate(seed, needed, 30);
    }

    /**
     * Runs the simulator (seeded, {@code days} days) until it yields at least {@code needed} messages; keeps the first
     * ones. The simulator's shoppers produce about 3.3 messages a day each, so the first attempt starts from that many
     * users and later ones scale up.
     */
    static Workload generate(long seed, int needed, int days) {
        int users = Math.max(50, (int) Math.min(Integer.MAX_VALUE / 2, (long) needed * 3 / (10L * days)));
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            List<String> json = new ArrayList<>(needed);
            List<String> ids = new ArrayList<>(needed);
            SimulatorConfig config = SimulatorConfig.builder().seed(seed).users(users).days(days).build();
            Simulator.run(config, (ObjectNode message) -> {
                if (json.size() < needed) {
                    try {
                        ids.add(message.get("messageId").asText());
                        json.add(MAPPER.writeValueAsString(message));
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            if (json.size() >= needed) {
                return new Workload(json.toArray(String[]::new), ids.toArray(String[]::new), users, days);
            }
            users = (int) Math.min(Integer.MAX_VALUE / 2, (long) users * 2 * needed / Math.max(1, json.size()));
        }
        throw new IllegalStateException("the simulator did not produce " + needed + " messages");
    }

    /** Messages held. */
    int size() {
        return json.length;
    }

    /** Simulated users behind the messages. */
    int users() {
        return users;
    }

    /**
     * Messages {@code from} to {@code from + count} (cycling when fewer are held) as a workload of their own, so that a
     * load can follow a warm-up in simulated time instead of starting the simulation over.
     */
    Workload slice(int from, int count) {
        String[] j = new String[count];
        String[] m = new String[count];
        for (int k = 0; k < count; k++) {
            j[k] = json[(from + k) % json.length];
            m[k] = ids[(from + k) % json.length];
        }
        return new Workload(j, m, users, days);
    }

    /** Simulated days the messages span. */
    int days() {
        return days;
    }

    /** Mean serialised message size in bytes (UTF-8; the messages are ASCII). */
    double meanBytes() {
        return json.length == 0 ? 0 : (double) totalBytes / json.length;
    }

    /** Message {@code i} (modulo the size) as JSON text, with its original messageId. */
    String message(int i) {
        return json[i % json.length];
    }

    /**
     * {@code count} messages (cycling through the workload) with fresh messageIds derived from {@code tag}, in
     * batches of {@code batchSize} (fewer when a batch would exceed {@link #MAX_ARRAY_BYTES}).
     */
    List<Batch> batches(String tag, int count, int batchSize) {
        List<Batch> out = new ArrayList<>(count / batchSize + 1);
        ByteArrayOutputStream array = new ByteArrayOutputStream(batchSize * 1600);
        int inBatch = 0;
        for (int i = 0; i < count; i++) {
            byte[] message = relabel(i, tag).getBytes(StandardCharsets.UTF_8);
            if (inBatch > 0 && (inBatch >= batchSize || array.size() + message.length + 2 > MAX_ARRAY_BYTES)) {
                out.add(close(array, inBatch));
                array.reset();
                inBatch = 0;
            }
            array.write(inBatch == 0 ? '[' : ',');
            array.writeBytes(message);
            inBatch++;
        }
        if (inBatch > 0) {
            out.add(close(array, inBatch));
        }
        return out;
    }

    /** Message {@code i} with its messageId's UUID replaced by a name-based UUID of (tag, i). */
    String relabel(int i, String tag) {
        String original = ids[i % json.length];
        String prefix = original.length() > 36 ? original.substring(0, original.length() - 36) : "bench-";
        String fresh = prefix + UUID.nameUUIDFromBytes((tag + '/' + i).getBytes(StandardCharsets.UTF_8));
        String text = json[i % json.length];
        String relabelled = text.replace("\"messageId\":\"" + original + "\"", "\"messageId\":\"" + fresh + "\"");
        if (relabelled.equals(text)) {
            throw new IllegalStateException("message " + i + " has no messageId to replace");
        }
        return relabelled;
    }

    private static Batch close(ByteArrayOutputStream array, int events) {
        array.write(']');
        return new Batch(events, array.toByteArray());
    }
}
