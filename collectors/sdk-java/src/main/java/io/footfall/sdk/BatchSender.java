package io.footfall.sdk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;
import java.util.zip.GZIPOutputStream;

/**
 * Sends one batch of already serialised messages to {@code POST /v1/batch} and retries it as the
 * {@link RetryPolicy} says. Synchronous and thread-safe: call it from as many threads as you want
 * requests in flight. Used by {@link FootfallClient} and by the log and CSV collectors.
 *
 * <p>Retrying is safe because every message carries a messageId: the server stores each id once.
 */
public final class BatchSender {
    private static final System.Logger LOG = System.getLogger(BatchSender.class.getName());

    private final HttpClient http;
    private final URI batchUri;
    private final String authorization;
    private final boolean gzip;
    private final Duration requestTimeout;
    private final RetryPolicy retry;
    private final IntConsumer onRetry;

    private BatchSender(Builder b) {
        this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(b.requestTimeout)
                .version(HttpClient.Version.HTTP_1_1).build();
        String base = b.endpoint.toString();
        this.batchUri = URI.create(base.endsWith("/") ? base + "v1/batch" : base + "/v1/batch");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((b.writeKey + ":").getBytes(StandardCharsets.UTF_8));
        this.gzip = b.gzip;
        this.requestTimeout = b.requestTimeout;
        this.retry = b.retry;
        this.onRetry = b.onRetry;
    }

    /** A sender to the Footfall at {@code endpoint} (e.g. {@code http://localhost:8080}) with a source's write key. */
    public static Builder builder(URI endpoint, String writeKey) {
        return new Builder(endpoint, writeKey);
    }

    /** Options of a {@link BatchSender}. */
    public static final class Builder {
        private final URI endpoint;
        private final String writeKey;
        private HttpClient http;
        private boolean gzip = true;
        private Duration requestTimeout = Duration.ofSeconds(15);
        private RetryPolicy retry = RetryPolicy.defaults();
        private IntConsumer onRetry = attempt -> {
        };

        private Builder(URI endpoint, String writeKey) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            this.writeKey = Objects.requireNonNull(writeKey, "writeKey");
        }

        /** The HTTP client to use (default: a new HTTP/1.1 client). */
        public Builder httpClient(HttpClient client) {
            this.http = client;
            return this;
        }

        /** Gzip request bodies (default true). */
        public Builder gzip(boolean gzip) {
            this.gzip = gzip;
            return this;
        }

