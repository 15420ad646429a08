package io.footfall.collector.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.footfall.api.event.BehaviorEvent;
import io.footfall.collector.logs.RowImport;
import io.footfall.collector.segment.SegmentMapper;
import io.footfall.collector.segment.SegmentViolation;
import io.footfall.core.ingest.IngestOutcome;
import io.footfall.core.ingest.IngestPipeline;
import io.footfall.core.ingest.OverloadedException;
import io.footfall.core.source.Source;
import io.footfall.core.source.SourceRegistry;
import io.footfall.core.store.EventJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Server-side CSV import: one request carries whole lines of a file; each row is mapped by the same format code as
 * the client-side backfill ({@link RowImport}), validated by the same Segment mapping as the tracking API, and
 * appended through the same {@link IngestPipeline} (dedup by message id, group commit), in slices of at most one
 * commit. The answer comes once every slice is durably committed. Against the client-side backfill this saves
 * building, sending and parsing a JSON batch per event: the file's bytes travel as they are.
 *
 * <p>Events get no client IP: the rows are history, and the importing machine's address is not theirs.
 */
@ApplicationScoped
public class CsvImportHandler {

    private static final Logger LOG = Logger.getLogger(CsvImportHandler.class);
    /** Bad rows listed in an answer (all are counted). */
    static final int BAD_ROWS_SHOWN = 100;
    static final int MAX_TAG = 200;

    @Inject
    IngestPipeline pipeline;
    @Inject
    SourceRegistry sources;

    @ConfigProperty(name = "footfall.import.max-request-bytes", defaultValue = "4000000")
    long maxRequestBytes;
    @ConfigProperty(name = "footfall.ingest.max-events-per-commit", defaultValue = "5000")
    int sliceSize;

    private final ObjectMapper answers = EventJson.create();
    private final SegmentMapper mapper = new SegmentMapper(EventJson.create());

    /** One import request as the resource received it. */
    record Request(byte[] body, String authorization, String contentEncoding, String format, String tag, long firstLine) {
    }

