package io.footfall.api.result;

/**
 * The kinds of result a plugin may declare it produces.
 *
 * @since 0.1
 */
public enum ResultType {
    /** {@link UserScore}. */
    USER_SCORE,
    /** {@link RankedItems}. */
    RANKED_ITEMS,
    /** {@link SegmentMembership}. */
    SEGMENT_MEMBERSHIP,
    /** {@link AssociationRule}. */
    ASSOCIATION_RULE,
    /** {@link Forecast}. */
    FORECAST,
    /** {@link ReportTable}. */
    REPORT_TABLE
}
