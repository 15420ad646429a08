package io.footfall.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The command line of {@link BenchMain}. Every size has a default for the full run; {@code --quick} switches
 * the defaults to a small run, and explicit options given after it (or before it) still win.
 */
final class Options {

    /** The parts of the benchmark that can be selected with {@code --only}. */
    static final List<String> PARTS = List.of("copy", "ingest", "freshness", "rss", "plugins", "reports", "segments", "recs", "relay", "cluster");
    /** The parts run without {@code --only}: {@code reports} (a large load) and {@code segments} (a few minutes more) run only when asked for. */
    static final List<String> DEFAULT_PARTS = List.of("copy", "ingest", "freshness", "rss", "plugins");

    Set<String> only = new LinkedHashSet<>(DEFAULT_PARTS);
    boolean quick;
    int events = 200_000;
    int warmup = 20_000;
    /**
     * Warm-up events of the ingest part: the app runs C2 only (ADR 0008), and 20,000 events left the compiler busy
     * through the first timed rep (0.8 of a core), which then measured the JIT.
     */
    int ingestWarmup = 100_000;
    /**
     * At most this many warm-up rounds of {@link #ingestWarmup} events: rounds repeat until one is within
     * {@link #steadyWithin} of the one before (steady state, as a JMH warm-up), because on a slower VM the first timed
     * rep after one round still ran 1.6 × slower than the third (the app's CPU per event fell from 56 to 27 µs).
     */
    int ingestWarmupRounds = 6;
    /** At most this many freshness warm-up rounds of {@link #warmup} events, until the JIT compiler settles. */
    int freshWarmupRounds = 8;
    /** JIT compiler cores during a warm-up round under which the app counts as compiled. */
    double jitSettled = 0.10;
    /** Relative difference of two consecutive warm-up rounds' rates under which the app counts as warm. */
    double steadyWithin = 0.10;
    int clients = 8;
    int batch = 250;
    int reps = 3;
    int rate = 5_000;
    int durationSeconds = 30;
    int freshBatch = 100;
    int idleSeconds = 20;
    int catchUpSeconds = 60;
    int pluginEvents = 100_000;
    /** Events in the log the cluster part folds with one and with two instances. */
    int clusterEvents = 100_000;
    /** Segments of the profile projection in the cluster part's extra folds (ADR 0021); 1 leaves them out. */
    int clusterProfileSegments = 2;
    /** Segments of category-affinity in the cluster part's plugin-segments folds (1 leaves them out). */
    int clusterPluginSegments = 1;
    /** Segments of the reporting projection in the cluster part's reporting-segments folds (1 leaves them out). */
    int clusterReportingSegments = 1;
    /** The cluster part folds only the profile-segment shapes (not every processor with one and two instances). */
    boolean clusterSegmentsOnly;
    int foldDeadlineSeconds = 300;
    /** Events loaded before the report API is timed ({@code reports} part). */
    int reportEvents = 1_000_000;
    /** Timed requests per report ({@code reports} part). */
    int reportRequests = 40;
    /** When above 0: the reports part fills the read models directly for this many people instead of loading events. */
    int reportSyntheticPeople = 0;
    /** Part {@code reports} with synthetic people: events copied into the log first (see BenchMain#fillLog). */
    int reportLogEvents = 0;
    int segmentRate = 10_000;
    int recUsers = 1_000_000;
    int recItems = 50_000;
    int recRate = 1_000;
    int recDuration = 60;
    int segmentDuration = 60;
    /**
     * Simulated days the segments part's workload spans (0: the shared 30-day workload, cycled). Fewer days with more
     * users compress event time less: the load then covers the warm-up and the load once, without going back in time.
     */
    int segmentDays = 0;
    /** Plugin-host configurations to run ({@code a,b,b2,c,d}); all by default. */
    Set<String> pluginConfigs = new LinkedHashSet<>(List.of("a", "b", "b2", "c", "d"));
    long seed = 42;
    int pgPort = 5432;
    String pgUser = "postgres";
    Path appJar;
    /** The repository (parent of {@code bench/}), for the plugin fixtures jar. */
    Path repo;
    /** The flags README's command 1 starts the app with (ADR 0008); --app-jvm-args replaces them. */
    static final List<String> DEFAULT_APP_JVM_ARGS = List.of("-XX:-TieredCompilation");
    List<String> appJvmArgs = DEFAULT_APP_JVM_ARGS;
    Path logDir;
    /**
     * {@code FOOTFALL_ROLES} of the app in the ingest part: {@code all} (the embedded default's single instance) or
     * {@code ingest} (an ingest-only instance of a scaled-out deployment, ADR 0013), which runs no projections.
     */
    String ingestRoles = "all";

