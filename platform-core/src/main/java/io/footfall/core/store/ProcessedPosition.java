package io.footfall.core.store;

import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackingToken;

/**
 * The position up to which a processor has handled <em>every</em> event. Axon's token position is
 * the highest index seen; its gaps are indexes below that were not visible when read. Appends are
 * serialised (ADR 0012), so today a gap is a rolled-back append; measuring up to the first gap keeps
 * lag honest should a writer ever commit out of index order again.
 */
public final class ProcessedPosition {

    private ProcessedPosition() {
    }

    /** Everything at or below the returned index has been handled; -1 before the first event. */
    public static long of(EventTrackerStatus status) {
        return of(status.getTrackingToken());
    }

    /** The lowest such position over a processor's segments in this instance, -1 when it holds none. */
    public static long lowest(org.axonframework.eventhandling.StreamingEventProcessor processor) {
        return processor.processingStatus().values().stream().mapToLong(ProcessedPosition::of).min().orElse(-1L);
    }

    /** Everything at or below the returned index has been handled by the holder of this token. */
    public static long of(TrackingToken token) {
        TrackingToken current = token instanceof ReplayToken replay ? replay.getCurrentToken() : token;
        if (current == null) {
            return -1;
        }
        if (current instanceof GapAwareTrackingToken gapAware && !gapAware.getGaps().isEmpty()) {
            return gapAware.getGaps().first() - 1;
        }
        return current.position().orElse(-1L);
    }
}
