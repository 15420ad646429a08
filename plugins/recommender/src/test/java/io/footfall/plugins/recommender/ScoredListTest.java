package io.footfall.plugins.recommender;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The best-n pick agrees with sorting everything, ties and all. */
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
}
