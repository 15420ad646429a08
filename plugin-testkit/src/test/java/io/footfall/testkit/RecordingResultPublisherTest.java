package io.footfall.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.footfall.api.result.RankedItems;
import io.footfall.api.result.ResultType;
import io.footfall.api.result.SegmentMembership;
import io.footfall.api.result.UserScore;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordingResultPublisherTest {

    private final RecordingResultPublisher results = new RecordingResultPublisher(Set.of(ResultType.USER_SCORE, ResultType.RANKED_ITEMS));

    @Test
    void undeclaredTypesAreRefusedAndNothingOfTheCallIsKept() {
        UserScore ok = new UserScore("u1", "churn", 0.3, null, List.of());
        SegmentMembership undeclared = new SegmentMembership("u1", "vip", true, 1);
        assertThrows(RecordingResultPublisher.UndeclaredResultException.class, () -> results.publish(List.of(ok, undeclared)));
        assertEquals(List.of(), results.all());
        assertEquals(List.of(undeclared), results.rejected());
    }

    @Test
    void theLatestViewKeepsTheNewestResultPerTypeAndKey() {
        results.publish(new UserScore("u1", "churn", 0.3, null, List.of()));
        results.publish(new UserScore("u2", "churn", 0.1, null, List.of()));
        results.publish(new UserScore("u1", "churn", 0.7, null, List.of()));
        results.publish(new RankedItems("recs", "u1", null, List.of(new RankedItems.ScoredItem("p1", 1))));
        assertEquals(4, results.all().size());
        assertEquals(3, results.latest().size());
        assertEquals(0.7, results.latest(UserScore.class, "churn:u1").orElseThrow().score());
        assertEquals("p1", results.rankedItemsFor("recs", "u1").orElseThrow().items().get(0).itemId());
        assertEquals(3, results.userScores().size());
    }

    @Test
    void rolledBackResultsAreDiscarded() {
        results.begin();
        results.publish(new UserScore("u1", "churn", 0.3, null, List.of()));
        results.rollback();
        results.begin();
        results.publish(new UserScore("u2", "churn", 0.3, null, List.of()));
        results.commit();
        assertEquals(List.of("churn:u2"), results.all().stream().map(r -> r.key()).toList());
    }
}
