package io.footfall.collector.logs;

import io.footfall.sdk.BatchSender;
import io.footfall.sdk.RetryPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code footfall-collector-logs} command line: {@code backfill} CSV files, {@code tail} access
 * logs and JSON-lines files, {@code generate-userbehavior} test data, {@code sdk-bench}. Exit status
 * 0 when everything was imported, 1 when something was not (re-run to complete it), 2 for a bad
 * command line.
 */
public final class LogsMain {
    private static final String USAGE = """
            usage:
              footfall-collector-logs backfill --format userbehavior|retailrocket|online-retail|movielens
                   [--url http://localhost:8080] [--write-key KEY] [--dry-run] [--tag NAME] [--batch 500]
                   [--concurrency 4] [--gzip true|false] [--zone Europe/London] [--limit ROWS]
                   [--server [--piece-bytes 1000000]] FILE...
                   (--server: the server maps the rows, for userbehavior and movielens; much faster)
              footfall-collector-logs tail --format combined|jsonl [--config tailer.conf] --state STATE.json
                   [--url …] [--write-key …] [--interval-ms 500] [--from-end] [--once] FILE...
              footfall-collector-logs generate-userbehavior --rows N --out FILE [--seed 1]
              footfall-collector-logs sdk-bench [--url …] [--write-key …] [--events 100000] [--batch 250] [--in-flight 4]
            --url and --write-key may also come from FOOTFALL_URL and FOOTFALL_WRITE_KEY.
            """;

    private LogsMain() {
    }

    /** Runs a command and exits with its status. */
    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /** Runs a command (as {@link #main} does, without exiting) and returns its exit status. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0) {
            err.print(USAGE);
            return 2;
        }
        try {
            Args args = Args.parse(argv, 1, Set.of("dry-run", "from-end", "once", "server"));
            return switch (argv[0]) {
                case "backfill" -> backfill(args, out, err);
                case "tail" -> tail(args, out, err);
                case "generate-userbehavior" -> generate(args, out);
                case "sdk-bench" -> SdkBench.run(args, out);
                default -> {
                    err.print(USAGE);
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (IOException | BadRow e) {
            err.println("failed: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    static BatchSender sender(Args args, int concurrency) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .executor(java.util.concurrent.Executors.newFixedThreadPool(Math.max(2, concurrency), r -> {
                    Thread t = new Thread(r, "http");
                    t.setDaemon(true);
                    return t;
                })).build();
        return BatchSender.builder(URI.create(args.get("url", "http://localhost:8080")), args.required("write-key"))
                .httpClient(http).gzip(Boolean.parseBoolean(args.get("gzip", "true")))
                .requestTimeout(Duration.ofSeconds(60)).retryPolicy(RetryPolicy.defaults()).build();
    }

    static RowFormat format(String name, String tag, ZoneId zone) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "userbehavior", "taobao", "tianchi" -> new UserBehaviorFormat(tag);
            case "retailrocket" -> new RetailRocketFormat(tag);
            case "online-retail", "onlineretail", "uci" -> new OnlineRetailFormat(tag, zone);
            case "movielens", "ratings" -> new MovieLensFormat(tag);
            default -> throw new IllegalArgumentException("unknown --format " + name);
        };
    }

    private static int backfill(Args args, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        if (args.positional.isEmpty()) {
            throw new IllegalArgumentException("no FILE given");
        }
        boolean dryRun = args.flag("dry-run");
        if (args.flag("server") && !dryRun) {
            return serverImport(args, out, err);
        }
        int concurrency = args.integer("concurrency", 4);
        Backfill.Options options = new Backfill.Options(args.integer("batch", 500), 400_000, concurrency, dryRun, 20,
                Long.parseLong(args.get("limit", String.valueOf(Long.MAX_VALUE))));
        BatchSender sender = dryRun ? null : sender(args, concurrency);
        String formatName = args.required("format");
        ZoneId zone = ZoneId.of(args.get("zone", "Europe/London"));
        boolean complete = true;
        for (String name : args.positional) {
            Path file = Path.of(name);
            String tag = args.get("tag", file.getFileName().toString());
            err.println((dryRun ? "validating " : "importing ") + file + " as " + formatName + " (message ids from tag '" + tag + "')");
            Backfill.Report r = new Backfill(file, format(formatName, tag, zone), sender, options, err).run();
            complete &= print(file, r, dryRun, out);
        }
        return complete ? 0 : 1;
    }

    /** {@code backfill --server}: the server maps the rows ({@link ServerImport}). */
    private static int serverImport(Args args, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        String formatName = args.required("format");
        if (!RowImport.supports(formatName)) {
            throw new IllegalArgumentException("--server imports " + String.join(", ", new java.util.TreeSet<>(RowImport.FORMATS))
                    + "; " + formatName + " assembles orders from rows anywhere in the file: leave out --server");
        }
        if (args.get("limit", null) != null) {
            throw new IllegalArgumentException("--limit is not supported with --server");
        }
        ServerImport.Options options = new ServerImport.Options(Math.max(65_536, args.integer("piece-bytes", 1_000_000)),
                Math.max(1, args.integer("concurrency", 2)), Boolean.parseBoolean(args.get("gzip", "false")), 20);
        URI url = URI.create(args.get("url", "http://localhost:8080"));
        String key = args.required("write-key");
        boolean complete = true;
        for (String name : args.positional) {
            Path file = Path.of(name);
            String tag = args.get("tag", file.getFileName().toString());
            err.println("importing " + file + " as " + formatName + " on the server (message ids from tag '" + tag + "')");
            Backfill.Report r = new ServerImport(file, formatName, tag, url, key, options, err).run();
            complete &= print(file, r, false, out);
        }
        return complete ? 0 : 1;
    }

