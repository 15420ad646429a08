package io.footfall.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.ReplayToken;
import org.junit.jupiter.api.Test;

class ProcessedPositionTest {

    @Test
    void aGapBelowTheHighestIndexIsARolledBackAppendNotAPendingOne() {
        // appends are serialised (ADR 0012): with 350 visible, 100, 101 and 349 were taken by appends that rolled back
        GapAwareTrackingToken token = GapAwareTrackingToken.newInstance(350, List.of(100L, 101L, 349L));
        assertEquals(350, ProcessedPosition.of(token));
        assertEquals(350, ProcessedPosition.of(GapAwareTrackingToken.newInstance(350, List.of())));
        assertEquals(-1, ProcessedPosition.of((org.axonframework.eventhandling.TrackingToken) null));
    }

    @Test
    void duringAReplayItIsTheReplaysProgress() {
        GapAwareTrackingToken head = GapAwareTrackingToken.newInstance(1000, List.of());
        GapAwareTrackingToken progress = GapAwareTrackingToken.newInstance(40, List.of());
        assertEquals(40, ProcessedPosition.of(ReplayToken.createReplayToken(head, progress)));
    }
}
