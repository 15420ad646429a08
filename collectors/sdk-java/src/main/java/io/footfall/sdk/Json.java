package io.footfall.sdk;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small JSON writer and reader the SDK needs: it writes messages built from maps, lists,
 * strings, numbers, booleans, instants and enums, and reads the API's answers. Written here so the
 * SDK has no runtime dependency (the Segment message shape is small and fixed).
 */
public final class Json {
    private Json() {
    }

    /** Writes {@code value} as JSON. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(value, out, 0);
        return out.toString();
    }

    /** Appends {@code value} as JSON to {@code out}. */
    public static void write(Object value, StringBuilder out) {
        write(value, out, 0);
    }

    private static void write(Object value, StringBuilder out, int depth) {
        if (depth > 32) {
            throw new IllegalArgumentException("value nested more than 32 levels deep");
        }
        if (value == null) {
            out.append("null");
        } else if (value instanceof CharSequence s) {
            quote(s, out);
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof Double d) {
            number(d, out);
        } else if (value instanceof Float f) {
            number(f.doubleValue(), out);
        } else if (value instanceof BigDecimal d) {
            out.append(d.toPlainString());
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                quote(String.valueOf(e.getKey()), out);
                out.append(':');
                write(e.getValue(), out, depth + 1);
            }
            out.append('}');
        } else if (value instanceof Iterable<?> items) {
            out.append('[');
            boolean first = true;
            for (Object item : items) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(item, out, depth + 1);
            }
            out.append(']');
        } else if (value instanceof Object[] items) {
            write(List.of(items), out, depth);
        } else if (value instanceof TemporalAccessor || value instanceof Enum<?> || value instanceof Character
                || value instanceof java.util.UUID) {
            quote(value.toString(), out);
        } else if (value instanceof RawJson raw) {
            out.append(raw.json());
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    private static void number(double d, StringBuilder out) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("NaN and infinite numbers have no JSON form");
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            out.append((long) d);
        } else {
            out.append(d);
        }
    }

    /** Appends {@code s} as a JSON string literal. */
    public static void quote(CharSequence s, StringBuilder out) {
        out.append('"');
        int length = s.length();
        int run = 0; // start of the characters not yet appended, which need no escaping
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && c != '\u2028' && c != '\u2029') {
                continue;
            }
            out.append(s, run, i);
            run = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(String.format("\\u%04x", (int) c));
            }
        }
        out.append(s, run, length);
        out.append('"');
    }

    /** JSON text inserted as is (it must be valid JSON). */
    public record RawJson(String json) {
    }

    /**
     * Reads JSON text: objects become {@link LinkedHashMap}s, arrays {@link ArrayList}s, numbers
     * {@link Long} or {@link Double}.
     *
     * @throws IllegalArgumentException when the text is not JSON
     */
    public static Object parse(String text) {
        Reader r = new Reader(text);
        r.blank();
        Object value = r.value(0);
        r.blank();
        if (r.pos != text.length()) {
            throw r.error("trailing characters");
        }
        return value;
    }

    private static final class Reader {
        private final String s;
        private int pos;

        Reader(String s) {
            this.s = s;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("invalid JSON at character " + pos + ": " + what);
        }

        void blank() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        Object value(int depth) {
            if (depth > 64) {
                throw error("nested too deep");
            }
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{' -> {
                    pos++;
                    Map<String, Object> map = new LinkedHashMap<>();
                    blank();
                    if (peek('}')) {
                        return map;
                    }
                    do {
                        blank();
                        if (pos >= s.length() || s.charAt(pos) != '"') {
                            throw error("expected a key");
                        }
                        String key = string();
                        blank();
                        expect(':');
                        blank();
                        map.put(key, value(depth + 1));
                        blank();
                    } while (peek(','));
                    expect('}');
                    return map;
                }
                case '[' -> {
                    pos++;
                    List<Object> list = new ArrayList<>();
                    blank();
                    if (peek(']')) {
                        return list;
                    }
                    do {
                        blank();
                        list.add(value(depth + 1));
                        blank();
                    } while (peek(','));
                    expect(']');
                    return list;
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    if (s.startsWith("true", pos)) {
                        pos += 4;
                        return Boolean.TRUE;
                    }
                    if (s.startsWith("false", pos)) {
                        pos += 5;
                        return Boolean.FALSE;
                    }
                    if (s.startsWith("null", pos)) {
                        pos += 4;
                        return null;
                    }
                    return number();
                }
            }
        }

        private boolean peek(char c) {
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
        }

        private String string() {
            pos++;
            StringBuilder out = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    if (pos >= s.length()) {
                        break;
                    }
                    char e = s.charAt(pos++);
                    switch (e) {
                        case 'n' -> out.append('\n');
                        case 'r' -> out.append('\r');
                        case 't' -> out.append('\t');
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'u' -> {
                            if (pos + 4 > s.length()) {
                                throw error("bad escape");
                            }
                            out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                            pos += 4;
                        }
                        default -> out.append(e);
                    }
                } else {
                    out.append(c);
                }
            }
            throw error("unterminated string");
        }

        private Object number() {
            int start = pos;
            while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
            String n = s.substring(start, pos);
            if (n.isEmpty()) {
                throw error("unexpected character");
            }
            try {
                if (n.indexOf('.') < 0 && n.indexOf('e') < 0 && n.indexOf('E') < 0) {
                    return Long.parseLong(n);
                }
                return Double.parseDouble(n);
            } catch (NumberFormatException e) {
                throw error("bad number " + n);
            }
        }
    }

    /** A collection's items as a list (for answers read with {@link #parse}). */
    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value instanceof Collection<?> c ? new ArrayList<>((Collection<Object>) c) : List.of();
    }
}
