package io.footfall.core.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Parses the admin API's query and path parameters. Every parameter is taken as text and parsed here, never by the
 * framework: a value JAX-RS cannot convert (say {@code limit=x} into an {@code Integer}) would be answered with an empty
 * 404, where the API promises a 400 whose body names the parameter (or, for an identifier in the path, a 404 naming
 * what was not found).
 */
public final class Params {
    private Params() {
    }

    /** The earliest instant a parameter may name (PostgreSQL and the read models hold years 1 to 9999). */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    /** The latest instant a parameter may name. */
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    /**
     * An instant (ISO-8601 with offset or {@code Z}) in the years 1 to 9999, null when absent; a 400 naming
     * {@code name} otherwise.
     */
    public static Instant instant(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                at = Instant.parse(value);
            } catch (DateTimeParseException e2) {
                throw Problem.badRequest(name, name + " must be an ISO-8601 date-time, e.g. 2026-01-31T12:00:00Z");
            }
        }
        if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
            throw Problem.badRequest(name, name + " must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
        }
        return at;
    }

    /**
     * A limit given as text (so that {@code limit=x} is a 400 naming it rather than a framework error):
     * {@code defaultLimit} when absent, a 400 naming {@code limit} unless a whole number in 1..max.
     */
    public static int limit(String value, int defaultLimit, int max) {
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

    /**
     * A position in a paged list ({@code after}, {@code before}: the cursor a previous page returned), null when
     * absent; a 400 naming {@code name} unless a whole number ≥ 0.
     */
    public static Long position(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw Problem.badRequest(name, name + " must be a whole number >= 0 (the cursor a previous page returned)");
    }

    /**
     * A numeric identifier from the path: a 404 naming {@code what} (e.g. "failed event abc not found") when it is not
     * a whole number, as for a number that names nothing.
     */
    public static long id(String value, String what) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw Problem.notFound(what + " " + value);
        }
    }
}
