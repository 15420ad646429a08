package io.footfall.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Idle memory of the embedded default: the app started with no database configured, so it starts its own
 * PostgreSQL (data in a temporary {@code FOOTFALL_DATA_DIR}, on a free port). After it is ready and has been
 * idle for a while, the Java process's VmRSS is read, and separately the RSS (and PSS, which divides shared
 * pages such as {@code shared_buffers} among the processes using them) of the embedded PostgreSQL processes:
 * the postmaster named in {@code postmaster.pid} and its children, plus any process descending from the JVM.
 */
final class RssProbe {

    /**
     * The reading.
     *
     * @param javaRssKb     VmRSS of the app JVM
     * @param javaPssKb     its PSS
     * @param pgRssKb       sum of VmRSS of the embedded PostgreSQL processes
     * @param pgPssKb       sum of their PSS
     * @param pgProcesses   how many there were
     * @param startSeconds  from process start to ready
     */
    record Result(long javaRssKb, long javaPssKb, long pgRssKb, long pgPssKb, int pgProcesses, double startSeconds,
                  Map<String, Double> idleCores) {
        long totalRssKb() {
            return javaRssKb + pgRssKb;
        }

        long totalPssKb() {
            return javaPssKb + pgPssKb;
        }
    }

    /** The app's label (its log is {@code app-rss-embedded.log}). */
    static final String LABEL = "rss-embedded";

    private RssProbe() {
    }

    static Result run(Options options, int idleSeconds) throws IOException, InterruptedException {
        Path data = Files.createTempDirectory("footfall-bench-rss-");
        int pgPort = AppProcess.freePort();
        long postmaster = -1;
        AppProcess app;
        try {
            app = AppProcess.start(LABEL, options.appJar, options.appJvmArgs, Map.of(
                    "FOOTFALL_DATA_DIR", data.toString(),
                    "FOOTFALL_EMBEDDED_PG_PORT", Integer.toString(pgPort)), options.logDir);
        } catch (IOException | RuntimeException e) {
            AppProcess.deleteTree(data);
            throw e;
        }
        try {
            long t0 = System.nanoTime();
            app.awaitReady(Duration.ofSeconds(300));
            double start = (System.nanoTime() - t0) / 1e9;
            postmaster = postmasterPid(data);
            System.out.printf("  embedded default ready in %.1f s (java pid %d, postmaster pid %d, pg port %d); idle %d s%n",
                    start, app.pid(), postmaster, pgPort, idleSeconds);
            List<Long> pg = postgresProcesses(app, postmaster);
            ProcStats.CpuSampler cpu = new ProcStats.CpuSampler()
                    .group("app", app::processTree)
                    .group("embedded postgres", () -> postgresProcesses(app, postmasterPid(data)))
                    .start();
            Thread.sleep(idleSeconds * 1000L);
            Map<String, Double> cores = cpu.stop();
            pg = postgresProcesses(app, postmaster);
            long pgRss = 0;
            long pgPss = 0;
            for (long pid : pg) {
                pgRss += Math.max(0, ProcStats.rssKb(pid));
                pgPss += Math.max(0, ProcStats.pssKb(pid));
            }
            return new Result(ProcStats.rssKb(app.pid()), ProcStats.pssKb(app.pid()), pgRss, pgPss, pg.size(), start, cores);
        } finally {
            if (postmaster < 0) {
                postmaster = postmasterPid(data);
            }
            app.stop();
            stopPostmaster(postmaster);
            AppProcess.deleteTree(data);
        }
    }

    /** The postmaster and its children, plus any postgres process descending from the JVM. */
    private static List<Long> postgresProcesses(AppProcess app, long postmaster) {
        Set<Long> pids = new LinkedHashSet<>();
        if (postmaster > 0 && ProcStats.cpuTicks(postmaster) >= 0) {
            pids.add(postmaster);
            pids.addAll(ProcStats.childrenOf(postmaster));
        }
        for (long pid : app.processTree()) {
            if (pid != app.pid() && ProcStats.comm(pid).startsWith("postgres")) {
                pids.add(pid);
            }
        }
        return new ArrayList<>(pids);
    }

    /** The first line of {@code <data>/postgres/postmaster.pid}, or -1. */
    private static long postmasterPid(Path data) {
        Path file = data.resolve("postgres").resolve("postmaster.pid");
        try {
            return Long.parseLong(Files.readAllLines(file).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** If the app's shutdown did not stop its PostgreSQL, stop it by pid (SIGTERM, then SIGKILL). */
    private static void stopPostmaster(long pid) throws InterruptedException {
        if (pid <= 0) {
            return;
        }
        for (int i = 0; i < 100 && running(pid); i++) {
            Thread.sleep(100);
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !running(pid) || !ProcStats.comm(pid).startsWith("postgres")) {
            return;
        }
        System.err.println("embedded PostgreSQL (pid " + pid + ") still runs 10 s after the app stopped; stopping it");
        handle.get().destroy();
        for (int i = 0; i < 100 && running(pid); i++) {
            Thread.sleep(100);
        }
        if (running(pid)) {
            handle.get().destroyForcibly();
        }
    }

    /** Alive and not a zombie waiting for init to reap it. */
    private static boolean running(long pid) {
        char state = ProcStats.state(pid);
        return state != '?' && state != 'Z' && state != 'X';
    }
}
