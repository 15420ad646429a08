package io.footfall.bench;

import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.PGConnection;

/**
 * Recommendation serving under load (issue 5: p99 ≤ 10 ms at 1,000 requests/s for a 50,000-item catalogue and
 * 1,000,000 users). The recommender's results are written straight into the {@code plugin_result} read model, as
 * its training would leave them: a list of 20 items for every user, 20 similar items for every item and 5 purchased
 * items per user (training 1M users is the plugin's own benchmark, not this one). Then an open-loop pacer, in this
 * process (a second process beside the app), sends {@code GET /api/v1/recommendations/{user}?limit=10} at fixed
 * instants, 30 % of them with {@code context=item:<id>} (which also reads the similar items and the purchases), for
 * random users and items; the latency of each request is from its planned instant to its answer, so a slow server
 * cannot hide queueing (no coordinated omission).
 */
final class RecsProbe {

    private static final int LIST = 20;
    private static final int MAX_IN_FLIGHT = 512;

    /** What the load measured. */
    record Result(long sent, long ok, Map<Integer, Long> statuses, long skipped, double seconds, double[] latenciesMs) {
    }

    private RecsProbe() {
    }

    /** Writes the recommender's read-model rows for {@code users} users and {@code items} items; returns the row count. */
    static long fill(Connection c, int users, int items, long seed) throws SQLException, IOException {
        SplittableRandom random = new SplittableRandom(seed);
        long rows = 0;
        String copy = "COPY plugin_result (plugin_id, result_type, result_key, user_id, payload, position, recorded_at) "
                + "FROM STDIN WITH (FORMAT csv)";
        try (Writer out = new java.io.BufferedWriter(new java.io.OutputStreamWriter(
                new org.postgresql.copy.PGCopyOutputStream(c.unwrap(PGConnection.class), copy, 1 << 20), StandardCharsets.UTF_8), 1 << 20)) {
            for (int u = 0; u < users; u++) {
                String user = "u-" + u;
                StringBuilder context = new StringBuilder();
                StringBuilder list = new StringBuilder("{\"list\":\"recommended\",\"userId\":\"").append(user).append("\",\"items\":[");
                double score = 1;
                for (int k = 0; k < LIST; k++) {
                    int item = zipf(random, items);
                    score *= 0.93;
                    list.append(k == 0 ? "" : ",").append("{\"itemId\":\"p-").append(item).append("\",\"score\":")
                            .append(String.format(Locale.ROOT, "%.5f", score)).append('}');
                    context.append("\\nbecause you viewed p-").append(zipf(random, items));
                }
                list.append("],\"context\":\"").append(context).append("\"}");
                row(out, "recommended:user:" + user, user, list);
                StringBuilder bought = new StringBuilder("{\"list\":\"purchased\",\"userId\":\"").append(user).append("\",\"items\":[");
                for (int k = 0; k < 5; k++) {
                    bought.append(k == 0 ? "" : ",").append("{\"itemId\":\"p-").append(zipf(random, items)).append("\",\"score\":1}");
                }
                row(out, "purchased:user:" + user, user, bought.append("]}"));
                rows += 2;
            }
            for (int i = 0; i < items; i++) {
                StringBuilder similar = new StringBuilder("{\"list\":\"similar\",\"context\":\"p-").append(i).append("\",\"items\":[");
                double score = 1;
                for (int k = 0; k < LIST; k++) {
                    score *= 0.9;
                    similar.append(k == 0 ? "" : ",").append("{\"itemId\":\"p-").append(random.nextInt(items))
                            .append("\",\"score\":").append(String.format(Locale.ROOT, "%.5f", score)).append('}');
                }
                row(out, "similar:context:p-" + i, null, similar.append("]}"));
                rows++;
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("VACUUM ANALYZE plugin_result");
            // the fill wrote more WAL than max_wal_size: without this, a checkpoint flushing it would run during the load
            s.execute("CHECKPOINT");
        }
        return rows;
    }

    private static void row(Writer out, String key, String user, CharSequence json) throws IOException {
        out.write("recommender,RANKED_ITEMS,");
        out.write(key);
        out.write(',');
        if (user != null) {
            out.write(user);
        }
        out.write(",\"");
        out.write(json.toString().replace("\"", "\"\""));
        out.write("\",1,2026-11-30T00:00:00Z\n");
    }

    /** Popular items more often: the index of a roughly Zipf-distributed draw over {@code n} items. */
    private static int zipf(SplittableRandom random, int n) {
        return (int) Math.min(n - 1, Math.floor(Math.pow(n, random.nextDouble())) - 1);
    }

    /** An HTTP/1.1 client for {@link #load}; the warm-up and the load share it, as a storefront keeps its connections. */
    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The open-loop load: {@code rate} requests/s for {@code seconds}. */
    static Result load(HttpClient client, URI base, String user, String password, int users, int items, int rate, int seconds,
                       long seed) throws InterruptedException {
        String auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        SplittableRandom random = new SplittableRandom(seed);
        long total = (long) rate * seconds;
        double[] latencies = new double[(int) total];
        AtomicInteger inFlight = new AtomicInteger();
        AtomicLong ok = new AtomicLong();
        AtomicLong done = new AtomicLong();
        Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        long skipped = 0;
        long t0 = System.nanoTime();
        for (int n = 0; n < total; n++) {
            long planned = t0 + (long) (n * 1e9 / rate);
            long wait;
            while ((wait = planned - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            if (inFlight.get() >= MAX_IN_FLIGHT) {
                skipped++;
                latencies[n] = Double.NaN;
                continue;
            }
            String path = "/api/v1/recommendations/u-" + random.nextInt(users) + "?limit=10"
                    + (random.nextInt(10) < 3 ? "&context=item:p-" + random.nextInt(items) : "");
            HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", auth).header("Accept", "application/json").GET().build();
            int index = n;
            inFlight.incrementAndGet();
            client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((r, e) -> {
                latencies[index] = (System.nanoTime() - planned) / 1e6;
                int status = e != null ? 599 : r.statusCode();
                statuses.merge(status, 1L, Long::sum);
                if (status == 200) {
                    ok.incrementAndGet();
                }
                inFlight.decrementAndGet();
                done.incrementAndGet();
            });
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (done.get() + skipped < total && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return new Result(total, ok.get(), new TreeMap<>(statuses), skipped, elapsed,
                java.util.Arrays.stream(latencies).filter(d -> !Double.isNaN(d) && d > 0).toArray());
    }
}
