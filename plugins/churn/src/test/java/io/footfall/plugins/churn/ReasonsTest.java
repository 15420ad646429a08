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
        List<UserScore.Reason> reasons = Reasons.top(features, contributions, 3);
        assertEquals(List.of("days_since_last_visit", "sessions_30"), reasons.stream().map(UserScore.Reason::feature).toList());
        assertEquals(0.9, reasons.get(0).contribution(), 1e-6);
    }
}
