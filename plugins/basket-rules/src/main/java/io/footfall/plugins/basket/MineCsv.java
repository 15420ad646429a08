package io.footfall.plugins.basket;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Mines a basket CSV (one basket per line, items separated by commas) from the command line, without the host, and
 * times it: reading and mining are measured separately over several runs in one JVM, and the median is printed.
 *
 * <pre>
 * java -cp plugins/basket-rules/target/classes io.footfall.plugins.basket.MineCsv \
 *      plugins/basket-rules/src/test/resources/groceries.csv --min-support 0.001 --min-confidence 0.8 --runs 7
 * </pre>
 *
 * <p>Options: {@code --min-support} (0.001), {@code --min-confidence} (0.8), {@code --min-lift} (0),
 * {@code --max-size} (10), {@code --min-items} (2: rules of at least this many items in all), {@code --runs} (5),
 * {@code --top} (10 rules printed).
 *
 * @since 0.1
 */
public final class MineCsv {

    private MineCsv() {
    }

    /**
     * Runs the command.
     *
     * @param args the CSV file, then options
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 0 || args[0].startsWith("--")) {
            System.err.println("usage: MineCsv FILE.csv [--min-support S] [--min-confidence C] [--min-lift L] [--max-size K] [--runs R] [--top T]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        double minSupport = 0.001;
        double minConfidence = 0.8;
        double minLift = 0;
        int maxSize = 10;
        int runs = 5;
        int top = 10;
        for (int i = 1; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--min-support" -> minSupport = Double.parseDouble(v);
                case "--min-confidence" -> minConfidence = Double.parseDouble(v);
                case "--min-lift" -> minLift = Double.parseDouble(v);
                case "--max-size" -> maxSize = Integer.parseInt(v);
                case "--runs" -> runs = Integer.parseInt(v);
                case "--top" -> top = Integer.parseInt(v);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        RuleMiner.Settings settings = new RuleMiner.Settings(minSupport, 1, minConfidence, minLift, maxSize, Integer.MAX_VALUE, Long.MAX_VALUE);
        double[] readMs = new double[runs];
        double[] mineMs = new double[runs];
        RuleMiner.Mined mined = null;
        for (int run = 0; run < runs; run++) {
            long t0 = System.nanoTime();
            Baskets baskets;
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                baskets = Baskets.readCsv(in);
            }
            long t1 = System.nanoTime();
            mined = RuleMiner.mine(baskets, settings);
            long t2 = System.nanoTime();
            readMs[run] = (t1 - t0) / 1e6;
            mineMs[run] = (t2 - t1) / 1e6;
        }
        System.out.printf(Locale.ROOT, "%s: %d baskets, %d items; min support %s (count >= %d), min confidence %s, min lift %s, max size %d%n",
                file, mined.baskets(), mined.items(), minSupport, mined.minCount(), minConfidence, minLift, maxSize);
        System.out.printf(Locale.ROOT, "frequent itemsets: %d (by size %s); rules: %d%n", mined.itemsets().size(),
                Arrays.toString(mined.itemsets().sizeHistogram()), mined.totalRules());
        System.out.printf(Locale.ROOT, "runs: %d; read median %.1f ms; mine (FP-Growth + rules) median %.1f ms, first %.1f ms, all %s%n",
                runs, median(readMs), median(mineMs), mineMs[0], format(mineMs));
        for (RuleMiner.Rule r : mined.rules().subList(0, Math.min(top, mined.rules().size()))) {
            System.out.printf(Locale.ROOT, "  %s => {%s}  support %.6f  confidence %.6f  lift %.6f  count %d%n",
                    r.antecedent(), r.consequent(), r.support(), r.confidence(), r.lift(), r.count());
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String format(double[] values) {
        List<String> parts = new ArrayList<>();
        for (double v : values) {
            parts.add(String.format(Locale.ROOT, "%.1f", v));
        }
        return String.join(" ", parts);
    }
}
