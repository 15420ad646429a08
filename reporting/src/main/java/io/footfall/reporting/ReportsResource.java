package io.footfall.reporting;

import com.fasterxml.jackson.databind.JsonNode;
import io.footfall.core.api.Problem;
import io.footfall.core.plugin.PluginResults;
import io.footfall.core.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The report API ({@code /api/v1/reports}): overview, funnel, cohorts, preferences, churn, recommendations and
 * models, read from pre-aggregated read models. Without {@code format} the answer is the live JSON for the admin
 * UI; {@code format=json} or {@code format=csv} (or {@code Accept: text/csv}) is an export, downloaded as a file,
 * in which small groups are suppressed ({@code footfall.reports.min-group-size}, see {@link Reports}).
 */
@Path("/api/v1/reports")
@Produces({MediaType.APPLICATION_JSON, "text/csv"})
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.ANALYST})
public class ReportsResource {

    private static final java.util.regex.Pattern SAVED_FUNNEL_ID = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** Plugin whose segment memberships the {@code segment} filter reads. */
    public static final String SEGMENT_PLUGIN = "segmentation";
    /** Most rows a list of a report may hold. */
    public static final int MAX_LIMIT = 1000;

    @Inject
    ReportQueries queries;
    @Inject
    PluginResults results;
    @Inject
    SavedFunnels savedFunnels;

    @ConfigProperty(name = "footfall.reports.min-group-size", defaultValue = "5")
    int minGroupSize;

    @GET
    @Path("/overview")
    public Response overview(@QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("segment") String segment,
                             @QueryParam("granularity") String granularity, @QueryParam("format") String format,
                             @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        String f = ReportParams.format(format, accept);
        ReportParams.Range range = ReportParams.range(from, to, ReportParams.today());
        String g = ReportParams.granularity(granularity);
        Reports.Overview report = queries.overview(range, g, segment(segment));
        return answer("overview", f, report, r -> r.suppress(minGroupSize), Reports.Overview::csv);
    }

    @GET
    @Path("/funnel")
    public Response funnel(@QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("segment") String segment,
                           @QueryParam("steps") String steps, @QueryParam("window") String window, @QueryParam("funnel") String funnel,
                           @QueryParam("format") String format, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        String f = ReportParams.format(format, accept);
        ReportParams.Range range = ReportParams.range(from, to, ReportParams.today());
        Reports.Funnel report;
        if (funnel != null && !funnel.isBlank()) {
            if (steps != null || window != null) {
                throw Problem.badRequest("funnel", "give either a saved funnel or steps and window");
            }
            SavedFunnels.Funnel saved = savedFunnels.get(funnel.trim())
                    .orElseThrow(() -> Problem.badRequest("funnel", "unknown funnel; see GET /api/v1/reports/funnels"));
            report = queries.savedFunnel(range, saved, segment(segment));
        } else {
            report = queries.funnel(range, ReportParams.steps(steps), ReportParams.window(window), segment(segment));
        }
        return answer("funnel", f, report, r -> r.suppress(minGroupSize), Reports.Funnel::csv);
    }

    /**
     * A funnel to save.
     *
     * @param id     {@code [a-z0-9][a-z0-9-]{0,62}}
     * @param name   optional, at most 200 characters
     * @param steps  2 to 10 event types
     * @param window ISO-8601 duration up to P90D, default P7D
     */
    public record FunnelRequest(String id, String name, List<String> steps, String window) {
    }

    /** Saved funnels with their backfill's progress. */
    public record FunnelList(List<SavedFunnels.Funnel> funnels) {
    }

    @GET
    @Path("/funnels")
    @Produces(MediaType.APPLICATION_JSON)
    public FunnelList funnels() {
        return new FunnelList(savedFunnels.list());
    }

    @GET
    @Path("/funnels/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public SavedFunnels.Funnel savedFunnel(@PathParam("id") String id) {
        return savedFunnels.get(id).orElseThrow(() -> Problem.notFound("funnel " + id));
    }

