package io.footfall.reporting;

import java.util.ArrayList;
import java.util.List;

/** A CSV document: one header row, then rows; RFC 4180 quoting, and cells that a spreadsheet would run as a formula are prefixed with {@code '}. */
public final class Csv {

    private final List<String> header;
    private final List<List<Object>> rows = new ArrayList<>();

    /** A document with this header. */
    public Csv(List<String> header) {
        this.header = List.copyOf(header);
    }

    /** Appends a row (nulls are empty cells). */
    public void row(List<Object> row) {
        rows.add(row);
    }

    /** The document, lines ending in {@code \n}. */
    public String text() {
        StringBuilder out = new StringBuilder();
        line(out, new ArrayList<>(header));
        rows.forEach(r -> line(out, r));
        return out.toString();
    }

    private static void line(StringBuilder out, List<?> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(cell(cells.get(i)));
        }
        out.append('\n');
    }

    /** One cell. */
    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        String v = value.toString();
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        boolean quote = v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r");
        return quote ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }
}
