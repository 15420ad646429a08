package io.footfall.plugins.recommender;

import java.util.Arrays;

/** Selects the indices of the K largest scores, best first; ties go to the lower index. NaN scores are never picked. */
public final class TopK {

    private TopK() {
    }

    /**
     * The indices of the {@code k} highest scores, best first, skipping indices where {@code excluded} is true (null:
     * none) and scores of negative infinity or NaN.
     */
    public static int[] select(double[] scores, int k, boolean[] excluded) {
        int n = scores.length;
        k = Math.min(k, n);
        if (k <= 0) {
            return new int[0];
        }
        // a min-heap of the best k so far, ordered worst first
        int[] heap = new int[k];
        int size = 0;
        for (int i = 0; i < n; i++) {
            double s = scores[i];
            if (Double.isNaN(s) || s == Double.NEGATIVE_INFINITY || excluded != null && excluded[i]) {
                continue;
            }
            if (size < k) {
                heap[size] = i;
                siftUp(heap, size++, scores);
            } else if (better(i, heap[0], scores)) {
                heap[0] = i;
                siftDown(heap, size, scores);
            }
        }
        Integer[] out = new Integer[size];
        for (int j = 0; j < size; j++) {
            out[j] = heap[j];
        }
        Arrays.sort(out, (a, b) -> better(a, b, scores) ? -1 : better(b, a, scores) ? 1 : 0);
        return Arrays.stream(out).mapToInt(Integer::intValue).toArray();
    }

    /** True when item a ranks before item b. */
    static boolean better(int a, int b, double[] scores) {
        return scores[a] > scores[b] || scores[a] == scores[b] && a < b;
    }

    private static void siftUp(int[] heap, int at, double[] scores) {
        while (at > 0) {
            int parent = (at - 1) / 2;
            if (better(heap[parent], heap[at], scores)) {
                int t = heap[parent];
                heap[parent] = heap[at];
                heap[at] = t;
                at = parent;
            } else {
                return;
            }
        }
    }

    private static void siftDown(int[] heap, int size, double[] scores) {
        int at = 0;
        while (true) {
            int l = 2 * at + 1;
            int r = l + 1;
            int worst = at;
            if (l < size && better(heap[worst], heap[l], scores)) {
                worst = l;
            }
            if (r < size && better(heap[worst], heap[r], scores)) {
                worst = r;
            }
            if (worst == at) {
                return;
            }
            int t = heap[worst];
            heap[worst] = heap[at];
            heap[at] = t;
            at = worst;
        }
    }
}
