package io.footfall.collector.segment;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Client timestamps ({@code timestamp}, {@code sentAt}, …) as instants. SDKs send
 * {@code yyyy-MM-ddTHH:mm:ss[.fraction]} with {@code Z} or a {@code ±HH:MM} offset; that layout is
 * read directly (three timestamps per event made {@code DateTimeFormatter} a visible share of the
 * collector's CPU). Any other ISO-8601 form goes through the JDK's parsers.
 */
public final class IsoTimestamps {

    private IsoTimestamps() {
    }

    /**
     * The instant of an ISO-8601 date-time with offset.
     *
     * @throws DateTimeParseException when it is not one
     */
    public static Instant parse(String text) {
        Instant fast = fast(text);
        if (fast != null) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return Instant.parse(text);
        }
    }

    private static Instant fast(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || (s.charAt(10) != 'T' && s.charAt(10) != 't')
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int i = 19;
        int nano = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && Character.isDigit(s.charAt(i))) {
                nano = nano * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == start) {
                return null;
            }
            for (int k = i - start; k < 9; k++) {
                nano *= 10;
            }
        }
        if (i >= n) {
            return null;
        }
        int offsetSeconds;
        char zone = s.charAt(i);
        if ((zone == 'Z' || zone == 'z') && i == n - 1) {
            offsetSeconds = 0;
        } else if ((zone == '+' || zone == '-') && i + 6 == n && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, i + 3);
            int om = digits(s, i + 4, i + 6);
            if ((oh | om) < 0 || oh > 18 || om > 59) {
                return null;
            }
            offsetSeconds = (zone == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        } else {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nano)
                    .toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds));
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static int digits(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }
}
