package io.footfall.api.result;

import java.util.List;
import java.util.Objects;

/**
 * A score for one user — a churn probability, a purchase propensity — with the reasons behind it.
 *
 * @param userId  the user
 * @param name    what is scored, e.g. {@code churn}
 * @param score   the score, finite
 * @param band    a label for operators such as {@code high}, or null
 * @param reasons the main contributions, strongest first
 * @since 0.1
 */
public record UserScore(String userId, String name, double score, String band, List<Reason> reasons) implements Result {

    /** Checks the fields and copies the reasons. */
    public UserScore {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(name, "name");
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("score must be finite");
        }
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }

    @Override
    public ResultType type() {
        return ResultType.USER_SCORE;
    }

    @Override
    public String key() {
        return name + ":" + userId;
    }

    /**
     * One reason: a feature, its contribution to the score, and a sentence for operators.
     *
     * @param feature      feature name
     * @param contribution signed contribution (e.g. SHAP value)
     * @param text         e.g. "no purchase for 45 days"
     * @since 0.1
     */
    public record Reason(String feature, double contribution, String text) {
    }
}
