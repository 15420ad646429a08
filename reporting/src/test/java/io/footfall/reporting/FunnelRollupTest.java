package io.footfall.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default funnel's entries, computed per step-1 day as the live funnel query counts them. */
class FunnelRollupTest {

    private static FunnelRollup.Occurrences on(String day, String first, String last) {
        return new FunnelRollup.Occurrences(LocalDate.parse(day), Instant.parse(day + "T" + first + "Z"), Instant.parse(day + "T" + last + "Z"));
    }

    @Test
    void eachStepOneDayIsAnEntryWithItsPreviousDayAndDepth() {
        List<List<FunnelRollup.Occurrences>> steps = List.of(
                // step 1 on three days
                List.of(on("2026-01-05", "10:00:00", "10:00:00"), on("2026-01-07", "09:00:00", "09:00:00"), on("2026-01-20", "09:00:00", "09:00:00")),
                // step 2 on the 5th, but before the search of the 5th only at 09:00 — its last occurrence (11:00) is after it
                List.of(on("2026-01-05", "09:00:00", "11:00:00"), on("2026-01-20", "08:00:00", "08:30:00")),
                // step 3 on the 13th: within 7 days of the 7th, not of the 5th (8 days later)
                List.of(on("2026-01-13", "08:00:00", "08:00:00")),
                List.of(),
                List.of());
        List<FunnelRollup.Entry> entries = FunnelRollup.entries(steps, Duration.ofDays(7));
        assertEquals(List.of(
                new FunnelRollup.Entry(LocalDate.parse("2026-01-05"), ReportFold.NONE, 2),
                new FunnelRollup.Entry(LocalDate.parse("2026-01-07"), LocalDate.parse("2026-01-05"), 1),
                new FunnelRollup.Entry(LocalDate.parse("2026-01-20"), LocalDate.parse("2026-01-07"), 1)), entries,
                "the 7th: no step 2 at or after 09:00 on the 7th within 7 days (the 5th's is before it), so step 3 is not reached either");
    }

    @Test
    void onlyTheDefaultStepsAndWindowAreRolledUp() {
        assertEquals(true, FunnelRollup.covers(ReportParams.DEFAULT_STEPS, Duration.ofDays(7)));
        assertEquals(true, FunnelRollup.covers(ReportParams.steps(null), ReportParams.window("PT168H")));
        assertEquals(false, FunnelRollup.covers(ReportParams.DEFAULT_STEPS, Duration.ofDays(1)));
        assertEquals(false, FunnelRollup.covers(List.of("Products Searched", "Product Viewed"), Duration.ofDays(7)));
    }
}
