package io.footfall.sdk;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One Segment-shaped message ({@code track}, {@code page}, {@code identify}, {@code alias}, …) being
 * built. Fields are set fluently; {@link FootfallClient#enqueue} serialises it, adding a random
 * {@code messageId} (the dedup key: retries never store it twice) and the current time as
 * {@code timestamp} when they are absent. Not thread-safe; do not change it after enqueueing.
 */
public final class Message {
    private final Map<String, Object> fields = new LinkedHashMap<>();
    private Map<String, Object> properties;
    private Map<String, Object> context;

    private Message(String type) {
        fields.put("type", type);
    }

    /** A named user action, e.g. {@code "Product Viewed"}. */
    public static Message track(Identity who, String event) {
        Objects.requireNonNull(event, "event");
        if (event.isBlank()) {
            throw new IllegalArgumentException("event is required");
        }
        return new Message("track").who(who).set("event", event);
    }

    /** A page view; {@code name} may be null. */
    public static Message page(Identity who, String name) {
        Message m = new Message("page").who(who);
        return name == null ? m : m.set("name", name);
    }

    /** Ties the identity's user id to its anonymous id and records traits ({@code email}, {@code plan}, …). */
    public static Message identify(Identity who, Map<String, ?> traits) {
        Message m = new Message("identify").who(who);
        return traits == null || traits.isEmpty() ? m : m.set("traits", new LinkedHashMap<>(traits));
    }

    /** Declares that {@code previousId} (an earlier user or anonymous id) is the same person as {@code userId}. */
    public static Message alias(String userId, String previousId) {
        Objects.requireNonNull(previousId, "previousId");
        return new Message("alias").who(Identity.user(userId)).set("previousId", previousId);
    }

    private Message who(Identity who) {
        Objects.requireNonNull(who, "who");
        if (who.userId() != null) {
            fields.put("userId", who.userId());
        }
        if (who.anonymousId() != null) {
            fields.put("anonymousId", who.anonymousId());
        }
        return this;
    }

    /** Sets a top-level field (for fields without their own method, e.g. {@code integrations}). */
    public Message set(String field, Object value) {
        Objects.requireNonNull(field, "field");
        fields.put(field, value);
        return this;
    }

    /** Adds one property. */
    public Message property(String key, Object value) {
        if (properties == null) {
            properties = new LinkedHashMap<>();
        }
        properties.put(key, value);
        return this;
    }

    /** Adds properties. */
    public Message properties(Map<String, ?> values) {
        if (values != null) {
            values.forEach(this::property);
        }
        return this;
    }

    /** Adds one context entry ({@code ip}, {@code userAgent}, {@code locale}, {@code page}, …). */
    public Message context(String key, Object value) {
        if (context == null) {
            context = new LinkedHashMap<>();
        }
        context.put(key, value);
        return this;
    }

    /** When it happened (default: when it is enqueued). */
    public Message timestamp(Instant at) {
        return set("timestamp", at);
    }

    /** The dedup key (default: a random UUID). Re-sending a message id never stores it twice. */
    public Message messageId(String id) {
        return set("messageId", id);
    }

    /** The message id, or null until one is set or the message is enqueued. */
    public String messageId() {
        Object id = fields.get("messageId");
        return id == null ? null : id.toString();
    }

    /** The message type ({@code track}, {@code page}, …). */
    public String type() {
        return (String) fields.get("type");
    }

    /** Fills in messageId and timestamp when absent, and returns the JSON. */
    String seal(Instant now, Map<String, Object> library) {
        fields.putIfAbsent("messageId", UUID.randomUUID().toString());
        fields.putIfAbsent("timestamp", now);
        if (library != null && (context == null || !context.containsKey("library"))) {
            context("library", library);
        }
        return toJson();
    }

    /** The message as JSON, as it stands. */
    public String toJson() {
        return Json.write(toMap());
    }

    /**
     * The message as the map {@link #toJson} writes: its fields in order, then {@code properties} and {@code context}.
     * The top-level map is a copy; the values are the message's own (do not change them). For code inside the same
     * process that would otherwise write the JSON only to parse it again (the server-side import).
     */
    public Map<String, Object> toMap() {
        Map<String, Object> all = new LinkedHashMap<>(fields);
        if (properties != null) {
            all.put("properties", properties);
        }
        if (context != null) {
            all.put("context", context);
        }
        return all;
    }
}
