package io.footfall.distribution.kafka;

import io.footfall.core.config.PrefixedSettings;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.Config;

/**
 * Where and how the Kafka relay publishes the log. Read from {@code footfall.distribution.kafka.*} at start-up
 * ({@link #fromConfig(Config)}), or given at runtime to {@link KafkaRelay#start(KafkaRelaySettings)}.
 *
 * @param bootstrapServers Kafka's {@code bootstrap.servers}
 * @param topic            the topic every relayed event goes to, keyed by person ({@code footfall-events})
 * @param initialPosition  where a relay that never ran (no token in the token store) starts: {@code earliest} (the
 *                         whole log) or {@code latest} (events appended from now on)
 * @param batchSize        log events per processor batch: the token commits once per batch, after Kafka acknowledged
 *                         every record of it
 * @param ackTimeout       how long a batch may wait for Kafka (metadata, acknowledgements) before it counts as failed,
 *                         its token is not committed and the processor retries it after a pause; keep it below the
 *                         token claim timeout (10 s), so a healthy instance is not taken for dead while it waits
 * @param linger           the producer's {@code linger.ms}
 * @param producerBatchBytes the producer's {@code batch.size} (bytes per partition batch)
 * @param compression      the producer's {@code compression.type}: {@code lz4} (default; pure Java fallback, no native
 *                         library needed), {@code zstd} and {@code snappy} (JNI libraries bundled by their jars),
 *                         {@code gzip} or {@code none}
 * @param client           further Kafka producer properties (TLS, SASL, timeouts), passed through as given; the ones the
 *                         relay's guarantees rest on ({@link #FIXED}) cannot be overridden
 */
