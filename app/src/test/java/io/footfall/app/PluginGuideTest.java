package io.footfall.app;

import static io.footfall.app.Api.admin;
import static io.footfall.app.Api.tracking;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.footfall.api.plugin.MiningPlugin;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Follows docs/plugin-guide.md to the letter: compiles the guide's plugin source, packages it with
 * the guide's service file, drops it into the running instance's plugins directory, reloads, and
 * checks the plugin's results.
 */
@QuarkusTest
class PluginGuideTest {

    @Test
    void theGuidesPluginRunsInARunningInstance() throws Exception {
        String guide = Files.readString(Path.of("../docs/plugin-guide.md"));
        String source = block(guide, "java", "public class TrendingProducts");
        String service = block(guide, "text", "com.example.trending.TrendingProducts").trim();

        Path work = Path.of("target/guide-" + UUID.randomUUID());
        Path src = work.resolve("src/com/example/trending/TrendingProducts.java");
        Path classes = work.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String api = Path.of(MiningPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        assertEquals(0, javac.run(null, null, null, "--release", "17", "-classpath", api, "-d", classes.toString(), src.toString()),
                "the guide's plugin compiles against plugin-api alone");

        Path pluginDir = Path.of("target/plugins/trending-products-" + UUID.randomUUID());
        Files.createDirectories(pluginDir);
        try {
            try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(pluginDir.resolve("trending-1.0.0.jar")));
                 Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    Files.copy(f, jar);
                    jar.closeEntry();
                }
                jar.putNextEntry(new JarEntry("META-INF/services/io.footfall.api.plugin.MiningPlugin"));
                jar.write((service + "\n").getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
            admin().post("/api/v1/plugins/reload").then().statusCode(200).body("started", hasItem("trending-products"));

            String product = "guide-" + UUID.randomUUID();
            StringBuilder batch = new StringBuilder("{\"batch\":[");
            for (int i = 0; i < 200; i++) {
                batch.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"event\":\"Product Viewed\",\"anonymousId\":\"guide-reader-")
                        .append(i % 7).append("\",\"properties\":{\"product_id\":\"").append(product).append("\"}}");
            }
            tracking().body(batch.append("]}").toString()).post("/v1/batch").then().statusCode(200);

            Poll.until(Duration.ofSeconds(60), () -> admin().get("/api/v1/plugins/{id}", "trending-products").jsonPath(),
                    s -> s.getLong("lag") == 0);
            JsonPath results = admin().get("/api/v1/plugins/{id}/results", "trending-products").jsonPath();
            List<Object> ranked = results.getList("result.items[0].itemId");
            assertEquals(product, ranked == null || ranked.isEmpty() ? null : ranked.get(0), "the most viewed product ranks first");
            List<Object> scores = results.getList("result.items[0].score");
            assertEquals(200.0, ((Number) scores.get(0)).doubleValue(), "200 views counted once each");
            admin().contentType("application/json").body(Map.of("top-n", 0)).put("/api/v1/plugins/{id}/config", "trending-products")
                    .then().statusCode(400).body("field", equalTo("top-n"));
            admin().get("/api/v1/plugins/{id}", "trending-products").then().body("state", equalTo("RUNNING"));
        } finally {
            admin().post("/api/v1/plugins/{id}/disable", "trending-products");
            deleteTree(pluginDir);
            deleteTree(work);
        }
    }

    /** The first fenced block of the language that contains the marker. */
    private static String block(String markdown, String language, String marker) {
        Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        while (m.find()) {
            if (m.group(1).contains(marker)) {
                return m.group(1);
            }
        }
        throw new AssertionError("docs/plugin-guide.md has no " + language + " block with " + marker);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
