package io.footfall.plugins.churn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.footfall.api.result.UserScore;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReasonsTest {

    @Test
    void reasonsArePhrasedForOperators() {
        assertEquals("no purchase for 45 days", Reasons.text(Feature.DAYS_SINCE_LAST_PURCHASE, 45.7f));
        assertEquals("sessions down 60% on the previous month", Reasons.text(Feature.SESSIONS_TREND, -0.6f));
        assertEquals("orders up 100% on the previous month", Reasons.text(Feature.ORDERS_TREND, 1f));
        assertEquals("used a coupon in 80% of checkouts", Reasons.text(Feature.COUPON_RATE_90, 0.8f));
        assertEquals("new customer: account only 35 days old", Reasons.text(Feature.ACCOUNT_AGE_DAYS, 35f));
        assertEquals("1 session in the last 7 days", Reasons.text(Feature.SESSIONS_7, 1f));
        assertEquals("visited in the last day", Reasons.text(Feature.DAYS_SINCE_LAST_VISIT, 0.3f));
        assertEquals("has never bought", Reasons.text(Feature.DAYS_SINCE_LAST_PURCHASE, Float.NaN));
        assertEquals("2 late deliveries in the last 30 days", Reasons.text(Feature.LATE_DELIVERIES_30, 2f));
        assertEquals("1 late delivery in the last 7 days", Reasons.text(Feature.LATE_DELIVERIES_7, 1f));
        assertEquals("3 support tickets in the last 30 days", Reasons.text(Feature.SUPPORT_TICKETS_30, 3f));
        assertEquals("last late delivery 4 days ago", Reasons.text(Feature.DAYS_SINCE_LATE_DELIVERY, 4.6f));
        assertEquals("last support ticket 1 day ago", Reasons.text(Feature.DAYS_SINCE_SUPPORT_TICKET, 1.2f));
        assertEquals("40% of deliveries late in 90 days", Reasons.text(Feature.LATE_DELIVERY_SHARE_90, 0.4f));
        assertEquals("no late delivery known", Reasons.text(Feature.DAYS_SINCE_LATE_DELIVERY, Float.NaN));
        for (Feature f : Feature.values()) {
            for (float v : new float[] {Float.NaN, 0f, 1f, 12.5f, -1f}) {
                assertFalse(Reasons.text(f, v).isBlank(), f.column());
            }
        }
    }

    @Test
    void onlyRiskRaisingContributionsAreReasonsStrongestFirst() {
        float[] features = new float[Feature.COUNT];
        float[] contributions = new float[Feature.COUNT + 1];
        Arrays.fill(features, 1f);
        contributions[Feature.SESSIONS_30.ordinal()] = 0.2f;
        contributions[Feature.DAYS_SINCE_LAST_VISIT.ordinal()] = 0.9f;
        contributions[Feature.ORDERS_30.ordinal()] = -2f;
        contributions[Feature.COUNT] = 5f; // the bias is never a reason
        List<UserScore.Reason> single = Reasons.topFeatures(features, contributions, 3);
        assertEquals(List.of("days_since_last_visit", "sessions_30"), single.stream().map(UserScore.Reason::feature).toList());
        assertEquals(0.9, single.get(0).contribution(), 1e-6);
    }

    /** A cause split over correlated features is one reason with their summed contribution, named after the strongest. */
    @Test
    void correlatedFeaturesAddUpToOneReason() {
        float[] features = new float[Feature.COUNT];
        float[] contributions = new float[Feature.COUNT + 1];
        Arrays.fill(features, 1f);
        contributions[Feature.DAYS_SINCE_LAST_VISIT.ordinal()] = 0.5f;
        contributions[Feature.SESSIONS_30.ordinal()] = 0.2f;
        contributions[Feature.ACTIVE_DAYS_7.ordinal()] = -0.3f;
        contributions[Feature.COUPON_RATE_90.ordinal()] = 0.3f;
        contributions[Feature.DISCOUNT_SHARE_90.ordinal()] = 0.25f;
        contributions[Feature.DISCOUNTED_ORDERS_SHARE.ordinal()] = 0.1f;
        contributions[Feature.ORDERS_30.ordinal()] = -2f;
        contributions[Feature.REFUNDS_90.ordinal()] = 0.05f;
        List<UserScore.Reason> reasons = Reasons.top(features, contributions, 3);
        assertEquals(List.of("coupon_rate_90", "days_since_last_visit", "refunds_90"),
                reasons.stream().map(UserScore.Reason::feature).toList(), "discount 0.65 > inactivity 0.4 > friction 0.05");
        assertEquals(0.65, reasons.get(0).contribution(), 1e-6);
        assertEquals(0.4, reasons.get(1).contribution(), 1e-6);
        assertEquals("used a coupon in 100% of checkouts", reasons.get(0).text());
        assertEquals(1, Reasons.top(features, contributions, 1).size());
    }

    /**
     * Reasons are relative to the current population: a contribution every current user has (here the days since
     * first seen, +0.3 for everybody) is no reason, and one below the population's mean is none either.
     */
    @Test
    void aContributionEveryCurrentUserSharesIsNoReason() {
        float[] features = new float[Feature.COUNT];
        Arrays.fill(features, 1f);
        float[] contributions = new float[Feature.COUNT + 1];
        float[] reference = new float[Feature.COUNT];
        contributions[Feature.DAYS_SINCE_FIRST_SEEN.ordinal()] = 0.3f;
        reference[Feature.DAYS_SINCE_FIRST_SEEN.ordinal()] = 0.3f;
        contributions[Feature.ACCOUNT_AGE_DAYS.ordinal()] = 0.2f;
        reference[Feature.ACCOUNT_AGE_DAYS.ordinal()] = -0.1f;
        contributions[Feature.COUPON_RATE_90.ordinal()] = 0.1f;
        reference[Feature.COUPON_RATE_90.ordinal()] = 0.15f;
        assertEquals("days_since_first_seen", Reasons.top(features, contributions, 1).get(0).feature(), "relative to the training mean");
        List<UserScore.Reason> reasons = Reasons.top(features, contributions, reference, 3);
        assertEquals(List.of("account_age_days"), reasons.stream().map(UserScore.Reason::feature).toList());
        assertEquals(0.3, reasons.get(0).contribution(), 1e-6, "the difference to the population's mean");
    }
}
