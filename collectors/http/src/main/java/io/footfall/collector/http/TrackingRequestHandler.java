package io.footfall.collector.http;

import io.footfall.collector.segment.Fields;
import io.footfall.collector.segment.SegmentMapper;
import io.footfall.collector.segment.SegmentViolation;
import io.footfall.collector.segment.ViolationReason;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventKind;
import io.footfall.core.failed.FailedEvent;
import io.footfall.core.failed.FailureReason;
import io.footfall.core.ingest.IngestOutcome;
import io.footfall.core.ingest.IngestPipeline;
import io.footfall.core.ingest.OverloadedException;
import io.footfall.core.profile.Identifiers;
import io.footfall.core.source.Source;
import io.footfall.core.source.SourceRegistry;
import io.footfall.core.store.EventJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.zip.GZIPInputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Handles tracking-API requests: size limits, gzip, authentication by write key, parsing,
 * per-event validation, and the durable hand-over to the {@link IngestPipeline}. Answers only
 * once everything accepted is committed.
 */
@ApplicationScoped
public class TrackingRequestHandler {

    private static final Logger LOG = Logger.getLogger(TrackingRequestHandler.class);

    @Inject
    IngestPipeline pipeline;
    @Inject
    SourceRegistry sources;

    @ConfigProperty(name = "footfall.ingest.max-request-bytes", defaultValue = "512000")
    long maxRequestBytes;
    @ConfigProperty(name = "footfall.ingest.max-event-bytes", defaultValue = "32768")
    long maxEventBytes;

