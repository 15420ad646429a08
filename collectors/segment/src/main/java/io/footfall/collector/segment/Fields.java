package io.footfall.collector.segment;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Typed, validated reads of JSON fields, each failure naming the field. */
public final class Fields {

    /** Longest identifier. */
    public static final int MAX_ID = 255;
    static final int MAX_NAME = 200;
    static final int MAX_TEXT = 8192;

    private Fields() {
    }

    /** An identifier: a string or a number (coerced, as Segment does), at most {@link #MAX_ID} chars. */
    static String id(JsonNode node, String field) throws SegmentViolation {
        if (node == null || node.isNull()) {
            return null;
        }
        String value;
        if (node.isTextual()) {
            value = node.textValue();
        } else if (node.isIntegralNumber()) {
            value = node.asText();
        } else {
            throw SegmentViolation.schema(field, field + " must be a string");
        }
        if (value.isBlank()) {
            return null;
        }
        return checked(value, field, MAX_ID);
    }

    /** A string of at most {@code max} chars without control characters; null when absent. */
    static String text(JsonNode node, String field, int max) throws SegmentViolation {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            if (node.isNumber() || node.isBoolean()) {
                return checked(node.asText(), field, max);
            }
            throw SegmentViolation.schema(field, field + " must be a string");
        }
        return checked(node.textValue(), field, max);
    }

    private static String checked(String value, String field, int max) throws SegmentViolation {
        if (value.length() > max) {
            throw SegmentViolation.schema(field, field + " is longer than " + max + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw SegmentViolation.schema(field, field + " contains a control character");
            }
        }
        return value;
    }

    /** An ISO-8601 instant with offset; null when absent. */
    public static Instant instant(JsonNode node, String field) throws SegmentViolation {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw SegmentViolation.schema(field, field + " must be an ISO-8601 date-time string");
        }
        try {
            return IsoTimestamps.parse(node.textValue());
        } catch (DateTimeParseException e) {
            throw SegmentViolation.schema(field, field + " is not an ISO-8601 date-time: " + abbreviate(node.textValue()));
        }
    }

    /** A non-negative decimal (number or numeric string); null when absent. */
    static BigDecimal amount(JsonNode node, String field) throws SegmentViolation {
        if (node == null || node.isNull()) {
            return null;
        }
        BigDecimal value;
        if (node.isNumber()) {
            value = node.decimalValue();
        } else if (node.isTextual()) {
            try {
                value = new BigDecimal(node.textValue().trim());
            } catch (NumberFormatException e) {
                throw SegmentViolation.schema(field, field + " must be a number");
            }
        } else {
            throw SegmentViolation.schema(field, field + " must be a number");
        }
        if (value.signum() < 0) {
            throw SegmentViolation.schema(field, field + " must not be negative");
        }
        if (value.abs().compareTo(new BigDecimal("1e15")) > 0) {
            throw SegmentViolation.schema(field, field + " is out of range");
        }
        return value;
    }

    /** A non-negative integer; null when absent. */
    static Integer count(JsonNode node, String field) throws SegmentViolation {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            try {
                node = com.fasterxml.jackson.databind.node.IntNode.valueOf(Integer.parseInt(node.textValue().trim()));
            } catch (NumberFormatException e) {
                throw SegmentViolation.schema(field, field + " must be a whole number");
            }
        }
        if (!node.isIntegralNumber() && !(node.isNumber() && node.decimalValue().stripTrailingZeros().scale() <= 0)) {
            throw SegmentViolation.schema(field, field + " must be a whole number");
        }
        if (!node.canConvertToInt()) {
            throw SegmentViolation.schema(field, field + " is out of range");
        }
        int value = node.asInt();
        if (value < 0) {
            throw SegmentViolation.schema(field, field + " must not be negative");
        }
        return value;
    }

    /** The node if it is an object or absent; anything else is a violation. */
    static JsonNode object(JsonNode node, String field) throws SegmentViolation {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (!node.isObject()) {
            throw SegmentViolation.schema(field, field + " must be an object");
        }
        return node;
    }

    /** Fails when a container nests deeper than {@code max}. */
    static void depth(JsonNode node, String field, int max) throws SegmentViolation {
        if (depthOf(node, 0, max) > max) {
            throw SegmentViolation.schema(field, field + " nests deeper than " + max + " levels");
        }
    }

    private static int depthOf(JsonNode node, int level, int max) {
        if (node == null || !node.isContainerNode() || level > max) {
            return level;
        }
        int deepest = level + 1;
        for (JsonNode child : node) {
            deepest = Math.max(deepest, depthOf(child, level + 1, max));
            if (deepest > max) {
                break;
            }
        }
        return deepest;
    }

    public static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
