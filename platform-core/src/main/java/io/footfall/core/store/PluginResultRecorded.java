package io.footfall.core.store;

import io.footfall.api.event.EventRevision;
import java.time.Instant;

/**
 * A mining plugin published a result. Kept in the log like every other fact, so results can be
 * replayed into read models and audited.
 *
 * @param pluginId   the plugin
 * @param resultType the {@link io.footfall.api.result.ResultType} name
 * @param key        what the result is about, unique per plugin and type
 * @param userId     the user it concerns, or null
 * @param payload    the result record as JSON
 * @param recordedAt when it was published
 */
@EventRevision("1")
public record PluginResultRecorded(String pluginId, String resultType, String key, String userId, String payload, Instant recordedAt) {
}
