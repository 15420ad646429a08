package io.footfall.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the relay's topic from its start while a load runs and measures, per record, the time from the event's
 * arrival at the tracking API ({@code receivedAt} in the record, stamped before the durable append; the same clock,
 * as everything runs on this machine) to the record being readable by a consumer. The first record per
 * {@code eventId} header counts; repeats are counted apart (the relay is at-least-once).
 */
final class RelayProbe implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Set<String> seen = new HashSet<>();
    private final List<double[]> latencies = new ArrayList<>(); // [arrival nanos since probe start, latency ms]
    private long repeats;
    private final long t0 = System.nanoTime();
    private long restartedAt;
    private final Instant start = Instant.now();

    RelayProbe(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        consumer = new KafkaConsumer<>(p);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::run, "bench-relay-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!stop.get()) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                Instant now = Instant.now();
                Header id = r.headers().lastHeader("eventId");
                String eventId = id == null ? r.topic() + r.partition() + ":" + r.offset() : new String(id.value(), StandardCharsets.UTF_8);
                synchronized (this) {
                    if (!seen.add(eventId)) {
                        repeats++;
                        continue;
                    }
                }
                try {
                    JsonNode value = JSON.readTree(r.value());
                    JsonNode received = value.path("receivedAt");
                    if (received.isTextual()) {
                        double ms = Duration.between(Instant.parse(received.asText()), now).toNanos() / 1e6;
                        synchronized (this) {
                            latencies.add(new double[] {System.nanoTime() - t0, ms});
                        }
                    }
                } catch (java.io.IOException | RuntimeException e) {
                    // not a relay record: not counted
                }
            }
        }
    }

    /** Forgets the latencies so far (a warm-up's), keeping the ids seen; the windows count from now. */
    synchronized void restart() {
        latencies.clear();
        restartedAt = System.nanoTime() - t0;
    }

    /** Records read so far (first occurrences). */
    synchronized long records() {
        return seen.size();
    }

    synchronized long repeats() {
        return repeats;
    }

    /** The latencies (ms) of records read after {@code skipSeconds} from the probe's (re)start. */
    synchronized double[] latencies(double skipSeconds) {
        return latencies.stream().filter(l -> (l[0] - restartedAt) / 1e9 >= skipSeconds).mapToDouble(l -> l[1]).toArray();
    }

    /** The largest latency (ms) per {@code seconds}-long window of arrival, from the probe's start. */
    synchronized java.util.SortedMap<Long, Double> worstPerWindow(int seconds) {
        java.util.SortedMap<Long, Double> out = new java.util.TreeMap<>();
        for (double[] l : latencies) {
            out.merge((long) ((l[0] - restartedAt) / 1e9 / seconds) * seconds, l[1], Math::max);
        }
        return out;
    }

    Instant started() {
        return start;
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(5_000);
        consumer.close(Duration.ofSeconds(5));
    }
}
