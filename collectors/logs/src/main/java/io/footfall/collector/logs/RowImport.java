package io.footfall.collector.logs;

import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Set;

/**
 * CSV rows mapped to Segment-shaped event JSON inside the server, for {@code POST /v1/import}: the same formats,
 * message ids and bad-row reasons as the client-side backfill ({@link Backfill}), for the formats that map each row
 * to one event on its own (UserBehavior, MovieLens). Formats that assemble an order from rows anywhere in the file
 * (RetailRocket transactions, Online Retail invoices) need the whole file and stay client-side.
 *
 * <p>A request carries whole lines of a file; line numbers count from the line the request starts at, and a header
 * is recognised on the file's first line only, as the client-side backfill does.
 */
public final class RowImport {

    /** Format names (and their aliases) that map one row to one event. */
    public static final Set<String> FORMATS = Set.of("userbehavior", "taobao", "tianchi", "movielens", "ratings");

    /** Receives what the rows become. */
    public interface Sink {
        /**
         * One event from line {@code line}: the message's JSON tree, exactly as parsing the JSON the client-side backfill
         * sends would give it ({@link MessageTree}), without writing and parsing that text.
         */
        void event(com.fasterxml.jackson.databind.node.ObjectNode message, long line);

        /** A row that cannot be imported, with the reason (never the row's values). */
        void bad(long line, String reason);
    }

    private final RowFormat format;

    private RowImport(RowFormat format) {
        this.format = format;
    }

    /** Whether {@code format} maps each row to one event (so a file can be imported in pieces). */
    public static boolean supports(String format) {
        return format != null && FORMATS.contains(format.toLowerCase(Locale.ROOT));
    }

    /**
     * The importer of a format; message ids derive from {@code tag} and each row's text, exactly as
     * {@code backfill --tag} derives them, so importing a file both ways stores each row once.
     *
     * @throws IllegalArgumentException for a format that is unknown or needs the whole file
     */
    public static RowImport of(String format, String tag) {
        if (!supports(format)) {
            throw new IllegalArgumentException("format must be one of " + String.join(", ", new java.util.TreeSet<>(FORMATS)));
        }
        return new RowImport(LogsMain.format(format, tag, ZoneOffset.UTC));
    }

    /**
     * Maps whole lines ({@code \n} or {@code \r\n} separated; a last line without one counts too).
     *
     * @param text      the lines
     * @param firstLine the file's line number of the first line (1-based)
     * @return how many lines were read, blank ones included
     */
    public long map(String text, long firstLine, Sink sink) {
        RowFormat.Emitter emitter = new RowFormat.Emitter() {
            @Override
            public void emit(RowFormat.Out event) {
                sink.event(MessageTree.of(event.message()), event.firstLine());
            }

            @Override
            public void bad(long line, String reason) {
                sink.bad(line, reason);
            }
        };
        long line = firstLine - 1;
        int from = 0;
        int length = text.length();
        while (from < length) {
            int end = text.indexOf('\n', from);
            if (end < 0) {
                end = length;
            }
            int stop = end > from && text.charAt(end - 1) == '\r' ? end - 1 : end;
            String raw = text.substring(from, stop);
            from = end + 1;
            line++;
            RowFormat.line(format, raw, line, emitter);
        }
        return line - firstLine + 1;
    }
}
