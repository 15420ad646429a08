package io.footfall.plugins.recommender;

import java.time.Duration;

/**
 * What the plugin keeps per item: its category and brand, the total interaction weight, and two decayed sums of it
 * (the popularity half-life and a 1-day half-life for trending). On several segments each part keeps a share of its
 * own ({@code item/<id>#part<n>}): the shares add up exactly ({@link #plus}).
 */
final class ItemStats {

    /** Half-life of the short-term sum used by trending. */
    static final Duration TRENDING_HALF_LIFE = Duration.ofDays(1);

    String category;
    String brand;
    double total;
    Decayed popularity = Decayed.ZERO;
    Decayed recent = Decayed.ZERO;

    void add(double weight, long time, Duration halfLife) {
        total += weight;
        popularity = popularity.add(weight, time, halfLife);
        recent = recent.add(weight, time, TRENDING_HALF_LIFE);
    }

    /**
     * log2 of the decayed popularity scaled to a common origin, {@code log2(value) + at / halfLife}: comparing these
     * compares the decayed values at any common instant, whenever each was last updated.
     */
    double popularityRank(Duration halfLife) {
        if (popularity.value() <= 0) {
            return Double.NEGATIVE_INFINITY;
        }
        return Math.log(popularity.value()) / Math.log(2) + (double) popularity.at() / halfLife.toMillis();
    }

    /** The trending ratio as of {@code now} (1-day rate over the long-run rate, prior 0.5 events a day). */
    double trending(long now, Duration halfLife) {
        return Decayed.trending(recent.valueAt(now, TRENDING_HALF_LIFE), TRENDING_HALF_LIFE,
                popularity.valueAt(now, halfLife), halfLife, 0.5);
    }

    /**
     * This share and another together: totals and decayed sums add up; category and brand are those of the share
     * with the later update (this one on a tie) that names them.
     */
    ItemStats plus(ItemStats other, Duration halfLife) {
        ItemStats sum = new ItemStats();
        boolean otherLater = other.popularity.at() > popularity.at();
        sum.category = pick(category, other.category, otherLater);
        sum.brand = pick(brand, other.brand, otherLater);
        sum.total = total + other.total;
        sum.popularity = popularity.plus(other.popularity, halfLife);
        sum.recent = recent.plus(other.recent, TRENDING_HALF_LIFE);
        return sum;
    }

    private static String pick(String mine, String theirs, boolean theirsLater) {
        if (mine == null || theirs == null) {
            return mine != null ? mine : theirs;
        }
        return theirsLater ? theirs : mine;
    }

    byte[] encode() {
        return Codec.encode(out -> {
            out.writeByte(1);
            Codec.writeNullable(out, category);
            Codec.writeNullable(out, brand);
            out.writeDouble(total);
            out.writeDouble(popularity.value());
            out.writeLong(popularity.at());
            out.writeDouble(recent.value());
            out.writeLong(recent.at());
        });
    }

    static ItemStats decode(byte[] bytes) {
        return Codec.decode(bytes, in -> {
            ItemStats s = new ItemStats();
            in.readByte();
            s.category = Codec.readNullable(in);
            s.brand = Codec.readNullable(in);
            s.total = in.readDouble();
            s.popularity = new Decayed(in.readDouble(), in.readLong());
            s.recent = new Decayed(in.readDouble(), in.readLong());
            return s;
        });
    }
}
