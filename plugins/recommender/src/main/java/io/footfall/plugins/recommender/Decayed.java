package io.footfall.plugins.recommender;

import java.time.Duration;
import java.time.Instant;

/**
 * An exponentially time-decayed sum, kept incrementally: a weight {@code w} added at time {@code t} is worth
 * {@code w · 2^(−(now − t) / halfLife)} at {@code now}. Only the value at the latest update time is stored, so an
 * update costs O(1) and the result does not depend on how the additions were grouped. Additions older than the
 * stored time are decayed to it (never grown), so the value is exact whatever their order.
 *
 * @param value the sum as of {@code at}
 * @param at    the time of the value (epoch milliseconds)
 */
public record Decayed(double value, long at) {

    /** Nothing yet. */
    public static final Decayed ZERO = new Decayed(0, Long.MIN_VALUE);

    /** The sum with {@code weight} added at {@code time}. */
    public Decayed add(double weight, long time, Duration halfLife) {
        if (at == Long.MIN_VALUE) {
            return new Decayed(weight, time);
        }
        if (time >= at) {
            return new Decayed(value * factor(time - at, halfLife) + weight, time);
        }
        return new Decayed(value + weight * factor(at - time, halfLife), at);
    }

    /**
     * The sum of two decayed sums, as of the later of their times: exact, so shares of one figure kept apart (one per
     * part of the plugin's state) add up to the figure, whatever their number.
     */
    public Decayed plus(Decayed other, Duration halfLife) {
        if (other.at == Long.MIN_VALUE) {
            return this;
        }
        if (at == Long.MIN_VALUE) {
            return other;
        }
        long t = Math.max(at, other.at);
        return new Decayed(valueAt(t, halfLife) + other.valueAt(t, halfLife), t);
    }

    /** The value as of {@code time} (not before {@link #at()}: earlier times answer the stored value). */
    public double valueAt(long time, Duration halfLife) {
        if (at == Long.MIN_VALUE) {
            return 0;
        }
        return time <= at ? value : value * factor(time - at, halfLife);
    }

    /** The value as of an instant. */
    public double valueAt(Instant time, Duration halfLife) {
        return valueAt(time.toEpochMilli(), halfLife);
    }

    /** {@code 2^(−elapsed / halfLife)}. */
    public static double factor(long elapsedMillis, Duration halfLife) {
        return Math.pow(2, -(double) elapsedMillis / halfLife.toMillis());
    }

    /**
     * The event rate a decayed sum stands for: a steady rate of {@code r} events per half-life gives a sum that tends
     * to {@code r / ln 2} (the integral of the decay), so this answers {@code value · ln 2} per half-life, i.e. per day
     * when multiplied by {@code 1 day / halfLife}.
     */
    public static double ratePerDay(double decayedValue, Duration halfLife) {
        return decayedValue * Math.log(2) * (86_400_000.0 / halfLife.toMillis());
    }

    /**
     * Trending ratio: the recent rate (short half-life) over the long-run rate (long half-life), both per day, with
     * {@code prior} events per day added to each so that rare items do not trend on one event. A steady item scores
     * about 1; an item whose recent rate doubled scores about 2.
     */
    public static double trending(double shortSum, Duration shortHalfLife, double longSum, Duration longHalfLife, double prior) {
        return (ratePerDay(shortSum, shortHalfLife) + prior) / (ratePerDay(longSum, longHalfLife) + prior);
    }
}
