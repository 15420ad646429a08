package io.footfall.collector.logs;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one CSV line (RFC 4180 quoting: {@code "a,b"}, {@code ""} for a quote). Records spanning
 * several lines are not supported: none of the backfill formats has them.
 */
final class Csv {
    private Csv() {
    }

    /** The fields of {@code line} separated by {@code sep}; throws when a quote is not closed. */
    static List<String> split(String line, char sep) throws BadRow {
        List<String> fields = new ArrayList<>(8);
        int n = line.length();
        int i = 0;
        while (true) {
            if (i < n && line.charAt(i) == '"') {
                StringBuilder field = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw new BadRow("unclosed quote");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                fields.add(field.toString());
                if (i < n && line.charAt(i) != sep) {
                    throw new BadRow("characters after a closing quote");
                }
            } else {
                int end = line.indexOf(sep, i);
                if (end < 0) {
                    end = n;
                }
                fields.add(line.substring(i, end).trim());
                i = end;
            }
            if (i >= n) {
                return fields;
            }
            i++; // the separator
            if (i == n) {
                fields.add("");
                return fields;
            }
        }
    }
}
