package io.footfall.plugins.basket;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The frequent itemsets of a set of {@link Baskets}, with their counts (number of baskets holding every item of
 * the set), as {@link FpGrowth} found them.
 *
 * <p>Inside, an itemset is a strictly decreasing sequence of item <em>ranks</em> (rank 0 is the most frequent
 * item); every subset of a frequent itemset is frequent and stored in the same order, so a count is found by
 * hashing the sequence. Storage is flat ({@code int} arrays), about {@code 4 · (size + 3)} bytes per itemset
 * plus the hash table.
 *
 * @since 0.1
 */
public final class FrequentItemsets {

    private final Baskets baskets;
    private final int minCount;
    private final int maxSize;
    /** item id of each rank. */
    private final int[] itemOfRank;
    /** count of each rank's single item. */
    private final int[] rankCount;

    private int[] data = new int[1024];
    private int dataSize;
    private int[] start = new int[256];
    private int[] counts = new int[256];
    private int size;
    private int[] table = new int[1024];

    FrequentItemsets(Baskets baskets, int minCount, int maxSize, int[] itemOfRank, int[] rankCount) {
        this.baskets = baskets;
        this.minCount = minCount;
        this.maxSize = maxSize;
        this.itemOfRank = itemOfRank;
        this.rankCount = rankCount;
    }

    /** The baskets they were mined from. */
    public Baskets baskets() {
        return baskets;
    }

    /** The absolute minimum count an itemset needed. */
    public int minCount() {
        return minCount;
    }

    /** The largest itemset size searched. */
    public int maxSize() {
        return maxSize;
    }

    /** Number of frequent itemsets (single items included). */
    public int size() {
        return size;
    }

    /** Number of frequent itemsets of each size: element {@code k} counts the itemsets of {@code k} items. */
    public int[] sizeHistogram() {
        int[] h = new int[maxSize + 1];
        for (int i = 0; i < size; i++) {
            h[length(i)]++;
        }
        return h;
    }

    /** Number of frequent single items. */
    public int frequentItems() {
        return itemOfRank.length;
    }

    /** The count of itemset {@code i}. */
    public int count(int i) {
        return counts[i];
    }

    /** The item names of itemset {@code i}, sorted. */
    public List<String> names(int i) {
        List<String> names = new ArrayList<>(length(i));
        for (int k = start[i]; k < end(i); k++) {
            names.add(baskets.item(itemOfRank[data[k]]));
        }
        names.sort(null);
        return names;
    }

    /**
     * The count of the itemset with these item names, or 0 when it is not frequent (or an item is unknown).
     */
    public int countOf(List<String> items) {
        int[] ranks = new int[items.size()];
        outer:
        for (int k = 0; k < ranks.length; k++) {
            for (int r = 0; r < itemOfRank.length; r++) {
                if (baskets.item(itemOfRank[r]).equals(items.get(k))) {
                    ranks[k] = r;
                    continue outer;
                }
            }
            return 0;
        }
        Integer[] boxed = Arrays.stream(ranks).boxed().toArray(Integer[]::new);
        Arrays.sort(boxed, (a, b) -> Integer.compare(b, a));
        for (int k = 0; k < ranks.length; k++) {
            ranks[k] = boxed[k];
        }
        int i = find(ranks, 0, ranks.length);
        return i < 0 ? 0 : counts[i];
    }

    // ---------------------------------------------------------------- package-private: building and rules

    int length(int i) {
        return end(i) - start[i];
    }

    int start(int i) {
        return start[i];
    }

    int end(int i) {
        return i + 1 < size ? start[i + 1] : dataSize;
    }

    int rankAt(int k) {
        return data[k];
    }

    int itemOfRank(int rank) {
        return itemOfRank[rank];
    }

    int rankCount(int rank) {
        return rankCount[rank];
    }

    /** Adds an itemset given as a strictly decreasing rank sequence. */
    void add(int[] ranks, int length, int count) {
        if (size == start.length) {
            start = Arrays.copyOf(start, size * 2);
            counts = Arrays.copyOf(counts, size * 2);
        }
        if (dataSize + length > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, dataSize + length));
        }
        System.arraycopy(ranks, 0, data, dataSize, length);
        start[size] = dataSize;
        counts[size] = count;
        dataSize += length;
        size++;
        if (size * 2 > table.length) {
            rehash(table.length * 2);
        } else {
            insert(size - 1);
        }
    }

    /** The index of the itemset equal to {@code ranks[from..to)}, or −1. */
    int find(int[] ranks, int from, int to) {
        int mask = table.length - 1;
        int slot = hash(ranks, from, to) & mask;
        while (true) {
            int entry = table[slot];
            if (entry == 0) {
                return -1;
            }
            int i = entry - 1;
            if (equal(i, ranks, from, to)) {
                return i;
            }
            slot = (slot + 1) & mask;
        }
    }

    private boolean equal(int i, int[] ranks, int from, int to) {
        int s = start[i];
        int len = end(i) - s;
        if (len != to - from) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            if (data[s + k] != ranks[from + k]) {
                return false;
            }
        }
        return true;
    }

    private void insert(int i) {
        int mask = table.length - 1;
        int slot = hash(data, start[i], end(i)) & mask;
        while (table[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        table[slot] = i + 1;
    }

    private void rehash(int capacity) {
        table = new int[capacity];
        for (int i = 0; i < size; i++) {
            insert(i);
        }
    }

    private static int hash(int[] a, int from, int to) {
        int h = 1;
        for (int k = from; k < to; k++) {
            h = 31 * h + a[k];
        }
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
