package io.footfall.core.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * ISO-8601 instants in stored events, written and read without {@code DateTimeFormatter}, which
 * showed up as several percent of the CPU of ingestion and of every processor (each stored event
 * carries four or five instants). The text is exactly {@link Instant#toString()}'s; anything else
 * (years beyond 9999, offsets, other layouts) goes through the JDK.
 */
public final class InstantCodec {

    private InstantCodec() {
    }

    /** A Jackson module with this codec for {@link Instant}; register it after the JavaTimeModule. */
    public static SimpleModule module() {
        SimpleModule module = new SimpleModule("footfall-instants");
        module.addSerializer(Instant.class, new Serializer());
        module.addDeserializer(Instant.class, new Deserializer());
        return module;
    }

    /** The same text as {@link Instant#toString()}. */
    public static String format(Instant instant) {
        char[] text = new char[MAX_CHARS];
        int length = formatInto(instant, text);
        return length < 0 ? instant.toString() : new String(text, 0, length);
    }

    /** Longest text {@link #formatInto} writes: {@code yyyy-MM-ddTHH:mm:ss.nnnnnnnnnZ}. */
    static final int MAX_CHARS = 30;

    /**
     * Writes {@link Instant#toString()}'s text into {@code out} (at least {@link #MAX_CHARS} long) and returns its
     * length, or -1 for years outside 0000–9999 (which the caller formats through the JDK).
     */
    static int formatInto(Instant instant, char[] out) {
        long seconds = instant.getEpochSecond();
        // 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z; the JDK handles the rest
        if (seconds < -62_167_219_200L || seconds > 253_402_300_799L) {
            return -1;
        }
        int at = dateTime(seconds, out);
        int nano = instant.getNano();
        if (nano != 0) {
            out[at++] = '.';
            if (nano % 1_000_000 == 0) {
                at = digits(out, at, nano / 1_000_000, 3);
            } else if (nano % 1_000 == 0) {
                at = digits(out, at, nano / 1_000, 6);
            } else {
                at = digits(out, at, nano, 9);
            }
        }
        out[at++] = 'Z';
        return at;
    }

    /**
     * The layout of Axon's timestamp column ({@code DateTimeUtils.formatInstant}): always three
     * fraction digits, truncated to milliseconds.
     */
    public static String formatMillis(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < -62_167_219_200L || seconds > 253_402_300_799L) {
            return org.axonframework.common.DateTimeUtils.formatInstant(instant);
        }
        char[] out = new char[24];
        int at = dateTime(seconds, out);
        out[at++] = '.';
        at = digits(out, at, instant.getNano() / 1_000_000, 3);
        out[at++] = 'Z';
        return new String(out, 0, at);
    }

    /** Writes {@code yyyy-MM-ddTHH:mm:ss} of an epoch second in 0000–9999 at the start of {@code out}; returns 19. */
    private static int dateTime(long seconds, char[] out) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        int at = digits(out, 0, t.getYear(), 4);
        out[at++] = '-';
        at = digits(out, at, t.getMonthValue(), 2);
        out[at++] = '-';
        at = digits(out, at, t.getDayOfMonth(), 2);
        out[at++] = 'T';
        at = digits(out, at, t.getHour(), 2);
        out[at++] = ':';
        at = digits(out, at, t.getMinute(), 2);
        out[at++] = ':';
        return digits(out, at, t.getSecond(), 2);
    }

    /**
     * Parses {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} directly and any other ISO-8601 instant through
     * {@link Instant#parse}.
     *
     * @throws DateTimeParseException when the text is not an ISO-8601 instant
     */
    public static Instant parse(CharSequence text) {
        Instant fast = parseFast(text);
        return fast != null ? fast : Instant.parse(text);
    }

    private static Instant parseFast(CharSequence s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = number(s, 0, 4);
        int month = number(s, 5, 7);
        int day = number(s, 8, 10);
        int hour = number(s, 11, 13);
        int minute = number(s, 14, 16);
        int second = number(s, 17, 19);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int nano = 0;
        if (n > 20) {
            int digits = n - 21;
            if (s.charAt(19) != '.' || digits < 1 || digits > 9) {
                return null;
            }
            nano = number(s, 20, n - 1);
            if (nano < 0) {
                return null;
            }
            for (int i = digits; i < 9; i++) {
                nano *= 10;
            }
        } else if (n != 20) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nano).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The decimal number in {@code s[from, to)}, or -1 when a character is not a digit. */
    private static int number(CharSequence s, int from, int to) {
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

    /** Writes {@code value} (0 ≤ value < 10^width) as {@code width} digits, zero-padded, at {@code at}; returns the end. */
    private static int digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }

    private static final class Serializer extends StdScalarSerializer<Instant> {
        Serializer() {
            super(Instant.class);
        }

        /**
         * Written from a small array, without a string per instant (a stored event has four or five). The array is
         * allocated per call: a per-thread buffer measured slower (its {@code ThreadLocal} look-up cost more than
         * the allocation).
         */
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            char[] text = new char[MAX_CHARS];
            int length = formatInto(value, text);
            if (length < 0) {
                gen.writeString(value.toString());
            } else {
                gen.writeString(text, 0, length);
            }
        }
    }

    private static final class Deserializer extends StdScalarDeserializer<Instant> {
        Deserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                String text = p.getText().trim();
                try {
                    return parse(text);
                } catch (DateTimeParseException e) {
                    return (Instant) ctx.handleWeirdStringValue(Instant.class, text, "not an ISO-8601 instant");
                }
            }
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                return Instant.ofEpochSecond(p.getLongValue()); // as the JavaTimeModule reads them
            }
            if (p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
                java.math.BigDecimal secs = p.getDecimalValue();
                long whole = secs.longValue();
                int nanos = secs.subtract(java.math.BigDecimal.valueOf(whole)).movePointRight(9).intValue();
                return Instant.ofEpochSecond(whole, nanos);
            }
            return (Instant) ctx.handleUnexpectedToken(Instant.class, p);
        }
    }
}
