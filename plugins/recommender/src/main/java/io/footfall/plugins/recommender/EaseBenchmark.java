package io.footfall.plugins.recommender;

import java.util.Locale;
import java.util.Random;

/**
 * EASE training time for catalogues of N items: {@code java -cp … io.footfall.plugins.recommender.EaseBenchmark
 * 1000 2000 4000}. Each run builds a random implicit matrix (10·N users, 20 items each, Zipf-like item popularity,
 * seed 1) and times {@link Ease#fit} (Gram matrix, Cholesky inverse, B), after one warm-up at N = 500: wall time and the
 * CPU time of the training thread (with EJML, EASE is single-threaded, so on a shared machine the CPU time is the steadier
 * figure; the native LAPACK runs on threads of its own). {@code -Dease.inverse=ejml|native} picks the inverse.
 */
public final class EaseBenchmark {

    private EaseBenchmark() {
    }

    /** Runs the benchmark for each N given (default 1000 2000). */
    public static void main(String[] args) {
        time(500, false);
        String[] sizes = args.length == 0 ? new String[] {"1000", "2000"} : args;
        for (String s : sizes) {
            time(Integer.parseInt(s), true);
        }
    }

    private static void time(int n, boolean print) {
        Random random = new Random(1);
        Interactions.Builder b = Interactions.builder();
        for (int i = 0; i < n; i++) {
            b.item("i" + i);
        }
        for (int u = 0; u < 10 * n; u++) {
            for (int k = 0; k < 20; k++) {
                int item = (int) Math.min(n - 1, Math.floor(Math.pow(random.nextDouble(), 3) * n));
                b.add("u" + u, "i" + item, 1);
            }
        }
        Interactions data = b.build();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu = mx.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        String chosen = System.getProperty("ease.inverse");
        Ease ease = new Ease(400, chosen == null ? SpdInverse.best() : SpdInverse.valueOf(chosen.toUpperCase(Locale.ROOT)));
        ease.fit(data);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (mx.getCurrentThreadCpuTime() - cpu) / 1e9;
        if (print) {
            System.out.printf(Locale.ROOT, "EASE n=%d items, %d users, %d interactions, inverse %s: %.2f s wall, %.2f s CPU of the "
                    + "training thread (LAPACK's own threads not counted)%n", n, data.userCount(), data.nonZeros(), ease.inverse(), seconds,
                    cpuSeconds);
        }
    }
}
