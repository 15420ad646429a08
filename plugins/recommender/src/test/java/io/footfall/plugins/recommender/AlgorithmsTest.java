package io.footfall.plugins.recommender;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Exact values of the host-free algorithms on small hand-computed examples. */
class AlgorithmsTest {

    /** X = [[1,1,0],[0,1,1],[1,1,1]] (users × items a, b, c). */
    static Interactions small() {
        return Interactions.builder()
                .add("u0", "a", 1).add("u0", "b", 1)
                .add("u1", "b", 1).add("u1", "c", 1)
                .add("u2", "a", 1).add("u2", "b", 1).add("u2", "c", 1)
                .build();
    }

    /** The inverses this machine has: EJML always, the system's LAPACK where one is installed (CI installs it). */
    private static java.util.List<SpdInverse> inverses() {
        return SpdInverse.best() == SpdInverse.NATIVE ? java.util.List.of(SpdInverse.EJML, SpdInverse.NATIVE)
                : java.util.List.of(SpdInverse.EJML);
    }

    @Test
    void easeEqualsTheHandComputedClosedForm() {
        for (SpdInverse inverse : inverses()) {
            easeEqualsTheHandComputedClosedForm(inverse);
        }
    }

    private void easeEqualsTheHandComputedClosedForm(SpdInverse inverse) {
        // XᵀX = [[2,2,1],[2,3,2],[1,2,2]]; λ = 1: G = [[3,2,1],[2,4,2],[1,2,3]], det 16,
        // P = G⁻¹ = [[.5,-.25,0],[-.25,.5,-.25],[0,-.25,.5]], B_ij = -P_ij / P_jj, B_jj = 0
        Ease ease = new Ease(1.0, inverse);
        ease.fit(small());
        double[][] expected = {{0, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0}};
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(expected[i][j], ease.weight(i, j), 1e-12, "B[" + i + "][" + j + "]");
            }
        }
        double[] scores = new double[3];
        ease.scoreUser(small(), 0, scores);
        assertArrayEquals(new double[] {0.5, 0.5, 0.5}, scores, 1e-12);
    }

    @Test
    void easeWithAnotherLambda() {
        for (SpdInverse inverse : inverses()) {
            // λ = 2: G = [[4,2,1],[2,5,2],[1,2,4]], det = 4·16 − 2·6 + 1·(−1) = 51;
            // adj: C00 = 16, C01 = -6, C02 = -1, C11 = 15, C12 = -6, C22 = 16 → P = adj / 51
            Ease ease = new Ease(2.0, inverse);
            ease.fit(small());
            assertEquals(6.0 / 15.0, ease.weight(0, 1), 1e-12);   // -P01 / P11 = (6/51) / (15/51)
            assertEquals(1.0 / 16.0, ease.weight(0, 2), 1e-12);   // -P02 / P22
            assertEquals(6.0 / 16.0, ease.weight(1, 0), 1e-12);   // -P10 / P00
            assertEquals(0.0, ease.weight(2, 2), 0.0);
        }
    }

    /**
     * On a larger random catalogue (EJML's blocked path starts at 1,000 items) the native LAPACK inverse gives the
     * same B as EJML's, to rounding. Where LAPACK is installed (CI installs Debian's OpenBLAS), it is the one used.
     */
    @Test
    void theNativeInverseGivesEjmlsWeights() {
        boolean installed = java.nio.file.Files.exists(java.nio.file.Path.of("/usr/lib/x86_64-linux-gnu/liblapack.so.3"));
        assertEquals(installed, SpdInverse.best() == SpdInverse.NATIVE, "a system LAPACK is used exactly when installed");
        org.junit.jupiter.api.Assumptions.assumeTrue(installed, "no system LAPACK here");
        java.util.Random random = new java.util.Random(7);
        Interactions.Builder b = Interactions.builder();
        int n = 1100;
        for (int i = 0; i < n; i++) {
            b.item("i" + i);
        }
        for (int u = 0; u < 4000; u++) {
            for (int k = 0; k < 15; k++) {
                b.add("u" + u, "i" + (int) Math.min(n - 1, Math.floor(Math.pow(random.nextDouble(), 2) * n)), 1);
            }
        }
        Interactions data = b.build();
        Ease ejml = new Ease(50, SpdInverse.EJML);
        Ease lapack = new Ease(50, SpdInverse.NATIVE);
        ejml.fit(data);
        lapack.fit(data);
        double largest = 0;
        double worst = 0;
        for (int i = 0; i < data.itemCount(); i++) {
            for (int j = 0; j < data.itemCount(); j++) {
                largest = Math.max(largest, Math.abs(ejml.weight(i, j)));
                worst = Math.max(worst, Math.abs(ejml.weight(i, j) - lapack.weight(i, j)));
            }
        }
        assertTrue(largest > 0.01, "a model with weight");
        assertTrue(worst < 1e-9 * largest, "largest difference " + worst + " of weights up to " + largest);
    }

    @Test
    void itemKnnIsCosineOfTheItemColumns() {
        // columns: a = [1,0,1], b = [1,1,1], c = [0,1,1]
        ItemKnn knn = new ItemKnn(2, 0);
        knn.fit(small());
        assertArrayEquals(new int[] {1, 2}, knn.neighbours(0));   // b: 2/√6 = 0.816, c: 1/2
        assertArrayEquals(new double[] {2 / Math.sqrt(6), 0.5}, knn.neighbourSimilarities(0), 1e-12);
        double[] scores = new double[3];
        knn.scoreUser(small(), 0, scores);    // u0 has a, b: score(c) = sim(c,a) + sim(c,b) = 1/2 + 2/√6
        assertEquals(0.5 + 2 / Math.sqrt(6), scores[2], 1e-12);
        ItemKnn one = new ItemKnn(1, 0);
        one.fit(small());
        one.scoreUser(small(), 0, scores);    // c keeps only b as neighbour
        assertEquals(2 / Math.sqrt(6), scores[2], 1e-12);
    }

    @Test
    void popularityCountsDistinctUsers() {
        Popularity p = new Popularity();
        p.fit(Interactions.builder().add("u0", "a", 5).add("u0", "a", 1).add("u1", "b", 1).add("u2", "b", 1).build());
        assertArrayEquals(new double[] {1, 2}, p.counts(), 0.0);
    }

    @Test
    void ialsLossNeverIncreasesAndFallsWellBelowTheStart() {
        Interactions data = SimulatorData.interactions(SimulatorData.config(300, 14)).binary();
        Ials ials = new Ials(16, 1.0, 2.0, 8, 7);
        ials.fit(data);
        double[] losses = ials.losses();
        assertEquals(9, losses.length);
        for (int i = 1; i < losses.length; i++) {
            assertTrue(losses[i] <= losses[i - 1] * (1 + 1e-9), "loss rose at iteration " + i + ": " + java.util.Arrays.toString(losses));
        }
        assertTrue(losses[losses.length - 1] < 0.5 * losses[0], java.util.Arrays.toString(losses));
    }

    @Test
    void ialsFoldInOfATrainedUsersRowRanksTheirItemsLikeTheTrainedFactors() {
        Interactions data = SimulatorData.interactions(SimulatorData.config(200, 14)).binary();
        Ials ials = new Ials(8, 1.0, 2.0, 12, 5);
        ials.fit(data);
        // after many rounds the factors are near a fixed point: solving a user's row again (fold-in) gives almost
        // the trained user factor, so the two score vectors agree closely
        double[] trained = new double[data.itemCount()];
        double[] folded = new double[data.itemCount()];
        int u = 0;
        while (data.rowEnd(u) - data.rowStart(u) < 5) {
            u++;
        }
        ials.scoreUser(data, u, trained);
        ials.score(data.rowItems(), data.rowValues(), data.rowStart(u), data.rowEnd(u), folded);
        double maxDiff = 0;
        double maxScore = 0;
        for (int i = 0; i < trained.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(trained[i] - folded[i]));
            maxScore = Math.max(maxScore, Math.abs(trained[i]));
        }
        assertTrue(maxDiff < 0.05 * maxScore, "fold-in differs by " + maxDiff + " (scores up to " + maxScore + ")");
    }

    @Test
    void decayedSumsHalveEveryHalfLifeWhateverTheOrder() {
        Duration day = Duration.ofDays(1);
        long t0 = 1_000_000L;
        long d = day.toMillis();
        Decayed a = Decayed.ZERO.add(1, t0, day).add(1, t0 + d, day);
        assertEquals(1.5, a.value(), 1e-12);
        assertEquals(0.75, a.valueAt(t0 + 2 * d, day), 1e-12);
        Decayed b = Decayed.ZERO.add(1, t0 + d, day).add(1, t0, day);
        assertEquals(a.value(), b.value(), 1e-12);
        assertEquals(a.at(), b.at());
    }

    @Test
    void aSteadyItemTrendsAtOneAndABurstAboveIt() {
        Duration shortHl = Duration.ofDays(1);
        Duration longHl = Duration.ofDays(14);
        long d = Duration.ofDays(1).toMillis();
        Decayed s = Decayed.ZERO;
        Decayed l = Decayed.ZERO;
        for (int i = 0; i < 24 * 200; i++) {   // one event an hour for 200 days
            s = s.add(1, i * d / 24, shortHl);
            l = l.add(1, i * d / 24, longHl);
        }
        double steady = Decayed.trending(s.value(), shortHl, l.value(), longHl, 0);
        assertEquals(1.0, steady, 0.05);
        for (int i = 0; i < 48; i++) {          // then twice the rate for a day
            s = s.add(1, 200 * d + i * d / 48, shortHl);
            l = l.add(1, 200 * d + i * d / 48, longHl);
        }
        assertTrue(Decayed.trending(s.value(), shortHl, l.value(), longHl, 0) > 1.3);
    }

    @Test
    void topKBreaksTiesByIndexAndSkipsExcluded() {
        double[] scores = {1, 3, 3, Double.NEGATIVE_INFINITY, 2, Double.NaN};
        assertArrayEquals(new int[] {1, 2, 4}, TopK.select(scores, 3, null));
        assertArrayEquals(new int[] {2, 4, 0}, TopK.select(scores, 5, new boolean[] {false, true, false, false, false, false}));
    }
}
