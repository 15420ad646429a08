package io.footfall.api.plugin;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A behaviour event a plugin derives from what it consumed (e.g. {@code Segment Entered}), to be appended to the log
 * as a {@code track} event of the user, so that profiles, timelines, reports and other plugins see it like any
 * other event. The host stamps it with the source {@code plugin:<plugin id>}, never delivers it back to the plugin
 * that emitted it, and appends it with the batch (or training run) that emitted it: a failed batch appends nothing.
 *
 * <p>{@code key} makes emission idempotent: it identifies the fact within the plugin (e.g. user, segment, change
 * and time) and the host derives the event's id from it, so emitting the same key again (a replay of the plugin)
 * appends nothing.
 *
 * @param key         what makes this fact unique within the plugin, at most 500 characters
 * @param userId      the user id, or null for an anonymous visitor
 * @param anonymousId the anonymous id, or null; one of the two ids is required
 * @param name        the track event name, e.g. {@code Segment Entered}, at most 200 characters
 * @param occurredAt  when it happened (event time)
 * @param properties  event properties (strings, numbers, booleans, lists and maps of them); never null
 * @since 1.2
 */
public record DerivedEvent(String key, String userId, String anonymousId, String name, Instant occurredAt,
                           Map<String, Object> properties) {

    /** Checks the fields and copies the properties. */
    public DerivedEvent {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(occurredAt, "occurredAt");
        if (key.isBlank() || key.length() > 500) {
            throw new IllegalArgumentException("key must be 1-500 characters");
        }
        if (name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("name must be 1-200 characters");
        }
        if ((userId == null || userId.isBlank()) && (anonymousId == null || anonymousId.isBlank())) {
            throw new IllegalArgumentException("userId or anonymousId is required");
        }
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }
}
