package io.footfall.collector.logs;

import io.footfall.sdk.Identity;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * MovieLens-style ratings: {@code user,item,rating,timestamp} (epoch seconds) separated by commas
 * ({@code ratings.csv}, with or without header), tabs ({@code u.data}) or {@code ::}
 * ({@code ratings.dat}). Each row → Product Reviewed with {@code product_id} and {@code rating}.
 */
final class MovieLensFormat implements RowFormat {
    private static final BigDecimal MAX_RATING = BigDecimal.TEN;
    private final String tag;

    MovieLensFormat(String tag) {
        this.tag = tag;
    }

    @Override
    public List<String> split(String line) throws BadRow {
        if (line.contains("::")) {
            return Arrays.asList(line.split("::", -1));
        }
        if (line.indexOf('\t') >= 0) {
            return Arrays.asList(line.split("\t", -1));
        }
        return Csv.split(line, ',');
    }

    @Override
    public boolean isHeader(List<String> fields) {
        return !fields.isEmpty() && fields.get(0).toLowerCase().startsWith("user");
    }

    @Override
    public void row(List<String> f, long line, String raw, Emitter out) throws BadRow {
        Parse.columns(f, 4, "user,item,rating,timestamp");
        String user = Parse.id(f.get(0), "user");
        String item = Parse.id(f.get(1), "item");
        BigDecimal rating = Parse.decimal(f.get(2), "rating");
        if (rating.signum() < 0 || rating.compareTo(MAX_RATING) > 0) {
            throw new BadRow("rating is not between 0 and 10");
        }
        Instant at = Parse.epoch(f.get(3), false, "timestamp");
        String id = Events.messageId(tag, "movielens\n" + raw);
        out.emit(new Out(Events.track(Identity.user(user), "Product Reviewed", at, id)
                .property("product_id", item).property("rating", rating), line, line));
    }
}
