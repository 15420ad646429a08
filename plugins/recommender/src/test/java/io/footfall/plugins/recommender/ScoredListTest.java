package io.footfall.plugins.recommender;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The best-n pick agrees with sorting everything, ties and all; shares of a list merge as their kind says. */
class ScoredListTest {

    @Test
    void theBestNAreTheFirstNOfTheWholeListSorted() {
        Random random = new Random(11);
        for (int round = 0; round < 2_000; round++) {
            ScoredList list = new ScoredList(Integer.MAX_VALUE);
            int size = random.nextInt(300);
            for (int i = 0; i < size; i++) {
                // few distinct scores, so that many ties are broken by id; negative and zero scores too
                double score = random.nextInt(4) == 0 ? random.nextGaussian() : random.nextInt(7) - 2;
                list.set("i" + random.nextInt(1_000), score);
            }
            List<Map.Entry<String, Double>> sorted = new ArrayList<>(list.scores.entrySet());
            sorted.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
            int n = random.nextInt(size + 3);
            List<Map.Entry<String, Double>> expected = sorted.subList(0, Math.min(n, sorted.size()));
            assertEquals(expected, list.top(n), "size " + list.scores.size() + ", n " + n);
        }
        assertEquals(List.of(), new ScoredList(3).top(0));
    }

    @Test
    void pruningKeepsTheBestCapacity() {
        ScoredList list = new ScoredList(5);
        for (int i = 0; i < 11; i++) {
            list.add("i" + i, i);
        }
        // the 11th add passed twice the capacity: the five best stayed
        assertEquals(List.of("i10", "i9", "i8", "i7", "i6"), list.top(10).stream().map(Map.Entry::getKey).toList());
    }

    private static ScoredList share(Object... itemScoreNote) {
        ScoredList l = new ScoredList(100);
        for (int k = 0; k < itemScoreNote.length; k += 3) {
            l.set((String) itemScoreNote[k], ((Number) itemScoreNote[k + 1]).doubleValue(), (String) itemScoreNote[k + 2]);
        }
        return l;
    }

    @Test
    void sharesAddUpTakeTheHighestOrTheLatest() {
        ScoredList a = share("x", 1, null, "y", 5, "20", "z", 2, "10");
        ScoredList b = share("x", 2, null, "y", 3, "30", "w", 4, null);
        ScoredList sum = ScoredList.merge(List.of(a, b), ScoredList.Merge.SUM);
        assertEquals(Map.of("x", 3.0, "y", 8.0, "z", 2.0, "w", 4.0), sum.scores);
        ScoredList max = ScoredList.merge(List.of(a, b), ScoredList.Merge.MAX);
        assertEquals(Map.of("x", 2.0, "y", 5.0, "z", 2.0, "w", 4.0), max.scores);
        // y: b's entry is the later (time 30) though lower; x: no times, the higher
        ScoredList latest = ScoredList.merge(List.of(a, b), ScoredList.Merge.LATEST);
        assertEquals(Map.of("x", 2.0, "y", 3.0, "z", 2.0, "w", 4.0), latest.scores);
        assertEquals("30", latest.notes.get("y"));
        // the order of the shares does not matter
        assertEquals(latest.scores, ScoredList.merge(List.of(b, a), ScoredList.Merge.LATEST).scores);
        assertEquals(max.scores, ScoredList.merge(List.of(b, a), ScoredList.Merge.MAX).scores);
        assertEquals(sum.scores, ScoredList.merge(List.of(b, a), ScoredList.Merge.SUM).scores);
        // merged lists are not pruned
        assertEquals(Integer.MAX_VALUE, sum.capacity);
    }

    @Test
    void itemStatisticsSharesAddUpToOneFoldOfEveryAddition() {
        java.time.Duration week = java.time.Duration.ofDays(7);
        Random random = new Random(5);
        for (int round = 0; round < 200; round++) {
            ItemStats whole = new ItemStats();
            ItemStats[] shares = {new ItemStats(), new ItemStats(), new ItemStats()};
            for (int k = 0; k < 40; k++) {
                double weight = 1 + random.nextInt(5);
                long t = 1_700_000_000_000L + random.nextInt(30 * 86_400) * 1000L;
                whole.add(weight, t, week);
                shares[random.nextInt(3)].add(weight, t, week);
            }
            whole.category = "Books";
            shares[1].category = "Books";
            ItemStats sum = shares[0].plus(shares[1], week).plus(shares[2], week);
            assertEquals(whole.total, sum.total);
            assertEquals("Books", sum.category);
            assertEquals(whole.popularity.at(), sum.popularity.at());
            assertEquals(whole.popularity.value(), sum.popularity.value(), 1e-9 * whole.popularity.value());
            assertEquals(whole.recent.value(), sum.recent.value(), 1e-9 * whole.recent.value() + 1e-300);
            assertEquals(whole.popularityRank(week), sum.popularityRank(week), 1e-9);
        }
    }
}
