package io.footfall.plugins.recommender;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The offline evaluation command:
 *
 * <pre>
 * java -cp … io.footfall.plugins.recommender.EvaluateCsv interactions.csv [--split random|leave-last-out]
 *      [--seed 42] [--train-fraction 0.8] [--k 10] [--algorithms popularity,itemknn,ease,ials] [--weighted]
 *      [--ease-lambda 400] [--knn-k 100] [--knn-shrink 0] [--ials-factors 32] [--ials-lambda 30] [--ials-alpha 1]
 *      [--ials-iterations 15]
 * </pre>
 *
 * It reads {@code user,item,weight-or-rating,timestamp}, reports bad lines with their numbers, splits, trains each
 * algorithm and prints Precision@K, Recall@K, NDCG@K, catalogue coverage and training time (see {@link Evaluation}).
 * By default every interaction is a positive of weight 1 (binary); {@code --weighted} keeps summed weights. Exit
 * status: 0 on success, 2 for a bad command line, 1 when the file cannot be read or holds no good line.
 */
public final class EvaluateCsv {

    private EvaluateCsv() {
    }

    /** Runs the command. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command with the given streams; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> opts = new LinkedHashMap<>();
        opts.put("split", "random");
        opts.put("seed", "42");
        opts.put("train-fraction", "0.8");
        opts.put("k", "10");
        opts.put("algorithms", "popularity,itemknn,ease,ials");
        opts.put("ease-lambda", "400");
        opts.put("knn-k", "100");
        opts.put("knn-shrink", "0");
        opts.put("ials-factors", "32");
        opts.put("ials-lambda", "30");
        opts.put("ials-alpha", "1");
        opts.put("ials-iterations", "15");
        boolean weighted = false;
        String file = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--weighted")) {
                weighted = true;
            } else if (a.startsWith("--") && opts.containsKey(a.substring(2)) && i + 1 < args.length) {
                opts.put(a.substring(2), args[++i]);
            } else if (!a.startsWith("--") && file == null) {
                file = a;
            } else {
                err.println("unknown or incomplete option: " + a);
                return usage(err);
            }
        }
        if (file == null) {
            return usage(err);
        }
        List<Recommender> algorithms = new ArrayList<>();
        int k;
        Evaluation.Split split;
        InteractionLog log;
        try {
            k = Integer.parseInt(opts.get("k"));
            if (k < 1) {
                throw new IllegalArgumentException("--k must be at least 1");
            }
            for (String name : opts.get("algorithms").split(",")) {
                algorithms.add(switch (name.trim()) {
                    case "popularity" -> new Popularity();
                    case "itemknn" -> new ItemKnn(Integer.parseInt(opts.get("knn-k")), Double.parseDouble(opts.get("knn-shrink")));
                    case "ease" -> new Ease(Double.parseDouble(opts.get("ease-lambda")));
                    case "ials" -> new Ials(Integer.parseInt(opts.get("ials-factors")), Double.parseDouble(opts.get("ials-lambda")),
                            Double.parseDouble(opts.get("ials-alpha")), Integer.parseInt(opts.get("ials-iterations")),
                            Long.parseLong(opts.get("seed")));
                    default -> throw new IllegalArgumentException("unknown algorithm '" + name.trim()
                            + "' (popularity, itemknn, ease, ials)");
                });
            }
            if (!opts.get("split").equals("random") && !opts.get("split").equals("leave-last-out")) {
                throw new IllegalArgumentException("--split must be random or leave-last-out");
            }
            double fraction = Double.parseDouble(opts.get("train-fraction"));
            if (!(fraction > 0 && fraction < 1)) {
                throw new IllegalArgumentException("--train-fraction must be between 0 and 1");
            }
            try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                log = InteractionLog.read(in);
            } catch (IOException e) {
                err.println("cannot read " + file + ": " + e.getMessage());
                return 1;
            }
            split = opts.get("split").equals("random")
                    ? Evaluation.random(log.rows(), fraction, Long.parseLong(opts.get("seed")))
                    : Evaluation.leaveLastOut(log.rows());
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return usage(err);
        }
        for (int i = 0; i < Math.min(20, log.badLines().size()); i++) {
            err.println(log.badLines().get(i));
        }
        if (log.badLines().size() > 20) {
            err.println("… " + (log.badLines().size() - 20) + " more bad lines");
        }
        if (log.rows().isEmpty()) {
            err.println("no usable line in " + file);
            return 1;
        }
        long users = log.rows().stream().map(InteractionLog.Row::user).distinct().count();
        long items = log.rows().stream().map(InteractionLog.Row::item).distinct().count();
        out.printf(Locale.ROOT, "%s: %d interactions (%d bad lines), %d users, %d items; split %s: %d train, %d test; %s%n",
                file, log.rows().size(), log.badLines().size(), users, items, opts.get("split"), split.train().size(),
                split.test().size(), weighted ? "weighted" : "binary");
        out.printf(Locale.ROOT, "%-12s %8s %8s %8s %9s %10s %7s%n", "algorithm", "P@" + k, "R@" + k, "NDCG@" + k,
                "coverage", "train ms", "users");
        for (Recommender r : algorithms) {
            Evaluation.Metrics m = Evaluation.evaluate(r, split, k, !weighted);
            out.printf(Locale.ROOT, "%-12s %8.4f %8.4f %8.4f %9.4f %10d %7d%n", m.algorithm(), m.precision(), m.recall(),
                    m.ndcg(), m.coverage(), m.trainMillis(), m.users());
        }
        return 0;
    }

    private static int usage(PrintStream err) {
        err.println("usage: EvaluateCsv FILE.csv [--split random|leave-last-out] [--seed N] [--train-fraction F] [--k K]"
                + " [--algorithms popularity,itemknn,ease,ials] [--weighted] [--ease-lambda L] [--knn-k N] [--knn-shrink S]"
                + " [--ials-factors N] [--ials-lambda L] [--ials-alpha A] [--ials-iterations N]");
        return 2;
    }
}
