package io.footfall.collector.logs;

import io.footfall.sdk.BatchSender;
import io.footfall.sdk.SendResult;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends tailed events to {@code /v1/batch} with the SDK's {@link BatchSender} (gzip, retries). A
 * batch the server refuses as entirely invalid (400) is not sent again: the server keeps such events
 * in its failed-events store, where they can be fixed and re-processed.
 */
final class HttpSink implements EventSink {
    private static final System.Logger LOG = System.getLogger(HttpSink.class.getName());
    private final BatchSender sender;
    final AtomicLong stored = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();

    HttpSink(BatchSender sender) {
        this.sender = sender;
    }

    @Override
    public void send(List<String> messages) throws IOException {
        SendResult r;
        try {
            r = sender.send(messages, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
        if (r.ok()) {
            stored.addAndGet(r.stored());
            duplicates.addAndGet(r.duplicates());
            rejected.addAndGet(r.rejected());
            if (r.rejected() > 0) {
                LOG.log(System.Logger.Level.WARNING, "{0} events rejected by the server (see its failed-events store)", r.rejected());
            }
            return;
        }
        if (r.status() == 400) {
            rejected.addAndGet(messages.size());
            LOG.log(System.Logger.Level.WARNING, "a batch of {0} events was rejected as invalid (see the failed-events store)", messages.size());
            return;
        }
        throw new IOException("events not accepted: " + r.failure());
    }
}
