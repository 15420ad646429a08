package io.footfall.collector.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * {@code backfill --server}: sends the file's lines as they are, in pieces of whole lines, to {@code POST /v1/import},
 * where the server maps, validates and appends them ({@link RowImport}); this side only cuts the file. Pieces are
 * sent {@code concurrency} at a time; 429, 503 and network errors are retried with backoff (a piece sent again is
 * safe: its stored rows are recognised by their message ids); any other error stops the run, which then names the
 * lines not imported. Re-running the same command imports exactly the rest.
 */
final class ServerImport {

    /** Retries of one piece before the run gives up on it. */
    static final int MAX_ATTEMPTS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How to run. */
    record Options(int pieceBytes, int concurrency, boolean gzip, int badRowsShown) {
    }

    private final Path file;
    private final String format;
    private final String tag;
    private final URI url;
    private final String authorization;
    private final Options options;
    private final PrintStream progress;
    private final HttpClient http;

    private final AtomicLong events = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong badRows = new AtomicLong();
    private final AtomicLong bytesDone = new AtomicLong();
    private final List<long[]> badLines = new ArrayList<>();
    private final List<String> badReasons = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();

    ServerImport(Path file, String format, String tag, URI base, String writeKey, Options options, PrintStream progress) {
        this.file = file;
        this.format = format;
        this.tag = tag;
        this.url = base.resolve("/v1/import?format=" + enc(format) + "&tag=" + enc(tag) + "&firstLine=");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
        this.options = options;
        this.progress = progress;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** One piece: whole lines, starting at line {@code firstLine} of the file. */
    private record Piece(byte[] bytes, long firstLine, long lastLine) {
    }

    Backfill.Report run() throws IOException, InterruptedException {
        long size = Math.max(1, Files.size(file));
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(options.concurrency(), r -> {
            Thread t = new Thread(r, "import-sender");
            t.setDaemon(true);
            return t;
        });
        Semaphore window = new Semaphore(options.concurrency());
        long lines = 0;
        ProgressBar bar = new ProgressBar(progress, () -> bytesDone.get() / (double) size, seconds -> String.format(
                "%,d events committed by the server  %,.0f events/s  %,d bad rows", events.get(), events.get() / seconds,
                badRows.get())).start();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] carry = new byte[0];
            long nextLine = 1;
            boolean end = false;
            while (!end && !stop.get()) {
                byte[] buffer = Arrays.copyOf(carry, Math.max(options.pieceBytes(), carry.length + 65_536));
                int filled = carry.length;
                int n;
                while (filled < buffer.length && (n = in.read(buffer, filled, buffer.length - filled)) > 0) {
                    filled += n;
                }
                end = filled < buffer.length;
                int cut = end ? filled : lastNewline(buffer, filled) + 1;
                if (cut == 0) { // one line longer than a piece: read on until it ends
                    carry = Arrays.copyOf(buffer, filled);
                    continue;
                }
                carry = Arrays.copyOfRange(buffer, cut, filled);
                byte[] bytes = Arrays.copyOf(buffer, cut);
                long count = newlines(bytes) + (bytes.length > 0 && bytes[bytes.length - 1] != '\n' ? 1 : 0);
                Piece piece = new Piece(bytes, nextLine, nextLine + count - 1);
                nextLine += count;
                lines = piece.lastLine();
                window.acquire();
                pool.execute(() -> {
                    try {
                        send(piece);
                    } finally {
                        window.release();
                    }
                });
            }
            if (stop.get()) {
                synchronized (failures) {
                    failures.add("reading stopped after line " + lines + "; the rest of the file was not sent");
                }
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.DAYS);
            bar.finish();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        List<String> samples = new ArrayList<>();
        synchronized (badLines) {
            Integer[] order = new Integer[badLines.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingLong(i -> badLines.get(i)[0]));
            for (int i = 0; i < order.length && samples.size() < options.badRowsShown(); i++) {
                samples.add("line " + badLines.get(order[i])[0] + ": " + badReasons.get(order[i]));
            }
        }
        synchronized (failures) {
            return new Backfill.Report(lines, events.get(), stored.get(), duplicates.get(), 0, badRows.get(), samples,
                    List.copyOf(failures), seconds);
        }
    }

    private void send(Piece piece) {
        if (stop.get()) {
            fail(piece, "not sent: an earlier piece failed");
            return;
        }
        String why = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + String.valueOf(piece.firstLine())))
                        .timeout(Duration.ofMinutes(5)).header("Authorization", authorization).header("Content-Type", "text/csv");
                byte[] body = piece.bytes();
                if (options.gzip()) {
                    body = gzip(body);
                    request.header("Content-Encoding", "gzip");
                }
                HttpResponse<String> r = http.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    JsonNode a = JSON.readTree(r.body());
                    events.addAndGet(a.path("events").asLong());
                    stored.addAndGet(a.path("stored").asLong());
                    duplicates.addAndGet(a.path("duplicates").asLong());
                    badRows.addAndGet(a.path("badRows").asLong());
                    synchronized (badLines) {
                        for (JsonNode b : a.path("bad")) {
                            badLines.add(new long[]{b.path("line").asLong()});
                            badReasons.add(b.path("reason").asText());
                        }
                    }
                    bytesDone.addAndGet(piece.bytes().length);
                    return;
                }
                why = r.statusCode() + " " + abbreviate(r.body());
                if (r.statusCode() != 429 && r.statusCode() != 503) {
                    if (r.statusCode() == 404) {
                        why += " (this server has no /v1/import: leave out --server)";
                    }
                    break;
                }
                long retryAfter = r.headers().firstValue("Retry-After").map(ServerImport::seconds).orElse(1L);
                Thread.sleep(Math.min(30_000, Math.max(retryAfter * 1000, backoff(attempt)))); // retry pacing
            } catch (IOException e) {
                why = "network: " + e.getMessage();
                try {
                    Thread.sleep(backoff(attempt)); // retry pacing
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                why = "interrupted";
                break;
            }
        }
        fail(piece, why);
        stop.set(true);
    }

    private void fail(Piece piece, String why) {
        synchronized (failures) {
            failures.add("lines " + piece.firstLine() + "–" + piece.lastLine() + " not imported: " + why);
        }
    }

    private static long backoff(int attempt) {
        return Math.min(10_000, 200L << Math.min(attempt, 6));
    }

    private static long seconds(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static int lastNewline(byte[] b, int length) {
        for (int i = length - 1; i >= 0; i--) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static long newlines(byte[] b) {
        long n = 0;
        for (byte x : b) {
            if (x == '\n') {
                n++;
            }
        }
        return n;
    }

    private static byte[] gzip(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4);
        try (GZIPOutputStream z = new GZIPOutputStream(out) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_SPEED);
            }
        }) {
            z.write(body);
        }
        return out.toByteArray();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }
}
