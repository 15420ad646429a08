package io.footfall.collector.kafka;

import io.footfall.core.config.PrefixedSettings;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.Config;

/**
 * What the Kafka collector consumes and as which source. Read from {@code footfall.collectors.kafka.*}
 * at start-up ({@link #fromConfig(Config)}), or given at runtime to {@link KafkaCollector#start(KafkaCollectorSettings)}.
 *
 * @param bootstrapServers Kafka's {@code bootstrap.servers}
 * @param topics           topics to consume (Segment-shaped JSON, one message or a batch per record)
 * @param groupId          consumer group; its committed offsets are where a restart resumes
 * @param writeKey         write key of the source the events are recorded under (dedup is per source)
 * @param maxPollRecords   records per poll, and so at most per hand-over to the ingest pipeline
 * @param maxInFlight      hand-overs waiting for their durable commit while the next poll runs
 * @param autoOffsetReset  where a group without committed offsets starts: {@code earliest} or {@code latest}
 * @param client           further Kafka consumer properties (TLS, SASL, timeouts), passed through as given
 * @param restartBackoff   pause before a consumer that died of an unexpected error is replaced; doubles with
 *                         every death in a row
 * @param maxRestartBackoff the longest such pause; a consumer that ran longer than this before dying starts the
 *                         pauses over
 * @param unreachableAfter how long the consumer may go without an answer from any broker before the collector
 *                         reports it unreachable ({@link KafkaCollector.State#UNREACHABLE}, readiness DOWN); longer
 *                         than Kafka's {@code heartbeat.interval.ms} and {@code fetch.max.wait.ms}, which bound the
 *                         quiet between two answers of a reachable broker
 */
