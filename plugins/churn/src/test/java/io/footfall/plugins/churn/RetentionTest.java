package io.footfall.plugins.churn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.footfall.api.result.UserScore;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionTest {

    private static UserScore.Reason reason(String feature) {
        return new UserScore.Reason(feature, 0.5, feature);
    }

    @Test
    void theStrongestReasonWithAMatchingRuleDecides() {
        Retention rules = Retention.parse(Arrays.asList(Retention.DEFAULT.split(",")));
        assertEquals("coupon", rules.action(List.of(reason("coupon_rate_90"), reason("days_since_last_visit")), true));
        assertEquals("customer-care", rules.action(List.of(reason("days_since_last_visit"), reason("coupon_rate_90")), true));
        assertEquals("recommendations", rules.action(List.of(reason("sessions_trend")), false));
        assertEquals("onboarding", rules.action(List.of(reason("account_age_days")), false));
        assertEquals("recommendations", rules.action(List.of(reason("reviews_90")), false), "engagement: no rule, the catch-all");
        assertEquals("customer-care", rules.action(List.of(), true), "no reason: the catch-all of the tier");
        assertEquals("customer-care", rules.action(List.of(reason("late_deliveries_30"), reason("coupon_rate_90")), false),
                "a late delivery calls for customer care, whatever the tier");
        assertEquals("customer-care", rules.action(List.of(reason("days_since_support_ticket")), false));
    }

    @Test
    void everyFeatureBelongsToAGroupAndBadRulesAreRefusedByText() {
        for (Feature f : Feature.values()) {
            assertTrue(List.of("inactivity", "purchase-lapse", "discount", "friction", "delivery", "support", "tenure", "session", "engagement")
                    .contains(Retention.group(f.column())), f.column());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Retention.parse(List.of("discount:*:coupon", "loyalty:gold")));
        assertTrue(e.getMessage().contains("'loyalty:gold'"), e.getMessage());
        assertEquals("none", Retention.parse(List.of("discount:high:coupon")).action(List.of(reason("coupon_rate_90")), false));
    }
}
