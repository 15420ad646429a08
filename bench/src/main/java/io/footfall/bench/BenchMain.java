package io.footfall.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Footfall's load driver (not a test). In one run it measures, on this machine and against the local
 * PostgreSQL (127.0.0.1 only):
 * <ol>
 *   <li>{@code copy}: the raw-PostgreSQL baselines: binary COPY and batched INSERT of rows shaped like the app's
 *       event log, committed in chunks of the request batch size ({@link CopyBaseline});</li>
 *   <li>{@code ingest}: durable ingest throughput over HTTP with concurrent closed-loop clients, median of several
 *       repetitions, and the ratio to COPY, then a loss/duplicate check against the database ({@link IngestLoad});</li>
 *   <li>{@code freshness}: profile freshness at a fixed open-loop event rate, from the app's metric and from marker
 *       events polled through the profile API ({@link FreshnessProbe});</li>
 *   <li>{@code rss}: idle RSS of the embedded default (app plus its embedded PostgreSQL) ({@link RssProbe});</li>
 *   <li>{@code plugins}: how fast the profile projection and the plugin host fold a backlog with no plugin, one or
 *       five no-op plugins and the built-in category-affinity plugin, and the host's CPU per event per plugin
 *       ({@link PluginHostProbe});</li>
 *   <li>{@code reports} (only with {@code --only}): loads {@code --report-events} events, waits for the reporting
 *       processor to fold them, then times every report of {@code /api/v1/reports} ({@link #reportsPart}).</li>
 *   <li>{@code segments}: whether the segmentation plugin with 50 rule segments keeps up with a paced load (its lag
 *       trend), the app running the segmentation plugin alone ({@link SegmentsProbe}).</li>
 * </ol>
 * The app runs as a child JVM ({@link AppProcess}) against a fresh database per part; databases are dropped and
 * children stopped at the end, also on Ctrl-C (shutdown hook). Results are printed as a table ({@link Report}).
 *
 * <p>Usage: {@code java -jar bench/target/footfall-bench.jar [--quick] [--only copy,ingest,freshness,rss,plugins] ...};
 * see {@code docs/benchmarks.md} and {@code --help}.
 */
public final class BenchMain {

    static final String WRITE_KEY = "bench-key";
    static final String ADMIN_USER = "admin";
    static final String ADMIN_PASSWORD = "admin-secret";

    private static final double TARGET_INGEST = 20_000;
    private static final double TARGET_COPY_RATIO = 0.6;
    private static final double TARGET_DASHBOARD_PAINT_MS = 2_000;
    private static final double TARGET_FRESHNESS_P99_S = 1.0;
    private static final double TARGET_RSS_MIB = 700;
    private static final int GROUP_COMMIT_ROWS = 5_000;

    private final Options options;
    private final Postgres pg;
    private final Report report = new Report();
    private final Instant started = Instant.now();
    private final List<String> problems = new ArrayList<>();
    private Workload workload;
    private double copyMedian = Double.NaN;
    private Path snapshot;
    private Path builtAppJar;

    private BenchMain(Options options) {
        this.options = options;
        this.pg = new Postgres(options.pgPort, options.pgUser);
    }

    /** Runs the benchmark; exit status 0 when it ran (whatever the verdicts), 2 for a bad command line, 1 on error. */
    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args, benchTarget());
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println(e.getMessage());
            }
            System.err.print(Options.usage());
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        BenchMain bench = new BenchMain(options);
        Thread cleanup = new Thread(bench::cleanUp, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        int status = 0;
        try {
            bench.run();
        } catch (Exception e) {
            System.err.println("benchmark failed: " + e);
            e.printStackTrace();
            status = 1;
        } finally {
            bench.cleanUp();
        }
        System.exit(status);
    }

    private synchronized void cleanUp() {
        AppProcess.shutDown();
        pg.dropAll();
        if (snapshot != null) {
            AppProcess.deleteTree(snapshot);
            snapshot = null;
        }
    }

    private void run() throws Exception {
        String machine = machine();
        System.out.println("== Footfall benchmark " + started + " (run " + pg.runId() + ")");
        System.out.print(machine);
        System.out.printf(Locale.ROOT, "options: parts=%s%s events=%,d warmup=%,d clients=%d batch=%d reps=%d rate=%,d/s "
                        + "duration=%d s fresh-batch=%d idle=%d s plugin-events=%,d app-jvm-args=%s%n",
                String.join(",", options.only), options.quick ? " (quick)" : "", options.events, options.warmup,
                options.clients, options.batch, options.reps, options.rate, options.durationSeconds, options.freshBatch,
                options.idleSeconds, options.pluginEvents, options.appJvmArgs.isEmpty() ? "(default)" : String.join(" ", options.appJvmArgs));

        if (!pg.autovacuum()) {
            // found in session 12: with autovacuum off the app's tables were never analysed, and the planner's default
            // estimates chose a scan of all of a plugin's state for each batch's read (9 ms instead of under 1 ms); since
            // ADR 0022 the app analyses its changed tables itself, but nothing vacuums them
            problems.add("PostgreSQL runs with autovacuum = off (this machine's CI configuration): the app analyses its changed "
                    + "tables itself (footfall.db.analyze, ADR 0022), but nothing vacuums them, unlike on any default server "
                    + "(docs/benchmarks.md, runs 14 and 16)");
        }
        if (options.runs("ingest") || options.runs("freshness") || options.runs("rss") || options.runs("plugins")
                || options.runs("reports") || options.runs("segments") || options.runs("recs") || options.runs("cluster")) {
            Path built = options.appJar;
            builtAppJar = built;
            snapshot = Files.createTempDirectory("footfall-bench-app-");
            options.appJar = AppProcess.snapshot(built, snapshot.resolve("quarkus-app"));
            System.out.println("app under test: " + built + " (built " + Files.getLastModifiedTime(built)
                    + "), copied to " + options.appJar.getParent() + " so that rebuilds during the run do not affect it");
        }
        if (options.runs("copy") || options.runs("ingest") || options.runs("freshness") || options.runs("plugins")
                || options.runs("reports") || options.runs("segments") || options.runs("relay") || options.runs("cluster")) {
            int needed = Math.max(Math.max(options.events, options.warmup), 1);
            if (options.runs("reports") && options.reportSyntheticPeople == 0) {
                needed = Math.max(needed, options.reportEvents);
            }
            if (options.runs("plugins")) {
                needed = Math.max(needed, options.pluginEvents);
            }
            if (options.runs("cluster")) {
                needed = Math.max(needed, options.clusterEvents);
            }
            if (options.runs("freshness") || options.runs("relay")) {
                needed = Math.max(needed, (int) Math.min(Integer.MAX_VALUE / 2, (long) options.rate * options.durationSeconds));
            }
            long t0 = System.nanoTime();
            workload = Workload.generate(options.seed, needed);
            System.out.printf(Locale.ROOT, "workload: %,d simulator messages (seed %d, %,d users × %d days), mean %.0f bytes, "
                            + "generated in %.1f s (not timed)%n", workload.size(), options.seed, workload.users(), workload.days(),
                    workload.meanBytes(), (System.nanoTime() - t0) / 1e9);
        }
        if (options.runs("copy")) {
            guarded("copy", this::copyPart);
        }
        if (options.runs("ingest")) {
            guarded("ingest", this::ingestPart);
        }
        if (options.runs("freshness")) {
            guarded("freshness", this::freshnessPart);
        }
        if (options.runs("rss")) {
            guarded("rss", this::rssPart);
        }
        if (options.runs("plugins")) {
            guarded("plugins", this::pluginsPart);
        }
        if (options.runs("reports")) {
            guarded("reports", this::reportsPart);
        }
        if (options.runs("segments")) {
            guarded("segments", this::segmentsPart);
        }
        if (options.runs("recs")) {
            guarded("recs", this::recsPart);
        }
        if (options.runs("relay")) {
            guarded("relay", this::relayPart);
        }
        if (options.runs("cluster")) {
            guarded("cluster", this::clusterPart);
        }

        System.out.println();
        System.out.println("== Results (" + Duration.between(started, Instant.now()).toSeconds() + " s)");
        System.out.print(machine);
        System.out.print(report.text());
        for (String note : report.notes()) {
            System.out.println("  * " + note);
        }
        if (!problems.isEmpty()) {
            System.out.println("Problems seen:");
            problems.forEach(p -> System.out.println("  ! " + p));
        }
        Path md = options.logDir.resolve("results.md");
        report.writeMarkdown(md, "Run " + started + ", options " + String.join(" ", options.only)
                + (options.quick ? " --quick" : "") + "\n\n```\n" + machine + "```");
        System.out.println("(Markdown table in " + md + "; app logs in " + options.logDir + "/app-*.log)");
    }

    private interface Part {
        void run() throws Exception;
    }

    private void guarded(String name, Part part) {
        System.out.println();
        System.out.println("== " + name);
        try {
            part.run();
        } catch (Exception e) {
            String message = name + " part failed: " + e;
            System.err.println(message);
            e.printStackTrace();
            problems.add(message);
            report.row(name + ": failed", "—", "", e.getClass().getSimpleName());
        } finally {
            AppProcess.stopAll();
        }
    }

    // ---- copy -------------------------------------------------------------------------------------------

    private void copyPart() throws SQLException {
        CopyBaseline baseline = CopyBaseline.create(pg, workload);
        try {
            ProcStats.CpuSampler cpu = pgCpu();
            if (options.warmup > 0) {
                baseline.copy("domainevententry", "warm", options.warmup, options.batch, cpu);
                baseline.insert("domainevententry_insert", "warm", options.warmup, options.batch, cpu);
                baseline.copy("domainevententry_groupcommit", "warm", options.warmup, GROUP_COMMIT_ROWS, cpu);
            }
            List<Double> copy = new ArrayList<>();
            List<CopyBaseline.Pass> copyPasses = new ArrayList<>();
            List<CopyBaseline.Pass> allPasses = new ArrayList<>();
            List<Double> insert = new ArrayList<>();
            List<Double> group = new ArrayList<>();
            for (int r = 1; r <= options.reps; r++) {
                pg.checkpoint();
                CopyBaseline.Pass pass = baseline.copy("domainevententry", "r" + r, options.events, options.batch, cpu);
                pg.checkpoint();
                CopyBaseline.Pass ins = baseline.insert("domainevententry_insert", "r" + r, options.events, options.batch, cpu);
                pg.checkpoint();
                CopyBaseline.Pass big = baseline.copy("domainevententry_groupcommit", "r" + r, options.events,
                        GROUP_COMMIT_ROWS, cpu);
                copyPasses.add(pass);
                allPasses.addAll(List.of(pass, ins, big));
                copy.add(print(r, pass));
                insert.add(print(r, ins));
                group.add(print(r, big));
            }
            copyMedian = Stats.median(copy);
            report.note("Other processes' CPU during the baseline passes: " + range(allPasses.stream()
                    .map(p -> p.cores().get("other processes")).toList()) + " cores (of 2).");
            double copyCpuPerRow = copyPasses.stream()
                    .min((a, b) -> Double.compare(Math.abs(a.rowsPerSecond() - copyMedian), Math.abs(b.rowsPerSecond() - copyMedian)))
                    .map(p -> p.cores().get("postgres") / p.rowsPerSecond() * 1e6).orElse(Double.NaN);
            double insertMedian = Stats.median(insert);
            double groupMedian = Stats.median(group);
            double payload = baseline.meanPayloadBytes("domainevententry");
            System.out.printf(Locale.ROOT, "  medians: COPY %,.0f rows/s, INSERT %,.0f rows/s, COPY/%d %,.0f rows/s; "
                    + "mean payload %.0f bytes%n", copyMedian, insertMedian, GROUP_COMMIT_ROWS, groupMedian, payload);
            report.row("raw COPY, " + options.batch + "-row commits (median of " + options.reps + ")",
                    Report.fmt(copyMedian, 0) + " rows/s", "baseline", "1.00");
            report.row("JDBC batch INSERT, " + options.batch + "-row commits", Report.fmt(insertMedian, 0) + " rows/s", "",
                    Report.fmt(insertMedian / copyMedian, 2) + "× COPY");
            report.row("raw COPY, " + Report.fmt(GROUP_COMMIT_ROWS, 0) + "-row commits (app's max group)",
                    Report.fmt(groupMedian, 0) + " rows/s", "", Report.fmt(groupMedian / copyMedian, 2) + "× COPY");
            report.note(String.format(Locale.ROOT, "Baseline rows: the simulator's JSON wrapped like the app's payload (mean %.0f bytes), "
                    + "one connection, one transaction per chunk, rows encoded before timing. PostgreSQL CPU per row "
                    + "(median COPY rep): %.0f µs.", payload, copyCpuPerRow));
        } finally {
            pg.drop(baseline.database());
        }
    }

    private static double print(int rep, CopyBaseline.Pass p) {
        System.out.printf(Locale.ROOT, "  rep %d %-6s %5d-row commits: %,9d rows in %6.2f s = %,9.0f rows/s   [%s]%n",
                rep, p.method(), p.chunk(), p.rows(), p.seconds(), p.rowsPerSecond(), ProcStats.format(p.cores()));
        return p.rowsPerSecond();
    }

    private ProcStats.CpuSampler pgCpu() {
        long self = ProcessHandle.current().pid();
        return new ProcStats.CpuSampler()
                .group("postgres", () -> ProcStats.pidsNamed("postgres"))
                .group("bench", () -> List.of(self));
    }

    // ---- ingest -----------------------------------------------------------------------------------------

    /** Whether a warm-up round ran within {@code tolerance} of the round before it (none before the first). */
    static boolean steady(double previousRate, double rate, double tolerance) {
        return !Double.isNaN(previousRate) && Math.abs(rate - previousRate) <= tolerance * previousRate;
    }

    private void ingestPart() throws Exception {
        String db = pg.createDatabase("ingest");
        boolean folds = options.ingestRoles.equals("all");
        AppProcess app = startApp("ingest", db, Map.of("FOOTFALL_ROLES", options.ingestRoles));
        try {
            HttpApi api = new HttpApi(app.base());
            long deadline = Math.max(300, options.events / 500L);
            long accepted = 0;
            long warm = 0;
            String warmUpNote = "no warm-up before the reps";
            if (options.ingestWarmup > 0) {
                // the app runs C2 only (ADR 0008): it is warm when a round runs at the rate of the round before
                double previous = Double.NaN;
                int round = 1;
                for (; round <= options.ingestWarmupRounds; round++) {
                    IngestLoad.Result w = IngestLoad.run("warm-up " + round, api,
                            workload.batches("warm" + round, options.ingestWarmup, options.batch),
                            options.clients, deadline, appCpu(app), new ProcStats.ThreadSampler(app.pid()));
                    print(w);
                    warm += w.stored();
                    checkClean(w);
                    if (steady(previous, w.eventsPerSecond(), options.steadyWithin)) {
                        break;
                    }
                    previous = w.eventsPerSecond();
                }
                warmUpNote = round <= options.ingestWarmupRounds
                        ? String.format(Locale.ROOT, "steady after %d warm-up rounds of %,d events (two rounds within %.0f %%)",
                                round, options.ingestWarmup, options.steadyWithin * 100)
                        : String.format(Locale.ROOT, "NOT steady after %d warm-up rounds of %,d events: the reps may still measure the JIT",
                                options.ingestWarmupRounds, options.ingestWarmup);
                System.out.println("  " + warmUpNote);
            }
            // the machine's speed drifts between minutes (raw COPY on the same VM: 70k–110k rows/s from one run to the
            // next), so with the copy part each rep is paired with a COPY pass right before it, the app idle meanwhile,
            // and the ratio is the median of the pairs' ratios
            CopyBaseline paired = options.runs("copy") ? CopyBaseline.create(pg, workload) : null;
            List<Double> rates = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            List<IngestLoad.Result> runs = new ArrayList<>();
            try {
                if (paired != null && options.warmup > 0) {
                    paired.copy("domainevententry", "warm", options.warmup, options.batch, pgCpu());
                }
                for (int r = 1; r <= options.reps; r++) {
                    double copyRate = Double.NaN;
                    if (paired != null) {
                        pg.checkpoint();
                        CopyBaseline.Pass pass = paired.copy("domainevententry", "p" + r, options.events, options.batch, pgCpu());
                        copyRate = print(r, pass);
                    }
                    pg.checkpoint();
                    List<Workload.Batch> batches = workload.batches("r" + r, options.events, options.batch);
                    IngestLoad.Result result = IngestLoad.run("rep " + r, api, batches, options.clients, deadline,
                            appCpu(app), new ProcStats.ThreadSampler(app.pid()));
                    print(result);
                    checkClean(result);
                    rates.add(result.eventsPerSecond());
                    runs.add(result);
                    accepted += result.stored();
                    if (paired != null) {
                        ratios.add(result.eventsPerSecond() / copyRate);
                        System.out.printf(Locale.ROOT, "      rep %d ingest / COPY just before: %.2f%n", r, result.eventsPerSecond() / copyRate);
                    }
                }
            } finally {
                if (paired != null) {
                    pg.drop(paired.database());
                }
            }
            printIngestStages(api);
            long[] lag = folds ? api.projection() : null;
            long count = pg.countEvents(db);
            double[] shape = pg.eventShape(db);
            long expected = warm + accepted;
            System.out.printf(Locale.ROOT, "  verify: behaviour events in domainevententry = %,d; warm-up + accepted = %,d + %,d = %,d "
                            + "-> %s; distinct event ids %,d; mean stored payload %.0f bytes, metadata %.0f bytes%n",
                    count, warm, accepted, expected, count == expected ? "OK (no loss, no duplicates)" : "MISMATCH",
                    (long) shape[0], shape[1], shape[2]);
            if (count != expected) {
                problems.add(String.format(Locale.ROOT, "ingest: the log holds %,d events but %,d were acknowledged", count, expected));
            }
            double[] catchUp = null;
            if (folds) {
                System.out.printf(Locale.ROOT, "  projection right after the last rep: position %,d, head %,d, lag %,d%n", lag[0], lag[1], lag[2]);
                catchUp = waitForProjection(api, app, options.catchUpSeconds);
            }
            double median = Stats.median(rates);
            IngestLoad.Result medianRun = runs.stream().min((a, b) -> Double.compare(
                    Math.abs(a.eventsPerSecond() - median), Math.abs(b.eventsPerSecond() - median))).orElseThrow();
            report.check("durable ingest over HTTP (median of " + options.reps + ", " + options.clients + " clients × "
                    + options.batch + "/request, roles " + options.ingestRoles + ")", median, Report.fmt(median, 0) + " events/s", TARGET_INGEST, true, "≥ 20,000 events/s");
            if (ratios.isEmpty()) {
                report.check("durable ingest / raw COPY", median / copyMedian, Report.fmt(median / copyMedian, 2), TARGET_COPY_RATIO,
                        true, "≥ 0.6");
            } else {
                double ratio = Stats.median(ratios);
                report.check("durable ingest / raw COPY (median of " + ratios.size() + " reps, each against a COPY pass just before it)",
                        ratio, Report.fmt(ratio, 2) + " (pairs " + ratios.stream().map(x -> Report.fmt(x, 2)).toList() + ")",
                        TARGET_COPY_RATIO, true, "≥ 0.6");
                report.row("durable ingest / the copy part's median COPY", Report.fmt(median / copyMedian, 2), "", "");
            }
            report.row("ingest request latency p50 / p99 (median rep)",
                    Report.fmt(Stats.percentile(medianRun.latencyMs(), 50), 0) + " / "
                            + Report.fmt(Stats.percentile(medianRun.latencyMs(), 99), 0) + " ms", "", "");
            report.row("events in log vs acknowledged", Report.fmt(count, 0) + " / " + Report.fmt(expected, 0), "equal",
                    count == expected ? "PASS" : "FAIL");
            if (folds) {
                report.row("projection lag after ingest → after catch-up wait",
                        Report.fmt(lag[2], 0) + " → " + Report.fmt(catchUp[0], 0) + " events", "",
                        catchUp[0] == 0 ? String.format(Locale.ROOT, "caught up in %.0f s (%,.0f events/s)", catchUp[1], catchUp[2])
                                : String.format(Locale.ROOT, "not caught up after %.0f s (%,.0f events/s)", catchUp[1], catchUp[2]));
            } else {
                report.note("Ingest ran on an instance with FOOTFALL_ROLES=" + options.ingestRoles
                        + ": no projection or plugin folds there (a process instance would, ADR 0013).");
            }
            report.note("Ingest warm-up: " + warmUpNote + ".");
            report.note("Other processes' CPU during the ingest repetitions: " + range(runs.stream()
                    .map(r -> r.cores().get("other processes")).toList()) + " cores (of 2).");
            double perEvent = medianRun.seconds() / Math.max(1, medianRun.stored()) * 1e6;
            report.note(String.format(Locale.ROOT, "Ingest CPU (median rep): %s; app threads: %s. CPU per stored event: "
                            + "app %.0f µs, PostgreSQL %.0f µs, load driver %.0f µs.",
                    ProcStats.format(medianRun.cores()), ProcStats.formatTop(medianRun.appThreads(), 6),
                    medianRun.cores().get("app") * perEvent, medianRun.cores().get("postgres") * perEvent,
                    medianRun.cores().get("bench") * perEvent));
        } finally {
            app.stop();
            pg.drop(db);
            appProblems(app.log(), app.alive());
        }
    }

    /** The app's own view of the ingest stages (quantiles over Micrometer's rolling window: mostly the last reps). */
    private static void printIngestStages(HttpApi api) throws IOException, InterruptedException {
        Map<String, Double> m = api.metrics("footfall_ingest");
        java.util.function.BiFunction<String, String, Double> q = (metric, quantile) ->
                FreshnessProbe.find(m, metric + "{", "quantile=\"" + quantile + "\"");
        System.out.printf(Locale.ROOT, "  app's ingest stages p50 / p99: queued→committed %.0f / %.0f ms, prepare step %.1f / %.1f ms, "
                        + "append-lock wait %.1f / %.1f ms, commit %.1f / %.1f ms, group %.0f / %.0f events%n",
                1000 * q.apply("footfall_ingest_request_seconds", "0.5"), 1000 * q.apply("footfall_ingest_request_seconds", "0.99"),
                1000 * q.apply("footfall_ingest_prepare_seconds", "0.5"), 1000 * q.apply("footfall_ingest_prepare_seconds", "0.99"),
                1000 * q.apply("footfall_ingest_commit_lock_wait_seconds", "0.5"), 1000 * q.apply("footfall_ingest_commit_lock_wait_seconds", "0.99"),
                1000 * q.apply("footfall_ingest_commit_seconds", "0.5"), 1000 * q.apply("footfall_ingest_commit_seconds", "0.99"),
                q.apply("footfall_ingest_group_commit_size_events", "0.5"), q.apply("footfall_ingest_group_commit_size_events", "0.99"));
        double commits = FreshnessProbe.find(m, "footfall_ingest_commit_seconds_count", "");
        System.out.printf(Locale.ROOT, "  app's ingest since start: %,.0f commits, mean group %.0f events, mean commit %.1f ms, "
                        + "mean prepare step %.1f ms%n", commits,
                FreshnessProbe.find(m, "footfall_ingest_group_commit_size_events_sum", "") / commits,
                1000 * FreshnessProbe.find(m, "footfall_ingest_commit_seconds_sum", "") / commits,
                1000 * FreshnessProbe.find(m, "footfall_ingest_prepare_seconds_sum", "")
                        / FreshnessProbe.find(m, "footfall_ingest_prepare_seconds_count", ""));
    }

    private void print(IngestLoad.Result r) {
        System.out.printf(Locale.ROOT, "  %-8s %,9d events in %6.2f s = %,9.0f events/s (stored %,d, dup %,d, failed %,d, "
                        + "lost %,d; statuses %s; retries %,d; latency p50 %.0f ms p99 %.0f ms)   [%s]%n",
                r.label(), r.events(), r.seconds(), r.eventsPerSecond(), r.stored(), r.duplicates(), r.failed(), r.lost(),
                r.statuses(), r.retries(), Stats.percentile(r.latencyMs(), 50), Stats.percentile(r.latencyMs(), 99),
                ProcStats.format(r.cores()));
        System.out.println("      app threads: " + ProcStats.formatTop(r.appThreads(), 8));
        r.errors().forEach(e -> System.out.println("      error: " + e));
    }

    private void checkClean(IngestLoad.Result r) {
        if (r.stored() != r.events() || r.duplicates() != 0 || r.failed() != 0 || r.lost() != 0) {
            problems.add(String.format(Locale.ROOT, "ingest %s: offered %,d, stored %,d, duplicates %,d, failed %,d, lost %,d, statuses %s%s",
                    r.label(), r.events(), r.stored(), r.duplicates(), r.failed(), r.lost(), r.statuses(),
                    r.errors().isEmpty() ? "" : ", first error: " + r.errors().get(0)));
        } else if (r.statuses().keySet().stream().anyMatch(s -> s != 200)) {
            problems.add("ingest " + r.label() + ": non-200 answers (retried, nothing lost): " + r.statuses());
        }
    }

    /**
     * Polls the projection until its lag is 0 or {@code seconds} pass, with nothing else sent:
     * {@code [lag, seconds waited, events/s folded]}. Prints where the CPU went meanwhile.
     */
    private double[] waitForProjection(HttpApi api, AppProcess app, int seconds) throws IOException, InterruptedException {
        long[] first = api.projection();
        ProcStats.CpuSampler cpu = appCpu(app).start();
        ProcStats.ThreadSampler threads = new ProcStats.ThreadSampler(app.pid()).start();
        long t0 = System.nanoTime();
        long[] now = first;
        while (now[2] > 0 && System.nanoTime() - t0 < seconds * 1_000_000_000L) {
            Thread.sleep(250);
            now = api.projection();
        }
        double waited = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> cores = cpu.stop();
        Map<String, Double> appThreads = threads.stop();
        long folded = now[0] - first[0];
        double rate = waited > 0 ? folded / waited : Double.NaN;
        // CPU shares over an interval of a few milliseconds (nothing to catch up) are noise, not figures
        System.out.printf(Locale.ROOT, "  projection catch-up: lag %,d -> %,d in %.1f s (%,.0f events/s folded)%s%n",
                first[2], now[2], waited, rate, waited < 0.5 ? "" : "   [" + ProcStats.format(cores) + "]");
        if (folded > 0 && waited >= 0.5) {
            double perEvent = waited / folded * 1e6;
            System.out.printf(Locale.ROOT, "      app threads: %s; CPU per folded event: app %.0f µs, PostgreSQL %.0f µs%n",
                    ProcStats.formatTop(appThreads, 6), cores.get("app") * perEvent, cores.get("postgres") * perEvent);
        }
        return new double[] {now[2], waited, rate};
    }

    // ---- freshness --------------------------------------------------------------------------------------

    /** Cores the JIT compiler threads used, from a {@link ProcStats.ThreadSampler} result. */
    static double compilerCores(Map<String, Double> threads) {
        return threads.entrySet().stream().filter(e -> e.getKey().contains("CompilerThre"))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private void freshnessPart() throws Exception {
        String db = pg.createDatabase("fresh");
        AppProcess app = startApp("freshness", db);
        try {
            HttpApi api = new HttpApi(app.base());
            if (options.warmup > 0) {
                // rounds at the load's rate until the JIT has settled (ADR 0008: C2 only): one round of 20,000 events
                // left the compiler at 0.2 of a core during the load, which then measured the JIT on two cores
                int round = 1;
                double compiler = Double.NaN;
                for (; round <= options.freshWarmupRounds; round++) {
                    ProcStats.ThreadSampler threads = new ProcStats.ThreadSampler(app.pid()).start();
                    FreshnessProbe.Paced w = FreshnessProbe.paced(api, workload.batches("fresh-warm" + round, options.warmup,
                            options.freshBatch), options.rate);
                    compiler = compilerCores(threads.stop());
                    System.out.printf(Locale.ROOT, "  warm-up %d: %,d events at %,d/s: stored %,d, statuses %s; JIT compiler %.2f cores%n",
                            round, w.offered(), options.rate, w.stored(), w.statuses(), compiler);
                    if (compiler < options.jitSettled) {
                        break;
                    }
                }
                report.note(round <= options.freshWarmupRounds
                        ? String.format(Locale.ROOT, "Freshness warm-up: %d round(s) of %,d events at the load's rate, until the JIT compiler used under %.2f cores (%.2f).",
                                round, options.warmup, options.jitSettled, compiler)
                        : String.format(Locale.ROOT, "Freshness warm-up: the JIT compiler still used %.2f cores after %d rounds of %,d events: the load may measure the JIT.",
                                compiler, options.freshWarmupRounds, options.warmup));
                waitForProjection(api, app, 60);
                // steady state: plugins and the reporting projection held back during the warm-up (deferral); measured
                // while they still fold its backlog, the load would time their catch-up, not 5,000 events/s
                long t0 = System.nanoTime();
                long lag = api.maxSecondaryLag();
                while (lag > 1_000 && System.nanoTime() - t0 < 300_000_000_000L) {
                    Thread.sleep(500);
                    lag = api.maxSecondaryLag();
                }
                System.out.printf(Locale.ROOT, "  plugins and projections caught up with the warm-up in %.1f s (largest lag %,d)%n",
                        (System.nanoTime() - t0) / 1e9, lag);
            }
            int events = (int) Math.min(Integer.MAX_VALUE / 2, (long) options.rate * options.durationSeconds);
            List<Workload.Batch> batches = workload.batches("fresh", events, options.freshBatch);
            FreshnessProbe.Result r = FreshnessProbe.measure(api, batches, options.rate, pg.runId(), appCpu(app),
                    new ProcStats.ThreadSampler(app.pid()));
            FreshnessProbe.Paced load = r.load();
            double achieved = load.stored() / load.seconds();
            System.out.printf(Locale.ROOT, "  load: offered %,d events in %.1f s, stored %,d (%,.0f/s), dup %,d, skipped %,d, lost %,d, "
                            + "statuses %s, retries %,d, pacer max %.0f ms late   [%s]%n", load.offered(), load.seconds(),
                    load.stored(), achieved, load.duplicates(), load.skipped(), load.lost(), load.statuses(), load.retries(),
                    load.maxLateMs(), ProcStats.format(r.cores()));
            System.out.println("      app threads: " + ProcStats.formatTop(r.appThreads(), 8));
            load.errors().forEach(e -> System.out.println("      error: " + e));
            Map<String, Double> m = r.metric();
            System.out.printf(Locale.ROOT, "  metric footfall_profile_freshness_seconds: p50 %.3f s, p90 %.3f s, p99 %.3f s, max %.3f s; "
                            + "during the load %,.0f events, mean %.3f s%n", m.get("0.5"), m.get("0.9"), m.get("0.99"),
                    m.get("max"), r.windowCount(), r.windowMean());
            System.out.printf(Locale.ROOT, "  folded during the load within 0.25 / 0.5 / 1 / 2 s: %.2f / %.2f / %.2f / %.2f %%; "
                            + "ingest request p99 %.0f ms; profile batch p50 / p99 %.0f / %.0f ms, %.0f / %.0f events%n",
                    100 * r.shareWithin("0.25"), 100 * r.shareWithin("0.5"), 100 * r.shareWithin("1.0"), 100 * r.shareWithin("2.0"),
                    1000 * r.quantile("footfall_ingest_request_seconds", "0.99"),
                    1000 * r.quantile("footfall_profile_batch_seconds", "0.5"), 1000 * r.quantile("footfall_profile_batch_seconds", "0.99"),
                    r.quantile("footfall_profile_batch_size_events", "0.5"), r.quantile("footfall_profile_batch_size_events", "0.99"));
            System.out.println("  folded within 1 s, per 10 s of the load: " + r.windows().stream()
                    .map(w -> Double.isNaN(w) ? "-" : String.format(Locale.ROOT, "%.1f", 100 * w)).toList() + " %");
            System.out.printf(Locale.ROOT, "  ingest p50 / p99: prepare %.0f / %.0f ms, append-lock wait %.0f / %.0f ms, commit %.0f / %.0f ms, "
                            + "group %.0f / %.0f events%n",
                    1000 * r.quantile("footfall_ingest_prepare_seconds", "0.5"), 1000 * r.quantile("footfall_ingest_prepare_seconds", "0.99"),
                    1000 * r.quantile("footfall_ingest_commit_lock_wait_seconds", "0.5"), 1000 * r.quantile("footfall_ingest_commit_lock_wait_seconds", "0.99"),
                    1000 * r.quantile("footfall_ingest_commit_seconds", "0.5"), 1000 * r.quantile("footfall_ingest_commit_seconds", "0.99"),
                    r.quantile("footfall_ingest_group_commit_size_events", "0.5"), r.quantile("footfall_ingest_group_commit_size_events", "0.99"));
            double[] markers = r.markerMs();
            System.out.printf(Locale.ROOT, "  markers: %d sent, %d timeouts (> %d ms), %d failed posts; send→visible p50 %s ms, "
                            + "p99 %s ms, max %s ms; 200→visible p50 %s ms, p99 %s ms%n", markers.length, r.markerTimeouts(),
                    FreshnessProbe.POLL_DEADLINE_MS, r.markerFailures(), ms(Stats.percentile(markers, 50)),
                    ms(Stats.percentile(markers, 99)), ms(Stats.max(markers)), ms(Stats.percentile(r.afterAckMs(), 50)),
                    ms(Stats.percentile(r.afterAckMs(), 99)));
            System.out.printf(Locale.ROOT, "  projection at the end: position %,d, head %,d, lag %,d%n",
                    r.projection()[0], r.projection()[1], r.projection()[2]);
            String at = " at " + Report.fmt(options.rate, 0) + " events/s";
            report.row("freshness load: achieved rate", Report.fmt(achieved, 0) + " events/s", Report.fmt(options.rate, 0) + " offered",
                    Report.fmt(achieved / options.rate, 2) + (load.skipped() + load.lost() > 0
                            ? ", " + Report.fmt(load.skipped() + load.lost(), 0) + " not stored" : ""));
            report.row("freshness p50 (app metric)" + at, Report.fmt(m.get("0.5"), 3) + " s", "", "");
            // Micrometer's quantiles cover a rolling window of about two minutes, which on a short load still holds the
            // warm-up (folded while the JIT compiled): shown, but the verdict is the load's own bucket counts below
            report.row("freshness p99 (app metric, rolling window incl. warm-up)" + at, Report.fmt(m.get("0.99"), 3) + " s",
                    "", "see the next row");
            report.check("events folded within 1 s during the load" + at, r.shareWithin("1.0"),
                    Report.fmt(100 * r.shareWithin("1.0"), 2) + " %", 0.99, true, "≥ 99 % (p99 ≤ 1 s)");
            report.row("freshness p50 (marker, send → visible in API)" + at, ms(Stats.percentile(markers, 50)) + " ms",
                    "", markers.length + " markers" + (r.markerTimeouts() > 0 ? ", " + r.markerTimeouts() + " timed out" : ""));
            report.check("freshness p99 (marker, send → visible in API)" + at, Stats.percentile(markers, 99) / 1000,
                    ms(Stats.percentile(markers, 99)) + " ms", TARGET_FRESHNESS_P99_S, false, "≤ 1 s");
            report.row("projection lag at the end of the freshness load", Report.fmt(r.projection()[2], 0) + " events", "", "");
            report.note(String.format(Locale.ROOT, "Freshness CPU: %s; app threads: %s. The metric's quantiles cover its decaying window "
                    + "(30–60 s), so they may include part of the warm-up at the same rate; the mean over the load alone is %.3f s.",
                    ProcStats.format(r.cores()), ProcStats.formatTop(r.appThreads(), 6), r.windowMean()));
            if (r.markerTimeouts() > 0 || load.lost() + load.skipped() > 0 || r.load().stored() != load.offered()) {
                problems.add(String.format(Locale.ROOT, "freshness: offered %,d, stored %,d, skipped %,d, lost %,d, marker timeouts %d, statuses %s",
                        load.offered(), load.stored(), load.skipped(), load.lost(), r.markerTimeouts(), load.statuses()));
            }
        } finally {
            app.stop();
            pg.drop(db);
            appProblems(app.log(), app.alive());
        }
    }

    // ---- rss --------------------------------------------------------------------------------------------

    private void rssPart() throws Exception {
        RssProbe.Result r;
        try {
            r = RssProbe.run(options, options.idleSeconds);
        } finally {
            appProblems(options.logDir.resolve("app-" + RssProbe.LABEL + ".log"), false);
        }
        System.out.printf(Locale.ROOT, "  java VmRSS %.0f MiB (PSS %.0f), embedded postgres %d processes RSS %.0f MiB (PSS %.0f); "
                        + "sum RSS %.0f MiB, sum PSS %.0f MiB; idle CPU %s%n", mib(r.javaRssKb()), mib(r.javaPssKb()),
                r.pgProcesses(), mib(r.pgRssKb()), mib(r.pgPssKb()), mib(r.totalRssKb()), mib(r.totalPssKb()),
                ProcStats.format(r.idleCores()));
        String idle = " (idle " + options.idleSeconds + " s)";
        report.row("idle RSS: app JVM" + idle, Report.fmt(mib(r.javaRssKb()), 0) + " MiB", "", "");
        report.row("idle RSS: embedded PostgreSQL, " + r.pgProcesses() + " processes", Report.fmt(mib(r.pgRssKb()), 0)
                + " MiB", "", "PSS " + Report.fmt(mib(r.pgPssKb()), 0) + " MiB");
        report.check("idle RSS of the embedded default (JVM + PostgreSQL)", mib(r.totalRssKb()),
                Report.fmt(mib(r.totalRssKb()), 0) + " MiB", TARGET_RSS_MIB, false, "≤ 700 MB");
        report.note(String.format(Locale.ROOT, "RSS sums count PostgreSQL's shared memory once per process that touched it; "
                + "the PSS sum (shared pages split among processes) is %.0f MiB. Embedded default start-up: %.1f s.",
                mib(r.totalPssKb()), r.startSeconds()));
    }

    private static double mib(long kb) {
        return kb < 0 ? Double.NaN : kb / 1024.0;
    }

    // ---- segments ---------------------------------------------------------------------------------------

    /**
     * What the plugin cost the database over the whole run (warm-up included): its state reads (index scans of
     * {@code plugin_state}; one per key read, or per batch with {@code getAll}), the results it appended to the log and
     * their bytes, per ingested event.
     */
    private void segmentsWrites(String db, SegmentsProbe.Outcome o) {
        try (java.sql.Connection c = pg.connect(db); java.sql.Statement s = c.createStatement()) {
            long scans = 0;
            try (java.sql.ResultSet rs = s.executeQuery("SELECT coalesce(idx_scan, 0) + coalesce(seq_scan, 0) FROM pg_stat_user_tables WHERE relname = 'plugin_state'")) {
                if (rs.next()) {
                    scans = rs.getLong(1);
                }
            }
            long ingested = 0;
            long results = 0;
            long resultBytes = 0;
            long derived = 0;
            try (java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE payloadtype LIKE '%PluginResultRecorded'), "
                    + "coalesce(sum(octet_length(payload)) FILTER (WHERE payloadtype LIKE '%PluginResultRecorded'), 0), "
                    + "count(*) FILTER (WHERE payloadtype NOT LIKE '%PluginResultRecorded' AND convert_from(payload, 'UTF8') LIKE '%plugin:segmentation%'), "
                    + "count(*) FILTER (WHERE payloadtype NOT LIKE '%PluginResultRecorded' AND convert_from(payload, 'UTF8') NOT LIKE '%plugin:segmentation%') "
                    + "FROM domainevententry")) {
                rs.next();
                results = rs.getLong(1);
                resultBytes = rs.getLong(2);
                derived = rs.getLong(3);
                ingested = rs.getLong(4);
            }
            double per = Math.max(1, ingested);
            System.out.printf(Locale.ROOT, "  plugin cost (whole run, warm-up included): %,d ingested events; plugin_state scans %,d (%.2f per event); "
                            + "results in the log %,d (%.2f per event, %.0f payload bytes per event); derived events %,d (%.2f per event)%n",
                    ingested, scans, scans / per, results, results / per, resultBytes / per, derived, derived / per);
            report.row("segments: plugin_state reads / results / derived events per ingested event",
                    String.format(Locale.ROOT, "%.2f / %.2f / %.2f", scans / per, results / per, derived / per), "",
                    String.format(Locale.ROOT, "%.0f result payload bytes per event", resultBytes / per));
        } catch (java.sql.SQLException e) {
            problems.add("segments: could not read the plugin's database cost: " + e.getMessage());
        }
    }

    // ---- recs ---------------------------------------------------------------------------------------------

    private void recsPart() throws Exception {
        Path recommender = builtAppJar.getParent().resolve("plugins").resolve("recommender");
        AppProcess.replacePlugins(options.appJar, Files.isDirectory(recommender) ? List.of(recommender) : List.of());
        String db = pg.createDatabase("recs");
        AppProcess app = startApp("recs", db);
        try {
            long t0 = System.nanoTime();
            long rows;
            try (java.sql.Connection c = pg.connect(db)) {
                rows = RecsProbe.fill(c, options.recUsers, options.recItems, options.seed);
            }
            System.out.printf(Locale.ROOT, "  read model: %,d recommender rows (%,d users × 20 recommended + 5 purchased, %,d items × 20 similar) "
                    + "written in %.1f s (not timed)%n", rows, options.recUsers, options.recItems, (System.nanoTime() - t0) / 1e9);
            // a short warm-up at the same rate (JIT, connections, PostgreSQL's cache), not counted; the load keeps its
            // connections (a new client opened hundreds at once and timed that in the load's first two seconds)
            java.net.http.HttpClient client = RecsProbe.client();
            RecsProbe.load(client, app.base(), ADMIN_USER, ADMIN_PASSWORD, options.recUsers, options.recItems, options.recRate,
                    Math.min(20, options.recDuration), options.seed + 1);
            ProcStats.CpuSampler cpu = appCpu(app).start();
            RecsProbe.Result r = RecsProbe.load(client, app.base(), ADMIN_USER, ADMIN_PASSWORD, options.recUsers, options.recItems,
                    options.recRate, options.recDuration, options.seed + 2);
            Map<String, Double> cores = cpu.stop();
            double[] ms = r.latenciesMs();
            System.out.printf(Locale.ROOT, "  load: %,d requests at %,d/s in %.1f s, %,d answered 200, statuses %s, skipped %,d; "
                            + "latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.1f ms   [%s]%n", r.sent(), options.recRate, r.seconds(),
                    r.ok(), r.statuses(), r.skipped(), Stats.percentile(ms, 50), Stats.percentile(ms, 90), Stats.percentile(ms, 99),
                    Stats.max(ms), ProcStats.format(cores));
            String at = " at " + Report.fmt(options.recRate, 0) + " requests/s, " + Report.fmt(options.recItems, 0) + " items, "
                    + Report.fmt(options.recUsers, 0) + " users";
            report.row("recommendations: answered 200" + at, Report.fmt(r.ok(), 0) + " of " + Report.fmt(r.sent(), 0), "", "");
            report.row("recommendations p50" + at, String.format(Locale.ROOT, "%.2f ms", Stats.percentile(ms, 50)), "", "");
            report.check("recommendations p99" + at, Stats.percentile(ms, 99), String.format(Locale.ROOT, "%.2f ms",
                    Stats.percentile(ms, 99)), 10, false, "≤ 10 ms");
            report.note("Recommendations CPU: " + ProcStats.format(cores) + ". 30 % of the requests carry context=item:<id>.");
            if (r.ok() != r.sent()) {
                problems.add("recs: " + (r.sent() - r.ok()) + " of " + r.sent() + " requests not answered 200: " + r.statuses());
            }
        } finally {
            app.stop();
            pg.drop(db);
            appProblems(app.log(), app.alive());
        }
    }

    private void segmentsPart() throws Exception {
        Path builtPlugins = builtAppJar.getParent().resolve("plugins");
        Path segmentation = builtPlugins.resolve(SegmentsProbe.PLUGIN);
        if (!Files.isDirectory(segmentation)) {
            problems.add("segments: no built-in plugin at " + segmentation);
            return;
        }
        int events = (int) Math.min(Integer.MAX_VALUE / 2, (long) options.segmentRate * options.segmentDuration);
        Workload load = workload;
        if (options.segmentDays > 0) {
            long t0 = System.nanoTime();
            // warm-up and load are consecutive slices of one simulation, so event time only moves forward
            load = Workload.generate(options.seed, options.warmup + events, options.segmentDays);
            System.out.printf(Locale.ROOT, "  segments workload: %,d simulator messages (seed %d, %,d users × %d days), generated in %.1f s (not timed)%n",
                    load.size(), options.seed, load.users(), load.days(), (System.nanoTime() - t0) / 1e9);
        }
        AppProcess.replacePlugins(options.appJar, List.of(segmentation));
        String db = pg.createDatabase("segments");
        AppProcess app = startApp("segments", db);
        try {
            HttpApi api = new HttpApi(app.base());
            api.putJson("/api/v1/plugins/" + SegmentsProbe.PLUGIN + "/config",
                    new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Map.of("rules", io.footfall.simulator.BenchmarkSegments.fiftyRules())));
            if (options.warmup > 0) {
                FreshnessProbe.Paced w = FreshnessProbe.paced(api, load.batches("segments-warm", options.warmup, options.freshBatch),
                        Math.min(options.segmentRate, 5_000));
                long t0 = System.nanoTime();
                while (SegmentsProbe.plugin(api)[1] > 0 && System.nanoTime() - t0 < options.foldDeadlineSeconds * 1_000_000_000L) {
                    Thread.sleep(SegmentsProbe.SAMPLE_MS);
                }
                System.out.printf(Locale.ROOT, "  warm-up (not timed): %,d events stored, folded by the plugin %.1f s later%n", w.stored(),
                        (System.nanoTime() - t0) / 1e9);
            }
            ProcStats.CpuSampler cpu = appCpu(app).start();
            List<Workload.Batch> batches = options.segmentDays > 0 ? load.slice(options.warmup, events).batches("segments", events, options.freshBatch)
                    : load.batches("segments", events, options.freshBatch);
            SegmentsProbe.Outcome o = SegmentsProbe.measure(api, batches,
                    options.segmentRate, options.foldDeadlineSeconds);
            Map<String, Double> cores = cpu.stop();
            double achieved = o.load().stored() / o.load().seconds();
            System.out.printf(Locale.ROOT, "  load: offered %,d events at %,d/s in %.1f s, stored %,d (%,.0f/s), skipped %,d, lost %,d   [%s]%n",
                    o.load().offered(), options.segmentRate, o.load().seconds(), o.load().stored(), achieved, o.load().skipped(),
                    o.load().lost(), ProcStats.format(cores));
            StringBuilder trace = new StringBuilder("  plugin lag (s: events):");
            int step = Math.max(1, o.samples().size() / 16);
            for (int i = 0; i < o.samples().size(); i += step) {
                SegmentsProbe.Sample s = o.samples().get(i);
                trace.append(String.format(Locale.ROOT, " %.0f: %,d", s.t(), s.lag()));
            }
            System.out.println(trace);
            System.out.printf(Locale.ROOT, "  lag trend over the load's second half: %+,.0f events/s; caught up %s after the load; "
                            + "fold rate %,.0f events/s; members now %,d; derived Segment Entered/Exited events %,d%n", o.slope(),
                    Double.isNaN(o.catchUp()) ? "NOT within " + options.foldDeadlineSeconds + " s" : String.format(Locale.ROOT, "%.1f s", o.catchUp()),
                    o.foldRate(), o.transitions(), o.derivedEvents());
            String at = " at " + Report.fmt(options.segmentRate, 0) + " events/s offered";
            report.row("segments: ingest achieved" + at, Report.fmt(achieved, 0) + " events/s", "", Report.fmt(achieved / options.segmentRate, 2) + " of offered");
            report.row("segments: plugin lag trend (50 rule segments)" + at, Report.fmt(o.slope(), 0) + " events/s", "≈ 0",
                    "lag at the load's end " + Report.fmt(o.samples().stream().filter(s -> s.t() <= o.loadSeconds()).mapToLong(SegmentsProbe.Sample::lag)
                            .reduce((a, b) -> b).orElse(-1), 0));
            report.row("segments: plugin fold rate (load start → lag 0)", Report.fmt(o.foldRate(), 0) + " events/s", "",
                    Double.isNaN(o.catchUp()) ? "did not catch up" : "caught up " + Report.fmt(o.catchUp(), 1) + " s after the load");
            if (Double.isNaN(o.catchUp())) {
                problems.add("segments: the plugin did not fold the log within " + options.foldDeadlineSeconds + " s after the load");
            }
            segmentsWrites(db, o);
        } finally {
            app.stop();
            pg.drop(db);
            appProblems(app.log(), app.alive());
            List<Path> all = new ArrayList<>();
            try (var dirs = Files.list(builtPlugins)) {
                dirs.filter(Files::isDirectory).forEach(all::add);
            }
            AppProcess.replacePlugins(options.appJar, all);
        }
    }

    // ---- plugins ----------------------------------------------------------------------------------------

    /**
     * One plugin-host configuration.
     *
     * @param key      short name ({@code a}, {@code b} …)
     * @param label    what runs
     * @param builtin  plugin directories put into the app copy's {@code plugins/} (loaded as built-ins)
     * @param external plugin directories put under {@code FOOTFALL_PLUGINS_PATH}
     * @param expected plugin ids that must be running
     * @param noops    how many no-op plugins consuming all events it adds to (a), for the per-plugin overhead
     */
    private record PluginConfig(String key, String label, List<Path> builtin, List<Path> external, List<String> expected,
                                int noops) {
    }

    private void pluginsPart() throws Exception {
        Path work = Files.createTempDirectory("footfall-bench-plugins-");
        Path affinity = builtAppJar.getParent().resolve("plugins/category-affinity");
        try {
            Path api = PluginJars.pluginApi(options.appJar);
            List<Path> noops = PluginJars.consumeAllNoops(work.resolve("generated"), 5, api, work.resolve("javac"));
            System.out.println("  generated no-op plugins noop-1…noop-5 (consume all events), compiled against " + api.getFileName());
            List<PluginConfig> configs = new ArrayList<>();
            configs.add(new PluginConfig("a", "profile projection alone (no plugins)", List.of(), List.of(), List.of(), 0));
            configs.add(new PluginConfig("b", "+ 1 no-op plugin (all events)", List.of(), noops.subList(0, 1), List.of("noop-1"), 1));
            Path fixturesJar = options.repo.resolve("plugins/fixtures/host-fixtures/target/footfall-plugin-host-fixtures-0.1.0-SNAPSHOT.jar");
            if (Files.isRegularFile(fixturesJar)) {
                Path fixture = PluginJars.fixtureNoop(work.resolve("fixture"), fixturesJar);
                configs.add(new PluginConfig("b'", "+ fixtures' NoopPlugin (page events only)", List.of(), List.of(fixture),
                        List.of("noop-fixture"), 0));
            } else {
                problems.add("plugins: no fixtures jar at " + fixturesJar + "; build it (./mvnw package) to measure noop-fixture");
            }
            configs.add(new PluginConfig("c", "+ 5 no-op plugins (all events)", List.of(), noops,
                    List.of("noop-1", "noop-2", "noop-3", "noop-4", "noop-5"), 5));
            if (Files.isDirectory(affinity)) {
                configs.add(new PluginConfig("d", "+ built-in category-affinity", List.of(affinity), List.of(),
                        List.of("category-affinity"), 0));
            } else {
                problems.add("plugins: no built-in plugin at " + affinity);
            }
            configs.removeIf(c -> !options.pluginConfigs.contains(c.key().replace("'", "2")));
            List<Workload.Batch> batches = workload.batches("plugins", options.pluginEvents, options.batch);
            Map<String, PluginHostProbe.Outcome> outcomes = new java.util.LinkedHashMap<>();
            for (PluginConfig config : configs) {
                try {
                    outcomes.put(config.key(), pluginConfig(config, batches, work));
                } catch (Exception e) {
                    problems.add("plugins (" + config.key() + ") " + config.label() + " failed: " + e);
                    System.err.println("  configuration " + config.key() + " failed: " + e);
                }
            }
            pluginTable(configs, outcomes);
        } finally {
            if (Files.isDirectory(affinity)) {
                AppProcess.replacePlugins(options.appJar, List.of(affinity)); // the copy as it was
            }
            AppProcess.deleteTree(work);
        }
    }

    private PluginHostProbe.Outcome pluginConfig(PluginConfig config, List<Workload.Batch> batches, Path work) throws Exception {
        System.out.println("  -- (" + config.key() + ") " + config.label());
        AppProcess.replacePlugins(options.appJar, config.builtin());
        Path external = work.resolve("path-" + (config.key().equals("b'") ? "b2" : config.key()));
        Files.createDirectories(external);
        for (Path dir : config.external()) {
            PluginJars.copyDir(dir, external.resolve(dir.getFileName().toString()));
        }
        String label = "plugins-" + (config.key().equals("b'") ? "b2" : config.key());
        String db = pg.createDatabase(label.replace("-", "_"));
        AppProcess app = startApp(label, db, Map.of("FOOTFALL_PLUGINS_PATH", external.toString()));
        try {
            HttpApi api = new HttpApi(app.base());
            java.util.Set<String> running = PluginHostProbe.positions(api).keySet();
            java.util.Set<String> plugins = new java.util.TreeSet<>(running);
            plugins.remove("profiles");
            if (!plugins.equals(new java.util.TreeSet<>(config.expected()))) {
                problems.add("plugins (" + config.key() + "): expected plugins " + config.expected() + ", the app has " + plugins
                        + "; refused: " + api.getJson("/api/v1/plugins").path("refused"));
            }
            long ingestDeadline = Math.max(300, options.pluginEvents / 500L);
            if (options.warmup > 0) {
                IngestLoad.Result w = IngestLoad.run("warm-up", api, workload.batches("plugins-warm", options.warmup, options.batch),
                        options.clients, ingestDeadline, appCpu(app), new ProcStats.ThreadSampler(app.pid()));
                checkClean(w);
                long t0 = System.nanoTime();
                boolean folded = false;
                while (!folded && System.nanoTime() - t0 < options.foldDeadlineSeconds * 1_000_000_000L) {
                    Thread.sleep(PluginHostProbe.POLL_MS);
                    folded = PluginHostProbe.positions(api).values().stream().allMatch(v -> v[2] == 0);
                }
                System.out.printf(Locale.ROOT, "    warm-up (not timed): %,d events at %,.0f/s, folded by every processor %.1f s later%s%n",
                        w.stored(), w.eventsPerSecond(), (System.nanoTime() - t0) / 1e9, folded ? "" : " (NOT folded by the deadline)");
            }
            PluginHostProbe.Outcome o = PluginHostProbe.measure(app, api, batches, options.clients, ingestDeadline,
                    options.foldDeadlineSeconds, appCpu(app), appCpu(app));
            print(o.ingest());
            checkClean(o.ingest());
            for (PluginHostProbe.Processor p : o.processors()) {
                System.out.printf(Locale.ROOT, "    %-18s folded %,9d events; lag at ingest end %,d; %s%s%n", p.name(), p.folded(),
                        p.lagAtIngestEnd(), p.caughtUp() ? String.format(Locale.ROOT,
                                "lag 0 at %.1f s from ingest start (%,.0f events/s), %.1f s after ingest end", p.sinceStart(),
                                p.rateSinceStart(), p.afterIngest()) : "NOT caught up by the deadline",
                        p.processedEvents() >= 0 ? String.format(Locale.ROOT, "; processedEvents %,d, %s", p.processedEvents(),
                                p.state()) : "");
                if (!p.caughtUp()) {
                    problems.add("plugins (" + config.key() + "): " + p.name() + " did not fold the log within "
                            + options.foldDeadlineSeconds + " s after the ingest");
                }
                if (p.processedEvents() >= 0 && !"RUNNING".equals(p.state())) {
                    problems.add("plugins (" + config.key() + "): " + p.name() + " is " + p.state());
                }
            }
            System.out.printf(Locale.ROOT, "    phase %.1f s; app CPU %.1f s (%.1f s after the ingest), postgres %.1f s   [%s]%n",
                    o.seconds(), o.appCpuSeconds(), o.appCpuAfter(), o.pgCpuSeconds(), ProcStats.format(o.cores()));
            System.out.println("      app threads: " + ProcStats.formatTop(o.appThreads(), 8));
            if (!o.refused().isEmpty()) {
                problems.add("plugins (" + config.key() + "): the app refused " + o.refused());
            }
            return o;
        } finally {
            app.stop();
            pg.drop(db);
            appProblems(app.log(), app.alive());
        }
    }

    /** Prints the plugin-host table (also to {@code plugins.md}) and adds its figures to the report. */
    private void pluginTable(List<PluginConfig> configs, Map<String, PluginHostProbe.Outcome> outcomes) {
        PluginHostProbe.Outcome base = outcomes.get("a");
        double baseRate = base == null ? Double.NaN : base.processors().get(0).rateSinceStart();
        double baseCpu = base == null ? Double.NaN : base.appCpuSeconds();
        StringBuilder md = new StringBuilder("| config | ingest events/s | profiles events/s | slowest plugin events/s "
                + "| all at lag 0 after ingest end | app CPU s (ingest + fold) | × (a) | Δ app CPU per event per no-op plugin |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (PluginConfig c : configs) {
            PluginHostProbe.Outcome o = outcomes.get(c.key());
            if (o == null) {
                md.append("| (").append(c.key()).append(") ").append(c.label()).append(" | failed | | | | | | |\n");
                continue;
            }
            PluginHostProbe.Processor profiles = o.processors().get(0);
            PluginHostProbe.Processor slowest = o.processors().stream().skip(1)
                    .max(java.util.Comparator.comparingDouble(p -> Double.isNaN(p.sinceStart()) ? Double.MAX_VALUE : p.sinceStart()))
                    .orElse(null);
            double after = o.processors().stream().mapToDouble(p -> Double.isNaN(p.afterIngest()) ? Double.POSITIVE_INFINITY
                    : p.afterIngest()).max().orElse(Double.NaN);
            long n = o.ingest().stored();
            String overhead = c.noops() > 0 ? Report.fmt((o.appCpuSeconds() - baseCpu) / n / c.noops() * 1e6, 1) + " µs"
                    : c.key().equals("a") ? "—" : Report.fmt((o.appCpuSeconds() - baseCpu) / n * 1e6, 1) + " µs (whole plugin)";
            String slow = slowest == null ? "—" : (slowest.caughtUp() ? Report.fmt(slowest.rateSinceStart(), 0) : "not caught up")
                    + " (" + slowest.name() + ")";
            md.append("| (").append(c.key()).append(") ").append(c.label()).append(" | ")
                    .append(Report.fmt(o.ingest().eventsPerSecond(), 0)).append(" | ")
                    .append(profiles.caughtUp() ? Report.fmt(profiles.rateSinceStart(), 0) : "not caught up")
                    .append(" (").append(Report.fmt(profiles.rateSinceStart() / baseRate, 2)).append("×) | ")
                    .append(slow).append(" | ")
                    .append(Double.isInfinite(after) ? "not caught up" : Report.fmt(after, 1) + " s").append(" | ")
                    .append(Report.fmt(o.appCpuSeconds(), 1)).append(" | ")
                    .append(Report.fmt(o.appCpuSeconds() / baseCpu, 2)).append(" | ")
                    .append(overhead).append(" |\n");
            report.row("plugins (" + c.key() + ") " + c.label() + ": profiles fold rate",
                    Report.fmt(profiles.rateSinceStart(), 0) + " events/s", "", Report.fmt(profiles.rateSinceStart() / baseRate, 2) + "× (a)");
            if (slowest != null) {
                report.row("plugins (" + c.key() + ") slowest plugin fold rate (" + slowest.name() + ")",
                        Report.fmt(slowest.rateSinceStart(), 0) + " events/s", "", Report.fmt(slowest.rateSinceStart() / baseRate, 2) + "× (a)");
            }
            report.row("plugins (" + c.key() + ") app CPU, ingest + folding", Report.fmt(o.appCpuSeconds(), 1) + " s", "",
                    Report.fmt(o.appCpuSeconds() / baseCpu, 2) + "× (a)" + (c.noops() > 0 ? "; " + overhead + " per event per plugin" : ""));
        }
        System.out.println();
        System.out.println("  Plugin host, " + Report.fmt(options.pluginEvents, 0) + " events per configuration after "
                + Report.fmt(options.warmup, 0) + " warm-up events; rates are events "
                + "folded / seconds from ingest start (processors running during the ingest) to lag 0:");
        System.out.print(md);
        report.note("Plugin host: rates are events / seconds from the start of the ingest (processors running) until the "
                + "processor's lag was 0 (polled every " + PluginHostProbe.POLL_MS + " ms); app CPU from /proc over the same span; "
                + "Δ CPU per event per plugin = (CPU(config) − CPU(a)) / events / plugins. Table in plugins.md.");
        try {
            Files.writeString(options.logDir.resolve("plugins.md"), md);
        } catch (IOException e) {
            System.err.println("could not write plugins.md: " + e.getMessage());
        }
    }

    // ---- reports ----------------------------------------------------------------------------------------

    /** Issue 8's target: report API p95 (with 10 M events in the log). */
    private static final double TARGET_REPORT_P95_MS = 300;

    /** Loads {@code --report-events} simulator events over HTTP and waits until the reporting processor has folded them. */
    private void loadReportEvents(AppProcess app, HttpApi api) throws Exception {
        long deadline = Math.max(600, options.reportEvents / 500L);
        IngestLoad.Result load = IngestLoad.run("reports-load", api, workload.batches("reports", options.reportEvents, options.batch),
                options.clients, deadline, appCpu(app), new ProcStats.ThreadSampler(app.pid()));
        checkClean(load);
        long t0 = System.nanoTime();
        long lag = -1;
        while (System.nanoTime() - t0 < options.foldDeadlineSeconds * 1_000_000_000L) {
            com.fasterxml.jackson.databind.JsonNode status = api.getJson("/api/v1/projections/reporting");
            lag = status.path("lag").asLong();
            if (lag == 0 && status.path("position").asLong() >= status.path("head").asLong()) {
                break;
            }
            Thread.sleep(PluginHostProbe.POLL_MS);
        }
        double foldWait = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "  loaded %,d events in %.1f s (%,.0f/s); reporting lag %d %.1f s after the load ended%n",
                load.stored(), load.seconds(), load.eventsPerSecond(), lag, foldWait);
        report.row("reports: events in the log", String.format(Locale.ROOT, "%,d", load.stored()), "10,000,000",
                load.stored() >= 10_000_000 ? "ok" : "smaller than the target's log");
        if (lag != 0) {
            problems.add("reports: the reporting processor still lagged " + lag + " events after " + options.foldDeadlineSeconds + " s");
        }
        report.note("Reports: " + String.format(Locale.ROOT, "%,d", load.stored()) + " simulator events (30 days) loaded "
                + "over HTTP into an app without plugins (churn, recommendation and model reports read empty plugin tables); "
                + "requests one at a time over the 30 days after the reporting processor's lag was 0.");
    }

    /**
     * Saves the funnel of the bench's "other steps" (when the app has saved funnels) and waits for its backfill over
     * the synthetic read models, reporting how long it took. Returns whether it is saved and backfilled.
     */
    private boolean saveSyntheticFunnel(HttpApi api) throws Exception {
        if (api.getJson("/api/v1/reports/funnels") == null) {
            System.out.println("  the app has no saved funnels");
            return false;
        }
        long t0 = System.nanoTime();
        api.postJson("/api/v1/reports/funnels", "{\"id\":\"bench-three\",\"steps\":[\"Products Searched\",\"Product Viewed\","
                + "\"Product Added\"],\"window\":\"P3D\"}");
        com.fasterxml.jackson.databind.JsonNode f;
        do {
            Thread.sleep(500);
            f = api.getJson("/api/v1/reports/funnels/bench-three");
        } while (f != null && "running".equals(f.path("backfill").path("state").asText()) && System.nanoTime() - t0 < 1_800_000_000_000L);
        double seconds = (System.nanoTime() - t0) / 1e9;
        String state = f == null ? "gone" : f.path("backfill").path("state").asText();
        System.out.printf(Locale.ROOT, "  saved funnel bench-three: backfill %s after %.1f s (%s persons)%n", state, seconds,
                f == null ? "?" : f.path("backfill").path("done").asText());
        report.row("reports: saved funnel backfill (3 steps, " + String.format(Locale.ROOT, "%,d", options.reportSyntheticPeople) + " people)",
                String.format(Locale.ROOT, "%.1f s", seconds), "", state);
        return "done".equals(state);
    }

    /** Segment of the synthetic read models: every fifth person ({@code reports-synthetic-segment.sql}). */
    static final String SYNTHETIC_SEGMENT = "bench-fifth";

    /**
     * Plants the segment {@link #SYNTHETIC_SEGMENT} as the segmentation plugin publishes memberships (the segment
     * filter's "is it a segment" check and the requests without rollups read them) and, when the app has segment
     * rollups ({@code report_segment_member}), fills them from the members' per-person rows as entering the segment
     * does ({@code reports-synthetic-segment-rollups.sql}). Returns the members.
     */
    private long fillSyntheticSegment(String db) throws Exception {
        try (java.sql.Connection c = pg.connect(db); java.sql.Statement s = c.createStatement()) {
            s.execute("INSERT INTO plugin_result (plugin_id, result_type, result_key, user_id, payload, position, recorded_at) "
                    + "SELECT 'segmentation', 'SEGMENT_MEMBERSHIP', '" + SYNTHETIC_SEGMENT + ":s' || i, 's' || i, jsonb_build_object('userId', 's' || i, "
                    + "'segment', '" + SYNTHETIC_SEGMENT + "', 'member', true, 'score', 1.0), 0, now() FROM generate_series(5, "
                    + options.reportSyntheticPeople + ", 5) i");
            boolean rollups;
            try (java.sql.ResultSet rs = s.executeQuery("SELECT to_regclass('report_segment_member') IS NOT NULL")) {
                rs.next();
                rollups = rs.getBoolean(1);
            }
            if (rollups) {
                String sql;
                try (java.io.InputStream in = BenchMain.class.getResourceAsStream("reports-synthetic-segment-rollups.sql")) {
                    sql = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).replace("${segment}", SYNTHETIC_SEGMENT);
                }
                for (String statement : sql.replaceAll("(?m)^--.*$", "").split(";")) {
                    if (!statement.isBlank()) {
                        s.execute(statement);
                    }
                }
            } else {
                System.out.println("  the app has no segment rollups: segment-filtered reports read the members' per-person rows");
            }
            s.execute("ANALYZE");
            try (java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM plugin_result WHERE result_type = 'SEGMENT_MEMBERSHIP'")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Puts {@code --report-log-events} events into the log so that the reports are timed against a database of that
     * size: one real event goes through the tracking API and is folded, the app stops, the event's row is copied that
     * many times under new ids ({@code INSERT … SELECT}, like a bulk load), every processor's token is moved to the
     * new head (the read models are filled directly, so the copies are not folded), and the app starts again.
     */
    private AppProcess fillLog(AppProcess app, HttpApi api, String db, Map<String, String> env) throws Exception {
        String template = "[{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"bench-log-template\",\"messageId\":\"bench-log-template\","
                + "\"timestamp\":\"2026-01-15T10:00:00Z\",\"properties\":{\"product_id\":\"bench-log-product\",\"name\":\"Product 1\",\"category\":\"cat1\","
                + "\"brand\":\"brand1\",\"price\":19.99,\"currency\":\"EUR\"},\"context\":{\"locale\":\"en-GB\",\"page\":{\"path\":\"/p/1\"}}}]";
        HttpApi.Answer sent = api.post(template.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (sent.status() != 200 || sent.stored() != 1) {
            throw new IllegalStateException("the log's template event was not stored: " + sent.status() + " " + sent.body());
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            com.fasterxml.jackson.databind.JsonNode r = api.getJson("/api/v1/projections/reporting");
            if (r.path("lag").asLong() == 0 && r.path("position").asLong() >= r.path("head").asLong()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the template event was not folded within 2 minutes");
            }
            Thread.sleep(200); // polling the app's progress, not a test
        }
        app.stop();
        long t0 = System.nanoTime();
        long head;
        try (java.sql.Connection c = pg.connect(db); java.sql.Statement s = c.createStatement()) {
            s.execute("INSERT INTO domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier, metadata, payload, payloadrevision, "
                    + "payloadtype, timestamp) SELECT 'bench-log-' || i, 0, t.type, 'bench-log-' || i, t.metadata, t.payload, t.payloadrevision, "
                    + "t.payloadtype, t.timestamp FROM (SELECT * FROM domainevententry ORDER BY globalindex DESC LIMIT 1) t, generate_series(1, "
                    + options.reportLogEvents + ") i");
            try (java.sql.ResultSet rs = s.executeQuery("SELECT max(globalindex), pg_size_pretty(pg_total_relation_size('domainevententry')) FROM domainevententry")) {
                rs.next();
                head = rs.getLong(1);
                System.out.printf(Locale.ROOT, "  log: %,d events copied in %.1f s; head %,d; domainevententry %s with indexes%n", options.reportLogEvents,
                        (System.nanoTime() - t0) / 1e9, head, rs.getString(2));
            }
            // the processors' tokens (Axon's GapAwareTrackingToken, JSON through the app's serializer) at the new head
            int moved = s.executeUpdate("UPDATE tokenentry SET token = convert_to('{\"index\":" + head + ",\"gaps\":[]}', 'UTF8'), owner = NULL "
                    + "WHERE tokentype = 'org.axonframework.eventhandling.GapAwareTrackingToken'");
            System.out.printf(Locale.ROOT, "  %d processor tokens moved to the head%n", moved);
            // the template's own rows in the reporting read model would collide with the synthetic fill's
            s.execute("TRUNCATE report_counter, report_person, report_user_day, report_user_step, report_affinity, report_product_day, "
                    + "report_product, report_search_day, report_reach, report_cohort, report_span, report_identity, report_user_product, "
                    + "report_user_search, report_funnel, report_funnel_entry");
            s.execute("VACUUM ANALYZE domainevententry");
        }
        report.row("reports: events in the log (copies of one real event, not folded)", String.format(Locale.ROOT, "%,d", head), "10,000,000",
                head >= 10_000_000 ? "ok" : "smaller than the target's log");
        AppProcess again = startApp("reports", db, env);
        HttpApi fresh = new HttpApi(again.base());
        com.fasterxml.jackson.databind.JsonNode r = fresh.getJson("/api/v1/projections/reporting");
        if (r.path("position").asLong() < head) {
            throw new IllegalStateException("the reporting processor did not start at the head: " + r);
        }
        return again;
    }

    /** Waits until the recommendation report has counted {@code lists} users' lists (or the app has no such count). */
    private void awaitRecommendationCount(HttpApi api, long lists) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            com.fasterxml.jackson.databind.JsonNode r = new com.fasterxml.jackson.databind.ObjectMapper().readTree(api.getText("/api/v1/reports/recommendations?limit=1"));
            if (!r.has("lists")) {
                System.out.println("  the app does not count recommendation lists on a timer");
                return;
            }
            if (r.path("lists").asLong() >= lists) {
                System.out.printf(Locale.ROOT, "  recommendation lists counted: %,d, %.1f s after the fill%n", r.path("lists").asLong(),
                        (System.nanoTime() - t0) / 1e9);
                return;
            }
            Thread.sleep(500); // polling a background job's progress, not a test
        }
        System.out.println("  the recommendation lists were not counted within 5 minutes");
    }

    /** Fills the reporting read models of {@code db} with {@code reports-synthetic.sql} for {@code --report-synthetic-people} people. */
    private void fillSyntheticReadModels(String db) throws Exception {
        String sql;
        try (java.io.InputStream in = BenchMain.class.getResourceAsStream("reports-synthetic.sql")) {
            sql = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).replace("${people}", Integer.toString(options.reportSyntheticPeople));
        }
        long t0 = System.nanoTime();
        try (java.sql.Connection c = pg.connect(db); java.sql.Statement s = c.createStatement()) {
            for (String statement : sql.replaceAll("(?m)^--.*$", "").split(";")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
        }
        try (java.io.InputStream in = BenchMain.class.getResourceAsStream("reports-synthetic-plugin-results.sql");
             java.sql.Connection c = pg.connect(db); java.sql.Statement s = c.createStatement()) {
            String results = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("${people}", Integer.toString(options.reportSyntheticPeople));
            for (String statement : results.replaceAll("(?m)^--.*$", "").split(";")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
        }
        long members = fillSyntheticSegment(db);
        long events = options.reportSyntheticPeople * 90L;
        System.out.printf(Locale.ROOT, "  segment %s: %,d members%n", SYNTHETIC_SEGMENT, members);
        System.out.printf(Locale.ROOT, "  filled the read models for %,d people (%,d events' worth) in %.1f s%n", options.reportSyntheticPeople,
                events, (System.nanoTime() - t0) / 1e9);
        report.row("reports: events the read models stand for (filled directly)", String.format(Locale.ROOT, "%,d", events), "10,000,000",
                events >= 10_000_000 ? "ok" : "smaller than the target's log");
        report.note("Reports: read models filled directly with SQL (bench/src/main/resources/io/footfall/bench/reports-synthetic.sql) for "
                + String.format(Locale.ROOT, "%,d", options.reportSyntheticPeople) + " people over 30 days, rollups derived from the per-person "
                + "rows; requests one at a time over the 30 days.");
    }

    /**
     * Loads {@code --report-events} simulator events (30 days from 2026-01-01) through the tracking API into an app
     * without plugins (so that only the profile and reporting processors fold them and nothing else competes while
     * timing), waits until the reporting processor's lag is 0, then times each report over the 30 days, one request
     * at a time (3 untimed first), and reports p50/p95/max per report.
     */
    private void reportsPart() throws Exception {
        Path builtins = builtAppJar.getParent().resolve("plugins");
        List<Path> shipped = new ArrayList<>();
        if (Files.isDirectory(builtins)) {
            try (var dirs = Files.list(builtins)) {
                dirs.filter(Files::isDirectory).sorted().forEach(shipped::add);
            }
        }
        AppProcess.replacePlugins(options.appJar, List.of());
        String db = pg.createDatabase("reports");
        try {
            // the recommendation report's counts are recomputed on a timer (RecommendationSummary): often, so that the
            // synthetic lists are counted soon after the fill
            Map<String, String> env = Map.of("FOOTFALL_REPORTS_RECOMMENDATIONS_REFRESH", "PT2S");
            AppProcess app = startApp("reports", db, env);
            HttpApi api = new HttpApi(app.base());
            if (options.reportSyntheticPeople > 0 && options.reportLogEvents > 0) {
                app = fillLog(app, api, db, env);
                api = new HttpApi(app.base());
            }
            if (options.reportSyntheticPeople > 0) {
                fillSyntheticReadModels(db);
                awaitRecommendationCount(api, options.reportSyntheticPeople);
            } else {
                loadReportEvents(app, api);
            }
            try (java.sql.Connection c = pg.connect(db); java.sql.Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM report_user_day), (SELECT count(*) FROM report_user_step), "
                         + "(SELECT count(*) FROM report_affinity), (SELECT count(*) FROM report_person), (SELECT count(*) FROM report_reach), "
                         + "(SELECT count(*) FROM report_cohort)")) {
                rs.next();
                System.out.printf(Locale.ROOT, "  read model rows: report_user_day %,d, report_user_step %,d, report_affinity %,d, report_person %,d, "
                        + "report_reach %,d, report_cohort %,d%n", rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6));
            }
            String range = "from=2026-01-01&to=2026-01-30";
            Map<String, String> reports = new java.util.LinkedHashMap<>();
            reports.put("overview (day)", "/api/v1/reports/overview?" + range);
            reports.put("overview (week)", "/api/v1/reports/overview?granularity=week&" + range);
            reports.put("funnel (5 steps, P7D)", "/api/v1/reports/funnel?" + range);
            reports.put("cohorts (8 weeks)", "/api/v1/reports/cohorts?" + range);
            reports.put("preferences", "/api/v1/reports/preferences?" + range);
            reports.put("churn", "/api/v1/reports/churn?" + range);
            reports.put("recommendations", "/api/v1/reports/recommendations?" + range);
            reports.put("models", "/api/v1/reports/models");
            reports.put("overview CSV export", "/api/v1/reports/overview?format=csv&" + range);
            String custom = "steps=Products%20Searched,Product%20Viewed,Product%20Added&window=P3D&";
            reports.put("funnel (3 other steps, P3D), on request", "/api/v1/reports/funnel?" + custom + range);
            if (options.reportSyntheticPeople > 0) {
                String segment = "&segment=" + SYNTHETIC_SEGMENT;
                reports.put("overview (day), segment", "/api/v1/reports/overview?" + range + segment);
                reports.put("overview (week), segment", "/api/v1/reports/overview?granularity=week&" + range + segment);
                reports.put("funnel (default), segment", "/api/v1/reports/funnel?" + range + segment);
                reports.put("cohorts (8 weeks), segment", "/api/v1/reports/cohorts?" + range + segment);
                reports.put("preferences, segment", "/api/v1/reports/preferences?" + range + segment);
                reports.put("funnel (3 other steps), segment, on request", "/api/v1/reports/funnel?" + custom + range + segment);
                reports.put("churn, segment", "/api/v1/reports/churn?" + range + segment);
                reports.put("churn, minValue 1500, limit 500", "/api/v1/reports/churn?minValue=1500&limit=500&" + range);
                if (saveSyntheticFunnel(api)) {
                    reports.put("funnel (the 3 steps saved, rollup)", "/api/v1/reports/funnel?funnel=bench-three&" + range);
                    reports.put("funnel (the 3 steps saved), segment (its segment copy)", "/api/v1/reports/funnel?funnel=bench-three&" + range + segment);
                }
            }
            List<Double> all = new ArrayList<>();
            List<Double> materialised = new ArrayList<>();
            for (Map.Entry<String, String> r : reports.entrySet()) {
                for (int i = 0; i < 3; i++) {
                    api.getText(r.getValue());
                }
                double[] ms = new double[options.reportRequests];
                for (int i = 0; i < ms.length; i++) {
                    long start = System.nanoTime();
                    api.getText(r.getValue());
                    ms[i] = (System.nanoTime() - start) / 1e6;
                    all.add(ms[i]);
                    if (!r.getKey().contains("on request")) {
                        materialised.add(ms[i]);
                    }
                }
                double p95 = Stats.percentile(ms, 95);
                System.out.printf(Locale.ROOT, "  %-24s p50 %7.1f ms  p95 %7.1f ms  max %7.1f ms  (%d requests)%n", r.getKey(),
                        Stats.percentile(ms, 50), p95, Stats.max(ms), ms.length);
                report.check("reports: " + r.getKey() + " p95", p95, String.format(Locale.ROOT, "%.1f ms", p95),
                        TARGET_REPORT_P95_MS, false, "≤ 300 ms");
            }
            // funnels of steps given as parameters are counted on request by design (save a funnel to have it
            // pre-aggregated): shown, but not part of the target's "all reports"
            double[] kept = materialised.stream().mapToDouble(Double::doubleValue).toArray();
            report.check("reports: all reports p95 (pre-aggregated)", Stats.percentile(kept, 95), String.format(Locale.ROOT, "%.1f ms",
                    Stats.percentile(kept, 95)), TARGET_REPORT_P95_MS, false, "≤ 300 ms");
            double[] every = all.stream().mapToDouble(Double::doubleValue).toArray();
            report.row("reports: all requests p95, with the funnels counted on request", String.format(Locale.ROOT, "%.1f ms",
                    Stats.percentile(every, 95)), "", "info");
            dashboardPaint(app, range);
        } finally {
            AppProcess.replacePlugins(options.appJar, shipped);
        }
    }

    /**
     * The Kafka relay (ADR 0017): a broker in a child JVM, the app with the relay on, the freshness part's paced load
     * at {@code --rate}; reports the time from arrival at the tracking API to the record being readable in the topic
     * (p50/p99/max over the steady part), repeats, and the load's own figures.
     */
    private void relayPart() throws Exception {
        Path jar = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        StringBuilder cp = new StringBuilder(jar.toString());
        try (var libs = Files.list(jar.getParent().resolve("lib"))) {
            libs.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(f -> cp.append(java.io.File.pathSeparator).append(f));
        }
        String topic = "footfall-events";
        try (io.footfall.kafka.testbroker.Forked broker = io.footfall.kafka.testbroker.KafkaTestBroker.fork(cp.toString())) {
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 3, (short) 1))).all().get();
            }
            System.out.printf(Locale.ROOT, "  broker %s (pid %d), topic %s with 3 partitions%n", broker.bootstrapServers(), broker.pid(), topic);
            String db = pg.createDatabase("relay");
            AppProcess app = startApp("relay", db, Map.of("FOOTFALL_DISTRIBUTION_KAFKA_ENABLED", "true",
                    "FOOTFALL_DISTRIBUTION_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(), "FOOTFALL_DISTRIBUTION_KAFKA_TOPIC", topic));
            try (RelayProbe probe = new RelayProbe(broker.bootstrapServers(), topic)) {
                HttpApi api = new HttpApi(app.base());
                long warmStored = 0;
                if (options.warmup > 0) {
                    // the relay starts with a cold JIT beside every other processor: its first tens of seconds fall
                    // behind and catch up; measured after a warm-up it has caught up with, as the freshness part does
                    FreshnessProbe.Paced warm = FreshnessProbe.paced(api, workload.batches("relay-warm", options.warmup, options.freshBatch),
                            options.rate);
                    warmStored = warm.stored();
                    long t0 = System.nanoTime();
                    long until = t0 + Duration.ofSeconds(120).toNanos();
                    while (probe.records() < warmStored && System.nanoTime() < until) {
                        Thread.sleep(100); // polling the consumer's progress, not a test
                    }
                    System.out.printf(Locale.ROOT, "  warm-up: %,d events at %,d/s, all read from the topic %.1f s after the load%n", warmStored,
                            options.rate, (System.nanoTime() - t0) / 1e9);
                    probe.restart();
                }
                int events = (int) Math.min(Integer.MAX_VALUE / 2, (long) options.rate * options.durationSeconds);
                FreshnessProbe.Paced load = FreshnessProbe.paced(api, workload.batches("relay", events, options.freshBatch), options.rate);
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (probe.records() < warmStored + load.stored() && System.nanoTime() < deadline) {
                    Thread.sleep(100); // polling the consumer's progress, not a test
                }
                double[] ms = probe.latencies(10);
                // the same after 30 s: how much of the tail is the relay's start (JIT, producer metadata, its first backlog)
                double[] late = probe.latencies(30);
                System.out.printf(Locale.ROOT, "  arrival -> readable in Kafka after the first 30 s (%,d records): p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                        late.length, Stats.percentile(late, 50), Stats.percentile(late, 99), Stats.max(late));
                StringBuilder windows = new StringBuilder();
                probe.worstPerWindow(5).forEach((at, worst) -> windows.append(String.format(Locale.ROOT, " %ds:%.0f", at, worst)));
                System.out.println("  worst latency (ms) per 5 s of reading:" + windows);
                System.out.printf(Locale.ROOT, "  load: offered %,d at %,d/s, stored %,d, statuses %s; records read %,d, repeats %,d%n",
                        load.offered(), options.rate, load.stored(), load.statuses(), probe.records(), probe.repeats());
                System.out.printf(Locale.ROOT, "  arrival -> readable in Kafka (after the first 10 s, %,d records): p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                        ms.length, Stats.percentile(ms, 50), Stats.percentile(ms, 99), Stats.max(ms));
                report.row("relay: arrival at the tracking API -> readable in Kafka, p50 (" + options.rate + " events/s)",
                        String.format(Locale.ROOT, "%.0f ms", Stats.percentile(ms, 50)), "", "info");
                report.row("relay: arrival -> readable in Kafka, p99", String.format(Locale.ROOT, "%.0f ms", Stats.percentile(ms, 99)), "", "info");
                long stored = warmStored + load.stored();
                report.row("relay: records read / events stored (warm-up and load), repeats", probe.records() + " / " + stored + ", " + probe.repeats(), "",
                        probe.records() == stored ? "ok" : "MISSING");
                if (probe.records() < stored) {
                    problems.add("relay: " + (stored - probe.records()) + " stored events never reached the topic within 120 s");
                }
            } finally {
                app.stop();
            }
        }
    }

    /**
     * One {@code process} instance against two (ADR 0018): a log of {@code --cluster-events} written by an ingest-only
     * instance, copied twice; each copy folded from scratch by every processor (profile and reporting projections, the
     * built-in plugins), once by one instance and once by two that spread the processors between them. Reports the
     * time from launch until every processor has caught up with the log, the CPU the instances used, and the split.
     * On one 2-core machine two JVMs share the same cores: this shows the mechanism, not capacity.
     */
    private void clusterPart() throws Exception {
        String source = pg.createDatabase("cluster_src");
        AppProcess loader = startApp("cluster-load", source, Map.of("FOOTFALL_ROLES", "ingest,serve"));
        long stored;
        try {
            IngestLoad.Result r = IngestLoad.run("cluster-load", new HttpApi(loader.base()),
                    workload.batches("cluster", options.clusterEvents, options.batch), options.clients, 600, appCpu(loader),
                    new ProcStats.ThreadSampler(loader.pid()));
            checkClean(r);
            stored = r.stored();
            System.out.printf(Locale.ROOT, "  log written by an ingest-only instance: %,d events%n", stored);
        } finally {
            loader.stop();
        }
        // unpinned: both JVMs share every core; pinned (taskset): each instance gets one core of its own, as if on a
        // machine of its own, and the single instance one core (PostgreSQL is not pinned in either)
        boolean pin = Runtime.getRuntime().availableProcessors() >= 2 && Files.isExecutable(Path.of("/usr/bin/taskset"));
        for (boolean pinned : options.clusterSegmentsOnly ? List.<Boolean>of() : pin ? List.of(false, true) : List.of(false)) {
            String shape = pinned ? "one core per instance" : "instances share the cores";
            Fold single = fold("cluster-one" + (pinned ? "-pinned" : ""), pg.copyDatabase(source, "cluster_one"), 1, pinned);
            Fold pair = fold("cluster-two" + (pinned ? "-pinned" : ""), pg.copyDatabase(source, "cluster_two"), 2, pinned);
            report.row("cluster (" + shape + "): " + String.format(Locale.ROOT, "%,d", stored)
                            + " events folded from scratch by every processor, one instance",
                    String.format(Locale.ROOT, "%.1f s (%.0f CPU s)", single.seconds(), single.cpuSeconds()), "",
                    single.caughtUp() ? "info" : "NOT CAUGHT UP");
            report.row("cluster (" + shape + "): the same, two instances (processors " + pair.split() + ")",
                    String.format(Locale.ROOT, "%.1f s (%.0f CPU s)", pair.seconds(), pair.cpuSeconds()),
                    String.format(Locale.ROOT, "%.2f × one", pair.seconds() / single.seconds()), pair.caughtUp() ? "info" : "NOT CAUGHT UP");
        }
        if (options.clusterProfileSegments > 1) {
            segmentFolds(source, stored, Segmented.PROFILES, options.clusterProfileSegments);
        }
        if (options.clusterPluginSegments > 1) {
            segmentFolds(source, stored, Segmented.AFFINITY, options.clusterPluginSegments);
        }
        if (options.clusterReportingSegments > 1) {
            segmentFolds(source, stored, Segmented.REPORTING, options.clusterReportingSegments);
        }
    }

    private static final String PROFILES_STATUS = "/api/v1/projections/profiles";

    /** A processor the cluster part can fold on several segments: its setting, status path, labels and plugin (if any). */
    private enum Segmented {
        PROFILES("FOOTFALL_PROCESSING_SEGMENTS_PROFILES", PROFILES_STATUS, "profiles-", "profile projection", null),
        REPORTING("FOOTFALL_PROCESSING_SEGMENTS_REPORTING", "/api/v1/projections/reporting", "reporting-", "reporting projection", null),
        AFFINITY("FOOTFALL_PROCESSING_SEGMENTS_PLUGINS", "/api/v1/plugins/category-affinity", "affinity-", "the plugin", "category-affinity");

        final String setting;
        final String status;
        final String label;
        final String processor;
        /** The one built-in plugin the folds run with, or null for none. */
        final String plugin;

        Segmented(String setting, String status, String label, String processor, String plugin) {
            this.setting = setting;
            this.status = status;
            this.label = label;
            this.processor = processor;
            this.plugin = plugin;
        }
    }

    /**
     * A processor on several segments (ADR 0021), the profile projection ({@code --cluster-profile-segments}), the
     * reporting projection ({@code --cluster-reporting-segments}) or a plugin
     * folded by person, category-affinity ({@code --cluster-plugin-segments}): the same log folded with no plugins but
     * that one (the profile and reporting projections run too), by one instance with one segment, one instance with
     * {@code n}, and two instances sharing them. Reports when the processor caught up (the person keyer keys the log
     * first, behind the head, so its time is included).
     */
    private void segmentFolds(String source, long stored, Segmented kind, int n) throws Exception {
        String watched = kind.status;
        Path none = Files.createTempDirectory("footfall-bench-no-plugins-");
        Path builtin = none;
        if (kind.plugin != null) {
            builtin = Files.createTempDirectory("footfall-bench-" + kind.plugin + "-");
            Path packaged = options.appJar.toAbsolutePath().getParent().resolve("plugins").resolve(kind.plugin);
            Path target = Files.createDirectory(builtin.resolve(kind.plugin));
            try (var jars = Files.list(packaged)) {
                for (Path jar : jars.toList()) {
                    Files.copy(jar, target.resolve(jar.getFileName()));
                }
            }
        }
        Map<String, String> noPlugins = Map.of("FOOTFALL_PLUGINS_BUILTIN", builtin.toString(), "FOOTFALL_PLUGINS_PATH", none.toString());
        Map<String, String> segmented = new java.util.HashMap<>(noPlugins);
        segmented.put(kind.setting, Integer.toString(n));
        String what = kind.plugin != null ? kind.plugin + " only" : "no plugins";
        String events = String.format(Locale.ROOT, "%,d", stored);
        boolean pin = Runtime.getRuntime().availableProcessors() >= 2 && Files.isExecutable(Path.of("/usr/bin/taskset"));
        for (boolean pinned : pin ? List.of(false, true) : List.of(false)) {
            String shape = pinned ? "one core per instance" : "instances share the cores";
            String suffix = pinned ? "-pinned" : "";
            Fold base = fold(kind.label + "1seg" + suffix, pg.copyDatabase(source, "cluster_seg1"), 1, pinned, noPlugins, watched);
            report.row("cluster, " + what + " (" + shape + "): " + events + " events, " + kind.processor + " caught up, one instance, 1 segment",
                    String.format(Locale.ROOT, "%.1f s (%.0f CPU s in all)", base.profilesSeconds(), base.cpuSeconds()), "",
                    base.caughtUp() ? "baseline" : "NOT CAUGHT UP");
            if (!pinned) {
                Fold one = fold(kind.label + n + "seg", pg.copyDatabase(source, "cluster_segn"), 1, false, segmented, watched);
                report.row("cluster, " + what + " (" + shape + "): the same, one instance, " + n + " segments",
                        String.format(Locale.ROOT, "%.1f s (%.0f CPU s in all)", one.profilesSeconds(), one.cpuSeconds()),
                        String.format(Locale.ROOT, "%.2f × 1 segment", one.profilesSeconds() / base.profilesSeconds()), one.caughtUp() ? "info" : "NOT CAUGHT UP");
            }
            String db = pg.copyDatabase(source, "cluster_segn2");
            Fold two = fold(kind.label + n + "seg-2" + suffix, db, 2, pinned, segmented, watched);
            report.row("cluster, " + what + " (" + shape + "): the same, two instances sharing " + n + " segments (units held " + two.split() + ")",
                    String.format(Locale.ROOT, "%.1f s (%.0f CPU s in all)", two.profilesSeconds(), two.cpuSeconds()),
                    String.format(Locale.ROOT, "%.2f × 1 segment", two.profilesSeconds() / base.profilesSeconds()), two.caughtUp() ? "info" : "NOT CAUGHT UP");
            try (java.sql.Connection c = pg.connect(db); java.sql.Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SELECT count(*), coalesce(sum(cardinality(positions)), 0), "
                         + "coalesce(sum(cardinality(barriers)), 0) FROM person_key_batch")) {
                rs.next();
                System.out.printf(Locale.ROOT, "  person keyer: %,d batches, %,d events keyed, %,d barrier events%n", rs.getLong(1), rs.getLong(2), rs.getLong(3));
            }
        }
    }

    /**
     * One fold of a copied log.
     *
     * @param seconds    launch to every processor caught up
     * @param cpuSeconds CPU of the instances over that time (start-up included)
     * @param split      processors held per instance when caught up, e.g. {@code 4+3}
     * @param caughtUp   whether every processor caught up before {@code --fold-deadline}
     * @param profilesSeconds launch to the watched processor caught up (the profile projection unless told)
     */
    private record Fold(double seconds, double cpuSeconds, String split, boolean caughtUp, double profilesSeconds) {
    }

    private Fold fold(String label, String db, int instances, boolean pinned) throws Exception {
        return fold(label, db, instances, pinned, Map.of());
    }

    private Fold fold(String label, String db, int instances, boolean pinned, Map<String, String> extraEnv) throws Exception {
        return fold(label, db, instances, pinned, extraEnv, PROFILES_STATUS);
    }

    private Fold fold(String label, String db, int instances, boolean pinned, Map<String, String> extraEnv, String watched) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(extraEnv);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", pg.url(db));
        env.put("QUARKUS_DATASOURCE_USERNAME", pg.user());
        env.put("QUARKUS_DATASOURCE_PASSWORD", "");
        env.put("FOOTFALL_ROLES", "process,serve");
        List<AppProcess> apps = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (int i = 1; i <= instances; i++) {
                List<String> launcher = pinned ? List.of("/usr/bin/taskset", "-c", Integer.toString(i - 1)) : List.<String>of();
                apps.add(AppProcess.start(label + "-" + i, launcher, options.appJar, options.appJvmArgs, env, options.logDir));
            }
            for (AppProcess app : apps) {
                app.awaitReady(Duration.ofSeconds(180));
            }
            double ready = (System.nanoTime() - t0) / 1e9;
            HttpApi api = new HttpApi(apps.get(0).base());
            long deadline = t0 + options.foldDeadlineSeconds * 1_000_000_000L;
            boolean caughtUp = false;
            double profilesSeconds = Double.NaN;
            while (!caughtUp && System.nanoTime() < deadline) {
                Thread.sleep(PluginHostProbe.POLL_MS); // polling the processors' positions, not a test
                if (Double.isNaN(profilesSeconds) && watchedCaughtUp(api, watched)) {
                    profilesSeconds = (System.nanoTime() - t0) / 1e9;
                }
                caughtUp = caughtUp(api);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (Double.isNaN(profilesSeconds) && caughtUp) {
                profilesSeconds = seconds;
            }
            long ticks = 0;
            for (AppProcess app : apps) {
                for (long pid : app.processTree()) {
                    ticks += Math.max(0, ProcStats.cpuTicks(pid));
                }
            }
            StringBuilder split = new StringBuilder();
            com.fasterxml.jackson.databind.JsonNode cluster = api.getJson("/api/v1/cluster");
            for (com.fasterxml.jackson.databind.JsonNode instance : cluster.path("instances")) {
                if (instance.path("live").asBoolean()) {
                    split.append(split.isEmpty() ? "" : "+").append(instance.path("holds").size());
                }
            }
            System.out.printf(Locale.ROOT, "  %d instance(s)%s: ready %.1f s after launch, every processor caught up %.1f s after launch%s; "
                    + "processors held %s; %s%n", instances, pinned ? " (one core each)" : "", ready, seconds, caughtUp ? "" : " (NOT by the deadline)", split, cluster.path("instances"));
            return new Fold(seconds, ticks / (double) ProcStats.TICKS_PER_SECOND, split.toString(), caughtUp, profilesSeconds);
        } finally {
            for (AppProcess app : apps) {
                app.stop();
            }
        }
    }

    /** Whether the processor whose status is at this path (a projection's or a plugin's) has handled the whole log. */
    private static boolean watchedCaughtUp(HttpApi api, String status) throws IOException, InterruptedException {
        com.fasterxml.jackson.databind.JsonNode p = api.getJson(status);
        return p != null && p.path("lag").asLong() == 0 && p.path("position").asLong() >= 0;
    }

    /** Whether every projection and every plugin has handled the whole log. */
    private static boolean caughtUp(HttpApi api) throws IOException, InterruptedException {
        com.fasterxml.jackson.databind.JsonNode projections = api.getJson("/api/v1/projections");
        if (projections == null || projections.isEmpty()) {
            return false;
        }
        for (com.fasterxml.jackson.databind.JsonNode p : projections) {
            if (p.path("lag").asLong() != 0 || p.path("position").asLong() < 0) {
                return false;
            }
        }
        com.fasterxml.jackson.databind.JsonNode plugins = api.getJson("/api/v1/plugins");
        for (com.fasterxml.jackson.databind.JsonNode p : plugins == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
                : plugins.path("plugins")) {
            if (p.path("lag").asLong() != 0) {
                return false;
            }
        }
        return true;
    }

    /** The admin UI's first dashboard paint over the same read models, in headless Chromium, when the machine has it. */
    private void dashboardPaint(AppProcess app, String range) {
        if (!DashboardPaint.available()) {
            System.out.println("  dashboard paint: skipped (no /usr/bin/chromium and /usr/bin/chromedriver; .ci/run installs them)");
            return;
        }
        try {
            List<DashboardPaint.Load> loads = DashboardPaint.measure(app.base(), ADMIN_USER, ADMIN_PASSWORD, range, 7);
            double[] fcp = loads.stream().mapToDouble(DashboardPaint.Load::firstContentfulPaint).toArray();
            double[] drawn = loads.stream().mapToDouble(DashboardPaint.Load::chartsDrawn).toArray();
            double[] settled = loads.stream().mapToDouble(DashboardPaint.Load::allSettled).toArray();
            System.out.printf(Locale.ROOT, "  dashboard (7 fresh loads, ms since navigation): first contentful paint p50 %.0f, charts drawn p50 %.0f "
                    + "max %.0f, every report region settled p50 %.0f max %.0f%n", Stats.percentile(fcp, 50), Stats.percentile(drawn, 50),
                    Stats.max(drawn), Stats.percentile(settled, 50), Stats.max(settled));
            report.check("reports: first dashboard paint (charts drawn, median of 7)", Stats.percentile(drawn, 50),
                    String.format(Locale.ROOT, "%.0f ms", Stats.percentile(drawn, 50)), TARGET_DASHBOARD_PAINT_MS, false, "≤ 2,000 ms");
            report.row("reports: dashboard, every report region settled (median of 7)", String.format(Locale.ROOT, "%.0f ms",
                    Stats.percentile(settled, 50)), "", "info");
        } catch (Exception e) {
            problems.add("dashboard paint: " + e);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private AppProcess startApp(String label, String db) throws IOException, InterruptedException {
        return startApp(label, db, Map.of());
    }

    private AppProcess startApp(String label, String db, Map<String, String> extraEnv) throws IOException, InterruptedException {
        Map<String, String> env = new java.util.HashMap<>(extraEnv);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", pg.url(db));
        env.put("QUARKUS_DATASOURCE_USERNAME", pg.user());
        env.put("QUARKUS_DATASOURCE_PASSWORD", "");
        AppProcess app = AppProcess.start(label, options.appJar, options.appJvmArgs, env, options.logDir);
        long t0 = System.nanoTime();
        app.awaitReady(Duration.ofSeconds(180));
        System.out.printf(Locale.ROOT, "  app ready in %.1f s (pid %d, %s, database %s, log %s)%n",
                (System.nanoTime() - t0) / 1e9, app.pid(), app.base(), db, app.log());
        return app;
    }

    private ProcStats.CpuSampler appCpu(AppProcess app) {
        long self = ProcessHandle.current().pid();
        return new ProcStats.CpuSampler()
                .group("app", app::processTree)
                .group("postgres", () -> ProcStats.pidsNamed("postgres"))
                .group("bench", () -> List.of(self));
    }

    /** Reports the WARN/ERROR lines of a stopped app's log. */
    private void appProblems(Path log, boolean alive) {
        try {
            if (!Files.exists(log) || Files.getLastModifiedTime(log).toInstant().isBefore(started)) {
                return; // not written by this run
            }
        } catch (IOException e) {
            return;
        }
        List<String> lines = AppProcess.problems(log, 12);
        if (!lines.isEmpty()) {
            System.out.println("  app log WARN/ERROR lines (" + log + ", including shutdown):");
            lines.forEach(l -> System.out.println("    " + HttpApi.abbreviate(l)));
            problems.add("app log " + log.getFileName() + " has WARN/ERROR lines (including shutdown), first: "
                    + HttpApi.abbreviate(lines.get(0)));
        }
        if (alive) {
            problems.add("app " + log.getFileName() + " was still alive after stop");
        }
    }

    /** {@code min–max} of some core counts. */
    private static String range(List<Double> values) {
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        return Report.fmt(min, 2) + "–" + Report.fmt(max, 2);
    }

    /** Milliseconds, or "> 10,000 (timed out)" for an infinite value. */
    private static String ms(double value) {
        return Double.isInfinite(value) ? "> " + Report.fmt(FreshnessProbe.POLL_DEADLINE_MS, 0) + " (timed out)"
                : Report.fmt(value, 0);
    }

    private String machine() {
        StringBuilder out = new StringBuilder();
        out.append("machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs (")
                .append(firstMatch(Path.of("/proc/cpuinfo"), "model name")).append("), ")
                .append(firstMatch(Path.of("/proc/meminfo"), "MemTotal")).append(" RAM; ")
                .append(oneLine(Path.of("/proc/version")).split(" \\(")[0]).append('\n');
        out.append("java: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(" (").append(System.getProperty("java.home"))
                .append("; same binary runs the app)\n");
        out.append("postgresql: ").append(pg.describe()).append('\n');
        return out.toString();
    }

    private static String firstMatch(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "?";
        }
        return "?";
    }

    private static String oneLine(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    /** The directory holding this jar ({@code bench/target}), or {@code bench/target} under the working directory. */
    private static Path benchTarget() {
        try {
            Path location = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = location.getParent(); // bench/target for bench/target/footfall-bench.jar and bench/target/classes
            if (dir != null) {
                return dir.toAbsolutePath();
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through
        }
        return Path.of("bench", "target").toAbsolutePath();
    }
}
