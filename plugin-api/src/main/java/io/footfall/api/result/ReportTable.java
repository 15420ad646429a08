package io.footfall.api.result;

import java.util.List;
import java.util.Objects;

/**
 * A free-form table for reports.
 *
 * @param name    table id, e.g. {@code category-affinity}
 * @param columns column names
 * @param rows    rows, each as long as {@code columns}; cells are strings, numbers or booleans
 * @since 0.1
 */
public record ReportTable(String name, List<String> columns, List<List<Object>> rows) implements Result {

    /** Checks row widths and copies the lists. */
    public ReportTable {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        int width = columns.size();
        rows = rows.stream().map(r -> {
            if (r.size() != width) {
                throw new IllegalArgumentException("row width " + r.size() + " differs from " + width + " columns");
            }
            return List.copyOf(r);
        }).toList();
    }

    @Override
    public ResultType type() {
        return ResultType.REPORT_TABLE;
    }

    @Override
    public String key() {
        return name;
    }
}
