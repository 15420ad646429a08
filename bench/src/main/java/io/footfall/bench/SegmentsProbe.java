package io.footfall.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.FutureTask;

/**
 * The {@code segments} part: does the segmentation plugin's incremental evaluation keep up with ingest? With 50 rule
 * segments configured, a paced open-loop load ({@link FreshnessProbe#paced}) offers events at a fixed rate while a
 * sampler reads, every {@value #SAMPLE_MS} ms, the plugin's position and lag from {@code GET /api/v1/plugins/segmentation};
 * after the load it waits until the plugin has folded the whole log (or the deadline). The lag trend is the
 * least-squares slope of lag over time in the second half of the load: about 0 when the plugin keeps up, about
 * (ingest rate − fold rate) when it falls behind.
 */
final class SegmentsProbe {

    static final int SAMPLE_MS = 1_000;
    static final String PLUGIN = "segmentation";

    /** One sample: seconds since the load started, the plugin's position, lag, and the log's head. */
    record Sample(double t, long position, long lag, long head) {
    }

    /**
     * The outcome.
     *
     * @param load          the paced load
     * @param samples       during the load and the catch-up
     * @param loadSeconds   length of the load
     * @param slope         lag growth in events/s over the second half of the load
     * @param catchUp       seconds after the load until lag 0 (NaN when not within the deadline)
     * @param foldRate      events the plugin folded per second from the load's start to lag 0 (or the deadline)
     * @param transitions   the plugin's segment sizes summed at the end (members now)
     * @param derivedEvents Segment Entered/Exited events in the log at the end, as the log head grew beyond the ingested events
     */
    record Outcome(FreshnessProbe.Paced load, List<Sample> samples, double loadSeconds, double slope, double catchUp,
                   double foldRate, long transitions, long derivedEvents) {
    }

    private SegmentsProbe() {
    }


    /** The plugin's {@code [position, lag]}. */
    static long[] plugin(HttpApi api) throws IOException, InterruptedException {
        JsonNode p = api.getJson("/api/v1/plugins/" + PLUGIN);
        if (p == null) {
            throw new IOException("no plugin " + PLUGIN + " in the app");
        }
        return new long[] {p.path("position").asLong(), p.path("lag").asLong()};
    }

    static Outcome measure(HttpApi api, List<Workload.Batch> batches, int rate, long catchUpDeadlineSeconds) throws Exception {
        long start0 = plugin(api)[0];
        long t0 = System.nanoTime();
        FutureTask<FreshnessProbe.Paced> load = new FutureTask<>(() -> FreshnessProbe.paced(api, batches, rate));
        Thread loader = new Thread(load, "segments-load");
        loader.setDaemon(true);
        loader.start();
        List<Sample> samples = new ArrayList<>();
        double loadEnd = Double.NaN;
        double caught = Double.NaN;
        long deadline = Long.MAX_VALUE;
        long lastPosition = start0;
        while (System.nanoTime() < deadline) {
            Thread.sleep(SAMPLE_MS);
            double t = (System.nanoTime() - t0) / 1e9;
            long[] p = plugin(api);
            lastPosition = p[0];
            samples.add(new Sample(t, p[0], p[1], p[0] + p[1]));
            if (Double.isNaN(loadEnd) && load.isDone()) {
                loadEnd = t;
                deadline = System.nanoTime() + catchUpDeadlineSeconds * 1_000_000_000L;
            }
            if (!Double.isNaN(loadEnd) && p[1] == 0) {
                caught = t - loadEnd;
                break;
            }
        }
        FreshnessProbe.Paced paced = load.get();
        double end = Double.isNaN(caught) ? samples.get(samples.size() - 1).t() : loadEnd + caught;
        double foldRate = (lastPosition - start0) / end;
        long members = 0;
        JsonNode segments = api.getJson("/api/v1/segments");
        if (segments != null) {
            for (JsonNode s : segments.path("segments")) {
                members += s.path("size").asLong();
            }
        }
        long head = samples.get(samples.size() - 1).head();
        return new Outcome(paced, samples, loadEnd, slope(samples, loadEnd / 2, loadEnd), caught, foldRate, members,
                Math.max(0, head - start0 - paced.stored()));
    }

    /** Least-squares slope of lag against time for the samples in [from, to]. */
    static double slope(List<Sample> samples, double from, double to) {
        double n = 0;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (Sample s : samples) {
            if (s.t() >= from && s.t() <= to) {
                n++;
                sx += s.t();
                sy += s.lag();
                sxx += s.t() * s.t();
                sxy += s.t() * s.lag();
            }
        }
        double d = n * sxx - sx * sx;
        return n < 2 || d == 0 ? Double.NaN : (n * sxy - sx * sy) / d;
    }
}
