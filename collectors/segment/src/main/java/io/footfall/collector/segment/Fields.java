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
    /** Most decimal places of an amount (the read models' numeric columns hold far fewer; 12 is more than any currency). */
    static final int MAX_SCALE = 12;
    /** Largest count (quantity, position): carts add them up in 32 bits. */
    static final int MAX_COUNT = 1_000_000;

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
        if (loneSurrogate(value) >= 0) {
            throw SegmentViolation.schema(field, field + " " + SURROGATE_MESSAGE);
        }
        return value;
    }

    /** How a violation for a lone UTF-16 surrogate ends. */
    static final String SURROGATE_MESSAGE = "contains a lone UTF-16 surrogate (\\ud800–\\udfff without its pair), which is no character";

    /**
     * The index of the first lone UTF-16 surrogate (half of a pair without the other half, as a JSON escape such as
     * {@code \\ud800} can give), -1 when there is none. PostgreSQL stores such a string as {@code ?}, so two different ids
     * would become one.
     */
    static int loneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether text can be stored as it is: no NUL character, no lone surrogate. */
    static boolean storable(String s) {
        return s.indexOf('\0') < 0 && loneSurrogate(s) < 0;
    }

    /**
     * The earliest client time accepted: the Unix epoch. Earlier times are no storefront's; a client whose clock was
     * reset to the epoch still sends times after it, which the clock-skew correction (sentAt) moves to the right day.
     */
    public static final Instant EARLIEST = Instant.EPOCH;
    /** The latest client time that parses; later than a day ahead is refused after the skew correction anyway. */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    /** How a violation for a NUL character ends (so a nested one can be given its whole path). */
    static final String NUL_MESSAGE = "contains a NUL character (\\u0000) or a lone UTF-16 surrogate, which cannot be stored";

    /** An ISO-8601 instant with offset, from {@link #EARLIEST} to {@link #LATEST}; null when absent. */
    public static Instant instant(JsonNode node, String field) throws SegmentViolation {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw SegmentViolation.schema(field, field + " must be an ISO-8601 date-time string");
        }
        Instant at;
        try {
            at = IsoTimestamps.parse(node.textValue());
        } catch (DateTimeParseException e) {
            throw SegmentViolation.schema(field, field + " is not an ISO-8601 date-time: " + abbreviate(node.textValue()));
        }
        if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
            throw SegmentViolation.schema(field, field + " must be between " + EARLIEST + " and 9999-12-31T23:59:59Z");
        }
        return at;
    }

    /** The violation for a NUL character in the value at {@code path}. */
    static SegmentViolation nul(String path) {
        return SegmentViolation.schema(path, path + " " + NUL_MESSAGE);
    }

    /** The key as it may be shown in a field path: NUL characters written as {@code \u0000}. */
    static String printable(String key) {
        return key.replace("\0", "\\u0000");
    }

    /** A non-negative decimal (number or numeric string); null when absent. */
    static BigDecimal amount(JsonNode node, String field) throws SegmentViolation {
        if (node == null || node.isNull()) {
            return null;
        }
        BigDecimal value;
        if (node.isNumber()) {
            if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue()) && !node.isBigDecimal()) {
                throw SegmentViolation.schema(field, field + " is out of range");
            }
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
        if (value.scale() > MAX_SCALE && value.stripTrailingZeros().scale() > MAX_SCALE) {
            throw SegmentViolation.schema(field, field + " has more than " + MAX_SCALE + " decimal places");
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
        if (node.isFloatingPointNumber() && !node.isBigDecimal() && !Double.isFinite(node.doubleValue())) {
            throw SegmentViolation.schema(field, field + " is out of range");
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
        if (value > MAX_COUNT) {
            throw SegmentViolation.schema(field, field + " is more than " + MAX_COUNT);
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
    /** Fails when the tree nests deeper than {@code max} levels, or holds a NUL character in a name or text. */
    static void depth(JsonNode node, String field, int max) throws SegmentViolation {
        if (depthOf(node, 0, max) > max) {
            throw SegmentViolation.schema(field, field + " nests deeper than " + max + " levels");
        }
        String nul = nulPath(node, field);
        if (nul != null) {
            throw nul(nul);
        }
    }

    /** The path of the first name or text holding a NUL character, null when none does. */
    private static String nulPath(JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return storable(node.textValue()) ? null : path;
        }
        if (node.isObject()) {
            var fields = node.fields();
            while (fields.hasNext()) {
                var entry = fields.next();
                String child = path + "." + printable(entry.getKey());
                if (!storable(entry.getKey())) {
                    return child;
                }
                String found = nulPath(entry.getValue(), child);
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = nulPath(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
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
