package io.footfall.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Churned users go silent, and churn follows the planted hazard. */
class ChurnTest {

    @Test
    void churnedUsersHaveNoMessagesFromTheirChurnInstantOn() {
        LargeRun run = LargeRun.get();
        long churned = 0;
        for (UserTruth u : run.truth.users()) {
            if (!u.churned()) {
                assertEquals(-1, u.churnDay());
                continue;
            }
            churned++;
            Instant expected = LargeRun.CONFIG.start().plusSeconds(86_400L * u.churnDay());
            assertEquals(expected, u.churnInstant());
            Instant last = run.lastMessage.get(u.anonymousId());
            if (last != null) {
                assertTrue(last.isBefore(u.churnInstant()), u + " has a message at " + last);
            }
        }
        assertTrue(churned > 300, "too few churned users: " + churned);
    }

    @Test
    void survivorsKeepComingBack() {
        LargeRun run = LargeRun.get();
        Instant lastWeek = LargeRun.CONFIG.start().plusSeconds(86_400L * (LargeRun.CONFIG.days() - 7));
        long survivors = run.truth.users().stream().filter(u -> !u.churned()).count();
        long activeLastWeek = run.truth.users().stream().filter(u -> !u.churned())
                .filter(u -> run.lastMessage.containsKey(u.anonymousId())
                        && run.lastMessage.get(u.anonymousId()).isAfter(lastWeek))
                .count();
        assertTrue(activeLastWeek > 0.6 * survivors, activeLastWeek + " of " + survivors + " active in the last week");
    }

    @Test
    void churnRateMatchesTheHazardModel() {
        GroundTruth truth = LargeRun.get().truth;
        int opportunities = LargeRun.CONFIG.days() - 1;
        double expected = truth.users().stream()
                .mapToDouble(u -> 1 - Math.pow(1 - u.dailyHazard(), opportunities)).sum();
        long observed = truth.churnedUsers();
        double sd = Math.sqrt(expected);
        assertTrue(Math.abs(observed - expected) < 4 * sd, "churned " + observed + ", expected " + expected);
        for (UserTruth u : truth.users()) {
            assertEquals(truth.hazardModel().dailyHazard(u.features()), u.dailyHazard(), 1e-12);
        }
    }

    @Test
    void riskierFeaturesChurnMore() {
        List<UserTruth> users = LargeRun.get().truth.users();
        assertHigherQuartileChurnsMore(users, u -> u.features().discountSensitivity(), "discountSensitivity");
        assertHigherQuartileChurnsMore(users, u -> u.features().deliveryDelayDays(), "deliveryDelayDays");
        assertHigherQuartileChurnsMore(users, u -> u.features().supportTickets(), "supportTickets");
        assertHigherQuartileChurnsMore(users, u -> -u.features().tenureDays(), "-tenureDays");
        assertHigherQuartileChurnsMore(users, UserTruth::dailyHazard, "dailyHazard");
    }

    private static void assertHigherQuartileChurnsMore(List<UserTruth> users, ToDoubleFunction<UserTruth> feature,
                                                       String name) {
        List<UserTruth> sorted = users.stream()
                .sorted(Comparator.comparingDouble(feature).thenComparingInt(UserTruth::index)).toList();
        int q = sorted.size() / 4;
        double bottom = churnRate(sorted.subList(0, q));
        double top = churnRate(sorted.subList(sorted.size() - q, sorted.size()));
        assertTrue(top > bottom * 1.3 && top - bottom > 0.05,
                name + ": top quartile churn " + top + " vs bottom " + bottom);
    }

    private static double churnRate(List<UserTruth> users) {
        return users.stream().filter(UserTruth::churned).count() / (double) users.size();
    }
}
