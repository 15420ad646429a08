package io.footfall.collector.logs;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** Field parsing for the row formats; failures name the column, never the value. */
final class Parse {
    private static final Instant EARLIEST = Instant.parse("1990-01-01T00:00:00Z");

    private Parse() {
    }

    static void columns(List<String> fields, int n, String names) throws BadRow {
        if (fields.size() != n) {
            throw new BadRow("expected " + n + " fields (" + names + "), found " + fields.size());
        }
    }

    static String id(String value, String column) throws BadRow {
        if (value == null || value.isBlank()) {
            throw new BadRow(column + " is empty");
        }
        if (value.length() > 255) {
            throw new BadRow(column + " is longer than 255 characters");
        }
        return value.trim();
    }

    static long integer(String value, String column) throws BadRow {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new BadRow(column + " is not an integer");
        }
    }

    static BigDecimal decimal(String value, String column) throws BadRow {
        try {
            return new BigDecimal(value.trim());
        } catch (NumberFormatException e) {
            throw new BadRow(column + " is not a number");
        }
    }

    /** Epoch seconds (or milliseconds when {@code millis}) between 1990 and tomorrow. */
    static Instant epoch(String value, boolean millis, String column) throws BadRow {
        long n = integer(value, column);
        Instant at;
        try {
            at = millis ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
        } catch (java.time.DateTimeException e) {
            throw new BadRow(column + " is out of range (before 1990 or in the future)");
        }
        return plausible(at, column);
    }

    static Instant plausible(Instant at, String column) throws BadRow {
        if (at.isBefore(EARLIEST) || at.isAfter(Instant.now().plusSeconds(86_400))) {
            throw new BadRow(column + " is out of range (before 1990 or in the future)");
        }
        return at;
    }
}
