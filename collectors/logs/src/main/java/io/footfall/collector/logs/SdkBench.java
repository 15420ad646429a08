package io.footfall.collector.logs;

import io.footfall.sdk.ClientMetrics;
import io.footfall.sdk.Ecommerce;
import io.footfall.sdk.FootfallClient;
import io.footfall.sdk.Identity;
import io.footfall.sdk.OverflowPolicy;
import io.footfall.sdk.Product;
import java.net.URI;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Java SDK throughput: one producer thread enqueues {@code --events} Product Viewed events as fast
 * as the client accepts them (overflow policy BLOCK), then closes the client; the rate is events
 * acknowledged by the server per second, from the first enqueue to the end of close.
 */
final class SdkBench {
    private SdkBench() {
    }

    static int run(Args args, PrintStream out) throws InterruptedException {
        int events = args.integer("events", 100_000);
        FootfallClient client = FootfallClient.builder(URI.create(args.get("url", "http://localhost:8080")), args.required("write-key"))
                .batchSize(args.integer("batch", 250)).maxInFlight(args.integer("in-flight", 4)).queueCapacity(20_000)
                .overflow(OverflowPolicy.BLOCK).enqueueTimeout(Duration.ofMinutes(5)).closeTimeout(Duration.ofMinutes(10)).build();
        String run = Long.toString(System.currentTimeMillis(), 36);
        long start = System.nanoTime();
        for (int i = 0; i < events; i++) {
            client.productViewed(Identity.user("bench-" + run + "-" + (i % 1000)),
                    Product.of("p-" + (i % 5000)).category("Category " + (i % 40)).price(10 + i % 90).currency("EUR"));
        }
        long enqueued = System.nanoTime();
        client.close();
        double seconds = (System.nanoTime() - start) / 1e9;
        ClientMetrics m = client.metrics();
        out.printf(Locale.ROOT, "SDK: %,d events in %.1f s = %,.0f events/s acknowledged (enqueue phase %.1f s); sent %,d, failed %,d, dropped %,d, retries %,d, batches %,d%n",
                events, seconds, m.sent() / seconds, (enqueued - start) / 1e9, m.sent(), m.failed(), m.dropped(), m.retries(), m.batches());
        return m.sent() == events ? 0 : 1;
    }
}
