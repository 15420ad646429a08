package io.footfall.collector.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The server-side import maps a file's rows exactly as the client-side backfill does (same JSON, hence the same
 * message ids; same bad rows and line numbers), whether the file comes whole or in pieces of whole lines.
 */
class RowImportTest {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Test
    void piecesOfAFileMapAsTheWholeFileDoesClientSide() throws IOException {
        Random random = new Random(5);
        StringBuilder file = new StringBuilder("user,item,category,behavior,timestamp\r\n");
        String[] behaviors = {"pv", "cart", "fav", "buy", "click"};
        for (int i = 0; i < 2000; i++) {
            if (i % 97 == 0) {
                file.append('\n'); // blank lines count as lines
            }
            String time = i % 151 == 0 ? "never" : String.valueOf(1_511_539_200L + random.nextInt(1_000_000));
            file.append(random.nextInt(50)).append(',').append(random.nextInt(300)).append(',').append(random.nextInt(9)).append(',')
                    .append(behaviors[random.nextInt(behaviors.length)]).append(',').append(time).append(i % 2 == 0 ? "\r\n" : "\n");
        }
        file.append("7,8,9,pv,1511539200"); // no newline at the end
        List<Object> expected = clientSide(file.toString());

        for (int pieces : new int[] {1, 2, 7, 40}) {
            List<Object> got = new ArrayList<>();
            String[] lines = file.toString().split("(?<=\n)");
            long firstLine = 1;
            long total = 0;
            int per = (lines.length + pieces - 1) / pieces;
            for (int from = 0; from < lines.length; from += per) {
                String text = String.join("", java.util.Arrays.asList(lines).subList(from, Math.min(lines.length, from + per)));
                long read = RowImport.of("userbehavior", "t").map(text, firstLine, sink(got));
                assertEquals(Math.min(lines.length, from + per) - from, read, "lines read in a piece");
                firstLine += read;
                total += read;
            }
            assertEquals(lines.length, total);
            assertEquals(expected, got, pieces + " pieces");
        }
        // line 3 is the first row (i = 0, after the header and a blank line): its time is "never"
        assertTrue(expected.contains("bad 3: timestamp is not an integer"), "a bad row, with its line number");
        assertTrue(expected.stream().anyMatch(e -> e.toString().endsWith("behavior is not one of pv, cart, fav, buy")));
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstField() {
        // Excel's "CSV UTF-8" starts the file with U+FEFF: the header is still recognised, and without a header the
        // first row's user is "7", not an id no other row has
        List<Object> withHeader = new ArrayList<>();
        RowImport.of("userbehavior", "t").map("\uFEFFuser,item,category,behavior,timestamp\n7,8,9,pv,1511539200\n", 1, sink(withHeader));
        assertEquals(1, withHeader.size(), withHeader.toString());
        List<Object> noHeader = new ArrayList<>();
        RowImport.of("userbehavior", "t").map("\uFEFF7,8,9,pv,1511539200\n", 1, sink(noHeader));
        List<Object> plain = new ArrayList<>();
        RowImport.of("userbehavior", "t").map("7,8,9,pv,1511539200\n", 1, sink(plain));
        assertEquals(plain, noHeader);
        assertEquals(plain.get(0).toString().replace("[1,", "[2,"), withHeader.get(0).toString());
    }

    @Test
    void onlyFormatsWithOneEventPerRow() {
        assertTrue(RowImport.supports("userbehavior"));
        assertTrue(RowImport.supports("MovieLens"));
        assertFalse(RowImport.supports("online-retail"));
        assertFalse(RowImport.supports("retailrocket"));
        assertFalse(RowImport.supports(null));
        assertThrows(IllegalArgumentException.class, () -> RowImport.of("online-retail", "t"));
    }

    /**
     * What the client-side backfill makes of the file: its line reader, its format, its line numbers, and the JSON it
     * sends as the server parses it.
     */
    private static List<Object> clientSide(String file) throws IOException {
        List<Object> out = new ArrayList<>();
        RowFormat format = LogsMain.format("userbehavior", "t", ZoneOffset.UTC);
        RowImport.Sink sink = sink(out);
        RowFormat.Emitter emitter = new RowFormat.Emitter() {
            @Override
            public void emit(RowFormat.Out event) {
                try {
                    sink.event((com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(event.json()), event.firstLine());
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }

            @Override
            public void bad(long line, String reason) {
                sink.bad(line, reason);
            }
        };
        try (BufferedReader reader = new BufferedReader(new StringReader(file))) {
            String raw;
            long line = 0;
            while ((raw = reader.readLine()) != null) {
                line++;
                RowFormat.line(format, raw, line, emitter);
            }
        }
        return out;
    }

    /** Events as line, text (field order) and tree (node types: equal only with the same int, long or double nodes). */
    private static RowImport.Sink sink(List<Object> out) {
        return new RowImport.Sink() {
            @Override
            public void event(com.fasterxml.jackson.databind.node.ObjectNode message, long line) {
                out.add(List.of(line, message.toString(), message));
            }

            @Override
            public void bad(long line, String reason) {
                out.add("bad " + line + ": " + reason);
            }
        };
    }
}
