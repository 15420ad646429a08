package io.footfall.plugins.recommender;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable user × item matrix of implicit feedback: the users and items are numbered 0… in the order they were
 * first added, and each cell holds the summed weight of that user's interactions with that item. Rows (users) and
 * columns (items) are both kept in compressed sparse form, with indices sorted.
 */
public final class Interactions {

    private final List<String> users;
    private final List<String> items;
    private final Map<String, Integer> userIndex;
    private final Map<String, Integer> itemIndex;
    private final int[] rowPtr;
    private final int[] rowItems;
    private final double[] rowValues;
    private final int[] colPtr;
    private final int[] colUsers;
    private final double[] colValues;

    private Interactions(List<String> users, List<String> items, Map<String, Integer> userIndex,
                         Map<String, Integer> itemIndex, int[] rowPtr, int[] rowItems, double[] rowValues) {
        this.users = List.copyOf(users);
        this.items = List.copyOf(items);
        this.userIndex = Map.copyOf(userIndex);
        this.itemIndex = Map.copyOf(itemIndex);
        this.rowPtr = rowPtr;
        this.rowItems = rowItems;
        this.rowValues = rowValues;
        int n = items.size();
        colPtr = new int[n + 1];
        for (int i : rowItems) {
            colPtr[i + 1]++;
        }
        for (int i = 0; i < n; i++) {
            colPtr[i + 1] += colPtr[i];
        }
        colUsers = new int[rowItems.length];
        colValues = new double[rowItems.length];
        int[] next = Arrays.copyOf(colPtr, n);
        for (int u = 0; u < users.size(); u++) {
            for (int p = rowPtr[u]; p < rowPtr[u + 1]; p++) {
                int at = next[rowItems[p]]++;
                colUsers[at] = u;
                colValues[at] = rowValues[p];
            }
        }
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Number of users (rows). */
    public int userCount() {
        return users.size();
    }

    /** Number of items (columns). */
    public int itemCount() {
        return items.size();
    }

    /** Number of non-zero cells. */
    public int nonZeros() {
        return rowItems.length;
    }

    /** The id of user {@code u}. */
    public String user(int u) {
        return users.get(u);
    }

    /** The id of item {@code i}. */
    public String item(int i) {
        return items.get(i);
    }

    /** The index of a user id, or -1. */
    public int userIndex(String id) {
        return userIndex.getOrDefault(id, -1);
    }

    /** The index of an item id, or -1. */
    public int itemIndex(String id) {
        return itemIndex.getOrDefault(id, -1);
    }

    /** Start of user {@code u}'s row in {@link #rowItems()} / {@link #rowValues()}. */
    public int rowStart(int u) {
        return rowPtr[u];
    }

    /** End (exclusive) of user {@code u}'s row. */
    public int rowEnd(int u) {
        return rowPtr[u + 1];
    }

    /** Item indices of all rows, row after row (do not modify). */
    public int[] rowItems() {
        return rowItems;
    }

    /** Values of all rows, aligned with {@link #rowItems()} (do not modify). */
    public double[] rowValues() {
        return rowValues;
    }

    /** Start of item {@code i}'s column in {@link #colUsers()} / {@link #colValues()}. */
    public int colStart(int i) {
        return colPtr[i];
    }

    /** End (exclusive) of item {@code i}'s column. */
    public int colEnd(int i) {
        return colPtr[i + 1];
    }

    /** User indices of all columns (do not modify). */
    public int[] colUsers() {
        return colUsers;
    }

    /** Values of all columns, aligned with {@link #colUsers()} (do not modify). */
    public double[] colValues() {
        return colValues;
    }

    /** The same matrix with every non-zero cell set to 1. */
    public Interactions binary() {
        double[] ones = new double[rowValues.length];
        Arrays.fill(ones, 1.0);
        return new Interactions(users, items, userIndex, itemIndex, rowPtr, rowItems, ones);
    }

    /** The cell (u, i), 0 when empty. */
    public double value(int u, int i) {
        int p = Arrays.binarySearch(rowItems, rowPtr[u], rowPtr[u + 1], i);
        return p >= 0 ? rowValues[p] : 0.0;
    }

    /**
     * Collects (user, item, weight) triples; weights of the same cell add up. Users and items that should exist
     * without interactions (e.g. an evaluation's test-only items) can be declared with {@link #item(String)}.
     */
    public static final class Builder {
        private final List<String> users = new ArrayList<>();
        private final List<String> items = new ArrayList<>();
        private final Map<String, Integer> userIndex = new HashMap<>();
        private final Map<String, Integer> itemIndex = new HashMap<>();
        private final List<Map<Integer, Double>> rows = new ArrayList<>();

        private Builder() {
        }

        /** Declares a user; returns its index. */
        public int user(String id) {
            Integer u = userIndex.get(id);
            if (u == null) {
                u = users.size();
                users.add(id);
                userIndex.put(id, u);
                rows.add(new HashMap<>());
            }
            return u;
        }

        /** Declares an item; returns its index. */
        public int item(String id) {
            Integer i = itemIndex.get(id);
            if (i == null) {
                i = items.size();
                items.add(id);
                itemIndex.put(id, i);
            }
            return i;
        }

        /** Adds a weight to the cell (user, item); weights must be finite and positive. */
        public Builder add(String user, String item, double weight) {
            if (!(weight > 0) || !Double.isFinite(weight)) {
                throw new IllegalArgumentException("weight must be finite and positive: " + weight);
            }
            int u = user(user);
            int i = item(item);
            rows.get(u).merge(i, weight, Double::sum);
            return this;
        }

        /** The matrix. */
        public Interactions build() {
            int[] rowPtr = new int[users.size() + 1];
            int nnz = 0;
            for (int u = 0; u < users.size(); u++) {
                nnz += rows.get(u).size();
                rowPtr[u + 1] = nnz;
            }
            int[] rowItems = new int[nnz];
            double[] rowValues = new double[nnz];
            for (int u = 0; u < users.size(); u++) {
                int[] cols = rows.get(u).keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
                int at = rowPtr[u];
                for (int c : cols) {
                    rowItems[at] = c;
                    rowValues[at] = rows.get(u).get(c);
                    at++;
                }
            }
            return new Interactions(users, items, userIndex, itemIndex, rowPtr, rowItems, rowValues);
        }
    }
}