    CompletableFuture<Response> handle(Request request) {
        Instant receivedAt = Instant.now();
        if (request.format() == null || request.format().isBlank()) {
            return bad("format", "format is required: one of " + formats());
        }
        if (!RowImport.supports(request.format())) {
            return bad("format", "format must be one of " + formats() + " (formats that assemble orders from several rows, "
                    + "retailrocket and online-retail, are imported with the client-side backfill)");
        }
        if (request.tag() == null || request.tag().isBlank() || request.tag().length() > MAX_TAG) {
            return bad("tag", "tag is required (at most " + MAX_TAG + " characters): message ids derive from it and the rows");
        }
        if (request.firstLine() < 1) {
            return bad("firstLine", "firstLine must be a line number, at least 1");
        }
        if (request.body() == null || request.body().length == 0) {
            return done(Response.Status.BAD_REQUEST, ApiError.of("empty_body", "body", "the request has no body"));
        }
        if (request.body().length > maxRequestBytes) {
            return tooLarge("the request is larger than " + maxRequestBytes + " bytes");
        }
        Optional<Source> source = sources.authenticate(TrackingRequestHandler.basicUser(request.authorization()));
        if (source.isEmpty()) {
            return done(Response.Status.UNAUTHORIZED, ApiError.of("invalid_write_key", "writeKey",
                    "send a valid write key as HTTP Basic user name"));
        }
        byte[] body;
        try {
            body = TrackingRequestHandler.decode(request.body(), request.contentEncoding(), maxRequestBytes);
        } catch (TrackingRequestHandler.TooLarge e) {
            return tooLarge("the decompressed request is larger than " + maxRequestBytes + " bytes");
        } catch (TrackingRequestHandler.UnsupportedEncoding e) {
            return done(Response.Status.UNSUPPORTED_MEDIA_TYPE, TrackingRequestHandler.unsupportedEncoding(request.contentEncoding()));
        } catch (IOException e) {
            return done(Response.Status.BAD_REQUEST, ApiError.of("malformed_body", "body", "the body is not valid gzip"));
        }
        SegmentMapper.Envelope envelope = new SegmentMapper.Envelope(source.get().id(), receivedAt, null, null);
        List<BehaviorEvent> events = new ArrayList<>();
        List<ImportAnswer.BadRow> shown = new ArrayList<>();
        long[] badRows = {0};
        RowImport rows = RowImport.of(request.format(), request.tag());
        long lines = rows.map(new String(body, StandardCharsets.UTF_8), request.firstLine(), new RowImport.Sink() {
            @Override
            public void event(com.fasterxml.jackson.databind.node.ObjectNode message, long line) {
                try {
                    events.add(mapper.map(message, null, envelope));
                } catch (SegmentViolation v) {
                    bad(line, "rejected: " + v.field() + ": " + v.getMessage());
                }
            }

            @Override
            public void bad(long line, String reason) {
                badRows[0]++;
                if (shown.size() < BAD_ROWS_SHOWN) {
                    shown.add(new ImportAnswer.BadRow(line, reason));
                }
            }
        });
        return commit(events).handle((outcomes, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof OverloadedException) {
                    return Response.status(429).header("Retry-After", "1").type("application/json")
                            .entity(json(ApiError.of("overloaded", null, cause.getMessage() + "; send this piece again"))).build();
                }
                LOG.warnf("import failed: %s", io.footfall.core.config.SafeErrors.describe(cause));
                return Response.status(Response.Status.SERVICE_UNAVAILABLE).header("Retry-After", "1").type("application/json")
                        .entity(json(ApiError.of("unavailable", null,
                                "not every event was stored; send this piece again (stored rows are recognised)"))).build();
            }
            long stored = outcomes.stream().mapToLong(IngestOutcome::stored).sum();
            long duplicates = outcomes.stream().mapToLong(IngestOutcome::duplicates).sum();
            return Response.ok(json(new ImportAnswer(true, lines, events.size(), stored, duplicates, badRows[0], shown)))
                    .type("application/json").build();
        }).toCompletableFuture();
    }

    /**
     * Submits the events in slices of one commit each. When the ingest queue is full, waits for this request's own
     * oldest slice and tries again; when none of its slices is outstanding, fails with the overload (429).
     */
    private CompletableFuture<List<IngestOutcome>> commit(List<BehaviorEvent> events) {
        ArrayDeque<CompletableFuture<IngestOutcome>> outstanding = new ArrayDeque<>();
        List<CompletableFuture<IngestOutcome>> all = new ArrayList<>();
        for (int from = 0; from < events.size(); from += sliceSize) {
            List<BehaviorEvent> slice = events.subList(from, Math.min(events.size(), from + sliceSize));
            while (true) {
                try {
                    CompletableFuture<IngestOutcome> f = pipeline.submit(slice, List.of());
                    outstanding.add(f);
                    all.add(f);
                    break;
                } catch (OverloadedException e) {
                    if (outstanding.isEmpty()) {
                        return CompletableFuture.failedFuture(e);
                    }
                    try {
                        outstanding.poll().join();
                    } catch (CompletionException failed) {
                        return CompletableFuture.failedFuture(failed.getCause() == null ? failed : failed.getCause());
                    }
                }
            }
            outstanding.removeIf(CompletableFuture::isDone);
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .thenApply(v -> all.stream().map(CompletableFuture::join).toList());
    }

    private static String formats() {
        return String.join(", ", new java.util.TreeSet<>(RowImport.FORMATS));
    }

    private CompletableFuture<Response> bad(String field, String message) {
        return done(Response.Status.BAD_REQUEST, ApiError.of("invalid_parameter", field, message));
    }

    private CompletableFuture<Response> tooLarge(String message) {
        return done(Response.Status.REQUEST_ENTITY_TOO_LARGE, new ApiError(false, "payload_too_large", "body", message, maxRequestBytes));
    }

    private CompletableFuture<Response> done(Response.Status status, Object entity) {
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
