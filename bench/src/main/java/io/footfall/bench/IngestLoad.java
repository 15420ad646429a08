package io.footfall.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop durable ingest: {@code clients} threads take the next pre-serialised batch and post it, each
 * waiting for the answer before sending again. An event counts once its request answered 200 (the app answers
 * only after the commit). 429 and 503 are retried after their Retry-After (at most 5 s); network errors after
 * 200 ms; any other status is recorded and the batch given up. Bounded: at most {@value #MAX_ATTEMPTS} attempts
 * per batch and a deadline for the whole run.
 */
final class IngestLoad {

    static final int MAX_ATTEMPTS = 100;
    private static final int MAX_ERRORS_KEPT = 10;

    /**
     * One run.
     *
     * @param events     events in the batches offered
     * @param stored     events the app reported stored in 200 answers
     * @param duplicates events the app reported as duplicates
     * @param failed     events the app rejected
     * @param lost       events of batches given up (non-retryable status, attempts or deadline exhausted)
     * @param statuses   answers by status code (599 = network error), retries included
     * @param latencyMs  per successful request: time from the first attempt to the 200
     * @param cores      CPU used meanwhile
     * @param appThreads CPU of the app's threads meanwhile, by thread group
     */
    record Result(String label, int requests, long events, long stored, long duplicates, long failed, long lost,
                  double seconds, Map<Integer, Long> statuses, long retries, List<String> errors, double[] latencyMs,
                  Map<String, Double> cores, Map<String, Double> appThreads) {
        double eventsPerSecond() {
            return stored / seconds;
        }
    }

    private IngestLoad() {
    }

    /** Posts every batch with {@code clients} threads; gives up on what is left when {@code deadlineSeconds} pass. */
    static Result run(String label, HttpApi api, List<Workload.Batch> batches, int clients, long deadlineSeconds,
                      ProcStats.CpuSampler cpu, ProcStats.ThreadSampler threads) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicLong stored = new AtomicLong();
        AtomicLong duplicates = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong lost = new AtomicLong();
        AtomicLong retries = new AtomicLong();
        Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        double[] latency = new double[batches.size()];
        Arrays.fill(latency, Double.NaN);
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                int i;
                while ((i = next.getAndIncrement()) < batches.size()) {
                    Workload.Batch batch = batches.get(i);
                    if (System.nanoTime() > deadline[0]) {
                        lost.addAndGet(batch.events());
                        continue;
                    }
                    long start = System.nanoTime();
                    boolean done = false;
                    for (int attempt = 0; attempt < MAX_ATTEMPTS && !done && System.nanoTime() < deadline[0]; attempt++) {
                        try {
                            HttpApi.Answer a = api.post(batch.array());
                            statuses.merge(a.status(), 1L, Long::sum);
                            if (a.status() == 200) {
                                stored.addAndGet(a.stored());
                                duplicates.addAndGet(a.duplicates());
                                failed.addAndGet(a.failed());
                                latency[i] = (System.nanoTime() - start) / 1e6;
                                done = true;
                            } else if (a.status() == 429 || a.status() == 503) {
                                retries.incrementAndGet();
                                if (a.status() == 503) {
                                    note(errors, "503: " + HttpApi.abbreviate(a.body()));
                                }
                                Thread.sleep(Math.min(5_000, Math.max(100, a.retryAfter() * 1000L)));
                            } else {
                                note(errors, a.status() + ": " + HttpApi.abbreviate(a.body()));
                                if (a.status() == 400) {
                                    failed.addAndGet(Math.max(0, a.failed()));
                                }
                                break;
                            }
                        } catch (IOException e) {
                            statuses.merge(599, 1L, Long::sum);
                            retries.incrementAndGet();
                            note(errors, "network: " + e);
                            try {
                                Thread.sleep(200);
                            } catch (InterruptedException ie) {
                                return;
                            }
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    if (!done) {
                        lost.addAndGet(batch.events());
                    }
                }
                api.closeThreadConnection();
            }, "ingest-client-" + t);
            thread.setDaemon(true);
            thread.start();
            workers.add(thread);
        }
        long events = batches.stream().mapToLong(Workload.Batch::events).sum();
        cpu.start();
        threads.start();
        long t0 = System.nanoTime();
        deadline[0] = t0 + deadlineSeconds * 1_000_000_000L;
        go.countDown();
        for (Thread thread : workers) {
            thread.join(Math.max(1, deadlineSeconds * 1000 + 70_000));
            if (thread.isAlive()) {
                thread.interrupt();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> cores = cpu.stop();
        Map<String, Double> appThreads = threads.stop();
        double[] ok = Arrays.stream(latency).filter(d -> !Double.isNaN(d)).toArray();
        return new Result(label, batches.size(), events, stored.get(), duplicates.get(), failed.get(), lost.get(), seconds,
                new TreeMap<>(statuses), retries.get(), List.copyOf(errors), ok, cores, appThreads);
    }

    private static void note(List<String> errors, String error) {
        synchronized (errors) {
            if (errors.size() < MAX_ERRORS_KEPT) {
                errors.add(error);
            }
        }
    }
}
