package io.footfall.collector.logs;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a synthetic Taobao UserBehavior file for benchmarks: the real file's shape and behaviour
 * mix (about 89% pv, 6% cart, 3% fav, 2% buy), users with skewed activity, nine days of time.
 */
final class UserBehaviorGenerator {
    private UserBehaviorGenerator() {
    }

    static void write(Path file, long rows, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        long start = 1511539200L; // 2017-11-25T00:00:00+08:00 as in the original data
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder(64);
            for (long i = 0; i < rows; i++) {
                long user = 1 + (long) (Math.pow(random.nextDouble(), 2) * 20_000);
                long item = 1 + random.nextLong(400_000);
                long category = 1 + item % 5_000;
                int r = random.nextInt(100);
                String behavior = r < 89 ? "pv" : r < 95 ? "cart" : r < 98 ? "fav" : "buy";
                long ts = start + random.nextLong(9 * 86_400L);
                line.setLength(0);
                line.append(user).append(',').append(item).append(',').append(category).append(',').append(behavior).append(',')
                        .append(ts).append('\n');
                w.write(line.toString());
            }
        }
    }
}