public record KafkaRelaySettings(String bootstrapServers, String topic, String initialPosition, int batchSize, Duration ackTimeout,
                                 Duration linger, int producerBatchBytes, String compression, Map<String, String> client) {

    /** Prefix of the relay's configuration. */
    public static final String PREFIX = "footfall.distribution.kafka.";
    /** Prefix of pass-through producer properties, e.g. {@code footfall.distribution.kafka.client."security.protocol"}. */
    public static final String CLIENT_PREFIX = PREFIX + "client.";
    /** Pass-through producer properties as environment variables, e.g. {@code FOOTFALL_DISTRIBUTION_KAFKA_CLIENT_SECURITY_PROTOCOL}. */
    public static final String CLIENT_ENV_PREFIX = "FOOTFALL_DISTRIBUTION_KAFKA_CLIENT_";
    /** The default topic. */
    public static final String DEFAULT_TOPIC = "footfall-events";
    /** Default of {@code ack-timeout}. */
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(8);
    /** Producer properties the relay sets itself: acks=all and idempotence (no loss, no reordering), serializers. */
    public static final Set<String> FIXED = Set.of("acks", "enable.idempotence", "key.serializer", "value.serializer",
            "bootstrap.servers", "transactional.id");
    /** The compression types Kafka's producer knows. */
    public static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");

    /** Checks the settings; every problem names the property. */
    public KafkaRelaySettings {
        require(bootstrapServers != null && !bootstrapServers.isBlank(), "bootstrap-servers", "is required");
        topic = topic == null || topic.isBlank() ? DEFAULT_TOPIC : topic.trim();
        require(topic.length() <= 249 && topic.matches("[a-zA-Z0-9._-]+"), "topic",
                "must be a Kafka topic name (letters, digits, '.', '_', '-'; at most 249 characters)");
        initialPosition = initialPosition == null ? "earliest" : initialPosition.trim().toLowerCase(Locale.ROOT);
        require("earliest".equals(initialPosition) || "latest".equals(initialPosition), "initial-position", "must be earliest or latest");
        require(batchSize >= 1 && batchSize <= 10_000, "batch-size", "must be between 1 and 10000");
        ackTimeout = ackTimeout == null ? DEFAULT_ACK_TIMEOUT : ackTimeout;
        require(ackTimeout.toMillis() >= 500 && ackTimeout.compareTo(Duration.ofMinutes(5)) <= 0, "ack-timeout", "must be between 500ms and 5m");
        linger = linger == null ? Duration.ofMillis(5) : linger;
        require(!linger.isNegative() && linger.toMillis() <= 1000, "linger", "must be between 0ms and 1s");
        require(linger.toMillis() < ackTimeout.toMillis(), "linger", "must be shorter than ack-timeout");
        require(producerBatchBytes >= 1024 && producerBatchBytes <= 16 * 1024 * 1024, "producer-batch-bytes",
                "must be between 1024 and 16777216");
        compression = compression == null ? "lz4" : compression.trim().toLowerCase(Locale.ROOT);
        require(COMPRESSIONS.contains(compression), "compression", "must be one of none, gzip, snappy, lz4, zstd");
        client = Map.copyOf(client == null ? Map.of() : client);
        for (String key : client.keySet()) {
            require(!FIXED.contains(key), "client", "must not set " + key + " (the relay sets it: acks=all, idempotence on)");
        }
    }

    /** Settings with the defaults for everything but the connection and topic. */
    public static KafkaRelaySettings of(String bootstrapServers, String topic) {
        return new KafkaRelaySettings(bootstrapServers, topic, "earliest", 1000, DEFAULT_ACK_TIMEOUT, Duration.ofMillis(5),
                256 * 1024, "lz4", Map.of());
    }

    /** The same settings with another starting point for a relay without a token. */
    public KafkaRelaySettings withInitialPosition(String position) {
        return new KafkaRelaySettings(bootstrapServers, topic, position, batchSize, ackTimeout, linger, producerBatchBytes, compression, client);
    }

    /** The same settings with another batch size and acknowledgement timeout. */
    public KafkaRelaySettings withBatching(int batchSize, Duration ackTimeout) {
        return new KafkaRelaySettings(bootstrapServers, topic, initialPosition, batchSize, ackTimeout, linger, producerBatchBytes, compression, client);
    }

    /** The same settings with another compression. */
    public KafkaRelaySettings withCompression(String compression) {
        return new KafkaRelaySettings(bootstrapServers, topic, initialPosition, batchSize, ackTimeout, linger, producerBatchBytes, compression, client);
    }

    /** Reads {@code footfall.distribution.kafka.*}. */
    public static KafkaRelaySettings fromConfig(Config config) {
        Map<String, String> client = io.footfall.core.config.PassThroughProperties.read(config, CLIENT_PREFIX, CLIENT_ENV_PREFIX);
        PrefixedSettings settings = new PrefixedSettings(config, PREFIX);
        return new KafkaRelaySettings(
                config.getOptionalValue(PREFIX + "bootstrap-servers", String.class).orElse(null),
                config.getOptionalValue(PREFIX + "topic", String.class).orElse(DEFAULT_TOPIC),
                config.getOptionalValue(PREFIX + "initial-position", String.class).orElse("earliest"),
                settings.integer("batch-size", 1000),
                settings.duration("ack-timeout", DEFAULT_ACK_TIMEOUT),
                settings.duration("linger", Duration.ofMillis(5)),
                settings.integer("producer-batch-bytes", 256 * 1024),
                config.getOptionalValue(PREFIX + "compression", String.class).orElse("lz4"),
                client);
    }

    private static void require(boolean ok, String property, String message) {
        PrefixedSettings.require(ok, PREFIX + property, message);
    }

    /** Shows the pass-through properties' names only (they may hold credentials). */
    @Override
    public String toString() {
        return "KafkaRelaySettings[bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", initialPosition=" + initialPosition
                + ", batchSize=" + batchSize + ", ackTimeout=" + ackTimeout + ", linger=" + linger + ", producerBatchBytes="
                + producerBatchBytes + ", compression=" + compression + ", client=" + client.keySet() + "]";
    }
}
