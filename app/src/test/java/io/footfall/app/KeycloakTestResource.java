package io.footfall.app;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A real Keycloak for the sign-in tests: Keycloak's own distribution (org.keycloak:keycloak-quarkus-dist, copied to
 * {@code target/keycloak-dist} by the build) unpacked under {@code target/}, started in dev mode on free ports with
 * an in-memory database and the test realm imported ({@code src/test/resources/keycloak/footfall-test-realm.json}),
 * so every run starts from the realm file as it is now, and stopped with the run. The admin API (master realm,
 * bootstrap admin) lets a test change the realm while it runs, e.g. shorten a client's token lifespan.
 */
public class KeycloakTestResource implements QuarkusTestResourceLifecycleManager {

    /** The production realm export, as shipped. */
    static final Path SHIPPED_REALM = Path.of("..", "deploy", "keycloak", "footfall-realm.json");
    /** The name the shipped realm is imported under, beside the test realm. */
    public static final String SHIPPED_REALM_NAME = "footfall-shipped";

    /** The realm's base URL, for tests that fetch tokens. */
    public static volatile String realmUrl;
    /** Keycloak's base URL, for tests that call its admin API. */
    public static volatile String baseUrl;
    /** The bootstrap admin of the master realm (test only). */
    public static final String ADMIN = "kc-bootstrap";
    /** Its password (test only). */
    public static final String ADMIN_PASSWORD = "kc-bootstrap-test-only";

    private static final Duration READY_WITHIN = Duration.ofMinutes(10);

    private Process keycloak;

    @Override
    public Map<String, String> start() {
        try {
            Path home = unpack();
            Path imports = Files.createDirectories(home.resolve("data/import"));
            try (InputStream realm = getClass().getResourceAsStream("/keycloak/footfall-test-realm.json")) {
                Files.copy(realm, imports.resolve("footfall-realm.json"), StandardCopyOption.REPLACE_EXISTING);
            }
            // the realm export shipped for production (deploy/keycloak), imported beside the test realm under another
            // name, so that KeycloakSignInTest checks in every run what deploy/keycloak/check-realm.sh checks by hand
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.node.ObjectNode shipped = (com.fasterxml.jackson.databind.node.ObjectNode)
                    json.readTree(SHIPPED_REALM.toFile());
            shipped.put("realm", SHIPPED_REALM_NAME);
            shipped.remove("id");
            json.writeValue(imports.resolve("footfall-shipped-realm.json").toFile(), shipped);
            int http = freePort();
            int management = freePort();
            ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--db=dev-mem", "--http-port=" + http, "--http-management-port=" + management, "--health-enabled=true",
                    "--import-realm", "--hostname-strict=false")
                    .redirectErrorStream(true).redirectOutput(Path.of("target", "keycloak.log").toFile());
            builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
            builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
            builder.environment().put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
            keycloak = builder.start();
            awaitReady("http://localhost:" + management + "/health/ready");
            baseUrl = "http://localhost:" + http;
            realmUrl = baseUrl + "/realms/footfall";
            return Map.of("quarkus.oidc.auth-server-url", realmUrl,
                    "quarkus.oidc.credentials.secret", "footfall-app-test-secret");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(String url) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Poll.until(READY_WITHIN, () -> {
            if (!keycloak.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + keycloak.exitValue() + "; see app/target/keycloak.log");
            }
            try {
                return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode();
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, status -> status == 200);
    }

    /** Unpacks the distribution once per build directory (a clean clone unpacks it; later runs reuse it). */
    private static Path unpack() throws IOException {
        Path target = Path.of("target", "keycloak");
        Path done = target.resolve(".unpacked");
        if (Files.exists(done)) {
            return home(target);
        }
        Path zip;
        try (var files = Files.list(Path.of("target", "keycloak-dist"))) {
            zip = files.filter(p -> p.toString().endsWith(".zip")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Keycloak zip in target/keycloak-dist"));
        }
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                    if (out.getFileName().toString().endsWith(".sh")) {
                        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
                    }
                }
            }
        }
        Files.createFile(done);
        return home(target);
    }

    private static Path home(Path target) throws IOException {
        try (var dirs = Files.list(target)) {
            return dirs.filter(p -> p.getFileName().toString().startsWith("keycloak-") && Files.isDirectory(p))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no keycloak-* directory in " + target));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void stop() {
        if (keycloak != null) {
            keycloak.descendants().forEach(ProcessHandle::destroy);
            keycloak.destroy();
            try {
                if (!keycloak.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    keycloak.descendants().forEach(ProcessHandle::destroyForcibly);
                    keycloak.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
