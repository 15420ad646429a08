package io.footfall.core.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Parses query parameters, failing with a 400 that names the parameter. */
final class Params {
    private Params() {
    }

    static Instant instant(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e2) {
                throw Problem.badRequest(name, name + " must be an ISO-8601 date-time, e.g. 2026-01-31T12:00:00Z");
            }
        }
    }

    static int limit(Integer value, int max) {
        if (value == null) {
            return Math.min(50, max);
        }
        if (value < 1 || value > max) {
            throw Problem.badRequest("limit", "limit must be between 1 and " + max);
        }
        return value;
    }

    /**
     * A limit given as text (so that {@code limit=x} is a 400 naming it rather than a framework error):
     * {@code defaultLimit} when absent, a 400 naming {@code limit} unless a whole number in 1..max.
     */
    static int limit(String value, int defaultLimit, int max) {
        if (value == null || value.isBlank()) {
            return defaultLimit;
        }
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > max) {
            throw Problem.badRequest("limit", "limit must be an integer between 1 and " + max);
        }
        return n;
    }
}
