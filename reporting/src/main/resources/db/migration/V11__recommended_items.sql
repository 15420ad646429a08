-- The recommendation report's coverage and most recommended items (issue 8): how many users' current recommendation
-- lists (the recommender's recommended:user:* results) hold each item, recomputed on a timer by
-- RecommendationSummary instead of unnesting every user's list on each request. See docs/reporting.md.
CREATE TABLE report_recommended_item (
    item_id VARCHAR(300) PRIMARY KEY,
    n       BIGINT       NOT NULL
);
CREATE INDEX report_recommended_item_rank ON report_recommended_item (n DESC, item_id);

-- One row: when the counts were last recomputed, and over how many lists.
CREATE TABLE report_recommended_state (
    refreshed_at TIMESTAMPTZ,
    lists        BIGINT NOT NULL
);
INSERT INTO report_recommended_state (refreshed_at, lists) VALUES (NULL, 0);
