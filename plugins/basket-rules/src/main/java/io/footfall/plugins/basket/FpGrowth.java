package io.footfall.plugins.basket;

import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Exact FP-Growth (Han, Pei &amp; Yin, SIGMOD 2000): every itemset of at most {@code maxSize} items held by at
 * least {@code minCount} baskets, with its exact count.
 *
 * <p>The baskets are compressed into an FP-tree: items ranked by count (most frequent first, ties by name), each
 * basket's frequent items inserted as a path in rank order, with a header table linking all nodes of an item.
 * Mining takes the items from the least frequent up: an item with enough count is a frequent itemset together
 * with the current prefix; its conditional pattern base (the prefix paths of its nodes, weighted by the nodes'
 * counts) is filtered to the items still frequent in it and built into a conditional FP-tree, which is mined
 * recursively with the item appended to the prefix. No candidate is ever generated and counted, so the result is
 * exact and complete.
 *
 * <p>Trees are flat {@code int} arrays; children are found through an open-addressing table keyed by (parent,
 * item), so a catalogue of many items does not make insertion linear in the root's fan-out. Conditional trees use
 * local item numbers, so their arrays are sized by the items they hold, not by the catalogue.
 *
 * @since 0.1
 */
public final class FpGrowth {

    private final int minCount;
    private final int maxSize;
    private final long maxItemsets;
    private final BooleanSupplier cancelled;
    private FrequentItemsets out;
    private int[] prefix;
    private int[][] counts;
    private int[][] touched;
    private int[][] local;
    private int[][] paths;
    private long emitted;

    private FpGrowth(int minCount, int maxSize, long maxItemsets, BooleanSupplier cancelled) {
        this.minCount = minCount;
        this.maxSize = maxSize;
        this.maxItemsets = maxItemsets;
        this.cancelled = cancelled;
    }

