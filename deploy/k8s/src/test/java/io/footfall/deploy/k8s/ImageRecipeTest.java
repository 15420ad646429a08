package io.footfall.deploy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/docker/Dockerfile} against what it packages and where it runs (no Docker here to build it): the
 * user matches the pods' {@code runAsUser}, the JVM flags carry ADR 0008's, and every {@code COPY} source exists
 * in a built {@code app/target/quarkus-app} (checked when the app has been packaged in this build).
 */
class ImageRecipeTest {

    static final Path DOCKERFILE = KustomizeOverlaysTest.MODULE.resolve("../docker/Dockerfile").normalize();
    static final Path QUARKUS_APP = KustomizeOverlaysTest.MODULE.resolve("../../app/target/quarkus-app").normalize();

    static List<String> instructions() throws IOException {
        return Files.readAllLines(DOCKERFILE).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    @Test
    void theImageRunsAsThePodsUserWithTheJvmFlagsOfAdr0008() throws IOException {
        List<String> lines = instructions();
        assertTrue(lines.contains("USER 185"), lines.toString());
        for (String overlay : List.of("dev", "prod")) {
            for (ObjectNode deployment : KustomizeOverlaysTest.byName(KustomizeOverlaysTest.render(overlay),
                    "Deployment").values()) {
                assertEquals(185, deployment.at("/spec/template/spec/securityContext/runAsUser").asInt());
            }
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("JAVA_OPTS=") && l.contains("-XX:-TieredCompilation")));
        String entrypoint = lines.stream().filter(l -> l.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
        assertTrue(entrypoint.contains("exec java $JAVA_OPTS -jar /opt/footfall/quarkus-run.jar"), entrypoint);
    }

    @Test
    void everyCopiedPathIsPartOfTheBuiltApp() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(QUARKUS_APP.resolve("quarkus-run.jar")),
                "app/target/quarkus-app is not built in this checkout");
        List<String> copies = instructions().stream().filter(l -> l.startsWith("COPY")).toList();
        assertFalse(copies.isEmpty());
        for (String copy : copies) {
            String[] words = copy.split("\\s+");
            String source = words[words.length - 2];
            assertTrue(Files.exists(QUARKUS_APP.resolve(source)), source + " in " + QUARKUS_APP);
        }
        // the built-in plugins travel with the app (FootfallMain finds them beside quarkus-run.jar)
        assertTrue(copies.stream().anyMatch(c -> c.contains(" plugins/ ")));
        try (var entries = Files.list(QUARKUS_APP)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString() + (Files.isDirectory(entry) ? "/" : "");
                if (name.endsWith(".txt")) {
                    continue;
                }
                assertTrue(copies.stream().anyMatch(c -> c.contains(" " + name + " ")),
                        "the image leaves out " + name);
            }
        }
    }
}
