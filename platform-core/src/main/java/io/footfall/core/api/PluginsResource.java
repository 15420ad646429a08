package io.footfall.core.api;

import io.footfall.api.config.InvalidConfigException;
import io.footfall.api.plugin.PluginDescriptor;
import io.footfall.api.store.ModelStore;
import io.footfall.api.store.ModelVersion;
import io.footfall.core.plugin.DeadLetters;
import io.footfall.core.plugin.PluginHost;
import io.footfall.core.plugin.PluginResults;
import io.footfall.core.plugin.PluginRuntimeView;
import io.footfall.core.plugin.TrainingJobs;
import io.footfall.core.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** The plugin host's admin API: status, configuration, enable/disable, training, replay, dead letters, models, results. */
@Path("/api/v1/plugins")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.PLUGIN_DEVELOPER})
public class PluginsResource {

    @Inject
    PluginHost host;
    @Inject
    io.footfall.core.cluster.ReplayRequests replayRequests;
    @Inject
    io.footfall.core.plugin.PluginReloads reloads;
    @Inject
    DeadLetters deadLetters;
    @Inject
    TrainingJobs training;
    @Inject
    io.footfall.core.plugin.TrainingSchedule trainingSchedule;
    @Inject
    PluginResults results;
    @Inject
    io.footfall.core.store.EventLog log;
    @Inject
    javax.sql.DataSource dataSource;

    /**
     * A plugin as the API shows it.
     *
     * @param id              id
     * @param descriptor      its descriptor (config spec included, for forms)
     * @param state           STOPPED, RUNNING, DISABLED, FAILED or QUARANTINED
     * @param config          applied configuration
     * @param position        its position in the log
     * @param lag             events behind the head of the log
     * @param replaying       whether it is replaying
     * @param processedEvents events handled since start
     * @param failedBatches   batches that failed since start
     * @param deadLetters     parked dead letters
     * @param lastError       latest error, if any
     * @param stateReason     why the plugin is FAILED or QUARANTINED, or null
     * @param abandonedThreads plugin threads that ran over a limit, could not be stopped and still run
     * @param retainedBytes   latest estimate of the heap it retains (-1 before the first check)
     * @param storedConfig    its stored configuration, property → text as last set (properties never set are absent
     *                        and take their default): what a whole-configuration {@code PUT …/config} should start from
     *                        (the applied {@code config} of a plugin being reopened or disabled may be older)
     * @param configVersion   version of {@code storedConfig}, read with it (changes with every change of any property);
     *                        send it as {@code If-Match} with {@code PUT …/config} so a change made in between is not
     *                        overwritten
     * @param segments        segments its events are folded on (above 1 only for a plugin folded by person, SPI 1.6;
     *                        {@code GET /api/v1/cluster} says which instance holds which)
     */
    public record PluginStatus(String id, PluginDescriptor descriptor, String state, Map<String, Object> config, long position, long lag,
                               boolean replaying, long processedEvents, long failedBatches, long deadLetters, String lastError,
                               String stateReason, int abandonedThreads, long retainedBytes, Map<String, String> storedConfig,
                               String configVersion, int segments) {
    }

