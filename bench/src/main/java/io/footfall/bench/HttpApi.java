package io.footfall.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of the app's HTTP API the benchmark uses, over one {@link HttpClient} (HTTP/1.1, connections to
 * 127.0.0.1 pooled): {@code POST /v1/batch} with the write key, the admin API and {@code /q/metrics}.
 */
final class HttpApi {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] BATCH_OPEN = "{\"batch\":".getBytes(StandardCharsets.US_ASCII);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)");

    private final HttpClient client;
    private final URI base;
    private final String writeAuth;
    private final String adminAuth;

    /**
     * The app's answer to one batch.
     *
     * @param status     HTTP status
     * @param stored     events appended (200 only)
     * @param duplicates events already in the log (200 only)
     * @param failed     events rejected (200/400)
     * @param retryAfter seconds from Retry-After, or -1
     * @param body       the response body (for error reports)
     */
    record Answer(int status, int stored, int duplicates, int failed, int retryAfter, String body) {
    }

    HttpApi(URI base) {
        this.base = base;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.writeAuth = basic(BenchMain.WRITE_KEY, "");
        this.adminAuth = basic(BenchMain.ADMIN_USER, BenchMain.ADMIN_PASSWORD);
    }

    URI base() {
        return base;
    }

    /**
     * {@code POST /v1/batch} of a pre-serialised JSON array, with {@code sentAt} = now; waits for the answer. Sent over
     * the calling thread's own kept-alive connection ({@link BatchSocket}), opened on first use and again after an error.
     */
    Answer post(byte[] array) throws IOException, InterruptedException {
        BatchSocket socket = sockets.get();
        if (socket == null) {
            socket = new BatchSocket(base, writeAuth);
            sockets.set(socket);
        }
        byte[] close = (",\"sentAt\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.US_ASCII);
        BatchSocket.Response response;
        try {
            response = socket.post(BATCH_OPEN, array, close);
        } catch (IOException | RuntimeException e) {
            sockets.remove();
            socket.close();
            throw e instanceof IOException io ? io : new IOException(e);
        }
        if (!response.keepAlive()) {
            sockets.remove();
            socket.close();
        }
        return answer(response.status(), response.retryAfter(), response.body());
    }

    /** Each closed-loop client thread's connection for {@link #post}. */
    private final ThreadLocal<BatchSocket> sockets = new ThreadLocal<>();

    /** Closes the calling thread's {@link #post} connection, if it has one. */
    void closeThreadConnection() {
        BatchSocket socket = sockets.get();
        sockets.remove();
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** Like {@link #post}, asynchronously. */
    CompletableFuture<Answer> postAsync(byte[] array) {
        return client.sendAsync(batchRequest(array), HttpResponse.BodyHandlers.ofString()).thenApply(HttpApi::answer);
    }

    private HttpRequest batchRequest(byte[] array) {
        byte[] close = (",\"sentAt\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.US_ASCII);
        return HttpRequest.newBuilder(base.resolve("/v1/batch"))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Authorization", writeAuth)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(List.of(BATCH_OPEN, array, close)))
                .build();
    }

    private static Answer answer(HttpResponse<String> response) {
        int retryAfter = response.headers().firstValue("Retry-After").map(v -> {
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                return 1;
            }
        }).orElse(-1);
        return answer(response.statusCode(), retryAfter, response.body());
    }

    private static Answer answer(int status, int retryAfter, String text) {
        int stored = 0;
        int duplicates = 0;
        int failed = 0;
        if (status == 200 || status == 400) {
            try {
                JsonNode body = MAPPER.readTree(text);
                stored = body.path("stored").asInt();
                duplicates = body.path("duplicates").asInt();
                failed = body.path("failed").asInt();
            } catch (IOException e) {
                failed = -1;
            }
        }
        return new Answer(status, stored, duplicates, failed, retryAfter, text);
    }

    /** GET an admin endpoint as JSON; null for 404. */
    JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", adminAuth).header("Accept", "application/json").GET().build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + abbreviate(response.body()));
        }
        return MAPPER.readTree(response.body());
    }

    /** GET an admin endpoint; its body, or an IOException for anything but 200. */
    String getText(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT)
                .header("Authorization", adminAuth).header("Accept", "application/json").GET().build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + abbreviate(response.body()));
        }
        return response.body();
    }

    /** PUT JSON to an admin endpoint; the answer's body, or an IOException for a status other than 200. */
    String putJson(String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(120))
                .header("Authorization", adminAuth).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("PUT " + path + " answered " + response.statusCode() + ": " + abbreviate(response.body()));
        }
        return response.body();
    }

    /** POST JSON to an admin endpoint; the answer's body, or an IOException for a status other than 201. */
    String postJson(String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(120))
                .header("Authorization", adminAuth).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException("POST " + path + " answered " + response.statusCode() + ": " + abbreviate(response.body()));
        }
        return response.body();
    }

    /** The profiles projection's {@code [position, head, lag]} from {@code /api/v1/projections}. */
    long[] projection() throws IOException, InterruptedException {
        JsonNode list = getJson("/api/v1/projections");
        if (list != null) {
            for (JsonNode p : list) {
                if ("profiles".equals(p.path("name").asText())) {
                    return new long[] {p.path("position").asLong(), p.path("head").asLong(), p.path("lag").asLong()};
                }
            }
        }
        throw new IOException("no profiles projection in /api/v1/projections: " + list);
    }

    /** The largest lag of any processor other than the profile projection: contributed projections and plugins. */
    long maxSecondaryLag() throws IOException, InterruptedException {
        long max = 0;
        JsonNode projections = getJson("/api/v1/projections");
        if (projections != null) {
            for (JsonNode p : projections) {
                if (!"profiles".equals(p.path("name").asText())) {
                    max = Math.max(max, p.path("lag").asLong());
                }
            }
        }
        JsonNode plugins = getJson("/api/v1/plugins");
        if (plugins != null) {
            for (JsonNode p : plugins.path("plugins")) {
                if ("RUNNING".equals(p.path("state").asText())) {
                    max = Math.max(max, p.path("lag").asLong());
                }
            }
        }
        return max;
    }

    /** Samples of {@code /q/metrics} whose name starts with {@code prefix}, keyed by name plus labels. */
    Map<String, Double> metrics(String prefix) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/q/metrics")).timeout(Duration.ofSeconds(10))
                .header("Accept", "text/plain").GET().build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("/q/metrics answered " + response.statusCode());
        }
        Map<String, Double> out = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("#") || !line.startsWith(prefix)) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (m.find()) {
                try {
                    out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
                } catch (NumberFormatException e) {
                    // NaN spelled differently: skip
                }
            }
        }
        return out;
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String one = s.replace('\n', ' ');
        return one.length() <= 300 ? one : one.substring(0, 300) + "…";
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
