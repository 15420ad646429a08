package io.footfall.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.footfall.api.result.ResultType;
import io.footfall.api.result.UserScore;
import io.footfall.core.store.EventJson;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Training and batches buffer apart: neither commits nor drops what the other wrote. */
class LaneTest {

    @Test
    void resultsPublishedWhileTrainingAreNotCommittedOrDroppedWithABatch() throws Exception {
        BufferedResultPublisher results = new BufferedResultPublisher("p", Set.of(ResultType.USER_SCORE), EventJson.create(), Clock.systemUTC());
        Lane.TRAINING.run(() -> {
            results.publish(List.of(new UserScore("u1", "churn", 0.9, "high", List.of())));
            return null;
        });
        Lane.EVENTS.run(() -> {
            results.publish(List.of(new UserScore("u2", "churn", 0.1, "low", List.of())));
            return null;
        });
        results.discard(Lane.EVENTS); // the batch failed
        assertEquals(List.of(), results.drain(Lane.EVENTS));
        assertEquals(List.of("u1"), results.drain(Lane.TRAINING).stream().map(r -> r.userId()).toList());
        assertEquals(List.of(), results.drain(Lane.TRAINING), "drained once");
    }

    @Test
    void stateWrittenWhileTrainingStaysOutOfTheBatchesBufferAndThreadsInheritTheLane() throws Exception {
        BufferedStateStore state = new BufferedStateStore("p", null);
        Lane.TRAINING.run(() -> {
            state.put("model", new byte[] {1});
            // a thread the plugin starts while training writes in the training lane too
            Thread helper = new Thread(() -> state.put("model-part", new byte[] {2}));
            helper.start();
            helper.join();
            return null;
        });
        state.put("counter", new byte[] {3}); // outside any call: the events lane (open, batches)
        assertEquals(Set.of("model", "model-part"), state.pendingKeys(Lane.TRAINING));
        assertEquals(Set.of("counter"), state.pendingKeys(Lane.EVENTS));
        assertEquals(3, state.get("counter").orElseThrow()[0], "a lane reads its own pending writes");
        state.discard(Lane.TRAINING); // training failed
        assertEquals(Set.of(), state.pendingKeys(Lane.TRAINING));
        assertEquals(Set.of("counter"), state.pendingKeys(Lane.EVENTS));
    }

    @Test
    void batchesOfTwoSegmentsBufferApartAndBothSeeWhatOpenWrote() throws Exception {
        BufferedStateStore state = new BufferedStateStore("p", null);
        BufferedResultPublisher results = new BufferedResultPublisher("p", Set.of(ResultType.USER_SCORE), EventJson.create(), Clock.systemUTC());
        state.put("config-seen", new byte[] {9}); // open, outside any batch: the events lane's own share
        Lane.Batch first = new Lane.Batch(false);
        Lane.Batch second = new Lane.Batch(false);
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.ExecutorService segments = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = segments.submit(() -> Lane.runIn(first, () -> {
                together.await();
                state.put("user/a", new byte[] {1});
                results.publish(List.of(new UserScore("a", "churn", 0.5, "medium", List.of())));
                together.await(); // both have written before either reads
                return List.of(state.get("user/a").isPresent(), state.get("config-seen").isPresent());
            }));
            var b = segments.submit(() -> Lane.runIn(second, () -> {
                together.await();
                state.put("user/b", new byte[] {2});
                state.delete("config-seen");
                together.await();
                return List.of(state.get("user/b").isPresent(), state.get("config-seen").isPresent());
            }));
            // (a key neither pending share holds is read from the database, which this test has none of)
            assertEquals(List.of(true, true), a.get(), "own write, and what open wrote");
            assertEquals(List.of(true, false), b.get(), "own write, and own delete wins over open's write");
        } finally {
            segments.shutdownNow();
        }
        assertEquals(Set.of("user/a"), state.pendingKeys(first));
        assertEquals(Set.of("user/b", "config-seen"), state.pendingKeys(second));
        state.discard(second); // the second segment's batch failed
        assertEquals(Set.of("user/a"), state.pendingKeys(first), "the first segment's batch keeps its writes");
        assertEquals(Set.of("config-seen"), state.pendingKeys(Lane.EVENTS));
        assertEquals(List.of("a"), results.drain(first).stream().map(r -> r.userId()).toList());
        assertEquals(List.of(), results.drain(second));
    }
}
