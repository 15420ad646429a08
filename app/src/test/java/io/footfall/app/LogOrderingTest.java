package io.footfall.app;

import static io.footfall.app.Api.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.footfall.api.event.BehaviorEvent;
import io.footfall.api.event.EventContext;
import io.footfall.api.event.EventKind;
import io.footfall.core.store.EventLog;
import io.footfall.core.store.RecordedBehavior;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.Test;

/**
 * Appends that commit out of index order must not be skipped by the live projections. An append
 * takes its log indexes when it writes and becomes visible when it commits; a later append that
 * commits first leaves an in-flight gap below it, and Axon's gap heuristics drop a gap when the row
 * read after it looks old. That once lost whole ingest batches from live profiles (a replay folded
 * them). Appends are serialised now; this test holds one append open while another tries to commit.
 */
@QuarkusTest
class LogOrderingTest {

    @Inject
    EventLog log;
    @Inject
    TransactionManager jta;
    @Inject
    DataSource ds;

    private static GenericEventMessage<RecordedBehavior> view(String userId, Instant stamp) {
        String id = UUID.randomUUID().toString();
        BehaviorEvent event = new BehaviorEvent(id, id, EventKind.TRACK, "Product Viewed", userId, null, null, null,
                stamp, stamp, null, null, "log-ordering-test", null, null, null, EventContext.empty(), Map.of(), Map.of());
        return new GenericEventMessage<>(id, new RecordedBehavior(event, null), MetaData.emptyInstance(), stamp);
    }

    @Test
    void anAppendCommittingAfterALaterOneIsStillFoldedIntoLiveProfiles() throws Exception {
        String slow = "slow-" + UUID.randomUUID();
        String late = "late-" + UUID.randomUUID();
        CompletableFuture<Void> lateAppend;
        jta.begin();
        try {
            log.appendInCurrentTransaction(List.of(view(slow, Instant.now())));
            // an append whose row looks old (a backed-up queue, a long plugin batch): read after the open
            // append's gap, it would make Axon drop that gap
            lateAppend = CompletableFuture.runAsync(() -> log.appendNow(List.of(view(late, Instant.now().minus(Duration.ofMinutes(5))))));
            // either the late append waits for ours (serialised) or it committed and the profiles passed it
            Poll.until(Duration.ofSeconds(30), () -> waitingForTheAppendLock() > 0 || (lateAppend.isDone() && profileEvents(late) > 0),
                    done -> done);
            jta.commit();
        } finally {
            if (jta.getStatus() != Status.STATUS_NO_TRANSACTION) {
                jta.rollback();
            }
        }
        lateAppend.get(30, java.util.concurrent.TimeUnit.SECONDS);
        Api.awaitProfile(late, 1);
        Api.awaitProfile(slow, 1);
        assertEquals(1, Db.count(ds, "SELECT count(*) FROM profile_timeline WHERE identifier = ?", "user:" + slow),
                "the slow append is in the live timeline exactly once");
    }

    private long waitingForTheAppendLock() {
        return Db.count(ds, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
    }

    private static long profileEvents(String userId) {
        Response r = admin().get("/api/v1/profiles/{id}", userId);
        return r.statusCode() == 200 ? r.jsonPath().getMap("eventCounts").values().stream().mapToLong(v -> ((Number) v).longValue()).sum() : 0;
    }
}