public record KafkaCollectorSettings(String bootstrapServers, List<String> topics, String groupId, String writeKey,
                                     int maxPollRecords, int maxInFlight, String autoOffsetReset, Map<String, String> client,
                                     Duration restartBackoff, Duration maxRestartBackoff, Duration unreachableAfter) {

    /** Default of {@code restart-backoff}. */
    public static final Duration DEFAULT_RESTART_BACKOFF = Duration.ofSeconds(1);
    /** Default of {@code max-restart-backoff}. */
    public static final Duration DEFAULT_MAX_RESTART_BACKOFF = Duration.ofSeconds(60);
    /** Default of {@code unreachable-after}. */
    public static final Duration DEFAULT_UNREACHABLE_AFTER = Duration.ofSeconds(15);

    /** Prefix of the collector's configuration. */
    public static final String PREFIX = "footfall.collectors.kafka.";
    /** Prefix of pass-through consumer properties, e.g. {@code footfall.collectors.kafka.client."security.protocol"}. */
    public static final String CLIENT_PREFIX = PREFIX + "client.";
    /**
     * Pass-through consumer properties as environment variables: {@code FOOTFALL_COLLECTORS_KAFKA_CLIENT_SESSION_TIMEOUT_MS=10000}
     * is {@code session.timeout.ms} (Kafka's property names are lower case and have no underscores).
     */
    public static final String CLIENT_ENV_PREFIX = "FOOTFALL_COLLECTORS_KAFKA_CLIENT_";

    /** Checks the settings; every problem names the property. */
    public KafkaCollectorSettings {
        require(bootstrapServers != null && !bootstrapServers.isBlank(), "bootstrap-servers", "is required");
        require(topics != null && !topics.isEmpty() && topics.stream().noneMatch(t -> t == null || t.isBlank()), "topics",
                "needs at least one topic name");
        require(groupId != null && !groupId.isBlank(), "group-id", "is required");
        require(writeKey != null && !writeKey.isBlank(), "write-key", "is required (the source the events are recorded under)");
        require(maxPollRecords >= 1 && maxPollRecords <= 50_000, "max-poll-records", "must be between 1 and 50000");
        require(maxInFlight >= 1 && maxInFlight <= 64, "max-in-flight", "must be between 1 and 64");
        require("earliest".equals(autoOffsetReset) || "latest".equals(autoOffsetReset), "auto-offset-reset", "must be earliest or latest");
        restartBackoff = restartBackoff == null ? DEFAULT_RESTART_BACKOFF : restartBackoff;
        maxRestartBackoff = maxRestartBackoff == null ? DEFAULT_MAX_RESTART_BACKOFF : maxRestartBackoff;
        require(restartBackoff.toMillis() >= 10 && restartBackoff.compareTo(Duration.ofHours(1)) <= 0, "restart-backoff",
                "must be between 10ms and 1h");
        require(maxRestartBackoff.compareTo(restartBackoff) >= 0 && maxRestartBackoff.compareTo(Duration.ofHours(1)) <= 0,
                "max-restart-backoff", "must be at least restart-backoff and at most 1h");
        unreachableAfter = unreachableAfter == null ? DEFAULT_UNREACHABLE_AFTER : unreachableAfter;
        require(unreachableAfter.toMillis() >= 100 && unreachableAfter.compareTo(Duration.ofHours(1)) <= 0, "unreachable-after",
                "must be between 100ms and 1h");
        topics = List.copyOf(topics);
        client = Map.copyOf(client == null ? Map.of() : client);
    }

    /** Settings with the default restart pauses and unreachability limit. */
    public KafkaCollectorSettings(String bootstrapServers, List<String> topics, String groupId, String writeKey,
                                  int maxPollRecords, int maxInFlight, String autoOffsetReset, Map<String, String> client) {
        this(bootstrapServers, topics, groupId, writeKey, maxPollRecords, maxInFlight, autoOffsetReset, client,
                DEFAULT_RESTART_BACKOFF, DEFAULT_MAX_RESTART_BACKOFF, DEFAULT_UNREACHABLE_AFTER);
    }

    /** Settings with the default unreachability limit. */
    public KafkaCollectorSettings(String bootstrapServers, List<String> topics, String groupId, String writeKey,
                                  int maxPollRecords, int maxInFlight, String autoOffsetReset, Map<String, String> client,
                                  Duration restartBackoff, Duration maxRestartBackoff) {
        this(bootstrapServers, topics, groupId, writeKey, maxPollRecords, maxInFlight, autoOffsetReset, client,
                restartBackoff, maxRestartBackoff, DEFAULT_UNREACHABLE_AFTER);
    }

    /** Settings with the defaults for everything but the connection, topics, group and source. */
    public static KafkaCollectorSettings of(String bootstrapServers, List<String> topics, String groupId, String writeKey) {
        return new KafkaCollectorSettings(bootstrapServers, topics, groupId, writeKey, 2000, 4, "earliest", Map.of(),
                DEFAULT_RESTART_BACKOFF, DEFAULT_MAX_RESTART_BACKOFF, DEFAULT_UNREACHABLE_AFTER);
    }

    /** The same settings with other batching limits. */
    public KafkaCollectorSettings withBatching(int maxPollRecords, int maxInFlight) {
        return new KafkaCollectorSettings(bootstrapServers, topics, groupId, writeKey, maxPollRecords, maxInFlight, autoOffsetReset, client,
                restartBackoff, maxRestartBackoff, unreachableAfter);
    }

    /** The same settings with other pauses before a consumer that died is replaced. */
    public KafkaCollectorSettings withRestartBackoff(Duration restartBackoff, Duration maxRestartBackoff) {
        return new KafkaCollectorSettings(bootstrapServers, topics, groupId, writeKey, maxPollRecords, maxInFlight, autoOffsetReset, client,
                restartBackoff, maxRestartBackoff, unreachableAfter);
    }

    /** The same settings with another limit for how long no broker may answer before the collector is unreachable. */
    public KafkaCollectorSettings withUnreachableAfter(Duration unreachableAfter) {
        return new KafkaCollectorSettings(bootstrapServers, topics, groupId, writeKey, maxPollRecords, maxInFlight, autoOffsetReset, client,
                restartBackoff, maxRestartBackoff, unreachableAfter);
    }

    /** The same settings with these pass-through consumer properties added. */
    public KafkaCollectorSettings withClient(Map<String, String> properties) {
        Map<String, String> merged = new LinkedHashMap<>(client);
        merged.putAll(properties);
        return new KafkaCollectorSettings(bootstrapServers, topics, groupId, writeKey, maxPollRecords, maxInFlight, autoOffsetReset, merged,
                restartBackoff, maxRestartBackoff, unreachableAfter);
    }

    /** Reads {@code footfall.collectors.kafka.*}. */
    public static KafkaCollectorSettings fromConfig(Config config) {
        Map<String, String> client = io.footfall.core.config.PassThroughProperties.read(config, CLIENT_PREFIX, CLIENT_ENV_PREFIX);
        PrefixedSettings settings = new PrefixedSettings(config, PREFIX);
        return new KafkaCollectorSettings(
                config.getOptionalValue(PREFIX + "bootstrap-servers", String.class).orElse(null),
                config.getOptionalValues(PREFIX + "topics", String.class).orElse(List.of()),
                config.getOptionalValue(PREFIX + "group-id", String.class).orElse("footfall-collector"),
                config.getOptionalValue(PREFIX + "write-key", String.class).orElse(null),
                settings.integer("max-poll-records", 2000),
                settings.integer("max-in-flight", 4),
                config.getOptionalValue(PREFIX + "auto-offset-reset", String.class).orElse("earliest"),
                client,
                settings.duration("restart-backoff", DEFAULT_RESTART_BACKOFF),
                settings.duration("max-restart-backoff", DEFAULT_MAX_RESTART_BACKOFF),
                settings.duration("unreachable-after", DEFAULT_UNREACHABLE_AFTER));
    }

    private static void require(boolean ok, String property, String message) {
        PrefixedSettings.require(ok, PREFIX + property, message);
    }

    /** Never shows the write key. */
    @Override
    public String toString() {
        return "KafkaCollectorSettings[bootstrapServers=" + bootstrapServers + ", topics=" + topics + ", groupId=" + groupId
                + ", maxPollRecords=" + maxPollRecords + ", maxInFlight=" + maxInFlight + ", autoOffsetReset=" + autoOffsetReset
                + ", client=" + client.keySet() + ", restartBackoff=" + restartBackoff + ", maxRestartBackoff=" + maxRestartBackoff
                + ", unreachableAfter=" + unreachableAfter + "]";
    }
}
