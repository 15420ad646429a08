package io.footfall.core.store;

import java.time.Instant;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;

/**
 * A source whose tokens are those of the log it reads: the base of the sources that change how a processor reads the
 * log ({@link ForwardingSource}, {@link SharedReadSource}), which decide only how streams are opened.
 */
public abstract class DelegatingSource implements StreamableMessageSource<TrackedEventMessage<?>> {

    /** The log read. */
    protected final StreamableMessageSource<TrackedEventMessage<?>> source;

    protected DelegatingSource(StreamableMessageSource<TrackedEventMessage<?>> source) {
        this.source = source;
    }

    @Override
    public TrackingToken createTailToken() {
        return source.createTailToken();
    }

    @Override
    public TrackingToken createHeadToken() {
        return source.createHeadToken();
    }

    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        return source.createTokenAt(dateTime);
    }
}
