package io.footfall.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The results table: one row per figure with its value, its target (if any) and the ratio or pass/fail, printed
 * as aligned text at the end of the run and written as Markdown to {@code results.md} next to the app logs.
 */
final class Report {

    /** One row. {@code verdict} is a ratio, PASS/FAIL, or empty. */
    record Row(String figure, String value, String target, String verdict) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    void row(String figure, String value, String target, String verdict) {
        rows.add(new Row(figure, value, target, verdict));
    }

    /** A row with a numeric target: PASS when {@code value} is on the right side of {@code target}. */
    void check(String figure, double value, String formatted, double target, boolean atLeast, String targetText) {
        String verdict;
        if (Double.isNaN(value)) {
            verdict = "n/a";
        } else {
            boolean pass = atLeast ? value >= target : value <= target;
            verdict = (pass ? "PASS" : "FAIL") + (Double.isInfinite(value) ? "" : " (" + fmt(value / target, 2) + "× target)");
        }
        rows.add(new Row(figure, formatted, targetText, verdict));
    }

    void note(String note) {
        notes.add(note);
    }

    List<String> notes() {
        return notes;
    }

    /** The table as aligned text. */
    String text() {
        int[] w = {6, 5, 6, 13};
        for (Row r : rows) {
            w[0] = Math.max(w[0], r.figure().length());
            w[1] = Math.max(w[1], r.value().length());
            w[2] = Math.max(w[2], r.target().length());
            w[3] = Math.max(w[3], r.verdict().length());
        }
        StringBuilder out = new StringBuilder();
        String format = "%-" + w[0] + "s | %" + w[1] + "s | %-" + w[2] + "s | %s%n";
        out.append(String.format(Locale.ROOT, format, "figure", "value", "target", "ratio / pass"));
        out.append("-".repeat(w[0])).append("-+-").append("-".repeat(w[1])).append("-+-").append("-".repeat(w[2]))
                .append("-+-").append("-".repeat(w[3])).append('\n');
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, format, r.figure(), r.value(), r.target(), r.verdict()));
        }
        return out.toString();
    }

    /** The table as Markdown. */
    String markdown() {
        StringBuilder out = new StringBuilder("| figure | value | target | ratio / pass |\n|---|---:|---|---|\n");
        for (Row r : rows) {
            out.append("| ").append(r.figure()).append(" | ").append(r.value()).append(" | ").append(r.target())
                    .append(" | ").append(r.verdict()).append(" |\n");
        }
        return out.toString();
    }

    void writeMarkdown(Path file, String header) {
        try {
            Files.createDirectories(file.getParent());
            StringBuilder out = new StringBuilder(header).append("\n\n").append(markdown());
            if (!notes.isEmpty()) {
                out.append('\n');
                notes.forEach(n -> out.append("- ").append(n).append('\n'));
            }
            Files.writeString(file, out);
        } catch (IOException e) {
            System.err.println("could not write " + file + ": " + e.getMessage());
        }
    }

    /** {@code value} with {@code decimals} decimals and thousands separators. */
    static String fmt(double value, int decimals) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }
}
