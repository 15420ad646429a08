package io.footfall.api.result;

import java.util.List;
import java.util.Objects;

/**
 * A ranked list of items: recommendations for a user ({@code userId} set) or items related to an
 * item or context ({@code context} set), e.g. "bought together with p-1".
 *
 * @param list    what the list is, e.g. {@code recommended}, {@code trending}
 * @param userId  the user it is for, or null
 * @param context the item or context it is for, or null
 * @param items   best first
 * @since 0.1
 */
public record RankedItems(String list, String userId, String context, List<ScoredItem> items) implements Result {

    /** Checks the fields and copies the items. */
    public RankedItems {
        Objects.requireNonNull(list, "list");
        items = items == null ? List.of() : List.copyOf(items);
    }

    @Override
    public ResultType type() {
        return ResultType.RANKED_ITEMS;
    }

    @Override
    public String key() {
        return list + ":" + (userId != null ? "user:" + userId : "context:" + context);
    }

    /**
     * An item with its score.
     *
     * @param itemId item id
     * @param score  score, higher is better
     * @since 0.1
     */
    public record ScoredItem(String itemId, double score) {
    }
}
