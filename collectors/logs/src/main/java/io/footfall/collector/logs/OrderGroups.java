package io.footfall.collector.logs;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Orders assembled from several rows (one row per order line). An order is emitted only when every
 * one of its rows is good; a bad row makes the whole order skipped, and each of its rows reported.
 * Kept in memory until the end of the file, because the rows of an order need not be adjacent.
 */
final class OrderGroups {

    /** The rows of one order so far. */
    static final class Group {
        final String orderId;
        final List<Map<String, Object>> products = new ArrayList<>();
        final List<String> raws = new ArrayList<>();
        final List<Long> lines = new ArrayList<>();
        BigDecimal revenue = BigDecimal.ZERO;
        Instant at;
        String subject;
        String country;
        long badLine = -1;

        Group(String orderId) {
            this.orderId = orderId;
        }

        /** The deterministic content of the order: its rows, sorted (so row order does not matter). */
        String content() {
            List<String> sorted = new ArrayList<>(raws);
            Collections.sort(sorted);
            return orderId + '\n' + String.join("\n", sorted);
        }

        long firstLine() {
            return lines.isEmpty() ? badLine : Collections.min(lines);
        }

        long lastLine() {
            return lines.isEmpty() ? badLine : Collections.max(lines);
        }
    }

    private final Map<String, Group> groups = new LinkedHashMap<>();

    /** The group of {@code orderId}, created on first use. */
    Group of(String orderId) {
        return groups.computeIfAbsent(orderId, Group::new);
    }

    /** Marks the order as not importable because of {@code line}. */
    void spoil(String orderId, long line) {
        Group g = of(orderId);
        if (g.badLine < 0) {
            g.badLine = line;
        }
    }

    /** Emits every good order through {@code toEvent}; reports the good rows of spoiled orders. */
    void finish(RowFormat.Emitter out, Function<Group, io.footfall.sdk.Message> toEvent) {
        for (Group g : groups.values()) {
            if (g.badLine >= 0) {
                for (long line : g.lines) {
                    out.bad(line, "skipped with the rest of its order: line " + g.badLine + " of the order is bad");
                }
            } else if (!g.lines.isEmpty()) {
                out.emit(new RowFormat.Out(toEvent.apply(g), g.firstLine(), g.lastLine()));
            }
        }
        groups.clear();
    }
}
