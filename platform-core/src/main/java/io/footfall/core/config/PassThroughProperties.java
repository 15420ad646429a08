package io.footfall.core.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.config.Config;

/**
 * Client properties passed through to a library unchanged (e.g. Kafka's TLS and SASL settings): from properties
 * {@code <prefix>"<name>"} (quotes optional) and from environment variables {@code <ENV_PREFIX><NAME_WITH_UNDERSCORES>},
 * where a property wins over the environment variable for the same name.
 */
public final class PassThroughProperties {

    private PassThroughProperties() {
    }

    /**
     * The pass-through properties under {@code prefix} (e.g. {@code footfall.collectors.kafka.client.}) and
     * {@code envPrefix} (e.g. {@code FOOTFALL_COLLECTORS_KAFKA_CLIENT_}), in the order the configuration lists them.
     */
    public static Map<String, String> read(Config config, String prefix, String envPrefix) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(prefix)) {
                String raw = name.substring(prefix.length());
                String key = raw.length() > 1 && raw.startsWith("\"") && raw.endsWith("\"") ? raw.substring(1, raw.length() - 1) : raw;
                config.getOptionalValue(name, String.class).ifPresent(v -> out.put(key, v));
            } else if (name.startsWith(envPrefix) && name.length() > envPrefix.length()) {
                String key = name.substring(envPrefix.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                config.getOptionalValue(name, String.class).ifPresent(v -> out.putIfAbsent(key, v));
            }
        }
        return out;
    }
}
