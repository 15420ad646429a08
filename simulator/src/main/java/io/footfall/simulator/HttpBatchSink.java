package io.footfall.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Posts messages to a Segment-compatible tracking API as {@code POST <baseUrl>/v1/batch} with body
 * {@code {"batch":[...]}} and HTTP Basic auth {@code writeKey:} (the write key as user name, empty password),
 * like {@code @segment/analytics-node}.
 *
 * <p>Batches hold {@link Builder#batchSize} messages (default 250); at most {@link Builder#concurrency} requests
 * (default 4) are in flight, and {@link #accept} blocks when all are busy. A 429 or 5xx response, or a network
 * error, is retried up to {@link Builder#maxRetries} times (default 5) after the {@code Retry-After} delay when
 * the response has one (seconds or HTTP date, capped by {@link Builder#maxRetryAfter}), else after an exponential
 * backoff {@code min(maxBackoff, initialBackoff × 2^attempt)}. Any other non-2xx response fails at once. A
 * failure is thrown as an {@link HttpBatchException} (carrying the status and response body) from the next
 * {@link #accept} or from {@link #close}, which also waits for every request in flight.
 *
 * <p>{@code accept} and {@code close} are meant to be called from one thread.
 */
public final class HttpBatchSink implements EventSink {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_BODY_IN_MESSAGE = 2_000;

    private final URI endpoint;
    private final String authorization;
    private final int batchSize;
    private final int concurrency;
    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxRetryAfter;
    private final Duration requestTimeout;
    private final HttpClient client;
    private final Semaphore inFlight;
    private final AtomicReference<HttpBatchException> failure = new AtomicReference<>();
    private final AtomicLong batchesSent = new AtomicLong();
    private final AtomicLong messagesSent = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private List<ObjectNode> pending;
    private boolean closed;
    private boolean failureThrown;

    private HttpBatchSink(Builder b) {
        String base = b.baseUrl.toString();
        this.endpoint = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/batch");
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((b.writeKey + ":").getBytes(StandardCharsets.UTF_8));
        this.batchSize = b.batchSize;
        this.concurrency = b.concurrency;
        this.maxRetries = b.maxRetries;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.maxRetryAfter = b.maxRetryAfter;
        this.requestTimeout = b.requestTimeout;
        this.client = b.client != null ? b.client : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        this.inFlight = new Semaphore(concurrency);
        this.pending = new ArrayList<>(batchSize);
    }

    /**
     * A builder for a sink posting to {@code baseUrl + "/v1/batch"}.
     *
     * @param baseUrl  e.g. {@code http://localhost:8080}
     * @param writeKey the source's write key
     */
    public static Builder builder(URI baseUrl, String writeKey) {
        return new Builder(baseUrl, writeKey);
    }

    /** The URL batches are posted to. */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void accept(ObjectNode message) {
        if (closed) {
            throw new IllegalStateException("sink is closed");
        }
        throwIfFailed();
        pending.add(message);
        if (pending.size() >= batchSize) {
            dispatch();
        }
    }

    /**
     * Sends what is left, waits for every request in flight and throws the first delivery failure, unless
     * {@link #accept} has already thrown it.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!pending.isEmpty() && failure.get() == null) {
            dispatch();
        }
        inFlight.acquireUninterruptibly(concurrency);
        inFlight.release(concurrency);
        if (!failureThrown) {
            throwIfFailed();
        }
    }

    /** Batches acknowledged with a 2xx. */
    public long batchesSent() {
        return batchesSent.get();
    }

    /** Messages in batches acknowledged with a 2xx. */
    public long messagesSent() {
        return messagesSent.get();
    }

    /** Retried attempts (429, 5xx or network errors). */
    public long retries() {
        return retries.get();
    }

    private void dispatch() {
        List<ObjectNode> batch = pending;
        pending = new ArrayList<>(batchSize);
        byte[] body = body(batch);
        inFlight.acquireUninterruptibly();
        if (failure.get() != null) {
            inFlight.release();
            throwIfFailed();
        }
        int size = batch.size();
        attempt(body, 0).whenComplete((ok, error) -> {
            if (error == null) {
                batchesSent.incrementAndGet();
                messagesSent.addAndGet(size);
            } else {
                failure.compareAndSet(null, asBatchException(error));
            }
            inFlight.release();
        });
    }

    private static byte[] body(List<ObjectNode> batch) {
        ObjectNode root = MAPPER.createObjectNode();
        root.putArray("batch").addAll(batch);
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise batch", e);
        }
    }

    private CompletableFuture<Void> attempt(byte[] body, int attempt) {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("Authorization", authorization)
                .header("User-Agent", "footfall-simulator")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> outcome(body, attempt, response, error))
                .thenCompose(f -> f);
    }

    private CompletableFuture<Void> outcome(byte[] body, int attempt, HttpResponse<String> response,
                                            Throwable error) {
        if (error != null) {
            if (attempt < maxRetries) {
                return retry(body, attempt, backoff(attempt));
            }
            return CompletableFuture.failedFuture(new HttpBatchException("POST " + endpoint + " failed after "
                    + (attempt + 1) + " attempts: " + error, -1, "", error));
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return CompletableFuture.completedFuture(null);
        }
        if ((status == 429 || status >= 500) && attempt < maxRetries) {
            return retry(body, attempt, retryAfterOrBackoff(response, attempt));
        }
        String text = response.body() == null ? "" : response.body();
        String why = status == 429 || status >= 500 ? "gave up after " + (attempt + 1) + " attempts" : "rejected";
        return CompletableFuture.failedFuture(new HttpBatchException("POST " + endpoint + " " + why + " with HTTP "
                + status + ": " + abbreviate(text), status, text, null));
    }

    private CompletableFuture<Void> retry(byte[] body, int attempt, Duration delay) {
        retries.incrementAndGet();
        return CompletableFuture.runAsync(() -> { },
                        CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS))
                .thenCompose(v -> attempt(body, attempt + 1));
    }

    private Duration backoff(int attempt) {
        long millis = initialBackoff.toMillis() << Math.min(attempt, 20);
        return Duration.ofMillis(Math.min(maxBackoff.toMillis(), millis));
    }

    /** The response's {@code Retry-After} (delta-seconds or HTTP date), capped; else the backoff. */
    private Duration retryAfterOrBackoff(HttpResponse<String> response, int attempt) {
        return parseRetryAfter(response.headers().firstValue("Retry-After").orElse(null))
                .map(d -> d.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : d)
                .orElseGet(() -> backoff(attempt));
    }

    static Optional<Duration> parseRetryAfter(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        if (v.chars().allMatch(Character::isDigit)) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private void throwIfFailed() {
        HttpBatchException e = failure.get();
        if (e != null) {
            failureThrown = true;
            throw e;
        }
    }

    private HttpBatchException asBatchException(Throwable error) {
        Throwable t = error;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof HttpBatchException h) {
            return h;
        }
        return new HttpBatchException("POST " + endpoint + " failed: " + t, -1, "", t);
    }

    private static String abbreviate(String s) {
        return s.length() <= MAX_BODY_IN_MESSAGE ? s : s.substring(0, MAX_BODY_IN_MESSAGE) + "…";
    }

    /** Settings of an {@link HttpBatchSink}. */
    public static final class Builder {
        private final URI baseUrl;
        private final String writeKey;
        private int batchSize = 250;
        private int concurrency = 4;
        private int maxRetries = 5;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private Duration maxRetryAfter = Duration.ofSeconds(60);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private HttpClient client;

        private Builder(URI baseUrl, String writeKey) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            this.writeKey = Objects.requireNonNull(writeKey, "writeKey");
        }

        /** Messages per request (default 250). */
        public Builder batchSize(int v) { batchSize = atLeast(1, v, "batchSize"); return this; }
        /** Requests in flight at once (default 4). */
        public Builder concurrency(int v) { concurrency = atLeast(1, v, "concurrency"); return this; }
        /** Retries of a 429/5xx/network failure before giving up (default 5). */
        public Builder maxRetries(int v) { maxRetries = atLeast(0, v, "maxRetries"); return this; }
        /** First backoff delay when the response has no Retry-After (default 200 ms). */
        public Builder initialBackoff(Duration v) { initialBackoff = Objects.requireNonNull(v); return this; }
        /** Largest backoff delay (default 10 s). */
        public Builder maxBackoff(Duration v) { maxBackoff = Objects.requireNonNull(v); return this; }
        /** Largest Retry-After delay honoured (default 60 s). */
        public Builder maxRetryAfter(Duration v) { maxRetryAfter = Objects.requireNonNull(v); return this; }
        /** Timeout of one request (default 30 s). */
        public Builder requestTimeout(Duration v) { requestTimeout = Objects.requireNonNull(v); return this; }
        /** The client to use (default: a new HTTP/1.1 client). */
        public Builder httpClient(HttpClient v) { client = Objects.requireNonNull(v); return this; }

        public HttpBatchSink build() {
            return new HttpBatchSink(this);
        }

        private static int atLeast(int min, int v, String name) {
            if (v < min) {
                throw new IllegalArgumentException(name + " must be >= " + min + ": " + v);
            }
            return v;
        }
    }
}
