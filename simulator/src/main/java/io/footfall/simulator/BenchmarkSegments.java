package io.footfall.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * A fixed set of 50 rule segments for the segmentation plugin over the simulator's categories and event types:
 * counting windows, profile comparisons, references to other segments, AND/OR/NOT. Shared by the segmentation
 * benchmarks (the plugin's own and the {@code segments} part of the load driver), so both measure the same rules.
 */
public final class BenchmarkSegments {

    private BenchmarkSegments() {
    }

    /** The rules document ({@code {"segments":[…]}}) of the 50 segments. */
    public static String fiftyRules() {
        String[] categories = {"Shoes", "Electronics", "Books", "Home", "Beauty", "Sports", "Toys", "Garden", "Fashion", "Grocery"};
        String[] events = {"Product Viewed", "Product Added", "Products Searched", "Order Completed", "page"};
        List<String> defs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            defs.add("{\"id\":\"w" + i + "\",\"when\":{\"event\":\"Product Viewed\",\"where\":{\"category\":\"" + categories[i % 10]
                    + "\"},\"atLeast\":" + (1 + i % 4) + ",\"within\":\"P" + (1 + i % 7) + "D\"}}");
        }
        for (int i = 0; i < 10; i++) {
            defs.add("{\"id\":\"e" + i + "\",\"when\":{\"event\":\"" + events[i % 5] + "\",\"atLeast\":" + (1 + i % 3) + ",\"within\":\"PT" + (6 + i) + "H\"}}");
        }
        String[] fields = {"revenue", "orders", "sessions", "events", "productViews", "daysSinceLastSeen", "daysSinceLastOrder", "cartAdds",
                "checkouts", "averageOrderValue"};
        for (int i = 0; i < 10; i++) {
            defs.add("{\"id\":\"p" + i + "\",\"when\":{\"profile\":\"" + fields[i] + "\",\"op\":\">\",\"value\":" + (i % 3 + 1) + "}}");
        }
        for (int i = 0; i < 10; i++) {
            defs.add("{\"id\":\"c" + i + "\",\"when\":{\"all\":[{\"segment\":\"w" + i + "\"},{\"any\":[{\"segment\":\"p" + i
                    + "\"},{\"not\":{\"segment\":\"e" + i + "\"}}]},{\"not\":{\"segment\":\"rfm:lost\"}}]}}");
        }
        return "{\"segments\":[" + String.join(",", defs) + "]}";
    }
}
