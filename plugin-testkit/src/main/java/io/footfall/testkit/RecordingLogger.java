package io.footfall.testkit;

import io.footfall.api.plugin.PluginLogger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Locale;

/**
 * A {@link PluginLogger} that records formatted lines. A format that does not match its arguments is
 * recorded as the format followed by the arguments, and {@link #malformed()} counts it.
 *
 * @since 0.1
 */
public final class RecordingLogger implements PluginLogger {

    /** Severity of a line. */
    public enum Level {
        /** {@link PluginLogger#info}. */
        INFO,
        /** {@link PluginLogger#warn}. */
        WARN,
        /** {@link PluginLogger#error}. */
        ERROR
    }

    /**
     * One recorded line.
     *
     * @param level   severity
     * @param message formatted message
     * @since 0.1
     */
    public record Line(Level level, String message) {
    }

    private final List<Line> lines = new ArrayList<>();
    private int malformed;

    /** An empty log. */
    public RecordingLogger() {
    }

    @Override
    public void info(String format, Object... args) {
        record(Level.INFO, format, args);
    }

    @Override
    public void warn(String format, Object... args) {
        record(Level.WARN, format, args);
    }

    @Override
    public void error(String format, Object... args) {
        record(Level.ERROR, format, args);
    }

    /** Every line, in order. */
    public synchronized List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The messages of one level, in order. */
    public synchronized List<String> messages(Level level) {
        return lines.stream().filter(l -> l.level() == level).map(Line::message).toList();
    }

    /** True when some line contains the text. */
    public synchronized boolean contains(String text) {
        return lines.stream().anyMatch(l -> l.message().contains(text));
    }

    /** Number of calls whose format did not match the arguments. */
    public synchronized int malformed() {
        return malformed;
    }

    /** Forgets every line. */
    public synchronized void clear() {
        lines.clear();
        malformed = 0;
    }

    private synchronized void record(Level level, String format, Object... args) {
        String message;
        try {
            message = args == null || args.length == 0 ? String.valueOf(format) : String.format(Locale.ROOT, format, args);
        } catch (IllegalFormatException e) {
            malformed++;
            message = format + " " + Arrays.toString(args);
        }
        lines.add(new Line(level, message));
    }
}
