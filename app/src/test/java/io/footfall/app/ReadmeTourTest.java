package io.footfall.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README's five-minute tour, run as a newcomer would: every command of its first block, in order, in one bash (so
 * its shell variables carry over), with the real {@code curl}, against the test instance. Only what differs between a
 * newcomer's machine and this test is replaced: the address, the two credentials, and the ids, made unique so the
 * shared test database cannot interfere. Each answer is checked against what the tour says it shows.
 */
@QuarkusTest
class ReadmeTourTest {

    private static final String END = "@@footfall-tour-command-done@@";

    @Test
    void theToursCommandsDoWhatItSays() throws Exception {
        String tour = tourBlock(Files.readString(Path.of("../README.md")));
        List<String> commands = commands(tour);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String alice = "alice-" + suffix;
        String anon = "anon-" + suffix;
        List<Answer> answers = new ArrayList<>();
        try (Shell shell = new Shell()) {
            for (String command : commands) {
                String local = command
                        .replace("localhost:8080", "127.0.0.1:" + RestAssured.port)
                        .replace("admin:change-me", Api.ADMIN + ":" + Api.ADMIN_PASSWORD)
                        .replace("demo-key:", Api.WRITE_KEY + ":")
                        .replaceAll("\\balice\\b", alice)
                        .replaceAll("\\banon-42\\b", anon)
                        .replaceAll("\\bbob\\b", "bob-" + suffix)
                        .replaceAll("\"(o|m)-1\"", "\"$1-" + suffix + "\"");
                if (local.contains("/api/v1/profiles/" + alice) && answers.size() == 3) {
                    // a newcomer reads the answers before typing on; the profile folds behind the log (the tour says so)
                    Api.awaitProfile(alice, 3);
                }
                if (local.startsWith("curl ")) {
                    answers.add(shell.run(local));
                } else {
                    shell.quiet(local);
                }
            }
        }
        assertEquals(12, answers.size(), "the tour's first block has twelve curl commands: " + commands);

        // 1. browsing anonymously: the answer the README shows, to the letter
        assertEquals(200, answers.get(0).status());
        assertEquals(JsonPath.from(documentedAnswer(tour, "# 1.")).getMap(""), answers.get(0).json().getMap(""));
        // 2. and 3. identify and the order are stored
        assertEquals(200, answers.get(1).status(), answers.get(1).body());
        assertEquals(200, answers.get(2).status(), answers.get(2).body());

        // 4. the live profile: the anonymous view stitched in, the order counted
        JsonPath profile = answers.get(3).json();
        assertEquals(200, answers.get(3).status(), answers.get(3).body());
        assertEquals(alice, profile.getString("userId"));
        assertEquals(List.of(anon), profile.getList("anonymousIds"));
        assertEquals(Map.of("Product Viewed", 1, "identify", 1, "Order Completed", 1), profile.getMap("eventCounts"));
        assertEquals(1, profile.getInt("orders"));
        assertEquals(59.9, profile.getDouble("revenue"), 1e-9);
        assertEquals("Shoes", profile.getString("topCategories[0].name"));
        assertEquals("alice-" + suffix + "@example.com", profile.getString("traits.email"));

        // 5. the timeline, latest first, and the profile before she bought: browsing and sign-in, no order
        JsonPath timeline = answers.get(4).json();
        assertEquals(List.of("TRACK", "IDENTIFY", "TRACK"), timeline.getList("items.event.kind"));
        assertEquals("Order Completed", timeline.getString("items[0].event.name"));
        assertEquals("Product Viewed", timeline.getString("items[2].event.name"));
        JsonPath before = answers.get(5).json();
        assertEquals(200, answers.get(5).status(), answers.get(5).body());
        assertEquals(Map.of("Product Viewed", 1, "identify", 1), before.getMap("eventCounts"));
        assertEquals(0, before.getInt("orders"));

        // 6. the same message twice: stored once
        assertEquals(1, answers.get(6).json().getInt("stored"));
        assertEquals(0, answers.get(7).json().getInt("stored"));
        assertEquals(1, answers.get(7).json().getInt("duplicates"));

        // 7. a negative quantity: 400 naming the field, and the event in the failed-events store
        assertEquals(400, answers.get(8).status(), answers.get(8).body());
        assertTrue(answers.get(8).body().contains("quantity"), answers.get(8).body());
        assertEquals(200, answers.get(9).status(), answers.get(9).body());
        assertFalse(answers.get(9).json().getList("items").isEmpty(), answers.get(9).body());
        assertNull(answers.get(9).json().get("error"));

        // 8. her export holds her events and traits; the audit trail lists the looks at her data, the export included
        assertEquals(200, answers.get(10).status(), answers.get(10).body());
        JsonPath export = answers.get(10).json();
        assertEquals(alice, export.getString("subject"));
        assertEquals("alice-" + suffix + "@example.com", export.getString("profile.traits.email"));
        assertTrue(export.getList("events.event.name").containsAll(List.of("Product Viewed", "Order Completed", "Cart Viewed")),
                answers.get(10).body());
        assertEquals(200, answers.get(11).status(), answers.get(11).body());
        List<String> actions = answers.get(11).json().getList("entries.action");
        assertTrue(actions.containsAll(List.of("GET /api/v1/customers/{id}/export", "GET /api/v1/profiles/{id}")), actions.toString());
    }