    private final ObjectMapper json = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build());
    private final ObjectMapper answers = EventJson.create();
    private final SegmentMapper mapper = new SegmentMapper(EventJson.create());

    /** The write key as a member of a body kept as text (a browser's single call sends it there). */
    private static final java.util.regex.Pattern WRITE_KEY_MEMBER = java.util.regex.Pattern.compile("\"writeKey\"\\s*:\\s*\"(?:[^\"\\\\]|\\\\.)*\"");

    /** The event as kept in the failed-events store: without the write key a single call may carry. */
    private static JsonNode withoutWriteKey(JsonNode item) {
        if (item instanceof com.fasterxml.jackson.databind.node.ObjectNode object && object.has("writeKey")) {
            com.fasterxml.jackson.databind.node.ObjectNode copy = object.deepCopy();
            copy.remove("writeKey");
            return copy;
        }
        return item;
    }

    /** A request as the resource received it. */
    record Request(byte[] body, String authorization, String contentEncoding, String clientIp, EventKind kind) {
        boolean isBatch() {
            return kind == null;
        }
    }

    CompletionStage<Response> handle(Request request) {
        Instant receivedAt = Instant.now();
        if (request.body() == null || request.body().length == 0) {
            return done(Response.Status.BAD_REQUEST, ApiError.of("empty_body", "body", "the request has no body"));
        }
        if (request.body().length > maxRequestBytes) {
            return tooLarge("body", "the request is larger than " + maxRequestBytes + " bytes", maxRequestBytes);
        }
        byte[] body;
        try {
            body = decode(request.body(), request.contentEncoding());
        } catch (TooLarge e) {
            return tooLarge("body", "the decompressed request is larger than " + maxRequestBytes + " bytes", maxRequestBytes);
        } catch (UnsupportedEncoding e) {
            return done(Response.Status.UNSUPPORTED_MEDIA_TYPE, unsupportedEncoding(request.contentEncoding()));
        } catch (IOException e) {
            return done(Response.Status.BAD_REQUEST, ApiError.of("malformed_body", "body", "the body is not valid gzip"));
        }
        Optional<Source> source = sources.authenticate(basicUser(request.authorization()));
        JsonNode root;
        List<Integer> itemBytes = new ArrayList<>();
        try {
            root = readTree(body, itemBytes);
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            String message = "the body is not valid JSON (UTF-8): " + Fields.abbreviate(detail == null ? "" : detail);
            if (source.isEmpty()) {
                return done(Response.Status.BAD_REQUEST, ApiError.of("malformed_json", "body", message));
            }
            FailedEvent failed = new FailedEvent(source.get().id(), receivedAt, FailureReason.MALFORMED, "body", message, null,
                    WRITE_KEY_MEMBER.matcher(new String(body, StandardCharsets.UTF_8)).replaceAll("\"writeKey\":\"(removed)\""));
            return submit(List.of(), List.of(failed), List.of(new IngestAnswer.EventError(0, "body", FailureReason.MALFORMED.name(), message)), true);
        }
        if (root == null || !root.isObject()) {
            return done(Response.Status.BAD_REQUEST, ApiError.of("malformed_json", "body", "the body must be a JSON object"));
        }
        if (source.isEmpty()) {
            JsonNode key = root.get("writeKey");
            source = key != null && key.isTextual() ? sources.authenticate(key.textValue()) : Optional.empty();
        }
        if (source.isEmpty()) {
            return done(Response.Status.UNAUTHORIZED, ApiError.of("invalid_write_key", "writeKey",
                    "send a valid write key as HTTP Basic user name or as writeKey in the body"));
        }
        String sourceId = source.get().id();
        List<JsonNode> items = new ArrayList<>();
        Instant batchSentAt = null;
        if (!request.isBatch()) {
            items.add(root);
        } else if (root.get("batch") == null || !root.get("batch").isArray()) {
            return done(Response.Status.BAD_REQUEST, ApiError.of("invalid_batch", "batch", "batch must be an array of events"));
        } else {
            try {
                batchSentAt = unpack(root, items);
            } catch (SegmentViolation v) {
                return done(Response.Status.BAD_REQUEST, ApiError.of("invalid_event", v.field(), v.getMessage()));
            }
        }
        SegmentMapper.Envelope envelope = new SegmentMapper.Envelope(sourceId, receivedAt, batchSentAt, request.clientIp());
        List<BehaviorEvent> events = new ArrayList<>(items.size());
        List<FailedEvent> failed = new ArrayList<>();
        List<IngestAnswer.EventError> errors = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (request.kind() != null && item.isObject() && !item.has("type")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) item).put("type", request.kind().wireName());
            }
            int bytes = request.isBatch() ? (i < itemBytes.size() ? itemBytes.get(i) : Integer.MAX_VALUE) : body.length;
            try {
                if (bytes > maxEventBytes) {
                    throw new SegmentViolation(request.isBatch() ? "batch[" + i + "]" : "body", ViolationReason.SIZE,
                            "the event is larger than " + maxEventBytes + " bytes");
                }
                events.add(mapper.map(item, request.kind(), envelope));
            } catch (SegmentViolation v) {
                failed.add(new FailedEvent(sourceId, receivedAt, FailureReason.valueOf(v.reason().name()), v.field(), v.getMessage(),
                        Identifiers.subjectOf(item, Fields.MAX_ID), withoutWriteKey(item).toString()));
                errors.add(new IngestAnswer.EventError(i, v.field(), v.reason().name(), v.getMessage()));
            }
        }
        if (!request.isBatch() && events.isEmpty() && !errors.isEmpty() && errors.get(0).reason().equals(FailureReason.SIZE.name())) {
            return tooLarge("body", errors.get(0).message(), maxEventBytes);
        }
        return submit(events, failed, errors, events.isEmpty() && !errors.isEmpty());
    }

    /**
     * Validates a failed event again (its stored raw JSON or a corrected one) and appends it when
     * every event in it is now valid; nothing is stored otherwise.
     */
    CompletionStage<Response> reprocess(FailedEvent failed, byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            return done(Response.Status.BAD_REQUEST, ApiError.of("malformed_json", "body", "the event is not valid JSON"));
        }
        if (root == null || !root.isObject()) {
            return done(Response.Status.BAD_REQUEST, ApiError.of("malformed_json", "body", "the event must be a JSON object"));
        }
        List<JsonNode> items = new ArrayList<>();
        Instant sentAt;
        try {
            sentAt = unpack(root, items);
        } catch (SegmentViolation v) {
            return done(Response.Status.BAD_REQUEST, ApiError.of("invalid_event", v.field(), v.getMessage()));
        }
        SegmentMapper.Envelope envelope = new SegmentMapper.Envelope(failed.sourceId(), failed.receivedAt(), sentAt, null);
        List<BehaviorEvent> events = new ArrayList<>();
        List<IngestAnswer.EventError> errors = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                events.add(mapper.map(items.get(i), null, envelope));
            } catch (SegmentViolation v) {
                errors.add(new IngestAnswer.EventError(i, v.field(), v.reason().name(), v.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            return done(Response.Status.BAD_REQUEST, new IngestAnswer(false, 0, 0, errors.size(), errors));
        }
        return submit(events, List.of(), List.of(), false);
    }

    /**
     * Reads the body as a JSON tree, noting the size in bytes of each element of its {@code batch}
     * array as sent, so the per-event size limit needs no re-serialisation of every event.
     */
    private JsonNode readTree(byte[] body, List<Integer> itemBytes) throws IOException {
        try (com.fasterxml.jackson.core.JsonParser p = json.createParser(body)) {
            com.fasterxml.jackson.core.JsonToken first = p.nextToken();
            if (first != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return first == null ? null : p.readValueAsTree();
            }
            com.fasterxml.jackson.databind.node.ObjectNode root = json.createObjectNode();
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = p.currentName();
                com.fasterxml.jackson.core.JsonToken value = p.nextToken();
                if ("batch".equals(name) && value == com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
                    itemBytes.clear();
                    com.fasterxml.jackson.databind.node.ArrayNode batch = json.createArrayNode();
                    while (p.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
                        long start = p.currentTokenLocation().getByteOffset();
                        batch.add((JsonNode) p.readValueAsTree());
                        itemBytes.add((int) Math.min(Integer.MAX_VALUE, p.currentLocation().getByteOffset() - start));
                    }
                    root.set(name, batch);
                } else {
                    root.set(name, p.readValueAsTree());
                }
            }
            return root;
        }
    }

    /** Adds the events of a body ({@code {"batch":[…]}} or one message) to {@code items}; returns the batch's sentAt. */
    private static Instant unpack(JsonNode root, List<JsonNode> items) throws SegmentViolation {
        JsonNode batch = root.get("batch");
        if (batch == null || !batch.isArray()) {
            items.add(root);
            return null;
        }
        batch.forEach(items::add);
        return Fields.instant(root.get("sentAt"), "sentAt");
    }

    private CompletionStage<Response> submit(List<BehaviorEvent> events, List<FailedEvent> failed,
                                             List<IngestAnswer.EventError> errors, boolean rejected) {
        CompletableFuture<IngestOutcome> outcome;
        try {
            outcome = pipeline.submit(events, failed);
        } catch (OverloadedException e) {
            return CompletableFuture.completedFuture(Response.status(429).header("Retry-After", "1")
                    .entity(json(ApiError.of("overloaded", null, e.getMessage()))).type("application/json").build());
        }
        return outcome.handle((o, error) -> {
            if (error != null) {
                LOG.warnf("ingest failed: %s", io.footfall.core.config.SafeErrors.describe(error));
                return Response.status(Response.Status.SERVICE_UNAVAILABLE).header("Retry-After", "1")
                        .entity(json(ApiError.of("unavailable", null, "events were not stored; retry"))).type("application/json").build();
            }
            IngestAnswer answer = new IngestAnswer(!rejected, o.stored(), o.duplicates(), o.failed(), errors);
            return Response.status(rejected ? Response.Status.BAD_REQUEST : Response.Status.OK)
                    .entity(json(answer)).type("application/json").build();
        });
    }


    private byte[] decode(byte[] body, String encoding) throws IOException {
        return decode(body, encoding, maxRequestBytes);
    }

    /**
     * The body as sent ({@code identity} or none) or gunzipped; {@link TooLarge} once it grows beyond {@code limit}
     * bytes, {@link UnsupportedEncoding} for an encoding other than gzip, any other {@code IOException} for a body that is not valid gzip.
     */
    static byte[] decode(byte[] body, String encoding, long limit) throws IOException {
        if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
            return body;
        }
        if (!encoding.trim().equalsIgnoreCase("gzip")) {
            throw new UnsupportedEncoding();
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length * 4);
            byte[] buffer = new byte[16384];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                if (out.size() > limit) {
                    throw new TooLarge();
                }
            }
            return out.toByteArray();
        }
    }

    /** A decompressed body beyond its limit. */
    static final class TooLarge extends IOException {
    }

    /** A {@code Content-Encoding} other than gzip or identity (deflate, br, …). */
    static final class UnsupportedEncoding extends IOException {
    }

    /** The 415 for a {@code Content-Encoding} this API does not decode. */
    static ApiError unsupportedEncoding(String encoding) {
        String shown = encoding.length() > 40 ? encoding.substring(0, 40) + "…" : encoding;
        return ApiError.of("unsupported_encoding", "Content-Encoding", "Content-Encoding must be gzip or identity, was " + shown.strip());
    }

    static String basicUser(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? decoded : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private CompletionStage<Response> tooLarge(String field, String message, long limit) {
        return done(Response.Status.REQUEST_ENTITY_TOO_LARGE, new ApiError(false, "payload_too_large", field, message, limit));
    }

    private CompletionStage<Response> done(Response.Status status, Object entity) {
        return CompletableFuture.completedFuture(Response.status(status).entity(json(entity)).type("application/json").build());
    }

    private String json(Object entity) {
        try {
            return answers.writeValueAsString(entity);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
