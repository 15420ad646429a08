package io.footfall.plugins.recommender;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Interactions read from a CSV file {@code user,item,weight-or-rating,timestamp} (the MovieLens {@code u.data} layout
 * with commas). The timestamp is epoch seconds, epoch milliseconds (13+ digits) or ISO-8601; a first line whose
 * weight is not a number is taken as a header. Tabs are accepted as separators too. Lines that do not parse are
 * skipped and reported with their line number.
 *
 * @param rows     the good lines, in file order
 * @param badLines "line N: reason" for each skipped line
 */
public record InteractionLog(List<Row> rows, List<String> badLines) {

    /**
     * One interaction.
     *
     * @param user   user id
     * @param item   item id
     * @param weight weight or rating (finite, positive)
     * @param time   epoch milliseconds
     * @param line   line number in the file (1-based)
     */
    public record Row(String user, String item, double weight, long time, int line) {
    }

    /** Reads a CSV; never throws on bad content, only on I/O. */
    public static InteractionLog read(Reader in) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        BufferedReader reader = new BufferedReader(in);
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(line.indexOf('\t') >= 0 && line.indexOf(',') < 0 ? "\t" : ",", -1);
            if (f.length != 4) {
                bad.add("line " + number + ": expected 4 fields (user,item,weight,timestamp), found " + f.length);
                continue;
            }
            String user = f[0].trim();
            String item = f[1].trim();
            double weight;
            try {
                weight = Double.parseDouble(f[2].trim());
            } catch (NumberFormatException e) {
                if (number == 1) {
                    continue; // header
                }
                bad.add("line " + number + ": weight '" + f[2].trim() + "' is not a number");
                continue;
            }
            if (user.isEmpty() || item.isEmpty()) {
                bad.add("line " + number + ": empty " + (user.isEmpty() ? "user" : "item"));
                continue;
            }
            if (!Double.isFinite(weight) || weight <= 0) {
                bad.add("line " + number + ": weight must be a positive number, found " + f[2].trim());
                continue;
            }
            Long time = time(f[3].trim());
            if (time == null) {
                bad.add("line " + number + ": timestamp '" + f[3].trim() + "' is neither epoch seconds/milliseconds nor ISO-8601");
                continue;
            }
            rows.add(new Row(user, item, weight, time, number));
        }
        return new InteractionLog(List.copyOf(rows), List.copyOf(bad));
    }

    private static Long time(String text) {
        if (text.isEmpty()) {
            return null;
        }
        if (text.chars().allMatch(Character::isDigit)) {
            try {
                long v = Long.parseLong(text);
                return text.length() >= 13 ? v : v * 1000;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