        /** Time limit of one request, from sending to the answer (default 15 s); a timeout is retried. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** When to retry (default {@link RetryPolicy#defaults()}). */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retry = Objects.requireNonNull(policy);
            return this;
        }

        /** Called with the attempt number before each retry (for metrics). */
        public Builder onRetry(IntConsumer listener) {
            this.onRetry = Objects.requireNonNull(listener);
            return this;
        }

        /** The sender. */
        public BatchSender build() {
            return new BatchSender(this);
        }
    }

    /**
     * Sends {@code messages} (each a JSON object) as one batch, retrying until it is committed, the
     * server refuses it for good (4xx other than 429), or the attempts are used up.
     *
     * @param messages    serialised messages; each should carry a messageId
     * @param stampSentAt add the batch's {@code sentAt} (the time of each attempt) so that the
     *                    server corrects the client's clock skew; leave it out for historical data
     *                    whose timestamps must be kept exactly
     * @throws InterruptedException when interrupted while waiting; nothing more is sent
     */
    public SendResult send(List<String> messages, boolean stampSentAt) throws InterruptedException {
        if (messages.isEmpty()) {
            return new SendResult(true, 200, 0, 0, 0, 0, List.of(), null);
        }
        int attempt = 0;
        String lastFailure;
        int lastStatus;
        while (true) {
            attempt++;
            Duration retryAfter = null;
            try {
                HttpResponse<String> response = http.send(request(messages, stampSentAt), HttpResponse.BodyHandlers.ofString());
                lastStatus = response.statusCode();
                if (lastStatus == 200) {
                    return answer(response.body(), attempt);
                }
                lastFailure = "HTTP " + lastStatus + excerpt(response.body());
                if (!RetryPolicy.retryable(lastStatus)) {
                    LOG.log(System.Logger.Level.WARNING, "batch of {0} events refused with HTTP {1}; not retried", messages.size(), lastStatus);
                    return failed(lastStatus, attempt, lastFailure, response.body());
                }
                retryAfter = response.headers().firstValue("Retry-After").map(BatchSender::retryAfter).orElse(null);
            } catch (IOException e) {
                lastStatus = -1;
                lastFailure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            if (attempt >= retry.maxAttempts()) {
                LOG.log(System.Logger.Level.WARNING, "batch of {0} events given up after {1} attempts: {2}",
                        messages.size(), attempt, lastFailure);
                return new SendResult(false, lastStatus, 0, 0, 0, attempt, List.of(), lastFailure);
            }
            onRetry.accept(attempt);
            Thread.sleep(retry.delay(attempt, retryAfter).toMillis());
        }
    }

    private HttpRequest request(List<String> messages, boolean stampSentAt) throws IOException {
        int size = 32;
        for (String m : messages) {
            size += m.length() + 1;
        }
        StringBuilder body = new StringBuilder(size).append("{\"batch\":[");
        for (int i = 0; i < messages.size(); i++) {
            if (i > 0) {
                body.append(',');
            }
            body.append(messages.get(i));
        }
        body.append(']');
        if (stampSentAt) {
            body.append(",\"sentAt\":\"").append(Instant.now()).append('"');
        }
        body.append('}');
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(batchUri).timeout(requestTimeout)
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .header("User-Agent", "footfall-sdk-java/" + FootfallClient.VERSION);
        if (gzip) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
            try (GZIPOutputStream z = new GZIPOutputStream(out, 8192) {
                {
                    // fastest level: Segment JSON still shrinks ~8x, at a fraction of the default level's CPU
                    def.setLevel(java.util.zip.Deflater.BEST_SPEED);
                }
            }) {
                z.write(bytes);
            }
            bytes = out.toByteArray();
            request.header("Content-Encoding", "gzip");
        }
        return request.POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
    }

    private static SendResult answer(String body, int attempts) {
        try {
            Map<?, ?> answer = (Map<?, ?>) Json.parse(body);
            List<SendResult.EventError> errors = errors(answer);
            return new SendResult(true, 200, number(answer.get("stored")), number(answer.get("duplicates")),
                    number(answer.get("failed")), attempts, errors, null);
        } catch (RuntimeException e) {
            // a 200 means committed, whatever the body says
            return new SendResult(true, 200, 0, 0, 0, attempts, List.of(), null);
        }
    }

    private static SendResult failed(int status, int attempts, String failure, String body) {
        List<SendResult.EventError> errors = List.of();
        try {
            if (Json.parse(body) instanceof Map<?, ?> answer) {
                errors = errors(answer);
            }
        } catch (RuntimeException ignored) {
            // not JSON: no per-event errors
        }
        return new SendResult(false, status, 0, 0, errors.size(), attempts, errors, failure);
    }

    private static List<SendResult.EventError> errors(Map<?, ?> answer) {
        List<SendResult.EventError> errors = new ArrayList<>();
        for (Object e : Json.list(answer.get("errors"))) {
            if (e instanceof Map<?, ?> m) {
                errors.add(new SendResult.EventError(number(m.get("index")), (String) m.get("field"), (String) m.get("reason")));
            }
        }
        return List.copyOf(errors);
    }

    private static int number(Object value) {
        return value instanceof Number n ? n.intValue() : 0;
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.replaceAll("\\s+", " ");
        return ": " + (oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine);
    }

    /** {@code Retry-After} as seconds or an HTTP date; null when unreadable. */
    static Duration retryAfter(String value) {
        String v = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(Instant.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