    /** Thrown when the search finds more frequent itemsets than allowed. */
    public static final class TooManyItemsets extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooManyItemsets(long limit, int minCount) {
            super("more than " + limit + " frequent itemsets at a minimum count of " + minCount
                    + ": raise min-support or min-count, or lower max-itemset-size");
        }
    }

    /**
     * All frequent itemsets.
     *
     * @param baskets  the baskets
     * @param minCount an itemset is frequent when at least this many baskets hold it (at least 1)
     * @param maxSize  the largest itemset to search (at least 1)
     */
    public static FrequentItemsets mine(Baskets baskets, int minCount, int maxSize) {
        return mine(baskets, minCount, maxSize, Long.MAX_VALUE, () -> false);
    }

    /**
     * All frequent itemsets, stopping early.
     *
     * @param maxItemsets stop with {@link TooManyItemsets} beyond this many itemsets
     * @param cancelled   polled now and then; when it answers true, mining stops with a {@link CancellationException}
     */
    public static FrequentItemsets mine(Baskets baskets, int minCount, int maxSize, long maxItemsets, BooleanSupplier cancelled) {
        if (minCount < 1 || maxSize < 1) {
            throw new IllegalArgumentException("minCount and maxSize must be at least 1: " + minCount + ", " + maxSize);
        }
        return new FpGrowth(minCount, maxSize, maxItemsets, cancelled).run(baskets);
    }

    private FrequentItemsets run(Baskets baskets) {
        int[] itemCounts = baskets.itemCounts();
        Integer[] frequent = new Integer[itemCounts.length];
        int f = 0;
        for (int id = 0; id < itemCounts.length; id++) {
            if (itemCounts[id] >= minCount) {
                frequent[f++] = id;
            }
        }
        Integer[] ranked = Arrays.copyOf(frequent, f);
        Arrays.sort(ranked, Comparator.<Integer>comparingInt(id -> -itemCounts[id]).thenComparing(baskets::item));
        int[] itemOfRank = new int[f];
        int[] rankCount = new int[f];
        int[] rankOf = new int[itemCounts.length];
        Arrays.fill(rankOf, -1);
        for (int r = 0; r < f; r++) {
            itemOfRank[r] = ranked[r];
            rankCount[r] = itemCounts[ranked[r]];
            rankOf[ranked[r]] = r;
        }
        out = new FrequentItemsets(baskets, minCount, maxSize, itemOfRank, rankCount);
        if (f == 0) {
            return out;
        }

        FpTree tree = new FpTree(f, Math.max(16, f * 4));
        int[] path = new int[f];
        for (int b = 0; b < baskets.size(); b++) {
            int len = 0;
            for (int id : baskets.basket(b)) {
                int r = rankOf[id];
                if (r >= 0) {
                    path[len++] = r;
                }
            }
            if (len > 0) {
                Arrays.sort(path, 0, len);
                tree.insert(path, len, 1);
            }
        }

        int depth = Math.min(maxSize, f) + 1;
        prefix = new int[depth];
        counts = new int[depth][];
        touched = new int[depth][];
        local = new int[depth][];
        paths = new int[depth][];
        for (int d = 0; d < depth; d++) {
            counts[d] = new int[f];
            touched[d] = new int[f];
            local[d] = new int[f];
            Arrays.fill(local[d], -1);
            paths[d] = new int[f];
        }
        int[] identity = new int[f];
        for (int r = 0; r < f; r++) {
            identity[r] = r;
        }
        mine(tree, identity, 0);
        return out;
    }

    /**
     * Mines a (conditional) tree whose local item {@code i} is global rank {@code globalOf[i]}; local numbering keeps
     * the global order, so prefixes stay strictly decreasing in global rank.
     */
    private void mine(FpTree t, int[] globalOf, int depth) {
        int[] count = counts[depth];
        int[] seen = touched[depth];
        int[] map = local[depth];
        int[] path = paths[depth];
        for (int r = t.ranks - 1; r >= 0; r--) {
            int support = t.itemCount[r];
            if (support < minCount) {
                continue;
            }
            prefix[depth] = globalOf[r];
            out.add(prefix, depth + 1, support);
            if (++emitted > maxItemsets) {
                throw new TooManyItemsets(maxItemsets, minCount);
            }
            if ((emitted & 0xFFF) == 0 && cancelled.getAsBoolean()) {
                throw new CancellationException("mining cancelled");
            }
            if (depth + 1 >= maxSize) {
                continue;
            }
            // conditional pattern base of r: count the items on the prefix paths of r's nodes
            int nSeen = 0;
            for (int node = t.head[r]; node >= 0; node = t.link[node]) {
                int c = t.count[node];
                for (int p = t.parent[node]; p > 0; p = t.parent[p]) {
                    int it = t.item[p];
                    if (count[it] == 0) {
                        seen[nSeen++] = it;
                    }
                    count[it] += c;
                }
            }
            int k = 0;
            for (int s = 0; s < nSeen; s++) {
                int it = seen[s];
                if (count[it] >= minCount) {
                    seen[k++] = it;
                }
                count[it] = 0;
            }
            if (k == 0) {
                continue;
            }
            Arrays.sort(seen, 0, k);
            int[] childGlobal = new int[k];
            for (int j = 0; j < k; j++) {
                map[seen[j]] = j;
                childGlobal[j] = globalOf[seen[j]];
            }
            FpTree conditional = new FpTree(k, 16);
            for (int node = t.head[r]; node >= 0; node = t.link[node]) {
                int len = 0;
                for (int p = t.parent[node]; p > 0; p = t.parent[p]) {
                    int m = map[t.item[p]];
                    if (m >= 0) {
                        path[len++] = m;
                    }
                }
                if (len > 0) {
                    for (int a = 0, b = len - 1; a < b; a++, b--) {
                        int tmp = path[a];
                        path[a] = path[b];
                        path[b] = tmp;
                    }
                    conditional.insert(path, len, t.count[node]);
                }
            }
            for (int j = 0; j < k; j++) {
                map[seen[j]] = -1;
            }
            mine(conditional, childGlobal, depth + 1);
        }
    }

    /** An FP-tree in flat arrays; node 0 is the root. */
    static final class FpTree {
        final int ranks;
        final int[] head;
        final int[] itemCount;
        int[] item;
        int[] count;
        int[] parent;
        int[] link;
        int size = 1;
        /** open addressing: key (parent, item) → node + 1 */
        private long[] keys;
        private int[] values;
        private int used;

        FpTree(int ranks, int capacity) {
            this.ranks = ranks;
            head = new int[ranks];
            Arrays.fill(head, -1);
            itemCount = new int[ranks];
            item = new int[capacity];
            count = new int[capacity];
            parent = new int[capacity];
            link = new int[capacity];
            item[0] = -1;
            parent[0] = -1;
            int slots = Integer.highestOneBit(Math.max(16, capacity * 2 - 1)) << 1;
            keys = new long[slots];
            values = new int[slots];
        }

        /** Inserts a path of increasing ranks with a count. */
        void insert(int[] path, int len, int c) {
            int node = 0;
            for (int i = 0; i < len; i++) {
                int r = path[i];
                int child = child(node, r);
                if (child < 0) {
                    child = newNode(node, r);
                }
                count[child] += c;
                itemCount[r] += c;
                node = child;
            }
        }

        private int child(int node, int r) {
            long key = ((long) node << 32) | r;
            int mask = keys.length - 1;
            int slot = mix(key) & mask;
            while (values[slot] != 0) {
                if (keys[slot] == key) {
                    return values[slot] - 1;
                }
                slot = (slot + 1) & mask;
            }
            return -1;
        }

        private int newNode(int p, int r) {
            if (size == item.length) {
                int cap = size * 2;
                item = Arrays.copyOf(item, cap);
                count = Arrays.copyOf(count, cap);
                parent = Arrays.copyOf(parent, cap);
                link = Arrays.copyOf(link, cap);
            }
            int n = size++;
            item[n] = r;
            parent[n] = p;
            link[n] = head[r];
            head[r] = n;
            if ((used + 1) * 2 > keys.length) {
                grow();
            }
            put(((long) p << 32) | r, n);
            return n;
        }

        private void put(long key, int n) {
            int mask = keys.length - 1;
            int slot = mix(key) & mask;
            while (values[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            values[slot] = n + 1;
            used++;
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new int[oldValues.length * 2];
            used = 0;
            for (int s = 0; s < oldKeys.length; s++) {
                if (oldValues[s] != 0) {
                    put(oldKeys[s], oldValues[s] - 1);
                }
            }
        }

        private static int mix(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 29));
        }
    }
}
