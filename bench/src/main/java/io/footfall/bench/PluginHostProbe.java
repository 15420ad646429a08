package io.footfall.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * One configuration of the {@code plugins} part: ingests a fixed set of batches into a freshly started app (its
 * processors running meanwhile) and polls, every {@value #POLL_MS} ms, {@code GET /api/v1/projections/profiles}
 * and {@code GET /api/v1/plugins} until every processor (the profile projection and each plugin) has folded the
 * whole log (position ≥ the head after the ingest, lag 0) or the deadline passes. For each processor it reports
 * when that happened, counted from the start of the ingest and from its end, and the app's CPU time from
 * {@code /proc/<pid>/stat} over the whole phase (ingest + folding) and after the ingest.
 */
final class PluginHostProbe {

    static final int POLL_MS = 200;

    /**
     * One processor's progress.
     *
     * @param name            {@code profiles} or the plugin id
     * @param folded          events it folded during the phase (its position at the end minus at the start)
     * @param sinceStart      seconds from the start of the ingest until it had folded the whole log (NaN if never)
     * @param afterIngest     seconds from the end of the ingest until then (0 if it kept up; NaN if never)
     * @param lagAtIngestEnd  its lag at the first poll after the ingest ended
     * @param processedEvents the plugin's {@code processedEvents} at the end (-1 for the projection)
     * @param state           the plugin's state at the end ({@code RUNNING} …; empty for the projection)
     */
    record Processor(String name, long folded, double sinceStart, double afterIngest, long lagAtIngestEnd,
                     long processedEvents, String state) {
        boolean caughtUp() {
            return !Double.isNaN(sinceStart);
        }

        /** Events per second from the start of the ingest to lag 0. */
        double rateSinceStart() {
            return folded / sinceStart;
        }
    }

    /**
     * The outcome.
     *
     * @param ingest        the ingest run
     * @param head          head of the log after the ingest
     * @param processors    the projection first, then the plugins by id
     * @param seconds       the whole phase (ingest start until every processor caught up or the deadline)
     * @param appCpuSeconds app CPU seconds over the whole phase
     * @param appCpuAfter   app CPU seconds after the ingest ended
     * @param pgCpuSeconds  CPU seconds of all {@code postgres} processes over the whole phase
     * @param cores         where the CPU went over the whole phase
     * @param appThreads    the app's threads over the whole phase
     * @param refused       plugin directories the app refused, as it reported them
     */
    record Outcome(IngestLoad.Result ingest, long head, List<Processor> processors, double seconds, double appCpuSeconds,
                   double appCpuAfter, double pgCpuSeconds, Map<String, Double> cores, Map<String, Double> appThreads,
                   String refused) {
        boolean caughtUp() {
            return processors.stream().allMatch(Processor::caughtUp);
        }
    }

    private PluginHostProbe() {
    }

    /**
     * Runs one configuration against a ready app.
     *
     * @param foldDeadlineSeconds longest wait after the ingest for every processor to fold the log
     * @param cpu                 sampled over the whole phase
     * @param ingestCpu           sampled over the ingest alone (a separate sampler with the same groups)
     */
    static Outcome measure(AppProcess app, HttpApi api, List<Workload.Batch> batches, int clients, long ingestDeadlineSeconds,
                           long foldDeadlineSeconds, ProcStats.CpuSampler cpu, ProcStats.CpuSampler ingestCpu)
            throws IOException, InterruptedException {
        Map<String, long[]> start = positions(api);
        long appTicks0 = ticks(app.processTree());
        ProcStats.ThreadSampler threads = new ProcStats.ThreadSampler(app.pid()).start();
        cpu.start();
        long t0 = System.nanoTime();
        FutureTask<IngestLoad.Result> ingest = new FutureTask<>(() -> IngestLoad.run("ingest", api, batches, clients,
                ingestDeadlineSeconds, ingestCpu, new ProcStats.ThreadSampler(app.pid())));
        Thread ingestThread = new Thread(ingest, "plugins-ingest");
        ingestThread.setDaemon(true);
        ingestThread.start();

        long ingestEnd = -1;
        long appTicksIngestEnd = 0;
        long head = -1;
        Map<String, Long> caught = new LinkedHashMap<>();
        Map<String, Long> lagAtEnd = new LinkedHashMap<>();
        Map<String, long[]> now = start;
        long deadline = Long.MAX_VALUE;
        while (true) {
            Thread.sleep(POLL_MS);
            if (ingestEnd < 0 && ingest.isDone()) {
                ingestEnd = System.nanoTime();
                appTicksIngestEnd = ticks(app.processTree());
                head = api.projection()[1];
                deadline = ingestEnd + foldDeadlineSeconds * 1_000_000_000L;
            }
            now = positions(api);
            long t = System.nanoTime();
            if (ingestEnd >= 0) {
                for (Map.Entry<String, long[]> e : now.entrySet()) {
                    lagAtEnd.putIfAbsent(e.getKey(), e.getValue()[2]);
                    if (!caught.containsKey(e.getKey()) && e.getValue()[0] >= head && e.getValue()[2] == 0) {
                        caught.put(e.getKey(), t);
                    }
                }
                if (caught.keySet().containsAll(now.keySet()) || t > deadline || !app.alive()) {
                    break;
                }
            }
            if (!ingestThread.isAlive() && !ingest.isDone()) {
                break; // cannot happen; keeps the loop bounded
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> cores = cpu.stop();
        Map<String, Double> appThreads = threads.stop();
        long appTicks1 = ticks(app.processTree());
        IngestLoad.Result result;
        try {
            result = ingest.get();
        } catch (ExecutionException e) {
            throw new IOException("ingest failed: " + e.getCause(), e.getCause());
        }
        JsonNode plugins = api.getJson("/api/v1/plugins");
        List<Processor> processors = new ArrayList<>();
        for (Map.Entry<String, long[]> e : now.entrySet()) {
            String name = e.getKey();
            long[] first = start.getOrDefault(name, new long[] {0, 0, 0});
            Long at = caught.get(name);
            long processed = -1;
            String state = "";
            for (JsonNode p : plugins.path("plugins")) {
                if (name.equals(p.path("id").asText())) {
                    processed = p.path("processedEvents").asLong();
                    state = p.path("state").asText();
                }
            }
            processors.add(new Processor(name, e.getValue()[0] - first[0],
                    at == null ? Double.NaN : (at - t0) / 1e9,
                    at == null ? Double.NaN : Math.max(0, (at - ingestEnd) / 1e9),
                    lagAtEnd.getOrDefault(name, -1L), processed, state));
        }
        return new Outcome(result, head, processors, seconds, (appTicks1 - appTicks0) / ProcStats.TICKS_PER_SECOND,
                (appTicks1 - appTicksIngestEnd) / ProcStats.TICKS_PER_SECOND,
                cores.getOrDefault("postgres", Double.NaN) * seconds, cores, appThreads,
                plugins.path("refused").isEmpty() ? "" : plugins.path("refused").toString());
    }

    /** {@code name → [position, head, lag]} of the profile projection ({@code profiles}) and of every plugin. */
    static Map<String, long[]> positions(HttpApi api) throws IOException, InterruptedException {
        Map<String, long[]> out = new LinkedHashMap<>();
        JsonNode profiles = api.getJson("/api/v1/projections/profiles");
        if (profiles == null) {
            throw new IOException("no /api/v1/projections/profiles");
        }
        out.put("profiles", new long[] {profiles.path("position").asLong(), profiles.path("head").asLong(),
                profiles.path("lag").asLong()});
        JsonNode plugins = api.getJson("/api/v1/plugins");
        if (plugins != null) {
            for (JsonNode p : plugins.path("plugins")) {
                long position = p.path("position").asLong();
                long lag = p.path("lag").asLong();
                out.put(p.path("id").asText(), new long[] {position, position + lag, lag});
            }
        }
        return out;
    }

    private static long ticks(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            long t = ProcStats.cpuTicks(pid);
            if (t > 0) {
                sum += t;
            }
        }
        return sum;
    }
}