    /**
     * All plugins.
     *
     * @param plugins loaded plugins
     * @param refused directories that could not be loaded, with the reason
     */
    public record PluginList(List<PluginStatus> plugins, List<PluginHost.Refusal> refused) {
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.ANALYST, Roles.PLUGIN_DEVELOPER})
    public PluginList list() {
        long head = log.head();
        return new PluginList(host.plugins().stream().sorted(java.util.Comparator.comparing(PluginRuntimeView::id))
                .map(p -> status(p, head)).toList(), host.refusals());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.ANALYST, Roles.PLUGIN_DEVELOPER})
    public PluginStatus get(@PathParam("id") String id) {
        return status(view(id), log.head());
    }

    /**
     * Loads plugin directories added since start, without restarting anything else: here at once, on every other
     * instance within {@code footfall.plugins.config-sync} ({@link io.footfall.core.plugin.PluginReloads}).
     */
    @POST
    @Path("/reload")
    public Map<String, Object> reload() {
        io.footfall.core.plugin.PluginReloads.Outcome outcome = reloads.reloadEverywhere();
        return Map.of("started", outcome.started(), "refused", host.refusals(), "generation", outcome.generation());
    }

    /**
     * Replaces a plugin's whole configuration (properties not sent take their defaults). With {@code If-Match} (the
     * {@code configVersion} it read, also the answer's ETag) it is refused with 409 {@code version_conflict}, field
     * {@code If-Match}, when the stored configuration changed in between (e.g. a rule segment created through the
     * segments API), instead of overwriting that change. Holds the same database lock as the segments API's changes
     * of the segmentation plugin's rules (one lock per plugin), so it is serialised with them across instances.
     */
    @PUT
    @Path("/{id}/config")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.PLUGIN_DEVELOPER})
    public Response configure(@PathParam("id") String id, @jakarta.ws.rs.HeaderParam("If-Match") String ifMatch,
                              Map<String, Object> config) throws Exception {
        view(id);
        if (config == null) {
            throw Problem.badRequest("body", "send the configuration as a JSON object of property → value");
        }
        String expected = expectedVersion(ifMatch);
        Map<String, String> raw = new java.util.LinkedHashMap<>();
        config.forEach((k, v) -> raw.put(k, v == null ? null : String.valueOf(v)));
        try (java.sql.Connection lock = dataSource.getConnection()) {
            // the host serialises changes within this instance; the lock, held until this transaction ends, across instances
            lock.setAutoCommit(false);
            io.footfall.core.store.AdvisoryLock.forTransaction(lock, configLockKey(id));
            try {
                if (expected != null) {
                    String current = host.configVersion(id);
                    if (!current.equals(expected)) {
                        Map<String, Object> body = new java.util.LinkedHashMap<>();
                        body.put("error", "version_conflict");
                        body.put("field", "If-Match");
                        body.put("message", "the configuration of plugin " + id + " changed since version " + expected
                                + " was read (now " + current + "): read it again and re-apply the change");
                        body.put("version", current);
                        throw new WebApplicationException(Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON)
                                .entity(body).build());
                    }
                }
                host.configure(id, raw);
            } catch (InvalidConfigException e) {
                throw new WebApplicationException(Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                        .entity(Map.of("error", "invalid_config", "field", e.errors().get(0).property(), "message", e.getMessage(),
                                "errors", e.errors())).build());
            } finally {
                lock.rollback(); // nothing was written on this connection: ending the transaction releases the lock
            }
        }
        PluginStatus status = get(id);
        return Response.ok(status).tag(status.configVersion()).build();
    }

    /**
     * Key of the advisory lock around changes of a plugin's configuration: the segments API's
     * ({@link SegmentsResource#LOCK_KEY}) for the segmentation plugin, so whole-document PUTs and rule segment
     * changes exclude each other; for other plugins one derived from the id.
     */
    static long configLockKey(String pluginId) {
        if (SegmentsResource.PLUGIN_ID.equals(pluginId)) {
            return SegmentsResource.LOCK_KEY;
        }
        return 0x706c7567L << 32 | (pluginId.hashCode() & 0xffffffffL); // "plug" and the id's hash
    }

    /** The version {@code If-Match} names (an ETag, quoted or weak), or null without one (or with {@code *}). */
    private static String expectedVersion(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return null;
        }
        String tag = ifMatch.trim();
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        return tag.replace("\"", "");
    }

    @POST
    @Path("/{id}/enable")
    @RolesAllowed({Roles.ADMIN, Roles.PLUGIN_DEVELOPER})
    public PluginStatus enable(@PathParam("id") String id) throws Exception {
        view(id);
        try {
            host.enable(id, true);
        } catch (PluginHost.AbandonedThreadsException e) {
            throw new WebApplicationException(Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON)
                    .entity(new Problem("abandoned_threads", null, e.getMessage())).build());
        }
        return get(id);
    }

    @POST
    @Path("/{id}/disable")
    @RolesAllowed({Roles.ADMIN, Roles.PLUGIN_DEVELOPER})
    public PluginStatus disable(@PathParam("id") String id) throws Exception {
        view(id);
        host.enable(id, false);
        return get(id);
    }

    /** Starts a training run on history before {@code cutoff} (default now); poll the returned job. */
    @POST
    @Path("/{id}/train")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.PLUGIN_DEVELOPER})
    public Response train(@PathParam("id") String id, @QueryParam("cutoff") String cutoff) {
        view(id);
        Instant at = Params.instant(cutoff, "cutoff");
        try {
            TrainingJobs.JobView job = training.start(id, at == null ? Instant.now() : at);
            return Response.accepted(job).header("Location", "/api/v1/plugins/" + id + "/jobs/" + job.id()).build();
        } catch (TrainingJobs.AlreadyTraining e) {
            throw new WebApplicationException(Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON)
                    .entity(new Problem("already_training", null, e.getMessage())).build());
        }
    }

    /**
     * A training schedule.
     *
     * @param every ISO-8601 interval such as {@code P1D}, or null for on-demand training only
     */
    public record Schedule(String every) {
    }

    @PUT
    @Path("/{id}/schedule")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.PLUGIN_DEVELOPER})
    public Schedule schedule(@PathParam("id") String id, Schedule schedule) {
        view(id);
        if (schedule == null) {
            // an empty PUT must not clear a schedule by accident
            throw Problem.badRequest("body", "send {\"every\": \"P1D\"} (an ISO-8601 duration), or {\"every\": null} to train on demand only");
        }
        java.time.Duration every = null;
        if (schedule.every() != null) {
            try {
                every = java.time.Duration.parse(schedule.every());
            } catch (java.time.format.DateTimeParseException e) {
                throw Problem.badRequest("every", "every must be an ISO-8601 duration such as PT6H or P1D");
            }
            if (every.compareTo(io.footfall.core.plugin.TrainingSchedule.MINIMUM) < 0) {
                throw Problem.badRequest("every", "every must be at least " + io.footfall.core.plugin.TrainingSchedule.MINIMUM);
            }
        }
        trainingSchedule.set(id, every);
        return new Schedule(every == null ? null : iso(every));
    }

    /**
     * A duration as ISO-8601 with whole days as days, so that {@code P1D} reads back as sent rather than as
     * {@code PT24H} (a day here is 24 hours, as {@link java.time.Duration#parse} reads it).
     */
    static String iso(java.time.Duration d) {
        long days = d.toDays();
        if (days <= 0 || d.isNegative()) {
            return d.toString();
        }
        java.time.Duration rest = d.minusDays(days);
        return "P" + days + "D" + (rest.isZero() ? "" : rest.toString().substring(1));
    }

    @GET
    @Path("/{id}/schedule")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.ANALYST, Roles.PLUGIN_DEVELOPER})
    public Schedule schedule(@PathParam("id") String id) {
        view(id);
        return new Schedule(trainingSchedule.get(id).map(PluginsResource::iso).orElse(null));
    }

    @GET
    @Path("/{id}/jobs/{job}")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.ANALYST, Roles.PLUGIN_DEVELOPER})
    public TrainingJobs.JobView job(@PathParam("id") String id, @PathParam("job") String job) {
        return training.get(id, job).orElseThrow(() -> Problem.notFound("job " + job));
    }

    @POST
    @Path("/{id}/jobs/{job}/cancel")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.PLUGIN_DEVELOPER})
    public TrainingJobs.JobView cancel(@PathParam("id") String id, @PathParam("job") String job) {
        return training.cancel(id, job).orElseThrow(() -> Problem.notFound("job " + job));
    }

    /** Clears the plugin's state and feeds it again from {@code from} (default: the start of the log). */
    @POST
    @Path("/{id}/replay")
    @RolesAllowed({Roles.ADMIN, Roles.PLUGIN_DEVELOPER})
    public Response replay(@PathParam("id") String id, @QueryParam("from") String from) throws Exception {
        PluginRuntimeView plugin = view(id);
        Instant at = Params.instant(from, "from");
        if ("QUARANTINED".equals(plugin.state())) {
            throw new WebApplicationException(Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON)
                    .entity(new Problem("quarantined", null, "plugin " + id + " is quarantined (" + plugin.stateReason()
                            + "); enable it first")).build());
        }
        try {
            host.replay(id, at);
        } catch (io.footfall.core.store.TokenPositions.HeldElsewhereException e) {
            // another instance feeds the plugin: that one replays it (ADR 0018)
            return ProjectionsResource.requested("id", id, replayRequests.request("plugin:" + id, at));
        }
        return Response.accepted(Map.of("status", "replaying", "id", id)).build();
    }

    @GET
    @Path("/{id}/dead-letters")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.PLUGIN_DEVELOPER})
    public List<DeadLetters.DeadLetter> deadLetters(@PathParam("id") String id, @QueryParam("status") String status,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500")) @QueryParam("limit") String limit) {
        view(id);
        if (status != null && !List.of("PARKED", "RETRIED", "DROPPED").contains(status)) {
            throw Problem.badRequest("status", "status must be PARKED, RETRIED or DROPPED");
        }
        return deadLetters.list(id, status, Params.limit(limit, 50, 500));
    }

    @POST
    @Path("/{id}/dead-letters/{letter}/retry")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.PLUGIN_DEVELOPER})
    public DeadLetters.DeadLetter retry(@PathParam("id") String id,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER)) @PathParam("letter") String letterId) {
        long letter = Params.id(letterId, "dead letter");
        DeadLetters.DeadLetter parked = parked(id, letter);
        host.retry(id, parked);
        return deadLetters.get(id, letter).orElseThrow();
    }

    @POST
    @Path("/{id}/dead-letters/{letter}/drop")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.PLUGIN_DEVELOPER})
    public DeadLetters.DeadLetter drop(@PathParam("id") String id,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER)) @PathParam("letter") String letterId) throws Exception {
        long letter = Params.id(letterId, "dead letter");
        parked(id, letter);
        try (var c = dataSource.getConnection()) {
            deadLetters.dropped(c, letter);
        }
        return deadLetters.get(id, letter).orElseThrow();
    }

    @GET
    @Path("/{id}/models")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.ANALYST, Roles.PLUGIN_DEVELOPER})
    public List<ModelVersion> models(@PathParam("id") String id) {
        return models(view(id)).versions();
    }

    @POST
    @Path("/{id}/models/{version}/promote")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    public ModelVersion promote(@PathParam("id") String id,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER)) @PathParam("version") String version) {
        long v = Params.id(version, "model version");
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw Problem.notFound("model version " + version);
        }
        try {
            return models(view(id)).promote((int) v);
        } catch (NoSuchElementException e) {
            throw Problem.notFound("model version " + version);
        }
    }

    @POST
    @Path("/{id}/models/rollback")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    public ModelVersion rollback(@PathParam("id") String id) {
        return models(view(id)).rollback().orElseThrow(() -> new WebApplicationException(Response.status(Response.Status.CONFLICT)
                .type(MediaType.APPLICATION_JSON).entity(new Problem("no_previous_model", null, "no earlier promoted version to roll back to")).build()));
    }

    @GET
    @Path("/{id}/results")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.ANALYST, Roles.PLUGIN_DEVELOPER})
    public List<PluginResults.StoredResult> results(@PathParam("id") String id, @QueryParam("type") String type,
                                                    @QueryParam("after") String after,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "1000")) @QueryParam("limit") String limit) {
        view(id);
        if (type != null && java.util.Arrays.stream(io.footfall.api.result.ResultType.values()).noneMatch(t -> t.name().equals(type))) {
            throw Problem.badRequest("type", "type must be one of " + java.util.Arrays.toString(io.footfall.api.result.ResultType.values()));
        }
        return results.ofPlugin(id, type, after, Params.limit(limit, 50, 1000));
    }

    private DeadLetters.DeadLetter parked(String id, long letter) {
        view(id);
        DeadLetters.DeadLetter parked = deadLetters.get(id, letter).orElseThrow(() -> Problem.notFound("dead letter " + letter));
        if (!parked.status().equals("PARKED")) {
            throw new WebApplicationException(Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON)
                    .entity(new Problem("not_parked", "status", "dead letter " + letter + " is " + parked.status())).build());
        }
        return parked;
    }

    private ModelStore models(PluginRuntimeView plugin) {
        return host.models(plugin.id());
    }

    private PluginRuntimeView view(String id) {
        return host.plugin(id).orElseThrow(() -> Problem.notFound("plugin " + id));
    }

    private PluginStatus status(PluginRuntimeView p, long head) {
        PluginHost.StoredConfiguration stored = host.storedConfiguration(p.id());
        long position = p.position();
        return new PluginStatus(p.id(), p.descriptor(), p.state(), p.config(), position, position < 0 ? head + 1 : Math.max(0, head - position),
                p.replaying(), p.processedEvents(), p.failedBatches(), deadLetters.parked(p.id()), p.lastError(),
                p.stateReason(), p.abandonedThreads(), p.retainedBytes(), stored.values(), stored.version(), p.segments());
    }
}