    /** Parses {@code args}; throws {@link IllegalArgumentException} with a message for a bad command line. */
    static Options parse(String[] args, Path benchTarget) {
        Options o = new Options();
        List<String> list = Arrays.asList(args);
        if (list.contains("--quick")) {
            o.quick = true;
            o.events = 20_000;
            o.warmup = 5_000;
            o.ingestWarmup = 5_000;
            o.durationSeconds = 10;
            o.segmentDuration = 15;
            o.idleSeconds = 5;
            o.catchUpSeconds = 30;
            o.pluginEvents = 20_000;
            o.clusterEvents = 20_000;
            o.foldDeadlineSeconds = 120;
            o.reportEvents = 20_000;
            o.reportRequests = 10;
        }
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> { }
                case "--help", "-h" -> throw new IllegalArgumentException("");
                case "--only" -> o.only = parts(value(args, ++i, a));
                case "--events" -> o.events = positive(args, ++i, a);
                case "--warmup" -> o.warmup = nonNegative(args, ++i, a);
                case "--ingest-warmup" -> o.ingestWarmup = nonNegative(args, ++i, a);
                case "--ingest-warmup-rounds" -> o.ingestWarmupRounds = positive(args, ++i, a);
                case "--fresh-warmup-rounds" -> o.freshWarmupRounds = positive(args, ++i, a);
                case "--clients" -> o.clients = positive(args, ++i, a);
                case "--batch" -> o.batch = positive(args, ++i, a);
                case "--reps" -> o.reps = positive(args, ++i, a);
                case "--rate" -> o.rate = positive(args, ++i, a);
                case "--duration" -> o.durationSeconds = positive(args, ++i, a);
                case "--fresh-batch" -> o.freshBatch = positive(args, ++i, a);
                case "--idle" -> o.idleSeconds = nonNegative(args, ++i, a);
                case "--catch-up" -> o.catchUpSeconds = nonNegative(args, ++i, a);
                case "--plugin-events" -> o.pluginEvents = positive(args, ++i, a);
                case "--cluster-events" -> o.clusterEvents = positive(args, ++i, a);
                case "--cluster-profile-segments" -> o.clusterProfileSegments = positive(args, ++i, a);
                case "--cluster-plugin-segments" -> o.clusterPluginSegments = positive(args, ++i, a);
                case "--cluster-reporting-segments" -> o.clusterReportingSegments = positive(args, ++i, a);
                case "--cluster-segments-only" -> o.clusterSegmentsOnly = true;
                case "--plugin-configs" -> o.pluginConfigs = new LinkedHashSet<>(splitArgs(value(args, ++i, a).replace(',', ' ')));
                case "--fold-deadline" -> o.foldDeadlineSeconds = positive(args, ++i, a);
                case "--report-events" -> o.reportEvents = positive(args, ++i, a);
                case "--report-requests" -> o.reportRequests = positive(args, ++i, a);
                case "--report-synthetic-people" -> o.reportSyntheticPeople = positive(args, ++i, a);
                case "--report-log-events" -> o.reportLogEvents = positive(args, ++i, a);
                case "--segment-rate" -> o.segmentRate = positive(args, ++i, a);
                case "--rec-users" -> o.recUsers = positive(args, ++i, a);
                case "--rec-items" -> o.recItems = positive(args, ++i, a);
                case "--rec-rate" -> o.recRate = positive(args, ++i, a);
                case "--rec-duration" -> o.recDuration = positive(args, ++i, a);
                case "--segment-duration" -> o.segmentDuration = positive(args, ++i, a);
                case "--segment-days" -> o.segmentDays = positive(args, ++i, a);
                case "--seed" -> o.seed = Long.parseLong(value(args, ++i, a));
                case "--pg-port" -> o.pgPort = positive(args, ++i, a);
                case "--pg-user" -> o.pgUser = value(args, ++i, a);
                case "--app-jar" -> o.appJar = Path.of(value(args, ++i, a)).toAbsolutePath();
                case "--app-jvm-args" -> o.appJvmArgs = splitArgs(value(args, ++i, a));
                case "--ingest-roles" -> o.ingestRoles = roles(value(args, ++i, a));
                case "--log-dir" -> o.logDir = Path.of(value(args, ++i, a)).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (o.batch > 500) {
            throw new IllegalArgumentException("--batch must be at most 500");
        }
        if (o.freshBatch > 500) {
            throw new IllegalArgumentException("--fresh-batch must be at most 500");
        }
        if (o.clients > 256 || o.reps > 20 || o.durationSeconds > 3_600 || o.events > 20_000_000 || o.rate > 1_000_000
                || o.pluginEvents > 20_000_000 || o.clusterEvents > 20_000_000 || o.clusterProfileSegments > 64 || o.clusterPluginSegments > 64 || o.clusterReportingSegments > 64 || o.foldDeadlineSeconds > 3_600 || o.reportEvents > 20_000_000
                || o.reportRequests > 10_000 || o.reportSyntheticPeople > 2_000_000 || o.reportLogEvents > 50_000_000) {
            throw new IllegalArgumentException("a size is out of bounds (clients ≤ 256, reps ≤ 20, duration ≤ 3600 s, "
                    + "events ≤ 20,000,000, fold deadline ≤ 3600 s, rate ≤ 1,000,000/s)");
        }
        Path repo = benchTarget.getParent() != null && benchTarget.getParent().getParent() != null
                ? benchTarget.getParent().getParent() : Path.of("").toAbsolutePath();
        o.repo = repo;
        if (o.appJar == null) {
            o.appJar = repo.resolve("app/target/quarkus-app/quarkus-run.jar");
        }
        if (o.logDir == null) {
            o.logDir = benchTarget;
        }
        return o;
    }