    /**
     * Saves a funnel (admin, operator): materialised from now on, its history backfilled in the background (progress
     * in {@code backfill}); {@code GET /funnel?funnel=<id>} reads it.
     */
    @POST
    @Path("/funnels")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    public Response saveFunnel(FunnelRequest body) {
        if (body == null) {
            throw Problem.badRequest("id", "a JSON body with id and steps is required");
        }
        if (body.id() == null || !SAVED_FUNNEL_ID.matcher(body.id()).matches()) {
            throw Problem.badRequest("id", "id must match [a-z0-9][a-z0-9-]{0,62}");
        }
        if (body.name() != null && body.name().length() > 200) {
            throw Problem.badRequest("name", "a name has at most 200 characters");
        }
        if (body.steps() == null || body.steps().isEmpty() || body.steps().stream().anyMatch(s -> s == null || s.contains(","))) {
            throw Problem.badRequest("steps", "steps must be 2 to 10 event names without commas");
        }
        List<String> steps = ReportParams.steps(String.join(",", body.steps()));
        java.time.Duration window = ReportParams.window(body.window());
        try {
            return savedFunnels.create(body.id(), body.name(), steps, window)
                    .map(f -> Response.status(Response.Status.CREATED).entity(f).build())
                    .orElseGet(() -> Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON)
                            .entity(new Problem("conflict", "id", "a funnel with this id is saved already")).build());
        } catch (IllegalStateException e) {
            if (e.getCause() != null) {
                throw e;
            }
            // a limit, not a field at fault
            return Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON)
                    .entity(new Problem("limit_reached", null, e.getMessage())).build();
        }
    }

    @DELETE
    @Path("/funnels/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    public Response deleteFunnel(@PathParam("id") String id) {
        if (!savedFunnels.delete(id)) {
            throw Problem.notFound("funnel " + id);
        }
        return Response.noContent().build();
    }

    @GET
    @Path("/cohorts")
    public Response cohorts(@QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("segment") String segment,
                            @QueryParam("weeks") String weeks, @QueryParam("format") String format,
                            @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        String f = ReportParams.format(format, accept);
        ReportParams.Range range = ReportParams.range(from, to, ReportParams.today());
        int w = ReportParams.integer(weeks, "weeks", 8, 1, 52);
        Reports.Cohorts report = queries.cohorts(range, w, segment(segment));
        return answer("cohorts", f, report, r -> r.suppress(minGroupSize), Reports.Cohorts::csv);
    }

    @GET
    @Path("/preferences")
    public Response preferences(@QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("segment") String segment,
                                @QueryParam("limit") String limit, @QueryParam("format") String format,
                                @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        String f = ReportParams.format(format, accept);
        ReportParams.Range range = ReportParams.range(from, to, ReportParams.today());
        int n = ReportParams.integer(limit, "limit", 10, 1, MAX_LIMIT);
        Reports.Preferences report = queries.preferences(range, n, segment(segment));
        return answer("preferences", f, report, r -> r.suppress(minGroupSize), Reports.Preferences::csv);
    }

    /** At-risk users are per-user data for acting on, not aggregates: exports are not suppressed. */
    @GET
    @Path("/churn")
    public Response churn(@QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("segment") String segment,
                          @QueryParam("limit") String limit, @QueryParam("minValue") String minValue, @QueryParam("format") String format,
                          @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        String f = ReportParams.format(format, accept);
        ReportParams.range(from, to, ReportParams.today());
        int n = ReportParams.integer(limit, "limit", 50, 1, MAX_LIMIT);
        Double min = ReportParams.number(minValue, "minValue");
        if (min != null && min < 0) {
            throw Problem.badRequest("minValue", "minValue must be a number >= 0 (customer value: revenue of the last 90 days)");
        }
        Reports.Churn report = queries.churn(n, min, segment(segment));
        return answer("churn", f, report, Function.identity(), Reports.Churn::csv);
    }

    @GET
    @Path("/recommendations")
    public Response recommendations(@QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("segment") String segment,
                                    @QueryParam("limit") String limit, @QueryParam("format") String format,
                                    @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        String f = ReportParams.format(format, accept);
        ReportParams.Range range = ReportParams.range(from, to, ReportParams.today());
        int n = ReportParams.integer(limit, "limit", 20, 1, MAX_LIMIT);
        segment(segment);
        Reports.Recommendations report = queries.recommendations(range, n);
        return answer("recommendations", f, report, r -> r.suppress(minGroupSize), Reports.Recommendations::csv);
    }

    @GET
    @Path("/models")
    public Response models(@QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("segment") String segment,
                           @QueryParam("format") String format, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        String f = ReportParams.format(format, accept);
        ReportParams.range(from, to, ReportParams.today());
        segment(segment);
        return answer("models", f, queries.models(), Function.identity(), Reports.Models::csv);
    }

    private <T> Response answer(String name, String format, T report, Function<T, T> suppress, Function<T, Csv> csv) {
        if (format == null) {
            return Response.ok(report, MediaType.APPLICATION_JSON_TYPE).build();
        }
        T exported = suppress.apply(report);
        if (format.equals("csv")) {
            return Response.ok(csv.apply(exported).text(), "text/csv; charset=UTF-8")
                    .header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"").build();
        }
        return Response.ok(exported, MediaType.APPLICATION_JSON_TYPE)
                .header("Content-Disposition", "attachment; filename=\"" + name + ".json\"").build();
    }

    /**
     * A known segment's id, or null without a segment; 400 naming {@code segment} when it is unknown. The reports read
     * the segment's rollups, whose members come from the segmentation plugin's events in the log.
     */
    private String segment(String segment) {
        if (segment == null || segment.isBlank()) {
            return null;
        }
        String id = segment.trim();
        if (!known(id)) {
            throw Problem.badRequest("segment", "unknown segment; see GET /api/v1/segments");
        }
        return id;
    }

    private boolean known(String segment) {
        if (results.segmentSizes(SEGMENT_PLUGIN).containsKey(segment)) {
            return true;
        }
        return results.byKey(SEGMENT_PLUGIN, "REPORT_TABLE", "segment-definitions").map(t -> {
            for (JsonNode row : t.result().path("rows")) {
                if (segment.equals(row.path(0).asText())) {
                    return true;
                }
            }
            return false;
        }).orElse(false);
    }

}
