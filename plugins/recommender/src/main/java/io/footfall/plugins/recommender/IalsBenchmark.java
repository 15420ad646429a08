package io.footfall.plugins.recommender;

import java.util.Locale;
import java.util.Random;

/**
 * iALS training time: {@code java -cp … io.footfall.plugins.recommender.IalsBenchmark USERS ITEMS PER_USER FACTORS
 * ITERATIONS} (default 100000 10000 20 32 3). Random implicit data (Zipf-like item popularity, seed 1), binary.
 */
public final class IalsBenchmark {

    private IalsBenchmark() {
    }

    /** Runs the benchmark. */
    public static void main(String[] args) {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int items = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int perUser = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int factors = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        int iterations = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        Random random = new Random(1);
        Interactions.Builder b = Interactions.builder();
        for (int u = 0; u < users; u++) {
            String user = "u" + u;
            for (int k = 0; k < perUser; k++) {
                b.add(user, "i" + (int) Math.min(items - 1, Math.floor(Math.pow(random.nextDouble(), 3) * items)), 1);
            }
        }
        Interactions data = b.build();
        long start = System.nanoTime();
        Ials ials = new Ials(factors, 30, 1, iterations, 1);
        ials.fit(data);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "iALS %d users × %d items, %d interactions, %d factors, %d iterations: %.1f s (%.1f s per iteration"
                        + " incl. the loss), loss %.1f → %.1f%n", data.userCount(), data.itemCount(), data.nonZeros(), factors,
                iterations, seconds, seconds / iterations, ials.losses()[0], ials.losses()[iterations]);
    }
}
