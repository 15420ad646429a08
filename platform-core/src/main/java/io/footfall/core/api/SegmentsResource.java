package io.footfall.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.footfall.core.plugin.PluginHost;
import io.footfall.core.plugin.PluginResults;
import io.footfall.core.profile.ProfileQueries;
import io.footfall.core.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.WebApplicationException;
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
 * Segments of the segmentation plugin: every segment with its size, its members (paged, or as CSV), a user's
 * segments and a user's membership history (from the {@code Segment Entered}/{@code Segment Exited} events in the
 * log), and CRUD for rule segments.
 *
 * <p>The plugin's configuration (property {@code rules}, a JSON document {@code {"segments": [...]}}) stays the one
 * source of truth for rule definitions: {@code POST}, {@code PUT} and {@code DELETE} read it, change one definition
 * and store it back through {@link PluginHost#reconfigure} (serialised with every other configuration change, and
 * validated by the plugin's own {@code validate} hook before anything is stored), and the list reads the rule
 * definitions from it, so a change shows at once.
 *
 * <p>Concurrent changes: every read-modify-write of the rules document holds a PostgreSQL advisory lock (so changes
 * made through different instances of the app cannot lose one another either), and each definition has a
 * {@code version} (a hash of its stored JSON, also its {@code ETag}): a {@code PUT} or {@code DELETE} that sends the
 * version it read (body member {@code version} or {@code If-Match}) is refused with 409 {@code version_conflict}
 * naming that field when the definition changed in between. The whole-document {@code PUT /api/v1/plugins/segmentation/config}
 * takes the same lock ({@link #LOCK_KEY}) and, with {@code If-Match}, checks the whole configuration's version
 * ({@link PluginsResource}), so it cannot silently drop a segment changed here after the document was read.
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

    /** Transitions a history page holds when no limit is given. */
    public static final int HISTORY_LIMIT = 50;
    /** Name of the event of entering a segment, as the segmentation plugin emits it. */
    public static final String ENTERED = "Segment Entered";
    /** Name of the event of leaving a segment. */
    public static final String EXITED = "Segment Exited";

    private static final java.util.Set<String> SEGMENT_EVENTS = java.util.Set.of(ENTERED, EXITED);
    private static final int MAX_HISTORY_SCAN = 20_000;
    private static final java.util.regex.Pattern SEGMENT_POINTER = java.util.regex.Pattern.compile("/segments/(\\d+)(.*)");
    private static final String MEMBERSHIP = "SEGMENT_MEMBERSHIP";
    private static final String TABLE = "REPORT_TABLE";

    private static final String RULES = "rules";
    /** Body member carrying a definition's version (never stored). */
    static final String VERSION = "version";
    /**
     * Key of the PostgreSQL advisory lock ({@code pg_advisory_xact_lock}) held around every change of the rules
     * document through this resource and around {@code PUT /api/v1/plugins/segmentation/config} ("segments" in
     * ASCII), so that instances sharing the database serialise them.
     */
    public static final long LOCK_KEY = 0x7365676d656e7473L;
    private static final String NO_RULES = "{\"segments\":[]}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    PluginResults results;
    @Inject
    PluginHost host;
    @Inject
    javax.sql.DataSource dataSource;

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
        List<DefinitionError> errors = new ArrayList<>();
        results.byKey(PLUGIN_ID, TABLE, "segment-definition-errors").ifPresent(t -> {
            for (JsonNode row : t.result().path("rows")) {
                errors.add(new DefinitionError(row.path(0).asText(), row.path(1).asText()));
            }
        });
        // the configured rule definitions are the truth (the plugin's table lags a change until its next batch),
        // unless the plugin refused the stored document: then the definitions in force are the table's
        ArrayNode defs = errors.isEmpty() ? configuredDefinitions() : null;
        Map<String, Segment> table = new LinkedHashMap<>();
        results.byKey(PLUGIN_ID, TABLE, "segment-definitions").ifPresent(t -> {
            for (JsonNode row : t.result().path("rows")) {
                String id = row.path(0).asText();
                table.put(id, new Segment(id, row.path(1).asText(), row.path(2).asText(), row.path(3).asText(), sizes.getOrDefault(id, 0L)));
            }
        });
        Map<String, Segment> out = new LinkedHashMap<>();
        table.values().stream().filter(seg -> "rfm".equals(seg.kind())).forEach(seg -> out.put(seg.id(), seg));
        if (defs != null) {
            for (JsonNode d : defs) {
                String id = d.path("id").asText();
                out.put(id, new Segment(id, "rule", d.path("name").asText(id), d.path("description").asText(""), sizes.getOrDefault(id, 0L)));
            }
        }
        table.values().stream().filter(seg -> defs == null || !"rule".equals(seg.kind())).forEach(seg -> out.putIfAbsent(seg.id(), seg));
        sizes.forEach((id, size) -> {
            if (defs == null || !"rule".equals(kind(id))) {
                out.putIfAbsent(id, new Segment(id, kind(id), id, "", size));
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

    /**
     * A rule segment's definition as configured ({@code id, name?, description?, when}); 404 for an unknown id or a
     * segment that is not a rule (RFM, clusters).
     */
    @GET
    @Path("/{id}/definition")
    public Response definition(@PathParam("id") String id) {
        ArrayNode defs = configuredDefinitions();
        int i = defs == null ? -1 : indexOf(defs, id);
        if (i < 0) {
            throw Problem.notFound("rule segment " + id);
        }
        return versioned(Response.ok(), (ObjectNode) defs.get(i));
    }

    /**
     * A definition's version: the first 16 hex digits of the SHA-256 of its stored JSON (so equal definitions have
     * equal versions, and any change gives a new one).
     */
    static String version(JsonNode definition) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(JSON.writeValueAsString(definition).getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash, 0, 8);
        } catch (java.security.NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The definition with its {@code version} member, and the version as ETag. */
    private static Response versioned(Response.ResponseBuilder response, ObjectNode stored) {
        String version = version(stored);
        ObjectNode body = stored.deepCopy();
        body.put(VERSION, version);
        return response.type(MediaType.APPLICATION_JSON).tag(version).entity(body).build();
    }

    /**
     * The version a request expects the stored definition to have, or null: {@code If-Match} (an ETag of
     * {@link #definition}) wins over the body's {@code version} member, which is removed from the body.
     */
    private static Precondition precondition(String ifMatch, ObjectNode body) {
        JsonNode v = body == null ? null : body.remove(VERSION);
        if (ifMatch != null && !ifMatch.isBlank() && !ifMatch.trim().equals("*")) {
            String tag = ifMatch.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            return new Precondition("If-Match", tag.replace("\"", ""));
        }
        if (v != null && !v.isNull()) {
            if (!v.isTextual()) {
                throw invalid(List.of(new DefinitionError("/" + VERSION, "must be the version string of GET /api/v1/segments/{id}/definition")));
            }
            return new Precondition(VERSION, v.asText());
        }
        return null;
    }

    /** An expected version and the request field that carried it. */
    private record Precondition(String field, String version) {
        void check(String id, JsonNode stored) {
            String current = SegmentsResource.version(stored);
            if (!current.equals(version)) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("error", "version_conflict");
                body.put("field", field);
                body.put("message", "rule segment " + id + " changed since version " + version + " was read (now " + current
                        + "): read it again and re-apply the change");
                body.put("version", current);
                throw new WebApplicationException(Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON).entity(body).build());
            }
        }
    }

    /**
     * Creates a rule segment from its definition. 201 with the stored definition; 400 with JSON pointers into the
     * body when it is invalid; 409 when a rule segment with this id exists.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    public Response create(JsonNode body) throws Exception {
        ObjectNode definition = definitionBody(body);
        definition.remove(VERSION); // a new definition has no version to check
        String id = definition.path("id").isTextual() ? definition.path("id").asText() : null;
        int[] index = new int[1];
        change(defs -> {
            if (id != null && indexOf(defs, id) >= 0) {
                throw conflict("segment_exists", "a rule segment with id " + id + " exists: PUT /api/v1/segments/" + id + " replaces it", List.of());
            }
            index[0] = defs.size();
            defs.add(definition);
        }, index, false);
        return versioned(Response.status(Response.Status.CREATED).location(java.net.URI.create("/api/v1/segments/" + id)), definition);
    }

    /**
     * Replaces a rule segment's definition (same id: the body's {@code id}, when given, must be the path's). 200 with
     * the stored definition and its new version; 400 with JSON pointers into the body; 404 for an unknown id; 409
     * {@code version_conflict} when the request names the version it read ({@code If-Match} or body {@code version})
     * and the definition has changed since.
     */
    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    public Response replace(@PathParam("id") String id, @jakarta.ws.rs.HeaderParam("If-Match") String ifMatch, JsonNode body) throws Exception {
        ObjectNode definition = definitionBody(body);
        Precondition expected = precondition(ifMatch, definition);
        JsonNode bodyId = definition.get("id");
        ObjectNode stored = JSON.createObjectNode();
        stored.put("id", id);
        definition.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("id")) {
                stored.set(f.getKey(), f.getValue());
            }
        });
        int[] index = new int[1];
        change(defs -> {
            int i = existing(defs, id, expected);
            if (bodyId != null && !(bodyId.isTextual() && bodyId.asText().equals(id))) {
                throw invalid(List.of(new DefinitionError("/id", "must be the segment's id \"" + id + "\" (ids cannot change: create a new segment)")));
            }
            index[0] = i;
            defs.set(i, stored);
        }, index, false);
        return versioned(Response.ok(), stored);
    }

    /**
     * Deletes a rule segment: 204; 404 for an unknown id; 409 when other rule segments refer to it (the errors name
     * them), or {@code version_conflict} when {@code If-Match} names a version the definition no longer has. Its
     * members leave it (a {@code Segment Exited} event each) as the plugin sweeps its users.
     */
    @DELETE
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    public Response delete(@PathParam("id") String id, @jakarta.ws.rs.HeaderParam("If-Match") String ifMatch) throws Exception {
        Precondition expected = precondition(ifMatch, null);
        int[] index = {-1};
        change(defs -> {
            int i = existing(defs, id, expected);
            index[0] = i;
            defs.remove(i);
        }, index, true);
        return Response.noContent().build();
    }

    /** The body as a definition object, or a 400. */
    private static ObjectNode definitionBody(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid(List.of(new DefinitionError("", "send the segment definition as a JSON object {\"id\", \"name\", \"description\", \"when\"}")));
        }
        return (ObjectNode) body.deepCopy();
    }

    /**
     * Reads the configured rules document, lets {@code edit} change its segment array, and stores it through the host
     * (validated by the plugin). Validation errors inside the edited definition ({@code index[0]}) are returned as
     * pointers into the request body; errors elsewhere (another segment that refers to this one) keep their pointer
     * into the rules document. After a delete, any validation error is a 409.
     */
    private void change(java.util.function.Consumer<ArrayNode> edit, int[] index, boolean deleting) throws Exception {
        // the host serialises changes within this instance; the lock, held until this transaction ends, across instances
        try (java.sql.Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            io.footfall.core.store.AdvisoryLock.forTransaction(lock, LOCK_KEY);
            try {
                reconfigure(edit, index, deleting);
            } finally {
                lock.rollback(); // nothing was written on this connection: ending the transaction releases the lock
            }
        }
    }

    private void reconfigure(java.util.function.Consumer<ArrayNode> edit, int[] index, boolean deleting) throws Exception {
        try {
            host.reconfigure(PLUGIN_ID, values -> {
                ObjectNode document = document(values.getOrDefault(RULES, NO_RULES));
                ArrayNode defs = (ArrayNode) document.get("segments");
                edit.accept(defs);
                try {
                    values.put(RULES, JSON.writeValueAsString(document));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                return values;
            });
        } catch (java.util.NoSuchElementException e) {
            throw Problem.notFound("plugin " + PLUGIN_ID);
        } catch (io.footfall.api.config.InvalidConfigException e) {
            List<DefinitionError> errors = new ArrayList<>();
            String prefix = "/segments/" + index[0];
            for (io.footfall.api.config.ConfigError error : e.errors()) {
                String message = error.message();
                String pointer = "";
                int colon = message.indexOf(": ");
                if (message.startsWith("/") && colon > 0) {
                    pointer = message.substring(0, colon);
                    message = message.substring(colon + 2);
                }
                java.util.regex.Matcher at = SEGMENT_POINTER.matcher(pointer);
                if (!deleting && index[0] >= 0 && (pointer.equals(prefix) || pointer.startsWith(prefix + "/"))) {
                    errors.add(new DefinitionError(pointer.substring(prefix.length()), message));
                } else if (deleting && at.matches() && Integer.parseInt(at.group(1)) >= index[0]) {
                    // the pointer is into the document without the deleted segment: point into the stored one
                    errors.add(new DefinitionError("rules:/segments/" + (Integer.parseInt(at.group(1)) + 1) + at.group(2), message));
                } else {
                    errors.add(new DefinitionError("rules:" + pointer, message));
                }
            }
            if (deleting) {
                throw conflict("segment_in_use", "other rule segments refer to this one: change them first", errors);
            }
            throw invalid(errors);
        }
    }

    /** The configured rule definitions, or null when the plugin is not loaded or its stored document is unreadable. */
    private ArrayNode configuredDefinitions() {
        try {
            ObjectNode document = document(host.storedValues(PLUGIN_ID).getOrDefault(RULES, NO_RULES));
            return (ArrayNode) document.get("segments");
        } catch (java.util.NoSuchElementException | IllegalStateException e) {
            return null;
        }
    }

    private static ObjectNode document(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node instanceof ObjectNode o && o.get("segments") instanceof ArrayNode) {
                return o;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // below
        }
        throw new IllegalStateException("the stored rules document is not {\"segments\": [...]}");
    }

    /** The index of an existing definition: 404 when there is none, 409 when it no longer has the expected version. */
    private static int existing(ArrayNode defs, String id, Precondition expected) {
        int i = indexOf(defs, id);
        if (i < 0) {
            throw Problem.notFound("rule segment " + id);
        }
        if (expected != null) {
            expected.check(id, defs.get(i));
        }
        return i;
    }

    private static int indexOf(ArrayNode defs, String id) {
        for (int i = 0; i < defs.size(); i++) {
            if (id.equals(defs.get(i).path("id").asText(null))) {
                return i;
            }
        }
        return -1;
    }

    /** A 400 whose {@code field} is the first error's pointer and whose {@code errors} lists them all. */
    private static WebApplicationException invalid(List<DefinitionError> errors) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "invalid_definition");
        body.put("field", errors.isEmpty() ? "" : errors.get(0).pointer());
        body.put("message", errors.stream().map(e -> (e.pointer().isEmpty() ? "" : e.pointer() + ": ") + e.message())
                .collect(java.util.stream.Collectors.joining("; ")));
        body.put("errors", errors);
        return new WebApplicationException(Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON).entity(body).build());
    }

    private static WebApplicationException conflict(String code, String message, List<DefinitionError> errors) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("field", "id");
        body.put("message", message);
        body.put("errors", errors);
        return new WebApplicationException(Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON).entity(body).build());
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
        @Inject
        ProfileQueries profiles;

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

        /**
         * Transitions with their event time, newest first, read from the user's {@code Segment Entered} and
         * {@code Segment Exited} events in the log (so they reach as far back as the log); {@code segment} keeps one
         * segment's; {@code limit} (default 50, at most 1000) transitions.
         */
        @GET
        @Path("/history")
        public History history(@PathParam("id") String id, @QueryParam("segment") String segment, @QueryParam("limit") String limit) {
            int n = Params.limit(limit, HISTORY_LIMIT, MAX_LIMIT);
            List<Transition> out = new ArrayList<>();
            // a filter on the segment is applied after reading: read more so that a page of one segment is not short
            int read = segment == null ? n : Math.min(MAX_HISTORY_SCAN, n * 20);
            for (ProfileQueries.TimelineItem item : profiles.eventsOfTypes(id, SEGMENT_EVENTS, read)) {
                Object seg = item.event().properties().get("segmentId");
                if (!(seg instanceof String s) || (segment != null && !segment.equals(s))) {
                    continue;
                }
                out.add(new Transition(s, ENTERED.equals(item.event().name()) ? "entered" : "exited", item.event().occurredAt().toString()));
                if (out.size() == n) {
                    break;
                }
            }
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
