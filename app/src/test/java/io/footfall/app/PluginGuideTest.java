package io.footfall.app;

import static io.footfall.app.Api.admin;
import static io.footfall.app.Api.tracking;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.plugin.MiningPlugin;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Follows docs/plugin-guide.md step by step, as a new developer would, with the blocks taken from the page:
 * <ol>
 *   <li>step 2: the pom's coordinates name the jar that step 5 copies; the API is {@code provided}, the kit {@code test};</li>
 *   <li>step 3: the plugin source and its service file, laid out as in step 2 and compiled against plugin-api alone;</li>
 *   <li>step 4: the test class is compiled against the kit and run on the JUnit Platform in a JVM of its own, with
 *       the class path the step-2 pom gives a test (plugin-api, the kit and its libraries, JUnit): every test must
 *       pass (a JVM of its own, because the conformance checks look for leaked threads, and a running Footfall
 *       starts threads);</li>
 *   <li>step 5: the jar is packaged from the compiled classes and resources (what {@code mvn package} makes), copied
 *       into a new directory of the running instance's plugins path, and every {@code curl} of the step is run;</li>
 *   <li>step 6: after 3,000 product views, every {@code curl} of the step is run and its outcome checked.</li>
 * </ol>
 */
@QuarkusTest
class PluginGuideTest {

    private static final int VIEWS = 3000;

    private static final String SERVICE = "META-INF/services/io.footfall.api.plugin.MiningPlugin";

