package io.footfall.app;

import static io.footfall.app.Api.admin;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real {@code @segment/analytics-node} 3.x client, unmodified (installed from npm), sends to
 * Footfall: every call lands, identity is stitched. Needs Node.js and the npm registry.
 */
@QuarkusTest
class AnalyticsNodeCompatibilityTest {

    @Test
    void realAnalyticsNodeClientIsAccepted() throws Exception {
        Path dir = Path.of("target/node-compat");
        Files.createDirectories(dir);
        for (String file : List.of("package.json", "send.js")) {
            Files.copy(Path.of("src/test/node/analytics-node", file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(dir.resolve("node_modules/@segment/analytics-node"))) {
            run(dir, List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), 180);
        }
        String user = "node-" + UUID.randomUUID();
        String anon = "anon-" + user;
        ProcessBuilder node = new ProcessBuilder("node", "send.js").directory(dir.toFile());
        node.environment().put("FOOTFALL_HOST", "http://localhost:" + RestAssured.port);
        node.environment().put("WRITE_KEY", Api.WRITE_KEY);
        node.environment().put("USER_ID", user);
        node.environment().put("ANONYMOUS_ID", anon);
        assertEquals(0, exit(node, dir, 60), "analytics-node reported no error; see target/node-compat/out.log");

        Api.awaitProfile(user, 5).then()
                .body("anonymousIds", hasItem(anon))
                .body("orders", equalTo(1))
                .body("eventCounts.page", equalTo(1))
                .body("eventCounts.alias", equalTo(1))
                .body("traits.email", equalTo(user + "@example.test"));
        admin().get("/api/v1/profiles/{id}/events", user).then().statusCode(200)
                .body("items.event.context.library", hasItem(org.hamcrest.Matchers.startsWith("@segment/analytics-node")));
    }

    private static void run(Path dir, List<String> command, int seconds) throws IOException, InterruptedException {
        assertEquals(0, exit(new ProcessBuilder(command).directory(dir.toFile()), dir, seconds), String.join(" ", command));
    }

    private static int exit(ProcessBuilder builder, Path dir, int seconds) throws IOException, InterruptedException {
        File log = dir.resolve("out.log").toFile();
        Process p = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(builder.command() + " did not finish in " + seconds + " s");
        }
        return p.exitValue();
    }
}
