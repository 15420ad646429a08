package io.footfall.collector.logs;

import io.footfall.sdk.BatchSender;
import io.footfall.sdk.SendResult;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Imports one CSV file: rows are mapped by a {@link RowFormat}, bad rows reported with their line
 * numbers and skipped, events sent in batches through {@link BatchSender} with several requests in
 * flight.
 *
 * <p><b>Never half-imported.</b> A row is imported whole or skipped whole (and reported); an
 * order assembled from several rows is imported whole or skipped whole. Each request is committed
 * by the server in one transaction or not at all (503/429 store nothing and are retried). If a
 * request is given up, reading stops, the run ends with {@link Report#complete()} false and names
 * the lines not imported; re-running the same command imports exactly the rest, because message
 * ids are derived from the data set tag and row content and the server stores each id once.
 */
final class Backfill {
    /** The server's default limit per event ({@code footfall.ingest.max-event-bytes}). */
    static final int MAX_EVENT_BYTES = 32_768;

    /** How to run. */
    record Options(int batchSize, int maxBatchBytes, int concurrency, boolean dryRun, int badRowsShown, long limit) {
        static Options defaults() {
            return new Options(500, 400_000, 4, false, 20, Long.MAX_VALUE);
        }
    }

    /** What happened. */
    record Report(long lines, long events, long stored, long duplicates, long rejected, long badRows, List<String> badSamples,
                  List<String> failures, double seconds) {
        boolean complete() {
            return failures.isEmpty();
        }

        double eventsPerSecond() {
            return seconds <= 0 ? 0 : events / seconds;
        }
    }

    private final Path file;
    private final RowFormat format;
    private final BatchSender sender;
    private final Options options;
    private final PrintStream progress;

    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong badRows = new AtomicLong();
    private final List<String> badSamples = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong bytesRead = new AtomicLong();

    Backfill(Path file, RowFormat format, BatchSender sender, Options options, PrintStream progress) {
        this.file = file;
        this.format = format;
        this.sender = sender;
        this.options = options;
        this.progress = progress;
    }

    Report run() throws IOException, InterruptedException {
        long size = Math.max(1, Files.size(file));
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(options.concurrency(), r -> {
            Thread t = new Thread(r, "backfill-sender");
            t.setDaemon(true);
            return t;
        });
        Semaphore window = new Semaphore(options.concurrency() * 2);
        ProgressBar bar = new ProgressBar(progress, () -> bytesRead.get() / (double) size, seconds -> {
            long counted = options.dryRun() ? events.get() : acknowledged.get();
            return String.format("%,d lines  %,d events %s  %,.0f events/s  %,d bad rows", lines.get(), counted,
                    options.dryRun() ? "valid" : "acknowledged", counted / seconds, badRows.get());
        }).start();
        Batch batch = new Batch();
        RowFormat.Emitter emitter = new RowFormat.Emitter() {
            @Override
            public void emit(RowFormat.Out event) {
                String json = event.json();
                if (json.length() > MAX_EVENT_BYTES / 3 && json.getBytes(StandardCharsets.UTF_8).length > MAX_EVENT_BYTES) {
                    String lines = event.firstLine() == event.lastLine() ? "" : " (lines " + event.firstLine() + "–" + event.lastLine() + ")";
                    badRow(event.firstLine(), "the event is larger than the server's " + MAX_EVENT_BYTES + " bytes per event" + lines);
                    return;
                }
                events.incrementAndGet();
                if (options.dryRun()) {
                    return;
                }
                int bytes = json.length() + 1;
                if (!batch.jsons.isEmpty() && (batch.jsons.size() >= options.batchSize() || batch.bytes + bytes > options.maxBatchBytes())) {
                    send(batch.take(), pool, window);
                }
                batch.add(json, event, bytes);
            }

            @Override
            public void bad(long line, String reason) {
                badRow(line, reason);
            }
        };
        try (InputStream in = new Counting(Files.newInputStream(file));
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            String raw;
            long line = 0;
            while (!stop.get() && (raw = reader.readLine()) != null && line < options.limit()) {
                line++;
                lines.set(line);
                RowFormat.line(format, raw, line, emitter);
            }
            if (!stop.get()) {
                format.finish(emitter);
            } else {
                synchronized (failures) {
                    failures.add("reading stopped after line " + line + "; the rest of the file was not sent");
                }
            }
            if (!batch.jsons.isEmpty() && !stop.get()) {
                send(batch.take(), pool, window);
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.DAYS);
            bar.finish();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        synchronized (failures) {
            return new Report(lines.get(), events.get(), stored.get(), duplicates.get(), rejected.get(), badRows.get(),
                    List.copyOf(badSamples), List.copyOf(failures), seconds);
        }
    }

    private void badRow(long line, String reason) {
        badRows.incrementAndGet();
        synchronized (badSamples) {
            if (badSamples.size() < options.badRowsShown()) {
                badSamples.add("line " + line + ": " + reason);
            }
        }
    }

    private static final class Batch {
        List<String> jsons = new ArrayList<>();
        List<long[]> lines = new ArrayList<>();
        int bytes;

        void add(String json, RowFormat.Out event, int size) {
            jsons.add(json);
            lines.add(new long[]{event.firstLine(), event.lastLine()});
            bytes += size;
        }

        Batch take() {
            Batch full = new Batch();
            full.jsons = jsons;
            full.lines = lines;
            jsons = new ArrayList<>();
            lines = new ArrayList<>();
            bytes = 0;
            return full;
        }
    }

    private void send(Batch batch, ExecutorService pool, Semaphore window) {
        try {
            window.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.set(true);
            return;
        }
        pool.execute(() -> {
            try {
                if (stop.get()) {
                    fail(batch, "not sent: an earlier batch failed");
                    return;
                }
                SendResult r = sender.send(batch.jsons, false);
                if (r.ok()) {
                    stored.addAndGet(r.stored());
                    duplicates.addAndGet(r.duplicates());
                    rejected.addAndGet(r.rejected());
                    acknowledged.addAndGet(batch.jsons.size());
                    for (SendResult.EventError e : r.errors()) {
                        long[] l = batch.lines.get(Math.min(e.index(), batch.lines.size() - 1));
                        badRow(l[0], "rejected by the server: " + e.field() + " " + e.reason());
                    }
                } else {
                    fail(batch, r.failure());
                    stop.set(true);
                }
            } catch (InterruptedException e) {
                fail(batch, "interrupted");
                stop.set(true);
            } finally {
                window.release();
            }
        });
    }

    private void fail(Batch batch, String why) {
        long first = Long.MAX_VALUE;
        long last = 0;
        for (long[] l : batch.lines) {
            first = Math.min(first, l[0]);
            last = Math.max(last, l[1]);
        }
        synchronized (failures) {
            failures.add("lines " + first + "–" + last + " (" + batch.jsons.size() + " events) not imported: " + why);
        }
    }

    /** Counts bytes read, for the progress bar. */
    private final class Counting extends FilterInputStream {
        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                bytesRead.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                bytesRead.addAndGet(n);
            }
            return n;
        }
    }
}
