package io.footfall.reporting;

import io.footfall.core.api.Problem;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Parses and checks report query parameters; every failure is a 400 {@link Problem} naming the parameter. */
public final class ReportParams {

    /** Days of the default range (ending today, UTC). */
    public static final int DEFAULT_DAYS = 30;
    /** Longest range a report may cover. */
    public static final int MAX_DAYS = 3 * 366;
    /** Default funnel. */
    public static final List<String> DEFAULT_STEPS = List.of("Products Searched", "Product Viewed", "Product Added",
            "Checkout Started", "Order Completed");
    /** Longest funnel window. */
    public static final Duration MAX_WINDOW = Duration.ofDays(90);

    private ReportParams() {
    }

    /**
     * An inclusive range of UTC days.
     *
     * @param from first day
     * @param to   last day
     */
    public record Range(LocalDate from, LocalDate to) {
    }

    /** {@code from}/{@code to} as ISO dates; defaults: the {@value #DEFAULT_DAYS} days ending today (UTC). */
    public static Range range(String from, String to, LocalDate today) {
        LocalDate end = date(to, "to");
        LocalDate start = date(from, "from");
        if (end == null) {
            end = start != null && start.isAfter(today) ? start.plusDays(DEFAULT_DAYS - 1) : today;
        }
        if (start == null) {
            start = end.minusDays(DEFAULT_DAYS - 1);
        }
        if (end.isBefore(start)) {
            throw Problem.badRequest("to", "to must not be before from");
        }
        if (ChronoUnit.DAYS.between(start, end) >= MAX_DAYS) {
            throw Problem.badRequest("from", "a report covers at most " + MAX_DAYS + " days");
        }
        return new Range(start, end);
    }

    /** Today's UTC date. */
    public static LocalDate today() {
        return LocalDate.now(ZoneOffset.UTC);
    }

    private static LocalDate date(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw Problem.badRequest(name, name + " must be an ISO date, e.g. 2026-11-02");
        }
    }

    /** {@code day}, {@code week} or {@code month} (default {@code day}). */
    public static String granularity(String value) {
        if (value == null || value.isBlank()) {
            return "day";
        }
        String g = value.trim().toLowerCase(Locale.ROOT);
        if (!List.of("day", "week", "month").contains(g)) {
            throw Problem.badRequest("granularity", "granularity must be day, week or month");
        }
        return g;
    }

    /** Comma-separated event names, 2 to 10, no blank ones (default {@link #DEFAULT_STEPS}). */
    public static List<String> steps(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_STEPS;
        }
        List<String> steps = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String name = part.trim();
            if (name.isEmpty()) {
                throw Problem.badRequest("steps", "steps must not contain an empty event name");
            }
            if (name.length() > 200) {
                throw Problem.badRequest("steps", "an event name has at most 200 characters");
            }
            steps.add(name);
        }
        if (steps.size() < 2 || steps.size() > 10) {
            throw Problem.badRequest("steps", "a funnel has 2 to 10 steps");
        }
        return steps;
    }

    /** An ISO-8601 duration ({@code P7D}, {@code PT12H}, {@code P2W}), positive, at most {@link #MAX_WINDOW}; default 7 days. */
    public static Duration window(String value) {
        if (value == null || value.isBlank()) {
            return Duration.ofDays(7);
        }
        Duration d;
        String v = value.trim().toUpperCase(Locale.ROOT);
        try {
            d = Duration.parse(v);
        } catch (DateTimeParseException e) {
            try {
                Period p = Period.parse(v);
                if (p.getYears() != 0 || p.getMonths() != 0) {
                    throw Problem.badRequest("window", "window must be given in weeks, days or hours, e.g. P7D");
                }
                d = Duration.ofDays(p.getDays());
            } catch (DateTimeParseException e2) {
                throw Problem.badRequest("window", "window must be an ISO-8601 duration, e.g. P7D");
            }
        }
        if (d.isNegative() || d.isZero() || d.compareTo(MAX_WINDOW) > 0) {
            throw Problem.badRequest("window", "window must be positive and at most P90D");
        }
        return d;
    }

    /** A whole number in {@code min..max}, {@code fallback} when absent. */
    public static int integer(String value, String name, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw Problem.badRequest(name, name + " must be an integer between " + min + " and " + max);
    }

    /** A finite number, or null when absent. */
    public static Double number(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            double d = Double.parseDouble(value.trim());
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw Problem.badRequest(name, name + " must be a number");
    }

    /** {@code json} or {@code csv} from {@code format}, else from the Accept header; null for the live (unsuppressed) JSON. */
    public static String format(String format, String accept) {
        if (format != null && !format.isBlank()) {
            String f = format.trim().toLowerCase(Locale.ROOT);
            if (!f.equals("json") && !f.equals("csv")) {
                throw Problem.badRequest("format", "format must be json or csv");
            }
            return f;
        }
        if (accept != null && accept.toLowerCase(Locale.ROOT).contains("text/csv")) {
            return "csv";
        }
        return null;
    }
}
