-- Saved funnels per segment (issue 8): report_saved_funnel_rollup of a segment's current members, kept like
-- report_seg_funnel (SegmentRollups: entering adds the member's entries, leaving takes them out, a member's entry
-- changes go to their segments), so that GET /funnel?funnel=<id>&segment=<s> reads a few rows per day instead of
-- probing every member's entries. See docs/reporting.md.
CREATE TABLE report_seg_saved_funnel (
    segment  VARCHAR(200) NOT NULL,
    funnel   VARCHAR(64)  NOT NULL REFERENCES report_saved_funnel (id) ON DELETE CASCADE,
    day      DATE         NOT NULL,
    prev_day DATE         NOT NULL,
    depth    INTEGER      NOT NULL,
    n        BIGINT       NOT NULL,
    PRIMARY KEY (segment, funnel, day, prev_day, depth)
);
CREATE INDEX report_seg_saved_funnel_funnel ON report_seg_saved_funnel (funnel);

-- the current members' entries, as the processor keeps both tables at the same log position
INSERT INTO report_seg_saved_funnel (segment, funnel, day, prev_day, depth, n)
    SELECT m.segment, e.funnel, e.day, e.prev_day, e.depth, count(*)
    FROM report_saved_funnel_entry e JOIN report_segment_member m ON m.person = e.person
    GROUP BY 1, 2, 3, 4, 5;
