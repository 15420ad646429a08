package io.footfall.simulator;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Command line: simulates a storefront and writes the messages to an NDJSON file or posts them to a
 * Segment-compatible {@code /v1/batch} endpoint, then prints a summary.
 *
 * <pre>
 * SimulatorMain --seed 42 --users 10000 --days 30 --out events.ndjson.gz
 * SimulatorMain --seed 42 --users 10000 --days 30 --url http://localhost:8080 --write-key KEY --batch 250 --concurrency 4
 * </pre>
 * Exit status: 0 on success, 2 for a bad command line, 1 when delivery fails.
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the command line; returns the exit status instead of exiting. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        CliOptions options;
        try {
            options = CliOptions.parse(args);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            err.println("error: " + e.getMessage());
            err.println(CliOptions.USAGE);
            return 2;
        }
        if (options.help()) {
            out.println(CliOptions.USAGE);
            return 0;
        }
        String target;
        EventSink sink;
        if (options.out() != null) {
            sink = new NdjsonFileSink(options.out());
            target = options.out().toString();
        } else if (options.url() != null) {
            HttpBatchSink http = HttpBatchSink.builder(options.url(), options.writeKey())
                    .batchSize(options.batch()).concurrency(options.concurrency()).build();
            sink = http;
            target = http.endpoint().toString();
        } else {
            sink = new CountingSink();
            target = "(count only)";
        }
        long t0 = System.nanoTime();
        GroundTruth truth;
        try (EventSink s = sink) {
            truth = Simulator.run(options.config(), s);
        } catch (HttpBatchException | java.io.UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        printSummary(out, options.config(), target, truth, seconds);
        return 0;
    }

    private static void printSummary(PrintStream out, SimulatorConfig c, String target, GroundTruth truth,
                                     double seconds) {
        long events = truth.totalEvents();
        out.printf(Locale.ROOT, "footfall-simulator seed=%d users=%d days=%d -> %s%n", c.seed(), c.users(),
                c.days(), target);
        out.printf(Locale.ROOT, "events   %,d in %.2f s (%,.0f events/s)%n", events, seconds,
                seconds > 0 ? events / seconds : 0.0);
        out.printf(Locale.ROOT, "users    %,d (identified %,d, churned %,d)%n", c.users(), truth.identifiedUsers(),
                truth.churnedUsers());
        out.println("by type:");
        for (Map.Entry<String, Long> e : truth.eventCounts().entrySet()) {
            out.printf(Locale.ROOT, "  %-27s %,12d%n", e.getKey(), e.getValue());
        }
    }
}