    /** Prints a file's report; whether it was imported completely. */
    private static boolean print(Path file, Backfill.Report r, boolean dryRun, PrintStream out) {
        out.printf(Locale.ROOT, "%s: %,d lines, %,d events%s, %,d bad rows, %.1f s, %,.0f events/s%n", file, r.lines(), r.events(),
                dryRun ? " valid (dry run: nothing sent)" : String.format(Locale.ROOT, " (%,d stored, %,d already there, %,d rejected)",
                        r.stored(), r.duplicates(), r.rejected()), r.badRows(), r.seconds(), r.eventsPerSecond());
        r.badSamples().forEach(s -> out.println("  bad: " + s));
        if (r.badRows() > r.badSamples().size()) {
            out.printf("  … and %,d more bad rows%n", r.badRows() - r.badSamples().size());
        }
        if (!r.complete()) {
            r.failures().forEach(f -> out.println("  NOT IMPORTED: " + f));
            out.println("  re-run the same command to import the rest: events already stored are recognised by their message ids");
        }
        return r.complete();
    }

    private static int tail(Args args, PrintStream out, PrintStream err) throws IOException, BadRow, InterruptedException {
        if (args.positional.isEmpty()) {
            throw new IllegalArgumentException("no FILE given");
        }
        String format = args.get("format", "combined");
        LineMapper mapper = switch (format) {
            case "combined", "access" -> new AccessLogMapper(args.get("config", null) == null ? TailConfig.defaults()
                    : TailConfig.load(Path.of(args.get("config", null))));
            case "jsonl", "json-lines" -> new JsonLinesMapper();
            default -> throw new IllegalArgumentException("unknown --format " + format);
        };
        TailState state = TailState.open(Path.of(args.required("state")));
        HttpSink sink = new HttpSink(sender(args, 1));
        List<FileTailer> tailers = new ArrayList<>();
        for (String name : args.positional) {
            tailers.add(new FileTailer(Path.of(name), mapper, sink, state, args.integer("batch", 500), args.flag("from-end"),
                    problem -> err.println("skipped: " + problem)));
        }
        long intervalNanos = Duration.ofMillis(args.integer("interval-ms", 500)).toNanos();
        boolean once = args.flag("once");
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(main::interrupt));
        while (!Thread.currentThread().isInterrupted()) {
            int sent = 0;
            for (FileTailer t : tailers) {
                try {
                    sent += t.poll();
                } catch (IOException e) {
                    err.println("will retry: " + e.getMessage());
                }
            }
            if (once) {
                break;
            }
            if (sent == 0) {
                LockSupport.parkNanos(intervalNanos); // the polling interval of a file follower
            }
        }
        out.printf("sent %,d events (%,d stored, %,d already there, %,d rejected)%n", tailers.stream().mapToLong(FileTailer::sent).sum(),
                sink.stored.get(), sink.duplicates.get(), sink.rejected.get());
        return 0;
    }

    private static int generate(Args args, PrintStream out) throws IOException {
        Path file = Path.of(args.required("out"));
        long rows = Long.parseLong(args.required("rows"));
        UserBehaviorGenerator.write(file, rows, Long.parseLong(args.get("seed", "1")));
        out.printf("wrote %,d rows to %s (%,d bytes)%n", rows, file, Files.size(file));
        return 0;
    }
}
