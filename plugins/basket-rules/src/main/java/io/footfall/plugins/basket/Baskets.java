package io.footfall.plugins.basket;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A set of market baskets (transactions): each basket is a set of distinct items. Items are interned to dense
 * ids {@code 0..itemCount()-1} in order of first appearance.
 *
 * <p>Plain Java, no host needed: the plugin fills one from its state, a benchmark or test from a CSV file with
 * {@link #readCsv(Reader)}.
 *
 * @since 0.1
 */
public final class Baskets {

    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private int[][] baskets = new int[64][];
    private int size;
    private int[] scratch = new int[16];

    /** No baskets yet. */
    public Baskets() {
    }

    /**
     * Adds a basket. Duplicate items count once; null and blank items are ignored; items are used as given (the
     * caller trims if it wants to). An empty basket is still a basket: it counts in the total for support.
     *
     * @return the number of distinct items in the basket
     */
    public int add(Collection<String> items) {
        int n = 0;
        if (scratch.length < items.size()) {
            scratch = new int[Math.max(items.size(), scratch.length * 2)];
        }
        for (String item : items) {
            if (item == null || item.isBlank()) {
                continue;
            }
            scratch[n++] = intern(item);
        }
        int[] basket = Arrays.copyOf(scratch, n);
        Arrays.sort(basket);
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || basket[i] != basket[i - 1]) {
                basket[distinct++] = basket[i];
            }
        }
        if (distinct < n) {
            basket = Arrays.copyOf(basket, distinct);
        }
        if (size == baskets.length) {
            baskets = Arrays.copyOf(baskets, size * 2);
        }
        baskets[size++] = basket;
        return distinct;
    }

    /** Number of baskets. */
    public int size() {
        return size;
    }

    /** Number of distinct items over all baskets. */
    public int itemCount() {
        return names.size();
    }

    /** The name of an item id. */
    public String item(int id) {
        return names.get(id);
    }

    /** The item ids of basket {@code i}, sorted, distinct (do not modify). */
    int[] basket(int i) {
        return baskets[i];
    }

    /** How many baskets hold each item, by item id. */
    int[] itemCounts() {
        int[] counts = new int[names.size()];
        for (int i = 0; i < size; i++) {
            for (int id : baskets[i]) {
                counts[id]++;
            }
        }
        return counts;
    }

    /**
     * Reads baskets in the "basket" CSV format of the arules {@code Groceries} data: one basket per line, items
     * separated by commas, no quoting, no header. Items are trimmed; blank lines are skipped.
     */
    public static Baskets readCsv(Reader in) throws IOException {
        Baskets b = new Baskets();
        BufferedReader lines = in instanceof BufferedReader br ? br : new BufferedReader(in);
        List<String> items = new ArrayList<>();
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            items.clear();
            int start = 0;
            while (true) {
                int comma = line.indexOf(',', start);
                items.add(line.substring(start, comma < 0 ? line.length() : comma).trim());
                if (comma < 0) {
                    break;
                }
                start = comma + 1;
            }
            b.add(items);
        }
        return b;
    }

    private int intern(String item) {
        Integer id = ids.get(item);
        if (id == null) {
            id = names.size();
            ids.put(item, id);
            names.add(item);
        }
        return id;
    }
}
