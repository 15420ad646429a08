package io.footfall.distribution.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every bad setting stops the start with a message naming the property. */
class KafkaRelaySettingsTest {

    private static io.footfall.core.config.InvalidSetting invalid(Runnable settings) {
        return assertThrows(io.footfall.core.config.InvalidSetting.class, settings::run);
    }

    @Test
    void defaults() {
        KafkaRelaySettings s = KafkaRelaySettings.of("k:9092", null);
        assertEquals("footfall-events", s.topic());
        assertEquals("earliest", s.initialPosition());
        assertEquals("lz4", s.compression());
        assertEquals(Duration.ofSeconds(8), s.ackTimeout());
    }

    @Test
    void aBadSettingIsNamed() {
        io.footfall.core.config.InvalidSetting e = invalid(() -> KafkaRelaySettings.of(" ", "t"));
        assertEquals("footfall.distribution.kafka.bootstrap-servers", e.property());
        assertEquals("footfall.distribution.kafka.bootstrap-servers is required", e.getMessage());
        assertEquals("footfall.distribution.kafka.topic", invalid(() -> KafkaRelaySettings.of("k:9092", "no spaces")).property());
        assertEquals("footfall.distribution.kafka.initial-position",
                invalid(() -> KafkaRelaySettings.of("k:9092", "t").withInitialPosition("middle")).property());
        assertEquals("footfall.distribution.kafka.batch-size",
                invalid(() -> KafkaRelaySettings.of("k:9092", "t").withBatching(0, Duration.ofSeconds(1))).property());
        assertEquals("footfall.distribution.kafka.ack-timeout",
                invalid(() -> KafkaRelaySettings.of("k:9092", "t").withBatching(10, Duration.ofMillis(10))).property());
        assertEquals("footfall.distribution.kafka.compression",
                invalid(() -> KafkaRelaySettings.of("k:9092", "t").withCompression("brotli")).property());
    }

    @Test
    void theGuaranteesCannotBeOverridden() {
        io.footfall.core.config.InvalidSetting e = invalid(() -> new KafkaRelaySettings("k:9092", "t", "earliest", 100, null, null, 16384, "lz4",
                Map.of("acks", "1")));
        assertEquals("footfall.distribution.kafka.client", e.property());
        assertTrue(e.getMessage().contains("acks"), e.getMessage());
        invalid(() -> new KafkaRelaySettings("k:9092", "t", "earliest", 100, null, null, 16384, "lz4", Map.of("enable.idempotence", "false")));
        // other producer properties pass through
        assertEquals("SSL", new KafkaRelaySettings("k:9092", "t", "earliest", 100, null, null, 16384, "lz4",
                Map.of("security.protocol", "SSL")).client().get("security.protocol"));
    }
}