    @Test
    void aNewDeveloperFollowingTheGuideWritesTestsPackagesAndDeploysAPlugin() throws Exception {
        String guide = Files.readString(Path.of("../docs/plugin-guide.md"));
        List<String> steps = sections(guide);

        // step 2: the project
        String pom = block(section(steps, "2."), "xml", "<project");
        String artifactId = projectElement(pom, "artifactId");
        String version = projectElement(pom, "version");
        String jarName = artifactId + "-" + version + ".jar";
        assertTrue(dependencyScope(pom, "footfall-plugin-api").equals("provided"), "the API is provided by the host");
        assertTrue(dependencyScope(pom, "footfall-plugin-testkit").equals("test"), "the kit is a test dependency");
        assertEquals(footfallVersion(), dependencyVersion(pom, "footfall-plugin-api"), "the guide names this Footfall's version");
        assertEquals(footfallVersion(), dependencyVersion(pom, "footfall-plugin-testkit"), "the guide names this Footfall's version");

        // step 3: the plugin and its service file, where step 2 says they go
        String step3 = section(steps, "3.");
        String source = block(step3, "java", "public class TrendingProducts");
        String service = block(step3, "text", "com.example.trending.TrendingProducts").trim();
        Path project = Path.of("target/guide-" + UUID.randomUUID());
        Path main = project.resolve("src/main/java/com/example/trending/TrendingProducts.java");
        Path resource = project.resolve("src/main/resources/" + SERVICE);
        Path test = project.resolve("src/test/java/com/example/trending/TrendingProductsTest.java");
        assertTrue(section(steps, "2.").contains("main/java/com/example/trending/TrendingProducts.java")
                && step3.contains("src/main/java/com/example/trending/TrendingProducts.java")
                && step3.contains("src/main/resources/" + SERVICE), "steps 2 and 3 say where the files go");
        write(main, source);
        write(resource, service + "\n");
        Path classes = project.resolve("target/classes");
        Path testClasses = project.resolve("target/test-classes");
        List<Path> testClassPath = kitClassPath();
        compile(List.of(jarOf(MiningPlugin.class)), classes, main, "the guide's plugin compiles against plugin-api alone");
        write(classes.resolve(SERVICE), service + "\n");

        // step 4: the test with the kit, run as `mvn package` runs it: a JVM of its own, JUnit Platform
        String step4 = section(steps, "4.");
        String testSource = block(step4, "java", "extends PluginConformanceTest");
        assertTrue(step4.contains("src/test/java/com/example/trending/TrendingProductsTest.java"), "step 4 says where the test goes");
        write(test, testSource);
        List<Path> compileTests = new ArrayList<>(testClassPath);
        compileTests.add(classes);
        compile(compileTests, testClasses, test, "the guide's test compiles against the kit");
        runTests(project, testClassPath, classes, testClasses, "com.example.trending.TrendingProductsTest");

        // step 5: package and deploy
        String step5 = section(steps, "5.");
        List<List<String>> commands = commands(block(step5, "bash", "package"));
        assertEquals(List.of("mvn", "-q", "package"), commands.get(0), "step 5 builds with Maven");
        assertTrue(step5.contains("target/" + jarName), "step 5 copies the jar the pom of step 2 builds: " + jarName);
        Path jar = project.resolve("target/" + jarName);
        packageJar(classes, jar);
        Path pluginsRoot = Path.of("target/plugins");
        Path pluginDir = null;
        try {
            for (List<String> command : commands.subList(1, commands.size())) {
                switch (command.get(0)) {
                    case "mkdir" -> {
                        String dir = command.get(command.size() - 1);
                        assertTrue(dir.startsWith("footfall-data/plugins/"), dir);
                        // a fresh directory name per run: the host keys directories by path
                        pluginDir = pluginsRoot.resolve(dir.substring("footfall-data/plugins/".length()) + "-" + UUID.randomUUID());
                        Files.createDirectories(pluginDir);
                    }
                    case "cp" -> {
                        assertEquals("target/" + jarName, command.get(1));
                        Files.copy(jar, pluginDir.resolve(jarName));
                    }
                    case "curl" -> curl(command).then().statusCode(200).body("started", hasItem("trending-products"));
                    default -> throw new AssertionError("step 5 has a command the test does not know: " + command);
                }
            }
            admin().get("/api/v1/plugins/{id}", "trending-products").then().statusCode(200).body("state", equalTo("RUNNING"));

            // step 6: watch it work, after some traffic
            String product = "guide-" + UUID.randomUUID();
            // more views than any product of the simulated traffic other test classes sent before (the plugin counts
            // the whole log)
            for (int sent = 0; sent < VIEWS; sent += 500) {
                StringBuilder batch = new StringBuilder("{\"batch\":[");
                for (int i = 0; i < 500; i++) {
                    batch.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"event\":\"Product Viewed\",\"anonymousId\":\"guide-reader-")
                            .append(i % 7).append("\",\"properties\":{\"product_id\":\"").append(product).append("\"}}");
                }
                tracking().body(batch.append("]}").toString()).post("/v1/batch").then().statusCode(200);
            }
            awaitCaughtUp();
            boolean replayed = false;
            for (List<String> command : commands(block(section(steps, "6."), "bash", "curl"))) {
                String url = url(command);
                Response response = curl(command);
                if (url.endsWith("/trending-products")) {
                    response.then().statusCode(200).body("state", equalTo("RUNNING"));
                } else if (url.endsWith("/results")) {
                    response.then().statusCode(200);
                    assertMostViewed(response.jsonPath(), product);
                } else if (url.endsWith("/config")) {
                    response.then().statusCode(200).body("state", equalTo("RUNNING")).body("config.top-n", equalTo(3));
                    // "400 names a bad property"
                    admin().contentType("application/json").body(Map.of("top-n", 0)).put("/api/v1/plugins/{id}/config", "trending-products")
                            .then().statusCode(400).body("field", equalTo("top-n"));
                } else if (url.contains("/replay")) {
                    response.then().statusCode(202);
                    replayed = true;
                } else {
                    throw new AssertionError("step 6 has a call the test does not know: " + command);
                }
            }
            assertTrue(replayed, "step 6 replays");
            // rebuilt from the log: the same ranking, each view counted once
            Poll.until(Duration.ofSeconds(60), () -> {
                JsonPath status = admin().get("/api/v1/plugins/{id}", "trending-products").jsonPath();
                if (status.getLong("lag") != 0 || status.getBoolean("replaying")) {
                    return false;
                }
                try {
                    assertMostViewed(admin().get("/api/v1/plugins/{id}/results", "trending-products").jsonPath(), product);
                    return true;
                } catch (AssertionError notYet) {
                    return false;
                }
            }, done -> done);
            admin().get("/api/v1/plugins/{id}", "trending-products").then().body("state", equalTo("RUNNING")).body("deadLetters", equalTo(0));
        } finally {
            admin().post("/api/v1/plugins/{id}/disable", "trending-products");
            if (pluginDir != null) {
                deleteTree(pluginDir);
            }
            deleteTree(project);
        }
    }

    private static void awaitCaughtUp() {
        Poll.until(Duration.ofSeconds(60), () -> admin().get("/api/v1/plugins/{id}", "trending-products").jsonPath(),
                s -> s.getLong("lag") == 0);
    }

    private static void assertMostViewed(JsonPath results, String product) {
        List<Object> ranked = results.getList("result.items[0].itemId");
        assertEquals(product, ranked == null || ranked.isEmpty() ? null : ranked.get(0), "the most viewed product ranks first");
        List<Object> scores = results.getList("result.items[0].score");
        assertEquals(VIEWS, ((Number) scores.get(0)).doubleValue(), VIEWS + " views counted once each");
    }

    // ------------------------------------------------------------------ step 4: the kit on the JUnit Platform

    /**
     * What the step-2 pom puts on a test's class path: plugin-api, the kit and the libraries it brings (the
     * collectors' Segment mapping, the simulator, Jackson), JUnit. The kit comes from its module in this build.
     */
    private static List<Path> kitClassPath() throws Exception {
        Set<Path> path = new LinkedHashSet<>();
        path.add(testkit());
        for (String anchor : List.of("io.footfall.api.plugin.MiningPlugin", "io.footfall.collector.segment.SegmentMapper",
                "io.footfall.simulator.SimulatorConfig", "com.fasterxml.jackson.databind.ObjectMapper",
                "com.fasterxml.jackson.core.JsonFactory", "com.fasterxml.jackson.annotation.JsonProperty",
                "com.fasterxml.jackson.datatype.jsr310.JavaTimeModule", "org.junit.jupiter.api.Test",
                "org.junit.jupiter.engine.JupiterTestEngine", "org.junit.platform.engine.TestEngine",
                "org.junit.platform.commons.support.ReflectionSupport", "org.junit.platform.launcher.core.LauncherFactory",
                "org.opentest4j.AssertionFailedError")) {
            path.add(jarOf(Class.forName(anchor, false, PluginGuideTest.class.getClassLoader())));
        }
        for (String optional : List.of("org.apiguardian.api.API", "org.jspecify.annotations.Nullable")) {
            try {
                path.add(jarOf(Class.forName(optional, false, PluginGuideTest.class.getClassLoader())));
            } catch (ClassNotFoundException absent) {
                // not a dependency of this JUnit version
            }
        }
        return new ArrayList<>(path);
    }

    private static Path testkit() throws IOException {
        Path classes = Path.of("../plugin-testkit/target/classes");
        if (Files.exists(classes.resolve("io/footfall/testkit/PluginConformanceTest.class"))) {
            return classes.toAbsolutePath().normalize();
        }
        try (Stream<Path> jars = Files.list(Path.of("../plugin-testkit/target"))) {
            return jars.filter(p -> p.getFileName().toString().matches("footfall-plugin-testkit-.*\\d(-SNAPSHOT)?\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("build plugin-testkit first")).toAbsolutePath().normalize();
        }
    }

    /** Runs the test class on the JUnit Platform in a JVM of its own and asserts every test passed. */
    private static void runTests(Path project, List<Path> testClassPath, Path classes, Path testClasses, String testClass) throws Exception {
        Path runner = project.resolve("GuideTestRunner.java");
        Files.writeString(runner, RUNNER);
        List<String> path = new ArrayList<>();
        testClassPath.forEach(p -> path.add(p.toString()));
        path.add(testClasses.toAbsolutePath().toString());
        path.add(classes.toAbsolutePath().toString());
        Path log = project.resolve("test-run.log");
        Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", String.join(File.pathSeparator, path), runner.toAbsolutePath().toString(), testClass)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!run.waitFor(5, TimeUnit.MINUTES)) {
            run.destroyForcibly();
            throw new AssertionError("the step-4 tests did not finish in 5 minutes:\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        Matcher m = Pattern.compile("RESULT found=(\\d+) succeeded=(\\d+) failed=(\\d+) aborted=(\\d+) skipped=(\\d+)").matcher(output);
        assertTrue(m.find(), "the step-4 tests did not run:\n" + output);
        long found = Long.parseLong(m.group(1));
        long succeeded = Long.parseLong(m.group(2));
        long failed = Long.parseLong(m.group(3));
        assertEquals(0, failed, "the step-4 tests fail:\n" + output);
        assertEquals(0, run.exitValue(), output);
        assertTrue(succeeded >= 15, "too few step-4 tests passed (" + succeeded + " of " + found + "):\n" + output);
        assertTrue(output.contains("SUCCESSFUL ranksTheMostViewedProductsFirst()"), "the guide's own harness test ran:\n" + output);
    }

    /** Runs one test class on the JUnit Platform; prints each outcome and a RESULT line. Started with java's source launcher. */
    private static final String RUNNER = """
            import org.junit.platform.engine.TestExecutionResult;
            import org.junit.platform.engine.discovery.DiscoverySelectors;
            import org.junit.platform.launcher.Launcher;
            import org.junit.platform.launcher.TestExecutionListener;
            import org.junit.platform.launcher.TestIdentifier;
            import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
            import org.junit.platform.launcher.core.LauncherFactory;
            import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
            import org.junit.platform.launcher.listeners.TestExecutionSummary;

            public class GuideTestRunner {
                public static void main(String[] args) {
                    Launcher launcher = LauncherFactory.create();
                    SummaryGeneratingListener summary = new SummaryGeneratingListener();
                    TestExecutionListener print = new TestExecutionListener() {
                        @Override
                        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                            if (id.isTest()) {
                                System.out.println(result.getStatus() + " " + id.getLegacyReportingName()
                                        + result.getThrowable().map(t -> ": " + t).orElse(""));
                            }
                        }
                    };
                    launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(DiscoverySelectors.selectClass(args[0])).build(),
                            summary, print);
                    TestExecutionSummary s = summary.getSummary();
                    s.printFailuresTo(new java.io.PrintWriter(System.out, true), 30);
                    System.out.println("RESULT found=" + s.getTestsFoundCount() + " succeeded=" + s.getTestsSucceededCount()
                            + " failed=" + s.getTotalFailureCount() + " aborted=" + s.getTestsAbortedCount()
                            + " skipped=" + s.getTestsSkippedCount());
                    System.exit(s.getTotalFailureCount() == 0 && s.getTestsSucceededCount() > 0 ? 0 : 1);
                }
            }
            """;

    // ------------------------------------------------------------------ steps 5 and 6: the shell

    /** The commands of a bash block: continuation lines joined, comments dropped, words split as the shell does. */
    private static List<List<String>> commands(String bash) {
        List<List<String>> commands = new ArrayList<>();
        for (String line : bash.replace("\\\n", " ").split("\n")) {
            List<String> words = words(line);
            if (!words.isEmpty()) {
                commands.add(words);
            }
        }
        return commands;
    }

    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (c == '#' && word == null) {
                break;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    private static String url(List<String> curl) {
        return curl.stream().filter(w -> w.startsWith("localhost:8080/")).findFirst()
                .orElseThrow(() -> new AssertionError("no localhost:8080 URL in " + curl)).substring("localhost:8080".length());
    }

    /** Runs a curl command of the guide against the test instance, as the admin user. */
    private static Response curl(List<String> command) {
        assertEquals("curl", command.get(0));
        String method = "GET";
        String body = null;
        RequestSpecification request = admin();
        for (int i = 1; i < command.size(); i++) {
            switch (command.get(i)) {
                case "-X" -> method = command.get(++i);
                case "-d" -> body = command.get(++i);
                case "-H" -> {
                    String[] header = command.get(++i).split(":\\s*", 2);
                    request = request.header(header[0], header[1]);
                }
                case "-u" -> assertTrue(command.get(++i).startsWith("admin:"), "the guide calls the admin API as admin");
                default -> {
                    // -s and the URL
                }
            }
        }
        if (body != null) {
            request = request.body(body);
        }
        String url = url(command);
        return request.request(method, url);
    }

    // ------------------------------------------------------------------ the page

    /** The page's "## n." sections. */
    private static List<String> sections(String markdown) {
        List<String> sections = new ArrayList<>();
        for (String part : markdown.split("(?m)^## ")) {
            sections.add(part);
        }
        return sections;
    }

    private static String section(List<String> sections, String number) {
        return sections.stream().filter(s -> s.startsWith(number + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("docs/plugin-guide.md has no section " + number));
    }

    /** The first fenced block of the language that contains the marker. */
    private static String block(String markdown, String language, String marker) {
        return MarkdownBlocks.block("docs/plugin-guide.md", markdown, language, marker);
    }

    /** An element of the pom's project itself (not of a dependency or plugin). */
    private static String projectElement(String pom, String element) {
        String own = pom.replaceAll("(?s)<dependencies>.*?</dependencies>", "").replaceAll("(?s)<build>.*?</build>", "")
                .replaceAll("(?s)<parent>.*?</parent>", "");
        Matcher m = Pattern.compile("<" + element + ">([^<]+)</" + element + ">").matcher(own);
        assertTrue(m.find(), "the pom has no project " + element);
        return m.group(1).trim();
    }

    private static String dependency(String pom, String artifactId) {
        Matcher m = Pattern.compile("(?s)<dependency>(.*?)</dependency>").matcher(pom);
        while (m.find()) {
            if (m.group(1).contains("<artifactId>" + artifactId + "</artifactId>")) {
                return m.group(1);
            }
        }
        throw new AssertionError("the pom has no dependency " + artifactId);
    }

    private static String dependencyScope(String pom, String artifactId) {
        Matcher m = Pattern.compile("<scope>([^<]+)</scope>").matcher(dependency(pom, artifactId));
        return m.find() ? m.group(1).trim() : "compile";
    }

    private static String dependencyVersion(String pom, String artifactId) {
        Matcher m = Pattern.compile("<version>([^<]+)</version>").matcher(dependency(pom, artifactId));
        return m.find() ? m.group(1).trim() : null;
    }

    private static String footfallVersion() throws IOException {
        Matcher m = Pattern.compile("<artifactId>footfall-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("../pom.xml")));
        assertTrue(m.find(), "the root pom's version");
        return m.group(1).trim();
    }

    // ------------------------------------------------------------------ files

    private static Path jarOf(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
    }

    private static void compile(List<Path> classPath, Path out, Path source, String what) throws IOException {
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> path = classPath.stream().map(Path::toString).toList();
        java.io.StringWriter errors = new java.io.StringWriter();
        int status;
        try (var fileManager = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            status = javac.getTask(errors, fileManager, null,
                    List.of("--release", "17", "-classpath", String.join(File.pathSeparator, path), "-d", out.toString()), null,
                    fileManager.getJavaFileObjects(source.toFile())).call() ? 0 : 1;
        }
        assertEquals(0, status, what + ":\n" + errors);
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** The jar {@code mvn package} makes: the compiled classes and the resources. */
    private static void packageJar(Path classes, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
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
