package io.footfall.core.store;

import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;

/**
 * The log as one processor reads it: tokens from the log itself, streams wrapped by {@link #wrap} (see
 * {@link ForwardingStream}).
 */
public abstract class ForwardingSource extends DelegatingSource {

    protected ForwardingSource(StreamableMessageSource<TrackedEventMessage<?>> source) {
        super(source);
    }

    /** The stream the processor reads, over the log's stream from {@code token}. */
    protected abstract BlockingStream<TrackedEventMessage<?>> wrap(BlockingStream<TrackedEventMessage<?>> stream, TrackingToken token);

    @Override
    public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken trackingToken) {
        return wrap(source.openStream(trackingToken), trackingToken);
    }
}
