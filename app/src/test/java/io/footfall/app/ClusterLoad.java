package io.footfall.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.footfall.simulator.ListSink;
import io.footfall.simulator.Simulator;
import io.footfall.simulator.SimulatorConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Simulated storefront load sent to several app JVMs on one database, and what the cluster tests read back: who holds
 * a processor, the profiles as text. Shared by {@link ClusterFailoverIT} and {@link KafkaRelayFailoverIT}.
 */
final class ClusterLoad {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENTS = 4;

    private ClusterLoad() {
    }

    /** One request body and the message ids in it. */
    record Batch(String json, List<String> ids) {
    }

    /** The simulator's messages for {@code users} over {@code days}, in requests of {@code perRequest}. */
    static ConcurrentLinkedQueue<Batch> batches(long seed, int users, int days, int perRequest) throws Exception {
        ListSink generated = new ListSink();
        Simulator.run(SimulatorConfig.builder().seed(seed).users(users).days(days).build(), generated);
        ConcurrentLinkedQueue<Batch> pending = new ConcurrentLinkedQueue<>();
        List<ObjectNode> messages = generated.messages();
        for (int from = 0; from < messages.size(); from += perRequest) {
            List<ObjectNode> slice = messages.subList(from, Math.min(messages.size(), from + perRequest));
            ObjectNode body = JSON.createObjectNode();
            body.putArray("batch").addAll(slice);
            pending.add(new Batch(JSON.writeValueAsString(body), slice.stream().map(m -> m.get("messageId").asText()).toList()));
        }
        return pending;
    }

    /** How many messages the batches hold. */
    static int messages(ConcurrentLinkedQueue<Batch> batches) {
        return batches.stream().mapToInt(b -> b.ids().size()).sum();
    }

    /**
     * Four clients sending the pending batches to the live instances in turn, moving on to another instance on any
     * failure; at most {@code requestsPerSecond} requests a second when positive (so that a load lasts past a takeover).
     */
    static ExecutorService send(ConcurrentLinkedQueue<Batch> pending, List<AppProcess> alive, Set<String> acknowledged,
            String writeKey, int requestsPerSecond) {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        AtomicInteger turn = new AtomicInteger();
        long start = System.nanoTime();
        long interval = requestsPerSecond > 0 ? TimeUnit.SECONDS.toNanos(1) / requestsPerSecond : 0;
        AtomicLong slots = new AtomicLong();
        String authorization = "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
        for (int c = 0; c < CLIENTS; c++) {
            clients.submit(() -> {
                Batch batch;
                while ((batch = pending.poll()) != null) {
                    // pacing of the load (not synchronisation): each request has its time slot
                    long due = start + slots.getAndIncrement() * interval;
                    for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
                        LockSupport.parkNanos(due - now);
                    }
                    for (int attempt = 0; ; attempt++) {
                        List<AppProcess> targets = List.copyOf(alive);
                        AppProcess target = targets.get(Math.floorMod(turn.getAndIncrement(), targets.size()));
                        try {
                            HttpResponse<String> response = http.send(HttpRequest.newBuilder(target.uri("/v1/batch"))
                                    .header("Authorization", authorization)
                                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                                    .POST(HttpRequest.BodyPublishers.ofString(batch.json())).build(), HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() == 200) {
                                acknowledged.addAll(batch.ids());
                                break;
                            }
                            if (response.statusCode() != 429 && response.statusCode() != 503) {
                                throw new AssertionError("batch refused with " + response.statusCode() + ": " + response.body());
                            }
                        } catch (java.io.IOException e) {
                            // the instance went away: another one takes the batch
                        }
                        if (attempt > 200) {
                            throw new AssertionError("a batch was never acknowledged");
                        }
                        LockSupport.parkNanos(Duration.ofMillis(Math.min(1000, 20L * (attempt + 1))).toNanos());
                    }
                }
                return null;
            });
        }
        return clients;
    }

    /** The process id of the instance holding a processor's segment 0 (Axon's owner is "pid@host"), -1 if none. */
    static long ownerPid(String jdbcUrl, String processor) {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", ""); PreparedStatement s = c.prepareStatement(
                "SELECT owner FROM tokenentry WHERE processorname = ? AND segment = 0")) {
            s.setString(1, processor);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next() || rs.getString(1) == null) {
                    return -1;
                }
                String owner = rs.getString(1);
                return Long.parseLong(owner.substring(0, owner.indexOf('@')));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A request to an instance's API as the bootstrap admin ({@code admin:admin-secret}, see {@link AppProcess#environment}). */
    static HttpResponse<String> admin(AppProcess app, String method, String path) {
        return as("admin:admin-secret", app, method, path, null);
    }

    /** A request with these {@code user:password} credentials (HTTP Basic) and, when not null, this JSON body. */
    static HttpResponse<String> as(String credentials, AppProcess app, String method, String path, String json) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(app.uri(path))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
            if (json != null) {
                request.header("Content-Type", "application/json");
            }
            return HttpClient.newHttpClient().send(request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the profile projection has folded the whole log, with the log's head at least {@code minHead}. */
    static io.restassured.path.json.JsonPath awaitProfilesCaughtUp(AppProcess app, long minHead) {
        return Poll.until(Duration.ofSeconds(180), () -> new io.restassured.path.json.JsonPath(admin(app, "GET", "/api/v1/projections/profiles").body()),
                s -> s.getLong("lag") == 0 && s.getLong("head") >= minHead && s.getLong("position") >= Math.max(0, minHead));
    }

    /** Every profile, identity link and timeline row, as text. */
    static List<String> profileSnapshot(String jdbcUrl) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            for (String sql : List.of(
                    "SELECT person_id || ' ' || COALESCE(user_id, '-') || ' ' || state::text FROM profile ORDER BY person_id",
                    "SELECT identifier || ' -> ' || person_id FROM identity_link ORDER BY identifier",
                    "SELECT identifier || ' ' || global_index || ' ' || event_type FROM profile_timeline ORDER BY identifier, global_index")) {
                try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rows.add(rs.getString(1));
                    }
                }
            }
        }
        return rows;
    }
}
