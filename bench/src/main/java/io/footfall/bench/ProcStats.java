package io.footfall.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads Linux {@code /proc}: CPU time, RSS and PSS of processes, and the machine's CPU counters. Used to show
 * where the CPU went during a measurement (app JVM, PostgreSQL, this load driver) and for the idle RSS.
 * Everything returns -1 or empty when a process has gone or the file is unreadable.
 */
final class ProcStats {

    /** Clock ticks per second of /proc CPU times (USER_HZ; 100 on Linux x86 and arm64). */
    static final double TICKS_PER_SECOND = 100.0;

    private ProcStats() {
    }

    /** utime + stime of {@code pid}, all threads, in clock ticks; -1 if gone. */
    static long cpuTicks(long pid) {
        String[] f = statFields(pid);
        if (f == null || f.length < 15) {
            return -1;
        }
        return Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    /** Parent pid of {@code pid}; -1 if gone. */
    static long parent(long pid) {
        String[] f = statFields(pid);
        return f == null || f.length < 4 ? -1 : Long.parseLong(f[3]);
    }

    /** Fields of /proc/pid/stat, with the command name (which may contain spaces) as field 2. */
    private static String[] statFields(long pid) {
        return statFieldsOf(Path.of("/proc", Long.toString(pid), "stat"));
    }

    private static String[] statFieldsOf(Path file) {
        try {
            String s = Files.readString(file);
            int close = s.lastIndexOf(')');
            String[] rest = s.substring(close + 2).trim().split(" ");
            String[] f = new String[rest.length + 2];
            f[0] = s.substring(0, s.indexOf(' '));
            f[1] = s.substring(s.indexOf('(') + 1, close);
            System.arraycopy(rest, 0, f, 2, rest.length);
            return f;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** VmRSS of {@code pid} in KiB; -1 if gone. */
    static long rssKb(long pid) {
        return fieldKb(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
    }

    /** Pss (proportional set size: shared pages divided among their users) of {@code pid} in KiB; -1 if unreadable. */
    static long pssKb(long pid) {
        return fieldKb(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:");
    }

    private static long fieldKb(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Pids of every process whose command name is {@code comm} (e.g. {@code postgres}). */
    static List<Long> pidsNamed(String comm) {
        List<Long> out = new ArrayList<>();
        for (long pid : allPids()) {
            try {
                if (Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim().equals(comm)) {
                    out.add(pid);
                }
            } catch (IOException | RuntimeException e) {
                // the process has gone
            }
        }
        return out;
    }

    /** Direct children of {@code pid}. */
    static List<Long> childrenOf(long pid) {
        List<Long> out = new ArrayList<>();
        for (long p : allPids()) {
            if (parent(p) == pid) {
                out.add(p);
            }
        }
        return out;
    }

    /** The state letter of {@code pid} (R, S, D, Z, ...), or '?' if gone. */
    static char state(long pid) {
        String[] f = statFields(pid);
        return f == null || f.length < 3 || f[2].isEmpty() ? '?' : f[2].charAt(0);
    }

    /** The command name of {@code pid}, or "?" if gone. */
    static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static List<Long> allPids() {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    out.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** {@code [busy, iowait, total, steal]} ticks of all CPUs from /proc/stat; busy excludes idle, iowait and steal. */
    static long[] machineTicks() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = line.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]);
            long iowait = Long.parseLong(f[5]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            return new long[] {total - idle - iowait - steal, iowait, total, steal};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0, 0, 0};
        }
    }

    /**
     * CPU time used by named groups of processes between {@link #start} and {@link #stop}, in cores (1.0 = one
     * core busy for the whole interval). A process that exits during the interval is not counted.
     */
    static final class CpuSampler {
        private final Map<String, Supplier<List<Long>>> groups = new LinkedHashMap<>();
        private final Map<String, Map<Long, Long>> before = new HashMap<>();
        private long[] machineBefore;
        private long startNanos;

        /** Adds a group whose members are listed by {@code pids} at start and at stop. */
        CpuSampler group(String name, Supplier<List<Long>> pids) {
            groups.put(name, pids);
            return this;
        }

        CpuSampler start() {
            before.clear();
            groups.forEach((name, pids) -> before.put(name, ticks(pids.get())));
            machineBefore = machineTicks();
            startNanos = System.nanoTime();
            return this;
        }

        /**
         * Cores used per group, "other processes" (machine busy minus the groups), and "machine busy", "iowait"
         * and "steal" for the whole machine.
         */
        Map<String, Double> stop() {
            double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
            Map<String, Double> out = new LinkedHashMap<>();
            groups.forEach((name, pids) -> {
                Map<Long, Long> was = before.get(name);
                long delta = 0;
                for (Map.Entry<Long, Long> e : ticks(pids.get()).entrySet()) {
                    delta += e.getValue() - was.getOrDefault(e.getKey(), 0L);
                }
                out.put(name, delta / TICKS_PER_SECOND / seconds);
            });
            long[] m = machineTicks();
            double busy = (m[0] - machineBefore[0]) / TICKS_PER_SECOND / seconds;
            double ours = out.values().stream().mapToDouble(Double::doubleValue).sum();
            out.put("other processes", Math.max(0, busy - ours));
            out.put("machine busy", busy);
            out.put("iowait", (m[1] - machineBefore[1]) / TICKS_PER_SECOND / seconds);
            out.put("steal", (m[3] - machineBefore[3]) / TICKS_PER_SECOND / seconds);
            return out;
        }

        private static Map<Long, Long> ticks(List<Long> pids) {
            Map<Long, Long> out = new HashMap<>();
            for (long pid : pids) {
                long t = cpuTicks(pid);
                if (t >= 0) {
                    out.put(pid, t);
                }
            }
            return out;
        }
    }

    /** CPU ticks of each thread of {@code pid}: tid → [ticks, name]. */
    private static Map<Long, Object[]> threadTicks(long pid) {
        Map<Long, Object[]> out = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : dir) {
                String[] f = statFieldsOf(task.resolve("stat"));
                if (f != null && f.length >= 15) {
                    out.put(Long.parseLong(task.getFileName().toString()),
                            new Object[] {Long.parseLong(f[13]) + Long.parseLong(f[14]), f[1]});
                }
            }
        } catch (IOException | RuntimeException e) {
            return out;
        }
        return out;
    }

    /** A thread name with its numbering removed ({@code executor-thread-3} → {@code executor-thread}). */
    static String threadGroup(String name) {
        String g = name.replaceAll("[-#_ ]*\\d+$", "");
        return g.isEmpty() ? name : g;
    }

    /**
     * CPU used by the threads of one process between {@link #start} and {@link #stop}, grouped by thread name
     * without its number (Linux truncates thread names to 15 characters).
     */
    static final class ThreadSampler {
        private final long pid;
        private Map<Long, Object[]> before = Map.of();
        private long startNanos;

        ThreadSampler(long pid) {
            this.pid = pid;
        }

        ThreadSampler start() {
            before = threadTicks(pid);
            startNanos = System.nanoTime();
            return this;
        }

        /** Cores used per thread group, largest first. */
        Map<String, Double> stop() {
            double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
            Map<String, Double> byGroup = new HashMap<>();
            for (Map.Entry<Long, Object[]> e : threadTicks(pid).entrySet()) {
                Object[] was = before.get(e.getKey());
                long delta = (long) e.getValue()[0] - (was == null ? 0L : (long) was[0]);
                byGroup.merge(threadGroup((String) e.getValue()[1]), delta / TICKS_PER_SECOND / seconds, Double::sum);
            }
            Map<String, Double> sorted = new LinkedHashMap<>();
            byGroup.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(e -> sorted.put(e.getKey(), e.getValue()));
            return sorted;
        }
    }

    /** The {@code top} largest entries of a {@link ThreadSampler} result, formatted; the rest summed as "other". */
    static String formatTop(Map<String, Double> cores, int top) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        double other = 0;
        for (Map.Entry<String, Double> e : cores.entrySet()) {
            if (i++ < top) {
                out.append(out.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
                        .append(String.format(java.util.Locale.ROOT, "%.2f", e.getValue()));
            } else {
                other += e.getValue();
            }
        }
        return out.append(String.format(java.util.Locale.ROOT, ", other %.2f cores", other)).toString();
    }

    /** Formats a {@link CpuSampler} result as {@code app 1.10, postgres 0.62, ... cores}. */
    static String format(Map<String, Double> cores) {
        StringBuilder out = new StringBuilder();
        cores.forEach((k, v) -> out.append(out.length() == 0 ? "" : ", ").append(k).append(' ')
                .append(String.format(java.util.Locale.ROOT, "%.2f", v)));
        return out.append(" cores").toString();
    }
}
