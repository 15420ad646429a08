package io.footfall.collector.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.footfall.collector.segment.SegmentMapper;
import io.footfall.collector.segment.SegmentViolation;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * JSON-lines files of Segment-shaped messages (one message per line, {@code type} required).
 * Each line is validated with the server's own rules ({@link SegmentMapper}) so that a bad line is
 * reported with its position instead of being sent; a line without {@code messageId} gets the
 * deterministic one of its position in the file.
 */
final class JsonLinesMapper implements LineMapper {
    private final ObjectMapper json = new ObjectMapper();
    private final SegmentMapper validator = new SegmentMapper(new ObjectMapper());

    @Override
    public Optional<String> map(String line, String messageId) throws BadRow {
        if (line.isBlank()) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (IOException e) {
            throw new BadRow("not valid JSON");
        }
        if (!(node instanceof ObjectNode message)) {
            throw new BadRow("not a JSON object");
        }
        if (!message.hasNonNull("messageId")) {
            message.put("messageId", messageId);
        }
        try {
            validator.map(message, null, new SegmentMapper.Envelope("validation", Instant.now(), null, null));
        } catch (SegmentViolation v) {
            throw new BadRow(v.reason() + " at " + v.field());
        }
        return Optional.of(message.toString());
    }
}
