package io.footfall.collector.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.collector.segment.Fields;
import io.footfall.collector.segment.SegmentMapper;
import io.footfall.collector.segment.SegmentViolation;
import io.footfall.core.failed.FailedEvent;
import io.footfall.core.failed.FailureReason;
import io.footfall.core.profile.Identifiers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Turns one Kafka record's value into canonical events, with the same validation as the tracking
 * API. A value is one Segment message ({@code {"type":"track",…}}) or a batch
 * ({@code {"batch":[…],"sentAt":…}}). Everything that cannot be read becomes a {@link FailedEvent}
 * naming the field, so a bad record never blocks its partition.
 *
 * <p>A message without a {@code messageId} gets one derived from where it sits in Kafka
 * ({@code kafka:<topic>:<partition>:<offset>}, plus {@code :<index>} inside a batch), so a record
 * delivered again after a crash is recognised as a duplicate like any other.
 */
public final class RecordDecoder {

    private final ObjectMapper json = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build());
    private final SegmentMapper mapper;
    private final long maxEventBytes;

    /**
     * A decoder.
     *
     * @param mapper        the Segment mapping shared with the tracking API
     * @param maxEventBytes the per-event size limit ({@code footfall.ingest.max-event-bytes})
     */
    public RecordDecoder(SegmentMapper mapper, long maxEventBytes) {
        this.mapper = mapper;
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Where a record came from and who sent it.
     *
     * @param sourceId   the source configured for the topic
     * @param topic      topic
     * @param partition  partition
     * @param offset     offset
     * @param receivedAt when the collector read it
     */
    public record Origin(String sourceId, String topic, int partition, long offset, Instant receivedAt) {
        String messageId(int index) {
            return "kafka:" + topic + ':' + partition + ':' + offset + (index < 0 ? "" : ":" + index);
        }

        String where() {
            return " (Kafka " + topic + '/' + partition + '@' + offset + ')';
        }

        /**
         * The natural key of a failed event read from here ({@link FailedEvent#originKey()}):
         * {@code kafka:<source>:<topic>:<partition>:<offset>}, plus {@code :<index>} for an item of a batch.
         */
        public String key(int index) {
            return "kafka:" + sourceId + ':' + topic + ':' + partition + ':' + offset + (index < 0 ? "" : ":" + index);
        }
    }

    /**
     * Decodes one record value, adding its valid events to {@code events} and its rejected ones to
     * {@code failed}.
     */
    public void decode(byte[] value, Origin origin, List<BehaviorEvent> events, List<FailedEvent> failed) {
        if (value == null || value.length == 0) {
            failed.add(new FailedEvent(origin.sourceId(), origin.receivedAt(), FailureReason.MALFORMED, "value",
                    "the record has no value" + origin.where(), null, "", origin.key(-1)));
            return;
        }
        JsonNode root;
        try {
            root = json.readTree(value);
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            failed.add(new FailedEvent(origin.sourceId(), origin.receivedAt(), FailureReason.MALFORMED, "value",
                    "the record is not valid JSON (UTF-8): " + Fields.abbreviate(detail == null ? "" : detail) + origin.where(),
                    null, new String(value, StandardCharsets.UTF_8), origin.key(-1)));
            return;
        }
        if (root == null || !root.isObject()) {
            failed.add(new FailedEvent(origin.sourceId(), origin.receivedAt(), FailureReason.SCHEMA_VIOLATION, "value",
                    "the record must be a JSON object" + origin.where(), null, new String(value, StandardCharsets.UTF_8), origin.key(-1)));
            return;
        }
        JsonNode batch = root.get("batch");
        if (batch == null) {
            map(root, -1, value.length, null, origin, events, failed);
            return;
        }
        if (!batch.isArray()) {
            failed.add(new FailedEvent(origin.sourceId(), origin.receivedAt(), FailureReason.SCHEMA_VIOLATION, "batch",
                    "batch must be an array of events" + origin.where(), null, new String(value, StandardCharsets.UTF_8), origin.key(-1)));
            return;
        }
        Instant sentAt;
        try {
            sentAt = Fields.instant(root.get("sentAt"), "sentAt");
        } catch (SegmentViolation v) {
            failed.add(new FailedEvent(origin.sourceId(), origin.receivedAt(), FailureReason.valueOf(v.reason().name()), v.field(),
                    v.getMessage() + origin.where(), null, new String(value, StandardCharsets.UTF_8), origin.key(-1)));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            JsonNode item = batch.get(i);
            // every item is smaller than the record: measure items only when the record is over the limit
            long bytes = value.length <= maxEventBytes ? value.length : item.toString().getBytes(StandardCharsets.UTF_8).length;
            map(item, i, bytes, sentAt, origin, events, failed);
        }
    }

    private void map(JsonNode item, int index, long bytes, Instant batchSentAt, Origin origin,
                     List<BehaviorEvent> events, List<FailedEvent> failed) {
        String prefix = index < 0 ? "" : "batch[" + index + "].";
        try {
            if (bytes > maxEventBytes) {
                throw new SegmentViolation(index < 0 ? "value" : "batch[" + index + "]", io.footfall.collector.segment.ViolationReason.SIZE,
                        "the event is larger than " + maxEventBytes + " bytes");
            }
            if (item.isObject() && !hasText(item.get("messageId"))) {
                ((ObjectNode) item).put("messageId", origin.messageId(index));
            }
            events.add(mapper.map(item, null, new SegmentMapper.Envelope(origin.sourceId(), origin.receivedAt(), batchSentAt, null)));
        } catch (SegmentViolation v) {
            String field = v.field() == null || v.field().startsWith("batch[") ? v.field() : prefix + v.field();
            failed.add(new FailedEvent(origin.sourceId(), origin.receivedAt(), FailureReason.valueOf(v.reason().name()), field,
                    v.getMessage() + origin.where(), Identifiers.subjectOf(item, Fields.MAX_ID), item.toString(), origin.key(index)));
        }
    }

    private static boolean hasText(JsonNode node) {
        return node != null && !node.isNull() && !(node.isTextual() && node.textValue().isBlank());
    }

}
