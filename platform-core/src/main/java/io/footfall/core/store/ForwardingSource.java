package io.footfall.core.store;

import java.time.Instant;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;

/**
 * The log as one processor reads it: tokens from the log itself, streams wrapped by {@link #wrap} (see
 * {@link ForwardingStream}).
 */
public abstract class ForwardingSource implements StreamableMessageSource<TrackedEventMessage<?>> {

    private final StreamableMessageSource<TrackedEventMessage<?>> source;

    protected ForwardingSource(StreamableMessageSource<TrackedEventMessage<?>> source) {
        this.source = source;
    }

    /** The stream the processor reads, over the log's stream from {@code token}. */
    protected abstract BlockingStream<TrackedEventMessage<?>> wrap(BlockingStream<TrackedEventMessage<?>> stream, TrackingToken token);

    @Override
    public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken trackingToken) {
        return wrap(source.openStream(trackingToken), trackingToken);
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
