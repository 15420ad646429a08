package io.footfall.api.result;

/**
 * One result of a mining plugin. The {@link #key()} identifies what it is about; a newer result
 * with the same plugin, type and key replaces the older one in the serving views.
 *
 * @since 0.1
 */
public sealed interface Result permits UserScore, RankedItems, SegmentMembership, AssociationRule, Forecast, ReportTable {

    /** The kind of result. */
    ResultType type();

    /** What the result is about, unique per plugin and type (e.g. the user id, the rule's items). */
    String key();

    /** The user the result concerns, or null when it is not about one user. */
    default String userId() {
        return null;
    }
}
