package io.footfall.kafka.testbroker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The test broker serves real producers and consumers, in-process and as a child JVM, and cleans up. */
class KafkaTestBrokerTest {

    @Test
    void inProcessBrokerServesProducersAndConsumersAndStops() {
        String bootstrap;
        try (KafkaTestBroker kafka = KafkaTestBroker.start()) {
            bootstrap = kafka.bootstrapServers();
            kafka.createTopic("roundtrip", 3);
            assertEquals(List.of("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"), roundTrip(bootstrap, "roundtrip", 10));
        }
        assertFalse(answers(bootstrap), "the broker stopped");
    }

    @Test
    void forkedBrokerServesClientsAndEndsWithItsHandle() throws Exception {
        Forked kafka = KafkaTestBroker.fork(System.getProperty("java.class.path"));
        ProcessHandle child;
        try {
            child = ProcessHandle.of(kafka.pid()).orElseThrow();
            assertTrue(child.isAlive());
            assertEquals(5, roundTrip(kafka.bootstrapServers(), "forked", 5).size());
        } finally {
            kafka.close();
        }
        assertFalse(child.isAlive(), "the broker JVM ended");
    }

    private static List<String> roundTrip(String bootstrap, String topic, int n) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, "k", "v" + i)).get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new AssertionError("produce failed", e);
        }
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "roundtrip");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (values.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    private static boolean answers(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("request.timeout.ms", "1000");
        p.put("default.api.timeout.ms", "2000");
        try (var admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
