package io.footfall.collector.logs;

import java.util.List;

/**
 * One CSV data set's mapping from rows to events. Formats that assemble an event from several rows
 * (an invoice's lines) emit it in {@link #finish}; such an event is emitted only when all its rows
 * are good, otherwise all of them are reported and skipped.
 */
interface RowFormat {

    /** One event ready to send, with the lines it came from (for reports). */
    record Out(io.footfall.sdk.Message message, long firstLine, long lastLine) {
        /** The message as the JSON the tracking API receives (written on each call). */
        String json() {
            return message.toJson();
        }
    }

    /** Receives the events of a format. */
    interface Emitter {
        void emit(Out event);

        /** A row that cannot be imported. */
        void bad(long line, String reason);
    }

    /** The fields of one line (default: comma-separated with CSV quoting). */
    default List<String> split(String line) throws BadRow {
        return Csv.split(line, ',');
    }

    /** Whether the first line is a header (consumed, not mapped). */
    boolean isHeader(List<String> fields);

    /** Maps one row (line number {@code line}, 1-based). */
    void row(List<String> fields, long line, String raw, Emitter out) throws BadRow;

    /**
     * Maps one line of a file as every importer does: blank lines are skipped, a header is recognised on the file's
     * first line only, the row is given stripped (message ids derive from it), and a bad row goes to {@code out}.
     */
    static void line(RowFormat format, String text, long line, Emitter out) {
        // a byte-order mark (Excel's "CSV UTF-8", PowerShell) would become part of the header's or the first row's first field
        String raw = line == 1 && text.startsWith("\uFEFF") ? text.substring(1) : text;
        if (raw.isBlank()) {
            return;
        }
        try {
            List<String> fields = format.split(raw);
            if (line == 1 && format.isHeader(fields)) {
                return;
            }
            format.row(fields, line, raw.strip(), out);
        } catch (BadRow e) {
            out.bad(line, e.getMessage());
        }
    }

    /** Called after the last row: emits events assembled from several rows. */
    default void finish(Emitter out) {
    }
}
