package io.footfall.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventKind;
import io.footfall.core.ingest.IngestOutcome;
import io.footfall.core.ingest.IngestPipeline;
import io.footfall.core.ingest.OverloadedException;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The ingest queue is bounded in events: past the bound a request is refused (HTTP 429), not buffered. */
@QuarkusTest
class BackpressureTest {

    @Inject
    IngestPipeline pipeline;

    private static List<BehaviorEvent> events(int n) {
        List<BehaviorEvent> events = new ArrayList<>(n);
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            events.add(new BehaviorEvent(UUID.randomUUID().toString(), "bp-" + i, EventKind.TRACK, "Product Viewed", "bp-user", null,
                    null, null, now, now, null, null, "src_test", null, null, null, null, Map.of(), Map.of()));
        }
        return events;
    }

    @Test
    void overTheQueueBoundIsRefusedAndNothingIsQueued() throws Exception {
        long before = pipeline.queuedEvents();
        assertThrows(OverloadedException.class, () -> pipeline.submit(events(50_001), List.of()));
        assertEquals(before, pipeline.queuedEvents(), "a refused request leaves nothing behind");
        IngestOutcome outcome = pipeline.submit(events(10), List.of()).get(30, TimeUnit.SECONDS);
        assertEquals(10, outcome.stored(), "and the pipeline still accepts what fits");
    }
}
