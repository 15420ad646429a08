package io.footfall.sdk;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Server-side client for the Footfall tracking API.
 *
 * <p>{@link #enqueue} (and the shortcuts {@link #track}, {@link #productViewed}, …) serialise the
 * message and put it in a bounded queue; they never do I/O. A dispatcher thread cuts the queue into
 * batches of {@code batchSize} messages (or {@code maxBatchBytes}), or whatever arrived within
 * {@code flushInterval} of the first, and hands them to up to {@code maxInFlight} sender threads,
 * which post them gzipped to {@code /v1/batch} and retry per the {@link RetryPolicy}. Every message
 * gets a messageId when enqueued, so a retried batch is never stored twice.
 *
 * <p><b>Back-pressure.</b> At most {@code queueCapacity} messages wait in the queue, plus at most
 * {@code maxInFlight × batchSize} in requests. When the queue is full, {@link OverflowPolicy#DROP_NEWEST}
 * (default) refuses the new message at once and counts it as dropped; {@link OverflowPolicy#BLOCK}
 * waits up to {@code enqueueTimeout} for room first.
 *
 * <p>{@link #flush} waits until everything enqueued before it is committed or given up;
 * {@link #close} flushes (up to {@code closeTimeout}) and stops the threads. {@link #metrics()}
 * gives the counters. Thread-safe.
 */
public final class FootfallClient implements AutoCloseable {
    /** The SDK version sent as {@code context.library.version}. */
    public static final String VERSION = "0.1.0";

    private static final System.Logger LOG = System.getLogger(FootfallClient.class.getName());
    private static final Queued WAKE_UP = new Queued(-1, null, null);

    private final BatchSender sender;
    private final int batchSize;
    private final int maxBatchBytes;
    private final int maxMessageBytes;
    private final long flushIntervalNanos;
    private final OverflowPolicy overflow;
    private final Duration enqueueTimeout;
    private final Duration closeTimeout;
    private final FailureListener failures;
    private final Map<String, Object> library = Map.of("name", "footfall-sdk-java", "version", VERSION);

    private final LinkedBlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
    private final Semaphore slots;
    private final Semaphore inFlightPermits;
    private final int maxInFlight;
    private final ExecutorService senders;
    private final Thread dispatcher;
    private final ConcurrentSkipListSet<Long> pending = new ConcurrentSkipListSet<>();
    private final Object progress = new Object();
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean flushRequested;
    private volatile boolean closing;
    private volatile boolean closed;

    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicInteger queueDepth = new AtomicInteger();

    private record Queued(long seq, String messageId, String json) {
    }

    private FootfallClient(Builder b) {
        this.sender = BatchSender.builder(b.endpoint, b.writeKey).httpClient(b.http).gzip(b.gzip)
                .requestTimeout(b.requestTimeout).retryPolicy(b.retry).onRetry(n -> retries.incrementAndGet()).build();
        this.batchSize = b.batchSize;
        this.maxBatchBytes = b.maxBatchBytes;
        this.maxMessageBytes = b.maxMessageBytes;
        this.flushIntervalNanos = b.flushInterval.toNanos();
        this.overflow = b.overflow;
        this.enqueueTimeout = b.enqueueTimeout;
        this.closeTimeout = b.closeTimeout;
        this.failures = b.failures;
        this.slots = new Semaphore(b.queueCapacity);
        this.maxInFlight = b.maxInFlight;
        this.inFlightPermits = new Semaphore(b.maxInFlight);
        AtomicInteger n = new AtomicInteger();
        this.senders = Executors.newFixedThreadPool(b.maxInFlight, r -> {
            Thread t = new Thread(r, "footfall-sender-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.dispatcher = new Thread(this::dispatch, "footfall-dispatcher");
        this.dispatcher.setDaemon(true);
        this.dispatcher.start();
    }

    /** A client of the Footfall at {@code endpoint} (e.g. {@code https://footfall.example.com}) for one source's write key. */
    public static Builder builder(URI endpoint, String writeKey) {
        return new Builder(endpoint, writeKey);
    }

    /** Options of a {@link FootfallClient}; the defaults suit a storefront. */
    public static final class Builder {
        private final URI endpoint;
        private final String writeKey;
        private HttpClient http;
        private int batchSize = 100;
        private int maxBatchBytes = 450_000;
        private int maxMessageBytes = 32_768;
        private Duration flushInterval = Duration.ofSeconds(1);
        private int queueCapacity = 10_000;
        private OverflowPolicy overflow = OverflowPolicy.DROP_NEWEST;
        private Duration enqueueTimeout = Duration.ofSeconds(5);
        private int maxInFlight = 2;
        private boolean gzip = true;
        private Duration requestTimeout = Duration.ofSeconds(15);
        private RetryPolicy retry = RetryPolicy.defaults();
        private Duration closeTimeout = Duration.ofSeconds(30);
        private FailureListener failures = (ids, result) -> {
        };

        private Builder(URI endpoint, String writeKey) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            this.writeKey = Objects.requireNonNull(writeKey, "writeKey");
        }

        /** Messages per request (default 100, at most 5,000). */
        public Builder batchSize(int n) {
            if (n < 1 || n > 5000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 5000");
            }
            this.batchSize = n;
            return this;
        }

        /** Uncompressed bytes per request (default 450,000; the server refuses requests over 512,000). */
        public Builder maxBatchBytes(int bytes) {
            this.maxBatchBytes = bytes;
            return this;
        }

        /** Largest message accepted by {@code enqueue} (default 32,768, the server's limit per event). */
        public Builder maxMessageBytes(int bytes) {
            this.maxMessageBytes = bytes;
            return this;
        }

        /** Longest time a message waits for its batch to fill (default 1 s). */
        public Builder flushInterval(Duration interval) {
            this.flushInterval = interval;
            return this;
        }

        /** Messages that may wait in the queue (default 10,000). */
        public Builder queueCapacity(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("queueCapacity must be >= 1");
            }
            this.queueCapacity = n;
            return this;
        }

        /** What to do when the queue is full (default {@link OverflowPolicy#DROP_NEWEST}). */
        public Builder overflow(OverflowPolicy policy) {
            this.overflow = Objects.requireNonNull(policy);
            return this;
        }

        /** With {@link OverflowPolicy#BLOCK}: how long {@code enqueue} waits for room (default 5 s). */
        public Builder enqueueTimeout(Duration timeout) {
            this.enqueueTimeout = timeout;
            return this;
        }

        /** Concurrent requests (default 2). */
        public Builder maxInFlight(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxInFlight must be >= 1");
            }
            this.maxInFlight = n;
            return this;
        }

        /** Gzip request bodies (default true). */
        public Builder gzip(boolean gzip) {
            this.gzip = gzip;
            return this;
        }

        /** Time limit of one request (default 15 s); a timeout is retried. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** When and how often to retry (default {@link RetryPolicy#defaults()}). */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retry = Objects.requireNonNull(policy);
            return this;
        }

        /** How long {@link #close} waits for the queue to drain (default 30 s). */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = timeout;
            return this;
        }

        /** Told about messages given up on. */
        public Builder onFailure(FailureListener listener) {
            this.failures = Objects.requireNonNull(listener);
            return this;
        }

        /** The HTTP client to use (default: a new HTTP/1.1 client). */
        public Builder httpClient(HttpClient client) {
            this.http = client;
            return this;
        }

        /** Starts the client (one dispatcher thread, {@code maxInFlight} sender threads). */
        public FootfallClient build() {
            return new FootfallClient(this);
        }
    }

    // ---- calls --------------------------------------------------------------------------------

    /**
     * Queues a message. Adds a messageId and timestamp when absent.
     *
     * @return false when it was dropped (queue full under the overflow policy, or client closed)
     * @throws IllegalArgumentException when it cannot be serialised or is larger than {@code maxMessageBytes}
     */
    public boolean enqueue(Message message) {
        String json = message.seal(Instant.now(), library);
        if (json.length() > maxMessageBytes / 3 && json.getBytes(StandardCharsets.UTF_8).length > maxMessageBytes) {
            throw new IllegalArgumentException("message larger than " + maxMessageBytes + " bytes");
        }
        if (closing) {
            dropped.incrementAndGet();
            return false;
        }
        boolean room;
        if (overflow == OverflowPolicy.BLOCK) {
            try {
                room = slots.tryAcquire(enqueueTimeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                room = false;
            }
        } else {
            room = slots.tryAcquire();
        }
        if (!room) {
            dropped.incrementAndGet();
            return false;
        }
        long seq;
        synchronized (queue) {
            // sequence and queue order agree, so flush() can wait for "everything up to seq"
            seq = sequence.incrementAndGet();
            pending.add(seq);
            queueDepth.incrementAndGet();
            queue.add(new Queued(seq, message.messageId(), json));
        }
        enqueued.incrementAndGet();
        return true;
    }

    /** Queues a {@code track} call with properties. */
    public boolean track(Identity who, String event, Map<String, ?> properties) {
        return enqueue(Message.track(who, event).properties(properties));
    }

    /** Queues a {@code page} call. */
    public boolean page(Identity who, String name, Map<String, ?> properties) {
        return enqueue(Message.page(who, name).properties(properties));
    }

    /** Queues an {@code identify} call. */
    public boolean identify(Identity who, Map<String, ?> traits) {
        return enqueue(Message.identify(who, traits));
    }

    /** Queues an {@code alias} call. */
    public boolean alias(String userId, String previousId) {
        return enqueue(Message.alias(userId, previousId));
    }

    /** Queues {@code Products Searched}. */
    public boolean productsSearched(Identity who, String query) {
        return enqueue(Ecommerce.productsSearched(who, query));
    }

    /** Queues {@code Product Viewed}. */
    public boolean productViewed(Identity who, Product product) {
        return enqueue(Ecommerce.productViewed(who, product));
    }

    /** Queues {@code Product Added}. */
    public boolean productAdded(Identity who, Product product) {
        return enqueue(Ecommerce.productAdded(who, product));
    }

    /** Queues {@code Product Removed}. */
    public boolean productRemoved(Identity who, Product product) {
        return enqueue(Ecommerce.productRemoved(who, product));
    }

    /** Queues {@code Cart Viewed}. */
    public boolean cartViewed(Identity who, String cartId, List<Product> products) {
        return enqueue(Ecommerce.cartViewed(who, cartId, products));
    }

    /** Queues {@code Checkout Started}. */
    public boolean checkoutStarted(Identity who, Order order) {
        return enqueue(Ecommerce.checkoutStarted(who, order));
    }

    /** Queues {@code Order Completed}. */
    public boolean orderCompleted(Identity who, Order order) {
        return enqueue(Ecommerce.orderCompleted(who, order));
    }

    /** Queues {@code Order Refunded}. */
    public boolean orderRefunded(Identity who, Order order) {
        return enqueue(Ecommerce.orderRefunded(who, order));
    }

    // ---- flushing, closing, metrics -----------------------------------------------------------

    /** Sends what is queued now and waits until it is committed or given up. */
    public void flush() throws InterruptedException {
        flush(Duration.ofDays(365));
    }

    /**
     * Sends what is queued now and waits, at most {@code timeout}, until every message enqueued
     * before this call is committed or given up.
     *
     * @return true when they all ended within the timeout
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        long target = sequence.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        flushRequested = true;
        queue.add(WAKE_UP);
        synchronized (progress) {
            while (!doneUpTo(target)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
        }
        return true;
    }

    private boolean doneUpTo(long target) {
        Long first = pending.isEmpty() ? null : pending.first();
        return first == null || first > target;
    }

    /** The counters now. */
    public ClientMetrics metrics() {
        return new ClientMetrics(enqueued.get(), sent.get(), duplicates.get(), rejected.get(), failed.get(), dropped.get(), retries.get(),
                batches.get(), queueDepth.get(), maxInFlight - inFlightPermits.availablePermits());
    }

    /**
     * Stops accepting messages, sends what is queued (waiting at most {@code closeTimeout}) and stops
     * the threads. Messages still unsent then are counted as failed.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closing = true;
        try {
            if (!flush(closeTimeout)) {
                LOG.log(System.Logger.Level.WARNING, "close: {0} messages not sent within {1}", pending.size(), closeTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        queue.add(WAKE_UP);
        dispatcher.interrupt();
        senders.shutdownNow();
        try {
            dispatcher.join(5000);
            senders.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int abandoned = pending.size();
        if (abandoned > 0) {
            failed.addAndGet(abandoned);
            pending.clear();
        }
    }

    // ---- dispatcher and senders ---------------------------------------------------------------

    private void dispatch() {
        List<Queued> batch = new ArrayList<>(batchSize);
        int bytes = 0;
        long firstAt = 0;
        try {
            while (!closed) {
                long wait = batch.isEmpty() ? flushIntervalNanos : firstAt + flushIntervalNanos - System.nanoTime();
                Queued q = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
                boolean cut = q == null && !batch.isEmpty();
                if (q != null && q != WAKE_UP) {
                    queueDepth.decrementAndGet();
                    slots.release();
                    int size = q.json().length() + 1;
                    if (!batch.isEmpty() && bytes + size > maxBatchBytes) {
                        submit(batch);
                        batch = new ArrayList<>(batchSize);
                        bytes = 0;
                    }
                    if (batch.isEmpty()) {
                        firstAt = System.nanoTime();
                    }
                    batch.add(q);
                    bytes += size;
                    cut = batch.size() >= batchSize;
                }
                if (flushRequested && queue.isEmpty()) {
                    flushRequested = false;
                    cut = !batch.isEmpty();
                }
                if (cut) {
                    submit(batch);
                    batch = new ArrayList<>(batchSize);
                    bytes = 0;
                }
            }
        } catch (InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "dispatcher stopped", e);
        }
    }

    private void submit(List<Queued> batch) throws InterruptedException {
        inFlightPermits.acquire();
        try {
            senders.execute(() -> send(batch));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inFlightPermits.release();
            throw new InterruptedException("closed");
        }
    }

    private void send(List<Queued> batch) {
        List<String> jsons = new ArrayList<>(batch.size());
        for (Queued q : batch) {
            jsons.add(q.json());
        }
        try {
            SendResult result = sender.send(jsons, true);
            if (result.ok()) {
                int bad = result.errors().isEmpty() ? result.rejected() : result.errors().size();
                sent.addAndGet(batch.size() - bad);
                duplicates.addAndGet(result.duplicates());
                rejected.addAndGet(bad);
                failed.addAndGet(bad);
                if (bad > 0) {
                    Set<Integer> indexes = new HashSet<>();
                    result.errors().forEach(e -> indexes.add(e.index()));
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < batch.size(); i++) {
                        if (indexes.contains(i)) {
                            ids.add(batch.get(i).messageId());
                        }
                    }
                    tell(ids, result);
                }
            } else {
                if (result.status() == 400 && !result.errors().isEmpty()) {
                    rejected.addAndGet(result.errors().size());
                }
                failed.addAndGet(batch.size());
                tell(batch.stream().map(Queued::messageId).toList(), result);
            }
        } catch (InterruptedException e) {
            // close() ran out of time: these stay pending and are counted as failed there
            inFlightPermits.release();
            return;
        } catch (RuntimeException e) {
            failed.addAndGet(batch.size());
            LOG.log(System.Logger.Level.ERROR, "sending a batch failed", e);
        }
        batches.incrementAndGet();
        for (Queued q : batch) {
            pending.remove(q.seq());
        }
        inFlightPermits.release();
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    private void tell(List<String> ids, SendResult result) {
        try {
            failures.onFailure(ids, result);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "failure listener threw {0}", e.getClass().getName());
        }
    }
}
