package io.footfall.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.collector.segment.SegmentMapper;
import io.footfall.collector.segment.SegmentViolation;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * Turns Segment tracking-API messages into canonical events with the collectors' own mapping
 * ({@link SegmentMapper}), so a test sees exactly what the host would store.
 *
 * <p>The message's {@code timestamp} is taken as the receipt time (no clock-skew correction) so that mapping is
 * deterministic; messages without a timestamp are received at {@link TestClock#DEFAULT_START}.
 *
 * @since 0.1
 */
public final class SegmentEvents {

    /** The source id events of the kit carry unless told otherwise. */
    public static final String DEFAULT_SOURCE = "testkit";

    private SegmentEvents() {
    }

    /** Maps one message from the default source. */
    public static BehaviorEvent map(JsonNode message) {
        return map(message, DEFAULT_SOURCE);
    }

    /**
     * Maps one message.
     *
     * @throws IllegalArgumentException when the collectors would refuse it, naming the field
     */
    public static BehaviorEvent map(JsonNode message, String sourceId) {
        Objects.requireNonNull(message, "message");
        Instant received = receivedAt(message);
        try {
            return TestkitJson.SEGMENT.map(message, null, new SegmentMapper.Envelope(sourceId, received, null, null));
        } catch (SegmentViolation v) {
            throw new IllegalArgumentException("Segment message refused at " + v.field() + " (" + v.reason() + "): "
                    + v.getMessage(), v);
        }
    }

    /** Parses and maps one JSON message, e.g. copied from a Segment debugger. */
    public static BehaviorEvent parse(String json) {
        try {
            return map(TestkitJson.MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Instant receivedAt(JsonNode message) {
        JsonNode ts = message.get("timestamp");
        if (ts == null || !ts.isTextual()) {
            ts = message.get("originalTimestamp");
        }
        if (ts != null && ts.isTextual()) {
            try {
                return Instant.parse(ts.asText());
            } catch (DateTimeParseException e) {
                // the mapper reports the bad field
            }
        }
        return TestClock.DEFAULT_START;
    }
}
