package io.footfall.collector.logs;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One request of an nginx/Apache access log in the combined format:
 * {@code host ident user [time] "method target protocol" status bytes "referer" "user-agent"}
 * (the common format, without referer and user agent, is accepted too).
 *
 * @param ip        the client address ({@code %h})
 * @param user      the authenticated user ({@code %u}), or null for {@code -}
 * @param time      the request time
 * @param method    HTTP method
 * @param target    path and query, as logged
 * @param status    response status
 * @param referer   the referer, or null
 * @param userAgent the user agent, or null
 */
record AccessLogEntry(String ip, String user, Instant time, String method, String target, int status, String referer,
                      String userAgent) {

    private static final Pattern LINE = Pattern.compile(
            "^(\\S+) \\S+ (\\S+) \\[([^\\]]+)] \"(\\S+) (\\S+)(?: [^\"]*)?\" (\\d{3}) (?:\\d+|-)(?: \"((?:[^\"\\\\]|\\\\.)*)\" \"((?:[^\"\\\\]|\\\\.)*)\")?.*$");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

    /** Parses one line; throws naming what is wrong. */
    static AccessLogEntry parse(String line) throws BadRow {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            throw new BadRow("not a combined-format access log line");
        }
        Instant time;
        try {
            time = ZonedDateTime.parse(m.group(3), TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRow("the time is not dd/MMM/yyyy:HH:mm:ss Z");
        }
        return new AccessLogEntry(m.group(1), dash(m.group(2)), time, m.group(4), m.group(5), Integer.parseInt(m.group(6)),
                dash(m.group(7)), dash(m.group(8)));
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() || s.equals("-") ? null : s.replace("\\\"", "\"");
    }
}