    /** What one command printed, and the HTTP status of its curl. */
    record Answer(String body, int status) {
        JsonPath json() {
            return JsonPath.from(body);
        }
    }

    /** The tour's first bash block: the one that starts with step 1. */
    private static String tourBlock(String readme) {
        int at = readme.indexOf("## A five-minute tour");
        assertTrue(at >= 0, "README.md has no five-minute tour");
        return MarkdownBlocks.block("README.md's tour", readme.substring(at), "bash", "# 1.");
    }

    /** The commands of a block, as bash reads them: a newline inside quotes continues the command; comments dropped. */
    private static List<String> commands(String block) {
        List<String> commands = new ArrayList<>();
        StringBuilder command = new StringBuilder();
        char quote = 0;
        boolean comment = false;
        for (char c : block.toCharArray()) {
            if (comment) {
                if (c == '\n') {
                    comment = false;
                    flush(command, commands);
                }
                continue;
            }
            if (quote != 0) {
                command.append(c);
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '#' && (command.length() == 0 || Character.isWhitespace(command.charAt(command.length() - 1)))) {
                comment = true;
            } else if (c == '\n') {
                flush(command, commands);
            } else {
                if (c == '\'' || c == '"') {
                    quote = c;
                }
                command.append(c);
            }
        }
        flush(command, commands);
        return commands;
    }

    private static void flush(StringBuilder command, List<String> commands) {
        String c = command.toString().strip();
        if (!c.isEmpty()) {
            commands.add(c);
        }
        command.setLength(0);
    }

    /** The answer a step's comment shows ({@code # → …} after the step's command). */
    private static String documentedAnswer(String block, String step) {
        String rest = block.substring(block.indexOf(step));
        Matcher m = Pattern.compile("(?m)^# → (\\{.*})$").matcher(rest);
        assertTrue(m.find(), "step " + step + " shows no answer");
        return m.group(1);
    }

    /** One bash, fed a command at a time; {@code curl} prints its HTTP status on a line of its own after the body. */
    private static final class Shell implements AutoCloseable {
        private final Process bash;
        private final Writer in;
        private final BufferedReader out;

        Shell() throws IOException {
            bash = new ProcessBuilder("bash", "--noprofile", "--norc").redirectErrorStream(true).start();
            in = new java.io.OutputStreamWriter(bash.getOutputStream(), StandardCharsets.UTF_8);
            out = new BufferedReader(new InputStreamReader(bash.getInputStream(), StandardCharsets.UTF_8));
            in.write("curl() { command curl -w '\\n%{http_code}\\n' \"$@\"; }\n");
        }

        /** Runs a command that prints nothing (a variable's assignment). */
        void quiet(String command) throws IOException {
            List<String> lines = lines(command);
            assertTrue(lines.isEmpty(), command + " printed " + lines);
        }

        Answer run(String command) throws IOException {
            List<String> lines = lines(command);
            assertFalse(lines.isEmpty(), "no answer to: " + command);
            String status = lines.remove(lines.size() - 1);
            assertTrue(status.matches("\\d{3}"), "curl printed no status for: " + command + "\n" + String.join("\n", lines) + "\n" + status);
            return new Answer(String.join("\n", lines), Integer.parseInt(status));
        }

        private List<String> lines(String command) throws IOException {
            in.write(command + "\necho " + END + "\n");
            in.flush();
            List<String> lines = new ArrayList<>();
            for (String line = out.readLine(); !END.equals(line); line = out.readLine()) {
                if (line == null) {
                    throw new AssertionError("bash ended during: " + command + "\n" + String.join("\n", lines));
                }
                lines.add(line);
            }
            return lines;
        }

        @Override
        public void close() throws Exception {
            in.write("exit\n");
            in.flush();
            if (!bash.waitFor(10, TimeUnit.SECONDS)) {
                bash.destroyForcibly();
            }
        }
    }
}
