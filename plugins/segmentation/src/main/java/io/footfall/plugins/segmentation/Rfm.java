package io.footfall.plugins.segmentation;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * RFM quintile scores and the eleven named RFM segments.
 *
 * <p><b>Scores.</b> Over the users with at least one order, the cut points of each measure are its 20th, 40th,
 * 60th and 80th percentiles by the nearest-rank method ({@code q_p = sorted[ceil(p·n) − 1]}). Frequency (orders)
 * and monetary value (revenue) score {@code 1 + #{i : value > q_i}}; recency (days since the last order, lower is
 * better) scores {@code 5 − #{i : recency > q_i}}. Equal values get equal scores, so a measure with many ties
 * (most shoppers order once) uses fewer than five levels.
 *
 * <p><b>Segments.</b> {@code FM = ⌈(F + M) / 2⌉} (the rounded-up mean), then the grid {@link #GRID} by R (rows,
 * 5 first) and FM (columns, 1 first), adapted from the widely used R × FM table of RFM segments (Putler's "RFM
 * Analysis for Successful Customer Segmentation", whose overlapping ranges are resolved here in favour of the
 * narrower segment so that every score has exactly one segment). See {@code docs/plugins/segmentation.md}.
 */
final class Rfm {

    /** The eleven segments, in display order. */
    static final List<String> SEGMENTS = List.of("Champions", "Loyal Customers", "Potential Loyalists", "New Customers",
            "Promising", "Need Attention", "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating", "Lost");

    /** Rows R = 5, 4, 3, 2, 1; columns FM = 1..5. */
    static final String[][] GRID = {
        {"New Customers", "Potential Loyalists", "Potential Loyalists", "Champions", "Champions"},
        {"Promising", "Potential Loyalists", "Loyal Customers", "Champions", "Champions"},
        {"About to Sleep", "Need Attention", "Need Attention", "Loyal Customers", "Loyal Customers"},
        {"Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"},
        {"Lost", "Lost", "At Risk", "Can't Lose Them", "Can't Lose Them"},
    };

    private Rfm() {
    }

    /**
     * The cut points of one measure.
     *
     * @param recency   days since the last order, per scored user
     * @param frequency orders per scored user
     * @param monetary  revenue per scored user
     */
    record CutPoints(double[] recency, double[] frequency, double[] monetary) {

        /** From the measures of every user with an order; null when there is none. */
        static CutPoints of(double[] recency, double[] frequency, double[] monetary) {
            if (recency.length == 0) {
                return null;
            }
            return new CutPoints(quintiles(recency), quintiles(frequency), quintiles(monetary));
        }

        int r(double recencyDays) {
            return 5 - above(recency, recencyDays);
        }

        int f(double orders) {
            return 1 + above(frequency, orders);
        }

        int m(double revenue) {
            return 1 + above(monetary, revenue);
        }
    }

    /** The 20/40/60/80th nearest-rank percentiles. */
    static double[] quintiles(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double[] q = new double[4];
        for (int i = 1; i <= 4; i++) {
            int rank = (int) Math.ceil(i * sorted.length / 5.0);
            q[i - 1] = sorted[Math.max(0, rank - 1)];
        }
        return q;
    }

    private static int above(double[] cuts, double value) {
        int n = 0;
        for (double c : cuts) {
            if (value > c) {
                n++;
            }
        }
        return n;
    }

    /** The named segment of R, F and M scores (each 1–5). */
    static String segment(int r, int f, int m) {
        int fm = (f + m + 1) / 2;
        return GRID[5 - r][fm - 1];
    }

    /** The segment id: {@code rfm:} and the lower-case name with dashes, e.g. {@code rfm:cant-lose-them}. */
    static String segmentId(String name) {
        return "rfm:" + name.toLowerCase(Locale.ROOT).replace("'", "").replace(' ', '-');
    }
}
