package io.footfall.collector.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code footfall.collectors.kafka.*} as an operator writes it in application.properties or the environment. */
class KafkaCollectorSettingsTest {

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(properties, "test", 500)).build();
    }

    @Test
    void readsTheDocumentedPropertiesWithDefaults() {
        KafkaCollectorSettings s = KafkaCollectorSettings.fromConfig(config(Map.of(
                "footfall.collectors.kafka.bootstrap-servers", "k1:9092,k2:9092",
                "footfall.collectors.kafka.topics", "shop-events,legacy-events",
                "footfall.collectors.kafka.write-key", "wk",
                "footfall.collectors.kafka.client.\"security.protocol\"", "SASL_SSL",
                "footfall.collectors.kafka.client.\"sasl.mechanism\"", "PLAIN",
                "FOOTFALL_COLLECTORS_KAFKA_CLIENT_SESSION_TIMEOUT_MS", "6000")));
        assertEquals("k1:9092,k2:9092", s.bootstrapServers());
        assertEquals(List.of("shop-events", "legacy-events"), s.topics());
        assertEquals("footfall-collector", s.groupId());
        assertEquals("wk", s.writeKey());
        assertEquals(2000, s.maxPollRecords());
        assertEquals(4, s.maxInFlight());
        assertEquals("earliest", s.autoOffsetReset());
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "session.timeout.ms", "6000"), s.client());
        assertEquals(Duration.ofSeconds(1), s.restartBackoff());
        assertEquals(Duration.ofSeconds(60), s.maxRestartBackoff());
        assertEquals(Duration.ofSeconds(15), s.unreachableAfter());
    }

    @Test
    void overridesAndProblemsNameTheProperty() {
        KafkaCollectorSettings s = KafkaCollectorSettings.fromConfig(config(Map.of(
                "footfall.collectors.kafka.bootstrap-servers", "k1:9092",
                "footfall.collectors.kafka.topics", "t",
                "footfall.collectors.kafka.write-key", "wk",
                "footfall.collectors.kafka.group-id", "shop-a",
                "footfall.collectors.kafka.max-poll-records", "500",
                "footfall.collectors.kafka.max-in-flight", "1",
                "footfall.collectors.kafka.auto-offset-reset", "latest",
                "footfall.collectors.kafka.restart-backoff", "500ms",
                "footfall.collectors.kafka.max-restart-backoff", "2m",
                "footfall.collectors.kafka.unreachable-after", "30s")));
        assertEquals(Duration.ofSeconds(30), s.unreachableAfter());
        assertEquals(Duration.ofMillis(500), s.restartBackoff());
        assertEquals(Duration.ofMinutes(2), s.maxRestartBackoff());
        assertEquals("shop-a", s.groupId());
        assertEquals(500, s.maxPollRecords());
        assertEquals(1, s.maxInFlight());
        assertEquals("latest", s.autoOffsetReset());

        io.footfall.core.config.InvalidSetting missing = assertThrows(io.footfall.core.config.InvalidSetting.class,
                () -> KafkaCollectorSettings.fromConfig(config(Map.of("footfall.collectors.kafka.topics", "t",
                        "footfall.collectors.kafka.write-key", "wk"))));
        assertEquals("footfall.collectors.kafka.bootstrap-servers", missing.property());
        io.footfall.core.config.InvalidSetting reset = assertThrows(io.footfall.core.config.InvalidSetting.class,
                () -> KafkaCollectorSettings.fromConfig(config(Map.of("footfall.collectors.kafka.bootstrap-servers", "k:1",
                        "footfall.collectors.kafka.topics", "t", "footfall.collectors.kafka.write-key", "wk",
                        "footfall.collectors.kafka.auto-offset-reset", "none"))));
        assertEquals("footfall.collectors.kafka.auto-offset-reset", reset.property());
        io.footfall.core.config.InvalidSetting backoff = assertThrows(io.footfall.core.config.InvalidSetting.class,
                () -> KafkaCollectorSettings.fromConfig(config(Map.of("footfall.collectors.kafka.bootstrap-servers", "k:1",
                        "footfall.collectors.kafka.topics", "t", "footfall.collectors.kafka.write-key", "wk",
                        "footfall.collectors.kafka.restart-backoff", "soon"))));
        assertEquals("footfall.collectors.kafka.restart-backoff", backoff.property());
        io.footfall.core.config.InvalidSetting records = assertThrows(io.footfall.core.config.InvalidSetting.class,
                () -> KafkaCollectorSettings.fromConfig(config(Map.of("footfall.collectors.kafka.bootstrap-servers", "k:1",
                        "footfall.collectors.kafka.topics", "t", "footfall.collectors.kafka.write-key", "wk",
                        "footfall.collectors.kafka.max-poll-records", "many"))));
        assertEquals("footfall.collectors.kafka.max-poll-records", records.property(), "a malformed number names its setting");
        assertEquals("footfall.collectors.kafka.max-poll-records must be a whole number", records.getMessage());
        io.footfall.core.config.InvalidSetting order = assertThrows(io.footfall.core.config.InvalidSetting.class,
                () -> KafkaCollectorSettings.fromConfig(config(Map.of("footfall.collectors.kafka.bootstrap-servers", "k:1",
                        "footfall.collectors.kafka.topics", "t", "footfall.collectors.kafka.write-key", "wk",
                        "footfall.collectors.kafka.restart-backoff", "10s", "footfall.collectors.kafka.max-restart-backoff", "5s"))));
        assertEquals("footfall.collectors.kafka.max-restart-backoff", order.property());
        io.footfall.core.config.InvalidSetting unreachable = assertThrows(io.footfall.core.config.InvalidSetting.class,
                () -> KafkaCollectorSettings.fromConfig(config(Map.of("footfall.collectors.kafka.bootstrap-servers", "k:1",
                        "footfall.collectors.kafka.topics", "t", "footfall.collectors.kafka.write-key", "wk",
                        "footfall.collectors.kafka.unreachable-after", "10ms"))));
        assertEquals("footfall.collectors.kafka.unreachable-after", unreachable.property());
    }
}
