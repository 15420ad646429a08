package io.footfall.core.plugin;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.plugin.EventHistory;
import io.footfall.api.plugin.TrainingContext;
import io.footfall.api.plugin.TrainingReport;
import io.footfall.core.store.EventLogReader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/** Training runs started through the API, one at a time per plugin, with pollable progress. */
@ApplicationScoped
public class TrainingJobs {

    private static final Logger LOG = Logger.getLogger(TrainingJobs.class);

    @Inject
    PluginHost host;
    @Inject
    EventLogReader reader;

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();

    /**
     * A training run.
     *
     * @param id         job id
     * @param pluginId   plugin
     * @param status     RUNNING, SUCCEEDED, FAILED or CANCELLED
     * @param progress   in [0, 1]
     * @param message    latest progress message or the error
     * @param report     the outcome, once succeeded
     * @param startedAt  start
     * @param finishedAt end, or null
     */
    public record JobView(String id, String pluginId, String status, double progress, String message, TrainingReport report,
                          Instant startedAt, Instant finishedAt) {
    }

    private static final class Job {
        final String id = UUID.randomUUID().toString();
        final String pluginId;
        final Instant startedAt = Instant.now();
        volatile String status = "RUNNING";
        volatile double progress;
        volatile String message = "started";
        volatile TrainingReport report;
        volatile Instant finishedAt;
        volatile boolean cancelled;

        Job(String pluginId) {
            this.pluginId = pluginId;
        }

        JobView view() {
            return new JobView(id, pluginId, status, progress, message, report, startedAt, finishedAt);
        }
    }

    /** Thrown when the plugin is already training. */
    public static class AlreadyTraining extends RuntimeException {
        AlreadyTraining(String message) {
            super(message);
        }
    }

    /** Starts training the plugin on the history before {@code cutoff}. */
    public synchronized JobView start(String pluginId, Instant cutoff) {
        PluginRuntime runtime = host.runtime(pluginId);
        jobs.values().stream().filter(j -> j.pluginId.equals(pluginId) && j.status.equals("RUNNING")).findAny().ifPresent(j -> {
            throw new AlreadyTraining("plugin " + pluginId + " is already training (job " + j.id + ")");
        });
        Job job = new Job(pluginId);
        jobs.put(job.id, job);
        boolean personal = !runtime.descriptor.personalDataPurposes().isEmpty();
        TrainingContext context = new TrainingContext() {
            @Override
            public EventHistory history() {
                return (from, to, consumer) -> stream(runtime, personal, from, to, consumer);
            }

            @Override
            public Instant cutoff() {
                return cutoff;
            }

            @Override
            public void progress(double fraction, String message) {
                job.progress = Math.max(0, Math.min(1, fraction));
                job.message = message;
            }

            @Override
            public boolean cancelled() {
                return job.cancelled;
            }

            @Override
            public void exclusively(Runnable work) {
                runtime.exclusively(work);
            }
        };
        // the plugin's train() runs lowered on its guard's thread; this one commits what it wrote (append lock)
        Thread thread = new Thread(() -> {
            try {
                job.report = runtime.train(context);
                job.status = job.cancelled ? "CANCELLED" : "SUCCEEDED";
                job.progress = 1;
                job.message = job.report.summary();
            } catch (Exception e) {
                job.status = "FAILED";
                job.message = e.getMessage();
                LOG.warnf("training of plugin %s failed: %s", pluginId, e.getMessage());
            } finally {
                job.finishedAt = Instant.now();
            }
        }, "train-" + pluginId);
        thread.setDaemon(true);
        thread.start();
        return job.view();
    }

    /** A job of a plugin. */
    public Optional<JobView> get(String pluginId, String jobId) {
        return Optional.ofNullable(jobs.get(jobId)).filter(j -> j.pluginId.equals(pluginId)).map(Job::view);
    }

    /** Asks a running job to stop. */
    public Optional<JobView> cancel(String pluginId, String jobId) {
        Job job = jobs.get(jobId);
        if (job == null || !job.pluginId.equals(pluginId)) {
            return Optional.empty();
        }
        job.cancelled = true;
        return Optional.of(job.view());
    }

    private long stream(PluginRuntime runtime, boolean personal, Instant from, Instant to, Consumer<BehaviorEvent> consumer) {
        long[] n = {0};
        long total = reader.stream(personal, logged -> {
            BehaviorEvent e = logged.event();
            if ((from == null || !e.occurredAt().isBefore(from)) && (to == null || e.occurredAt().isBefore(to))
                    && runtime.descriptor.consumes(e.typeLabel())) {
                consumer.accept(e);
                n[0]++;
            }
        });
        LOG.debugf("training history of %s: %d of %d events in range", runtime.id, n[0], total);
        return n[0];
    }
}