    static String usage() {
        return """
                usage: java -jar bench/target/footfall-bench.jar [options]
                  --only copy,ingest,freshness,rss,plugins,reports,segments,recs,relay,cluster   parts to run (default: copy,ingest,freshness,rss,plugins)
                  --cluster-events N  events of the log the cluster part folds with one, then two process instances (100000)
                  --cluster-profile-segments N   the cluster part also folds the log without plugins on 1 and N profile
                                      segments, one and two instances (2; 1 leaves that out)
                  --cluster-plugin-segments N   the same for a plugin folded by person (category-affinity alone, on 1 and
                                      N segments; 1, the default, leaves that out)
                  --cluster-reporting-segments N   the same for the reporting projection (no plugins; 1, the default,
                                      leaves that out)
                  --cluster-segments-only   the cluster part folds only those (not every processor on one and two instances)
                  --quick                            small sizes (20k events, 10 s freshness, 5 s idle, 20k plugin events)
                  --events N        events per ingest repetition (200000)
                  --warmup N        warm-up events before the timed runs (20000)
                  --ingest-warmup N warm-up events of the ingest part, sent to the app before its timed reps (100000)
                  --ingest-warmup-rounds N  repeat the warm-up until two rounds' rates are within 10 %, at most N rounds (6)
                  --fresh-warmup-rounds N   repeat the freshness warm-up (--warmup events at --rate) until the JIT compiler
                                    uses under 0.1 cores, at most N rounds (8)
                  --clients C       concurrent HTTP clients (8)
                  --batch B         events per request and rows per baseline commit, ≤ 500 (250)
                  --reps R          repetitions of the copy/insert/ingest measurements (3)
                  --rate R          events/s of the open-loop freshness load (5000)
                  --duration S      seconds of the freshness load (30)
                  --fresh-batch B   events per request in the freshness load (100)
                  --idle S          seconds idle before reading the RSS (20)
                  --catch-up S      max seconds to wait for the projection after the ingest runs (60)
                  --plugin-events N events ingested per plugin-host configuration (100000)
                  --plugin-configs a,b,b2,c,d   plugin-host configurations to run (all)
                  --fold-deadline S longest wait for the processors to fold the log, per configuration (300)
                  --report-events N events loaded before timing the report API (1000000)
                  --report-requests N timed requests per report (40)
                  --report-synthetic-people N  reports part: fill the read models directly with what N × 90 events produce
                                    (N people, 5 active days each over 30 days) instead of loading events (off)
                  --report-log-events N        reports part with synthetic people: copy N events into the log first (the database's size)
                  --segment-rate N  events/s offered in the segments part, 50 rule segments configured (10000)
                  --rec-users N --rec-items N   recs part: read model of N users and N items (1000000, 50000)
                  --rec-rate R --rec-duration S recs part: GET /api/v1/recommendations at R requests/s for S s (1000, 60)
                  --segment-duration S  seconds of load in the segments part (60); then up to --fold-deadline to catch up
                  --segment-days D  segments part: its own workload of D simulated days, with as many users as fill the
                                    warm-up and the load once (default: the shared 30-day workload, cycled)
                  --seed N          simulator seed (42)
                  --pg-port P       PostgreSQL port on 127.0.0.1 (5432), user --pg-user (postgres), trust auth
                  --app-jar PATH    (app/target/quarkus-app/quarkus-run.jar)
                  --app-jvm-args "ARGS"   JVM flags for the app (default: -XX:-TieredCompilation, as README's command 1)
                  --ingest-roles R  FOOTFALL_ROLES of the app in the ingest part: all (default) or ingest (no projections)
                  --log-dir DIR     where app-*.log go (bench/target)
                """;
    }

    private static String roles(String v) {
        if (!v.equals("all") && !v.equals("ingest")) {
            throw new IllegalArgumentException("--ingest-roles must be all or ingest");
        }
        return v;
    }

    private static Set<String> parts(String v) {
        Set<String> parts = new LinkedHashSet<>();
        for (String p : v.split(",")) {
            String part = p.trim().toLowerCase(Locale.ROOT);
            if (part.isEmpty()) {
                continue;
            }
            if (!PARTS.contains(part)) {
                throw new IllegalArgumentException("--only takes " + String.join(",", PARTS) + ", not " + part);
            }
            parts.add(part);
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("--only needs at least one part");
        }
        return parts;
    }

    private static List<String> splitArgs(String v) {
        List<String> out = new ArrayList<>();
        for (String s : v.trim().split("\\s+")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String[] args, int i, String option) {
        int v = nonNegative(args, i, option);
        if (v == 0) {
            throw new IllegalArgumentException(option + " must be positive");
        }
        return v;
    }

    private static int nonNegative(String[] args, int i, String option) {
        String v = value(args, i, option).replace("_", "");
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new IllegalArgumentException(option + " must not be negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, not " + v);
        }
    }

    boolean runs(String part) {
        return only.contains(part);
    }
}
