package io.footfall.collector.logs;

import java.io.IOException;
import java.util.List;

/** Where tailed events go. {@link #send} returns only once the events are durably accepted. */
interface EventSink {
    /**
     * @param messages Segment-shaped messages, each with a messageId
     * @throws IOException when they were not accepted; the tailer keeps its offset and sends them again
     */
    void send(List<String> messages) throws IOException;
}
