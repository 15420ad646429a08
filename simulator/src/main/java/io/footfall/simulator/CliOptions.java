package io.footfall.simulator;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Parsed command line of {@link SimulatorMain}.
 *
 * @param config      the simulation settings
 * @param out         NDJSON output file ({@code .gz} for gzip), or {@code null}
 * @param url         base URL of a Segment-compatible API, or {@code null}
 * @param writeKey    write key for {@code url}
 * @param batch       messages per HTTP batch
 * @param concurrency HTTP requests in flight
 * @param help        whether {@code --help} was given
 */
record CliOptions(SimulatorConfig config, Path out, URI url, String writeKey, int batch, int concurrency,
                  boolean help) {

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: SimulatorMain [--seed N] [--users N] [--days N] [--products N] [--clusters N] [--pairs N]",
            "                     [--start 2026-01-01T00:00:00Z] [--churn-drivers static|observable]",
            "                     (--out FILE.ndjson[.gz] | --url URL --write-key KEY [--batch N] [--concurrency N])",
            "  With neither --out nor --url, messages are generated and counted only (a benchmark).");

    /**
     * Parses {@code args}.
     *
     * @throws IllegalArgumentException with a message for the user when the command line is invalid
     */
    static CliOptions parse(String[] args) {
        SimulatorConfig.Builder config = SimulatorConfig.builder();
        Path out = null;
        URI url = null;
        String writeKey = null;
        int batch = 250;
        int concurrency = 4;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + arg);
            }
            String v = args[++i];
            switch (arg) {
                case "--seed" -> config.seed(Long.parseLong(v));
                case "--users" -> config.users(integer(arg, v));
                case "--days" -> config.days(integer(arg, v));
                case "--products" -> config.products(integer(arg, v));
                case "--clusters" -> config.clusters(integer(arg, v));
                case "--pairs" -> config.coPurchasePairs(integer(arg, v));
                case "--start" -> config.start(Instant.parse(v));
                case "--churn-drivers" -> config.churnDrivers(switch (v.toLowerCase(java.util.Locale.ROOT)) {
                    case "static" -> ChurnDrivers.STATIC;
                    case "observable" -> ChurnDrivers.OBSERVABLE;
                    default -> throw new IllegalArgumentException("--churn-drivers needs static or observable: " + v);
                });
                case "--out" -> out = Path.of(v);
                case "--url" -> url = URI.create(v);
                case "--write-key" -> writeKey = v;
                case "--batch" -> batch = integer(arg, v);
                case "--concurrency" -> concurrency = integer(arg, v);
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (out != null && url != null) {
            throw new IllegalArgumentException("give either --out or --url, not both");
        }
        if (url != null && writeKey == null) {
            throw new IllegalArgumentException("--url needs --write-key");
        }
        return new CliOptions(config.build(), out, url, writeKey, batch, concurrency, help);
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs an integer: " + value);
        }
    }
}
