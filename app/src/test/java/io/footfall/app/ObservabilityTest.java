package io.footfall.app;

import static io.footfall.app.Api.tracking;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Metrics, health checks and structured logs that operators and Kubernetes rely on. */
@QuarkusTest
class ObservabilityTest {

    @Test
    void ingestAndProcessingAreVisibleInPrometheusMetrics() {
        double before = metric("footfall_ingest_events_total\\{outcome=\"stored\"[^}]*\\}");
        String user = "obs-" + UUID.randomUUID();
        tracking().body("{\"batch\":[{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"" + user + "\"},"
                + "{\"type\":\"track\",\"event\":\"Cart Viewed\",\"userId\":\"" + user + "\"}]}").post("/v1/batch")
                .then().statusCode(200).body("stored", equalTo(2));
        assertTrue(metric("footfall_ingest_events_total\\{outcome=\"stored\"[^}]*\\}") >= before + 2, "stored events are counted");
        assertTrue(metric("footfall_ingest_commit_seconds_count[^ ]*") >= 1, "group commits are timed");
        assertTrue(metric("footfall_ingest_group_commit_size_events_count[^ ]*") >= 1, "group-commit sizes are recorded");
        assertTrue(metricsText().contains("footfall_ingest_queued_events"), "the queue depth is a gauge");
        // processors: once the projection caught up, the refreshed lag gauge reaches 0 for profiles, and each plugin has a row
        Api.awaitProjectionsCaughtUp();
        Poll.until(Duration.ofSeconds(30), () -> metric("footfall_processor_lag_events\\{processor=\"profiles\"[^}]*\\}"), lag -> lag == 0);
        String text = metricsText();
        assertTrue(text.contains("footfall_processor_lag_events{processor=\"plugin:category-affinity\""), "plugin lag per plugin");
        assertTrue(text.contains("footfall_plugin_dead_letters{plugin=\"category-affinity\""), "dead letters per plugin");
        assertTrue(text.contains("agroal_active_count"), "connection pool usage");
        assertTrue(text.contains("jvm_memory_used_bytes"), "JVM metrics");
    }

    @Test
    void livenessAndReadinessIncludeIngestionTheLogAndTheDatabase() {
        RestAssured.given().get("/q/health/live").then().statusCode(200)
                .body("checks.name", hasItems("footfall-ingest"));
        RestAssured.given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItems("footfall-ingest", "footfall-event-log", "Database connections health check"))
                .body("checks.find { it.name == 'footfall-event-log' }.data.profilesRunning", equalTo(true));
    }

    @Test
    void theLogIsOneJsonObjectPerLine() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("target/footfall-test.log"));
        assertTrue(lines.size() > 5, "the app logged its start");
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode record = json.readTree(line);
            assertTrue(record.hasNonNull("level") && record.hasNonNull("loggerName") && record.has("message"), line);
        }
    }

    private static String metricsText() {
        return RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The sum of the samples whose name and labels match {@code series} (a regular expression). */
    private static double metric(String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$").matcher(metricsText());
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
            found = true;
        }
        assertTrue(found, "no sample matches " + series);
        return sum;
    }
}
