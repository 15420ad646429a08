package io.footfall.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.footfall.core.plugin.PluginResults;
import io.footfall.core.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Segments of the segmentation plugin, read from the results read model: every segment with its size, its members
 * (paged, or as CSV), a user's segments and a user's membership history. Rule segments are defined through the
 * plugin's configuration ({@code PUT /api/v1/plugins/segmentation/config}, property {@code rules}).
 */
@Path("/api/v1/segments")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.ANALYST})
public class SegmentsResource {

    /** The plugin whose segments are served. */
    public static final String PLUGIN_ID = "segmentation";
    /** Members per page when no limit is given. */
    public static final int DEFAULT_LIMIT = 100;
    /** Most members one page may hold. */
    public static final int MAX_LIMIT = 1000;

    private static final String MEMBERSHIP = "SEGMENT_MEMBERSHIP";
    private static final String TABLE = "REPORT_TABLE";

    @Inject
    PluginResults results;

    /**
     * A segment.
     *
     * @param id          segment id ({@code rfm:champions}, a rule id, {@code cluster:2})
     * @param kind        {@code rfm}, {@code rule} or {@code cluster}
     * @param name        display name
     * @param description what it is (for clusters: its most distinctive features in words)
     * @param size        current members
     */
    public record Segment(String id, String kind, String name, String description, long size) {
    }

    /**
     * Every segment, and why the configured rule definitions were refused (empty when accepted).
     *
     * @param segments         the segments
     * @param definitionErrors JSON pointer into the rules document and message
     */
    public record Segments(List<Segment> segments, List<DefinitionError> definitionErrors) {
    }

    /**
     * A refused part of the rules document.
     *
     * @param pointer JSON pointer into the document
     * @param message what is wrong
     */
    public record DefinitionError(String pointer, String message) {
    }

    /**
     * One page of members.
     *
     * @param segment the segment
     * @param members members by user id
     * @param next    the {@code after} of the next page, or null on the last page
     */
    public record Members(String segment, List<Member> members, String next) {
    }

    /**
     * A member.
     *
     * @param userId     the user
     * @param score      strength of membership in [0, 1]
     * @param recordedAt when the plugin published the membership
     */
    public record Member(String userId, double score, Instant recordedAt) {
    }

    /**
     * A user's segments.
     *
     * @param userId   the user
     * @param segments the segments the user is in now
     * @param rfm      the user's RFM scores, or null when not scored
     */
    public record UserSegments(String userId, List<UserSegment> segments, Rfm rfm) {
    }

    /**
     * A segment a user is in.
     *
     * @param segment    segment id
     * @param kind       {@code rfm}, {@code rule} or {@code cluster}
     * @param score      strength of membership
     * @param recordedAt when the plugin published the membership
     */
    public record UserSegment(String segment, String kind, double score, Instant recordedAt) {
    }

    /**
     * RFM scores.
     *
     * @param r       recency score 1–5
     * @param f       frequency score 1–5
     * @param m       monetary score 1–5
     * @param segment the named RFM segment
     */
    public record Rfm(int r, int f, int m, String segment) {
    }

    /**
     * A user's membership history, newest first.
     *
     * @param userId  the user
     * @param history transitions
     */
    public record History(String userId, List<Transition> history) {
    }

    /**
     * One transition.
     *
     * @param segment segment id
     * @param change  {@code entered} or {@code exited}
     * @param at      event time of the transition
     */
    public record Transition(String segment, String change, String at) {
    }

    @GET
    public Segments segments() {
        Map<String, Long> sizes = results.segmentSizes(PLUGIN_ID);
        Map<String, Segment> out = new LinkedHashMap<>();
        results.byKey(PLUGIN_ID, TABLE, "segment-definitions").ifPresent(t -> {
            for (JsonNode row : t.result().path("rows")) {
                String id = row.path(0).asText();
                out.put(id, new Segment(id, row.path(1).asText(), row.path(2).asText(), row.path(3).asText(), sizes.getOrDefault(id, 0L)));
            }
        });
        sizes.forEach((id, size) -> out.putIfAbsent(id, new Segment(id, kind(id), id, "", size)));
        List<DefinitionError> errors = new ArrayList<>();
        results.byKey(PLUGIN_ID, TABLE, "segment-definition-errors").ifPresent(t -> {
            for (JsonNode row : t.result().path("rows")) {
                errors.add(new DefinitionError(row.path(0).asText(), row.path(1).asText()));
            }
        });
        return new Segments(List.copyOf(out.values()), errors);
    }

