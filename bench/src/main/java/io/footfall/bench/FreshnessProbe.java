package io.footfall.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Profile freshness under a fixed, open-loop load. A pacer posts batches at fixed instants (the event rate
 * divided into batches) without waiting for answers, so a slow server cannot slow the offered load down; at most
 * {@value #MAX_IN_FLIGHT} requests are outstanding (beyond that a batch is skipped and counted). Meanwhile a
 * prober sends, every {@value #MARKER_INTERVAL_MS} ms, one marker event for a dedicated user and polls that
 * user's profile every {@value #POLL_MS} ms (deadline {@value #POLL_DEADLINE_MS} ms) until its event count
 * includes it: that is the end-to-end freshness seen by an API client. The app's own
 * {@code footfall_profile_freshness_seconds} summary is read from {@code /q/metrics} at the end.
 */
final class FreshnessProbe {

    static final int MAX_IN_FLIGHT = 512;
    static final int MARKER_INTERVAL_MS = 200;
    static final int POLL_MS = 10;
    static final int POLL_DEADLINE_MS = 10_000;
    private static final int MAX_ATTEMPTS = 20;
    private static final String METRIC = "footfall_profile_freshness_seconds";

    /**
     * Counts of one paced load.
     *
     * @param offered      events scheduled
     * @param stored       events answered 200 (stored)
     * @param skipped      events not sent because {@value #MAX_IN_FLIGHT} requests were outstanding
     * @param lost         events of batches that failed for good
     * @param maxLateMs    how far behind schedule the pacer fell at worst
     */
    record Paced(long offered, long stored, long duplicates, long skipped, long lost, double seconds, double maxLateMs,
                 Map<Integer, Long> statuses, long retries, List<String> errors) {
    }

    /**
     * The freshness measurement.
     *
     * @param metric        quantile (0.5, 0.9, 0.99, "max") → seconds, from /q/metrics at the end
     * @param windowCount   events the metric recorded during the measurement
     * @param windowMean    their mean freshness in seconds ((Δsum)/(Δcount))
     * @param markerMs      end-to-end marker latencies (send → visible in the profile API); +∞ for a timeout
     * @param afterAckMs    marker latencies counted from the 200 answer instead
     * @param markerTimeouts markers not visible within the deadline
     * @param projection    [position, head, lag] right after the load stopped
     */
    record Result(Paced load, Map<String, Double> metric, double windowCount, double windowMean, double[] markerMs,
                  double[] afterAckMs, int markerTimeouts, int markerFailures, long[] projection, Map<String, Double> cores,
                  Map<String, Double> appThreads, Map<String, Double> before, Map<String, Double> after, List<Double> windows) {

        /**
         * Share of the events folded during the load whose freshness was at most {@code le} seconds (one of the
         * metric's bucket bounds: 0.25, 0.5, 1.0, 2.0, 5.0), from the cumulative buckets before and after: exact
         * over the load, unlike the decaying-window quantiles.
         */
        double shareWithin(String le) {
            double bucket = find(after, METRIC + "_bucket{", "le=\"" + le + "\"") - find(before, METRIC + "_bucket{", "le=\"" + le + "\"");
            return windowCount > 0 ? bucket / windowCount : Double.NaN;
        }

        /** A quantile of another footfall metric's decaying window at the end of the load (NaN when absent). */
        double quantile(String metric, String q) {
            return find(after, metric + "{", "quantile=\"" + q + "\"");
        }
    }

    private FreshnessProbe() {
    }

    /** Posts {@code batches} at {@code rate} events/s (open loop) and waits (bounded) for the answers. */
    static Paced paced(HttpApi api, List<Workload.Batch> batches, int rate) throws InterruptedException {
        AtomicLong stored = new AtomicLong();
        AtomicLong duplicates = new AtomicLong();
        AtomicLong skipped = new AtomicLong();
        AtomicLong lost = new AtomicLong();
        AtomicLong retries = new AtomicLong();
        AtomicInteger inFlight = new AtomicInteger();
        Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        long offered = 0;
        double maxLate = 0;
        long t0 = System.nanoTime();
        for (Workload.Batch batch : batches) {
            long target = t0 + (long) (offered * 1e9 / rate);
            long wait;
            while ((wait = target - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            maxLate = Math.max(maxLate, (System.nanoTime() - target) / 1e6);
            offered += batch.events();
            if (inFlight.get() >= MAX_IN_FLIGHT) {
                skipped.addAndGet(batch.events());
                continue;
            }
            inFlight.incrementAndGet();
            send(api, batch, 0, stored, duplicates, lost, retries, inFlight, statuses, errors);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (inFlight.get() > 0 && System.nanoTime() < drainDeadline) {
            Thread.sleep(20);
        }
        if (inFlight.get() > 0) {
            errors.add(inFlight.get() + " requests still unanswered 90 s after the load stopped");
        }
        return new Paced(offered, stored.get(), duplicates.get(), skipped.get(), lost.get(), seconds, maxLate,
                new TreeMap<>(statuses), retries.get(), List.copyOf(errors));
    }

    private static void send(HttpApi api, Workload.Batch batch, int attempt, AtomicLong stored, AtomicLong duplicates,
                             AtomicLong lost, AtomicLong retries, AtomicInteger inFlight, Map<Integer, Long> statuses,
                             List<String> errors) {
        api.postAsync(batch.array()).whenComplete((a, error) -> {
            int status = error != null ? 599 : a.status();
            statuses.merge(status, 1L, Long::sum);
            if (status == 200) {
                stored.addAndGet(a.stored());
                duplicates.addAndGet(a.duplicates());
                inFlight.decrementAndGet();
            } else if ((status == 429 || status == 503 || status == 599) && attempt + 1 < MAX_ATTEMPTS) {
                retries.incrementAndGet();
                if (status != 429) {
                    note(errors, status + ": " + (error != null ? error.toString() : HttpApi.abbreviate(a.body())));
                }
                long delayMs = status == 599 ? 200 : Math.min(5_000, Math.max(100, a.retryAfter() * 1000L));
                CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS).execute(() ->
                        send(api, batch, attempt + 1, stored, duplicates, lost, retries, inFlight, statuses, errors));
            } else {
                note(errors, status + ": " + (error != null ? error.toString() : HttpApi.abbreviate(a.body())));
                lost.addAndGet(batch.events());
                inFlight.decrementAndGet();
            }
        });
    }

    /**
     * Runs the load and the marker prober side by side for as long as the load lasts, then reads the metric
     * and the projection status.
     */
    static Result measure(HttpApi api, List<Workload.Batch> batches, int rate, String runId, ProcStats.CpuSampler cpu,
                          ProcStats.ThreadSampler threads)
            throws InterruptedException, IOException {
        Map<String, Double> before = api.metrics("footfall_");
        Prober prober = new Prober(api, runId);
        Thread probe = new Thread(prober, "freshness-prober");
        probe.setDaemon(true);
        cpu.start();
        threads.start();
        probe.start();
        WindowSampler sampler = new WindowSampler(api);
        Thread sampling = new Thread(sampler, "freshness-windows");
        sampling.setDaemon(true);
        sampling.start();
        Paced load = paced(api, batches, rate);
        sampler.stop = true;
        sampling.interrupt();
        sampling.join(15_000L);
        prober.stop = true;
        probe.join(POLL_DEADLINE_MS + 15_000L);
        Map<String, Double> cores = cpu.stop();
        Map<String, Double> appThreads = threads.stop();
        long[] projection = api.projection();
        Map<String, Double> after = api.metrics("footfall_");
        Map<String, Double> metric = new TreeMap<>();
        for (String q : List.of("0.5", "0.9", "0.99")) {
            metric.put(q, find(after, METRIC + "{", "quantile=\"" + q + "\""));
        }
        metric.put("max", find(after, METRIC + "_max", ""));
        double dCount = find(after, METRIC + "_count", "") - find(before, METRIC + "_count", "");
        double dSum = find(after, METRIC + "_sum", "") - find(before, METRIC + "_sum", "");
        return new Result(load, metric, dCount, dCount > 0 ? dSum / dCount : Double.NaN, prober.latencies(false),
                prober.latencies(true), prober.timeouts, prober.failures, projection, cores, appThreads, before, after,
                List.copyOf(sampler.shares));
    }

    /** The first sample named {@code prefix} (with labels, when it ends with '{') whose labels contain {@code label}. */
    static double find(Map<String, Double> samples, String prefix, String label) {
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            String key = e.getKey();
            if ((key.equals(prefix) || key.startsWith(prefix.endsWith("{") ? prefix : prefix + "{")) && key.contains(label)) {
                return e.getValue();
            }
        }
        return Double.NaN;
    }

    private static void note(List<String> errors, String error) {
        synchronized (errors) {
            if (errors.size() < 10) {
                errors.add(error);
            }
        }
    }

    /** Every 10 s, the share of the events folded in those 10 s whose freshness was at most 1 s. */
    private static final class WindowSampler implements Runnable {
        private final HttpApi api;
        final List<Double> shares = Collections.synchronizedList(new ArrayList<>());
        volatile boolean stop;

        WindowSampler(HttpApi api) {
            this.api = api;
        }

        @Override
        public void run() {
            try {
                double[] last = read();
                while (!stop) {
                    Thread.sleep(10_000);
                    double[] now = read();
                    double count = now[1] - last[1];
                    shares.add(count > 0 ? (now[0] - last[0]) / count : Double.NaN);
                    last = now;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                shares.add(Double.NaN);
            }
        }

        private double[] read() throws IOException, InterruptedException {
            Map<String, Double> m = api.metrics(METRIC);
            return new double[] {find(m, METRIC + "_bucket{", "le=\"1.0\""), find(m, METRIC + "_count", "")};
        }
    }

    /** Sends one marker event at a time and waits until the profile API shows it. */
    private static final class Prober implements Runnable {
        private final HttpApi api;
        private final String userId;
        private final String anonymousId;
        private final String runId;
        private final List<double[]> samples = new ArrayList<>();
        volatile boolean stop;
        int timeouts;
        int failures;

        Prober(HttpApi api, String runId) {
            this.api = api;
            this.runId = runId;
            this.userId = "bench-probe-" + runId;
            this.anonymousId = UUID.nameUUIDFromBytes(userId.getBytes(StandardCharsets.UTF_8)).toString();
        }

        @Override
        public void run() {
            long acked = 0;
            long next = System.nanoTime();
            for (int k = 0; !stop && k < 100_000; k++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (stop) {
                    return;
                }
                next = Math.max(next + MARKER_INTERVAL_MS * 1_000_000L, System.nanoTime());
                try {
                    long sent = System.nanoTime();
                    long ackAt = post(k);
                    if (ackAt < 0) {
                        failures++;
                        continue;
                    }
                    acked++;
                    long deadline = ackAt + POLL_DEADLINE_MS * 1_000_000L;
                    boolean seen = false;
                    while (System.nanoTime() < deadline) {
                        if (total() >= acked) {
                            long now = System.nanoTime();
                            synchronized (samples) {
                                samples.add(new double[] {(now - sent) / 1e6, (now - ackAt) / 1e6});
                            }
                            seen = true;
                            break;
                        }
                        Thread.sleep(POLL_MS);
                    }
                    if (!seen) {
                        timeouts++;
                        synchronized (samples) {
                            samples.add(new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY});
                        }
                    }
                } catch (IOException e) {
                    failures++;
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Posts marker {@code k}, retrying 429/503; the nanoTime of the 200, or -1. */
        private long post(int k) throws IOException, InterruptedException {
            String marker = "[{\"type\":\"track\",\"event\":\"Bench Marker\",\"userId\":\"" + userId + "\",\"anonymousId\":\""
                    + anonymousId + "\",\"messageId\":\"bench-marker-" + runId + "-" + k + "\",\"timestamp\":\""
                    + Instant.now() + "\",\"properties\":{\"probe\":" + k + "},"
                    + "\"context\":{\"library\":{\"name\":\"footfall-bench\",\"version\":\"1\"}}}]";
            byte[] body = marker.getBytes(StandardCharsets.UTF_8);
            for (int attempt = 0; attempt < MAX_ATTEMPTS && !stop; attempt++) {
                HttpApi.Answer a = api.post(body);
                if (a.status() == 200 && a.stored() == 1) {
                    return System.nanoTime();
                }
                if (a.status() != 429 && a.status() != 503) {
                    return -1;
                }
                Thread.sleep(Math.min(1_000, Math.max(50, a.retryAfter() * 1000L)));
            }
            return -1;
        }

        private long total() throws IOException, InterruptedException {
            JsonNode profile = api.getJson("/api/v1/profiles/" + userId);
            if (profile == null) {
                return 0;
            }
            long sum = 0;
            for (JsonNode count : profile.path("eventCounts")) {
                sum += count.asLong();
            }
            return sum;
        }

        double[] latencies(boolean afterAck) {
            synchronized (samples) {
                return samples.stream().mapToDouble(s -> afterAck ? s[1] : s[0]).toArray();
            }
        }
    }
}
