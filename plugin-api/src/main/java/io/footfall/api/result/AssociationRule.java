package io.footfall.api.result;

import java.util.List;
import java.util.Objects;

/**
 * An association rule {@code antecedent ⇒ consequent} mined from baskets.
 *
 * @param antecedent items on the left-hand side, sorted
 * @param consequent items on the right-hand side, sorted
 * @param support    share of baskets containing both sides
 * @param confidence support(both) / support(antecedent)
 * @param lift       confidence / support(consequent)
 * @since 0.1
 */
public record AssociationRule(List<String> antecedent, List<String> consequent, double support, double confidence, double lift)
        implements Result {

    /** Copies the item lists. */
    public AssociationRule {
        antecedent = List.copyOf(Objects.requireNonNull(antecedent, "antecedent"));
        consequent = List.copyOf(Objects.requireNonNull(consequent, "consequent"));
    }

    @Override
    public ResultType type() {
        return ResultType.ASSOCIATION_RULE;
    }

    @Override
    public String key() {
        return String.join(",", antecedent) + "=>" + String.join(",", consequent);
    }
}
