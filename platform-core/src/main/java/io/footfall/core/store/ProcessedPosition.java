package io.footfall.core.store;

import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackingToken;

/**
 * The position up to which a processor has handled <em>every</em> event. Axon's token position is
 * the highest index seen; its gaps are indexes below that were not visible when read. Appends are
 * serialised (ADR 0012): an append takes its indexes only after the previous one has ended, so once
 * a row is visible every lower index is either visible too or belongs to a rolled-back append and
 * stays empty for good. A gap therefore never holds an event still to come, and the token's
 * position is the processed position. (Measuring up to the first gap, as before, showed a rolled-back
 * append as lag until Axon dropped the gap, up to 60 s or 10,000 indexes later: CI read that as a
 * processor falling behind.) Axon still tracks the gaps, so a writer that ever bypassed the lock
 * would cost a wrong lag reading, not a lost event.
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
        return current.position().orElse(-1L);
    }
}
