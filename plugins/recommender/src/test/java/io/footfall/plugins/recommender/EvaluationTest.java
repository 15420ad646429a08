package io.footfall.plugins.recommender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluation protocol's exact figures, the splits, and the command's handling of bad input. */
class EvaluationTest {

    /** Scores items by a fixed table, whatever the user. */
    record Fixed(double[] table) implements Recommender {
        @Override
        public String name() {
            return "fixed";
        }

        @Override
        public void fit(Interactions data) {
        }

        @Override
        public void score(int[] items, double[] values, int from, int to, double[] out) {
            System.arraycopy(table, 0, out, 0, table.length);
        }
    }

    private static InteractionLog.Row row(String u, String i, int line) {
        return new InteractionLog.Row(u, i, 1, line * 1000L, line);
    }

    @Test
    void precisionRecallNdcgAndCoverageByHand() {
        // training items a..f (indices 0..5); u1 has a, u2 has b
        List<InteractionLog.Row> train = List.of(row("u1", "a", 1), row("u2", "b", 2), row("u3", "c", 3),
                row("u3", "d", 4), row("u3", "e", 5), row("u3", "f", 6));
        // fixed ranking a > b > c > d > e > f; u1's list (a excluded): b c d; u2's: a c d
        Interactions m = Evaluation.matrix(train, true);
        Recommender r = new Fixed(new double[] {6, 5, 4, 3, 2, 1});
        // u1 wants c and f (f not in its top 3), u2 wants a, u3 is not in the test, u4 is unknown to training
        List<InteractionLog.Row> test = List.of(row("u1", "c", 7), row("u1", "f", 8), row("u2", "a", 9),
                row("u2", "b", 10), row("u4", "a", 11));
        Evaluation.Metrics metrics = Evaluation.measure(r, m, test, 3, 0);
        assertEquals(2, metrics.users());
        // u1: hit at rank 1 (c) → P = 1/3, R = 1/2, NDCG = (1/log2 3) / (1 + 1/log2 3)
        // u2: b is a training item of u2 and leaves the truth; hit a at rank 0 → P = 1/3, R = 1, NDCG = 1
        double log3 = Math.log(3) / Math.log(2);
        assertEquals(1.0 / 3, metrics.precision(), 1e-12);
        assertEquals((0.5 + 1) / 2, metrics.recall(), 1e-12);
        assertEquals(((1 / log3) / (1 + 1 / log3) + 1) / 2, metrics.ndcg(), 1e-12);
        assertEquals(4.0 / 6, metrics.coverage(), 1e-12);   // a, b, c, d
    }

    @Test
    void splitsAreSeededOrTemporal() {
        List<InteractionLog.Row> rows = List.of(row("u1", "a", 1), row("u1", "b", 2), row("u1", "c", 3),
                row("u2", "a", 4), row("u2", "c", 5), row("u3", "b", 6),
                new InteractionLog.Row("u2", "d", 1, 0, 7));
        Evaluation.Split last = Evaluation.leaveLastOut(rows);
        assertEquals(List.of(row("u1", "c", 3), row("u2", "c", 5)), last.test());
        assertEquals(5, last.train().size());
        Evaluation.Split a = Evaluation.random(rows, 0.8, 42);
        assertEquals(6, a.train().size());
        assertEquals(a, Evaluation.random(rows, 0.8, 42));
    }

    @Test
    void badLinesAreReportedWithTheirNumbers() throws IOException {
        InteractionLog log = InteractionLog.read(new StringReader("""
                user,item,rating,timestamp
                1,10,4,881250949
                2,11,x,881250949
                3,12,5
                4,13,0,881250949
                5,14,3,yesterday
                6,15,1,2026-01-01T00:00:00Z
                7\t16\t2\t881250950
                """));
        assertEquals(3, log.rows().size());
        assertEquals(List.of("line 3: weight 'x' is not a number",
                "line 4: expected 4 fields (user,item,weight,timestamp), found 3",
                "line 5: weight must be a positive number, found 0",
                "line 6: timestamp 'yesterday' is neither epoch seconds/milliseconds nor ISO-8601"), log.badLines());
        assertEquals(881_250_949_000L, log.rows().get(0).time());
    }

    @Test
    void theCommandPrintsAFigureLinePerAlgorithmAndTheBadLines(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("x.csv");
        StringBuilder b = new StringBuilder("user,item,rating,timestamp\n");
        for (int u = 0; u < 40; u++) {
            for (int i = 0; i < 8; i++) {
                b.append("u").append(u).append(",i").append((u + i * 3) % 20).append(",1,").append(1000 + i).append('\n');
            }
        }
        b.append("broken line\n");
        Files.writeString(csv, b);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = EvaluateCsv.run(new String[] {csv.toString(), "--k", "5", "--ials-factors", "4", "--ials-iterations", "2"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        for (String name : List.of("popularity", "itemknn", "ease", "ials")) {
            assertTrue(text.contains("\n" + name + " "), text);
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("line 322: expected 4 fields"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, EvaluateCsv.run(new String[] {csv.toString(), "--split", "sideways"}, new PrintStream(out), new PrintStream(err)));
        assertEquals(2, EvaluateCsv.run(new String[] {csv.toString(), "--algorithms", "magic"}, new PrintStream(out), new PrintStream(err)));
        assertEquals(1, EvaluateCsv.run(new String[] {dir.resolve("missing.csv").toString()}, new PrintStream(out), new PrintStream(err)));
    }
}
