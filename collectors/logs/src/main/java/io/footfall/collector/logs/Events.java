package io.footfall.collector.logs;

import io.footfall.sdk.Identity;
import io.footfall.sdk.Message;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Builds the Segment-shaped messages the collectors send. */
final class Events {
    static final String VERSION = "0.1.0";
    private static final Map<String, Object> LIBRARY = Map.of("name", "footfall-collector-logs", "version", VERSION);

    private Events() {
    }

    /**
     * A deterministic message id: a name-based UUID of the data set tag and the row's content, so
     * that importing the same row again is recognised by the server as a duplicate.
     */
    static String messageId(String tag, String content) {
        return UUID.nameUUIDFromBytes((tag + '\n' + content).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * A track message at a historical instant: {@code timestamp} and {@code originalTimestamp} are
     * the row's time and no {@code sentAt} is set, so the server takes the time as is (its skew
     * correction needs a {@code sentAt}; see docs/collectors.md).
     */
    static Message track(Identity who, String event, Instant at, String messageId) {
        return Message.track(who, event).timestamp(at).set("originalTimestamp", at).messageId(messageId)
                .context("library", LIBRARY);
    }

    /** A page message at a historical instant. */
    static Message page(Identity who, String name, Instant at, String messageId) {
        return Message.page(who, name).timestamp(at).set("originalTimestamp", at).messageId(messageId)
                .context("library", LIBRARY);
    }
}