    @GET
    @Path("/{id}")
    public Segment segment(@PathParam("id") String id) {
        return segments().segments().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> Problem.notFound("segment " + id));
    }

    @GET
    @Path("/{id}/members")
    public Members members(@PathParam("id") String id, @QueryParam("after") String after, @QueryParam("limit") String limit) {
        int n = Params.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        List<Member> members = new ArrayList<>();
        for (PluginResults.StoredResult r : results.segmentMembers(PLUGIN_ID, id, after, n)) {
            members.add(new Member(r.userId(), r.result().path("score").asDouble(), r.recordedAt()));
        }
        return new Members(id, members, members.size() == n ? members.get(n - 1).userId() : null);
    }

    /** Every member as CSV ({@code user_id,score,recorded_at}), streamed page by page. */
    @GET
    @Path("/{id}/members.csv")
    @Produces("text/csv")
    public Response membersCsv(@PathParam("id") String id) {
        StreamingOutput body = output -> {
            Writer w = new OutputStreamWriter(output, StandardCharsets.UTF_8);
            w.write("user_id,score,recorded_at\n");
            String after = null;
            while (true) {
                List<PluginResults.StoredResult> page = results.segmentMembers(PLUGIN_ID, id, after, MAX_LIMIT);
                for (PluginResults.StoredResult r : page) {
                    w.write(csv(r.userId()) + "," + r.result().path("score").asDouble() + "," + r.recordedAt() + "\n");
                }
                if (page.size() < MAX_LIMIT) {
                    break;
                }
                after = page.get(page.size() - 1).userId();
            }
            w.flush();
        };
        String file = id.replaceAll("[^A-Za-z0-9-]", "_") + ".csv";
        return Response.ok(body, "text/csv; charset=UTF-8").header("Content-Disposition", "attachment; filename=\"" + file + "\"").build();
    }

    /**
     * A user's segments and membership history. A resource of its own, because {@code /api/v1/users} is
     * {@link InsightsResource}'s root and the most specific root path wins.
     */
    @Path("/api/v1/users/{id}/segments")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.ANALYST})
    public static class UserSegmentsResource {

        @Inject
        PluginResults results;

        @GET
        public UserSegments userSegments(@PathParam("id") String id) {
            List<UserSegment> segments = new ArrayList<>();
            Rfm rfm = null;
            for (PluginResults.StoredResult r : results.ofUser(id)) {
                if (!PLUGIN_ID.equals(r.pluginId())) {
                    continue;
                }
                if (MEMBERSHIP.equals(r.type()) && r.result().path("member").asBoolean()) {
                    String segment = r.result().path("segment").asText();
                    segments.add(new UserSegment(segment, kind(segment), r.result().path("score").asDouble(), r.recordedAt()));
                } else if ("USER_SCORE".equals(r.type()) && "rfm".equals(r.result().path("name").asText())) {
                    int score = r.result().path("score").asInt();
                    rfm = new Rfm(score / 100, score / 10 % 10, score % 10, r.result().path("band").asText());
                }
            }
            return new UserSegments(id, segments, rfm);
        }

        /** Transitions with their event time, newest first; {@code segment} keeps one segment's. */
        @GET
        @Path("/history")
        public History history(@PathParam("id") String id, @QueryParam("segment") String segment) {
            List<Transition> out = new ArrayList<>();
            results.byKey(PLUGIN_ID, TABLE, "segment-history:" + id).ifPresent(t -> {
                for (JsonNode row : t.result().path("rows")) {
                    if (segment == null || segment.equals(row.path(0).asText())) {
                        out.add(0, new Transition(row.path(0).asText(), row.path(1).asText(), row.path(2).asText()));
                    }
                }
            });
            return new History(id, out);
        }
    }

    static String kind(String segment) {
        return segment.startsWith("rfm:") ? "rfm" : segment.startsWith("cluster:") ? "cluster" : "rule";
    }

    private static String csv(String value) {
        if (value == null) {
            return "";
        }
        boolean quote = value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r");
        String v = value;
        // a cell starting with a formula character is prefixed, so that a spreadsheet does not run it
        if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        return quote ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

}
