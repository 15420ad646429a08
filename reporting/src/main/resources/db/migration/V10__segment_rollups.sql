-- Segment rollups (issue 8): a report with segment=<id> reads these per-segment copies of the rollups instead of the
-- members' per-person rows. Membership comes through the log: the segmentation plugin's Segment Entered / Segment
-- Exited events (source plugin:segmentation, property segmentId) of users. A person entering a segment adds their
-- per-person rows' contributions to the segment's rollups, leaving takes them out, and the events of current members
-- fold into their segments' rollups as they come. See docs/reporting.md and docs/adr/0015-segment-rollups.md.
-- The reporting read model is rebuilt from the log (below): the memberships are in the log, and events plugins derive
-- (source plugin:*) are no longer counted as the users' behaviour.

-- Current members of each segment, as the log says (user:<userId> identifiers).
CREATE TABLE report_segment_member (
    segment VARCHAR(200) NOT NULL,
    person  VARCHAR(300) NOT NULL,
    PRIMARY KEY (segment, person)
);
CREATE INDEX report_segment_member_person ON report_segment_member (person);

-- report_reach of a segment's current members.
CREATE TABLE report_seg_reach (
    segment   VARCHAR(200) NOT NULL,
    dimension CHAR(1)      NOT NULL,
    day       DATE         NOT NULL,
    value     VARCHAR(200) NOT NULL,
    prev_day  DATE         NOT NULL,
    n         BIGINT       NOT NULL,
    PRIMARY KEY (segment, dimension, day, value, prev_day)
);

-- report_cohort of a segment's current members.
CREATE TABLE report_seg_cohort (
    segment   VARCHAR(200) NOT NULL,
    first_day DATE         NOT NULL,
    day       DATE         NOT NULL,
    n         BIGINT       NOT NULL,
    PRIMARY KEY (segment, first_day, day)
);

-- Per-day counters of a segment's current members: 'events' and 'sessions' (key ''), 'type' (key = type label).
CREATE TABLE report_seg_counter (
    segment VARCHAR(200) NOT NULL,
    day     DATE         NOT NULL,
    metric  VARCHAR(40)  NOT NULL,
    key     VARCHAR(300) NOT NULL,
    n       BIGINT       NOT NULL,
    PRIMARY KEY (segment, day, metric, key)
);

-- Products and searches per day of a segment's current members (report_user_product / report_user_search summed).
CREATE TABLE report_seg_product_day (
    segment    VARCHAR(200) NOT NULL,
    day        DATE         NOT NULL,
    product_id VARCHAR(300) NOT NULL,
    views      BIGINT       NOT NULL,
    carts      BIGINT       NOT NULL,
    purchases  BIGINT       NOT NULL,
    PRIMARY KEY (segment, day, product_id)
);
CREATE TABLE report_seg_search_day (
    segment   VARCHAR(200) NOT NULL,
    day       DATE         NOT NULL,
    query     VARCHAR(200) NOT NULL,
    searches  BIGINT       NOT NULL,
    no_result BIGINT       NOT NULL,
    no_click  BIGINT       NOT NULL,
    PRIMARY KEY (segment, day, query)
);

-- report_funnel (the default funnel's entries) of a segment's current members.
CREATE TABLE report_seg_funnel (
    segment  VARCHAR(200) NOT NULL,
    day      DATE         NOT NULL,
    prev_day DATE         NOT NULL,
    depth    INTEGER      NOT NULL,
    n        BIGINT       NOT NULL,
    PRIMARY KEY (segment, day, prev_day, depth)
);

-- Saved funnels (POST /api/v1/reports/funnels): definitions with their backfill's progress, and per funnel the
-- entries and their sums, kept like report_funnel_entry / report_funnel (the default funnel). A replay empties the
-- entries and sums, not the definitions.
CREATE TABLE report_saved_funnel (
    id             VARCHAR(64)   PRIMARY KEY,
    name           VARCHAR(200),
    steps          VARCHAR(200)[] NOT NULL,
    window_seconds BIGINT        NOT NULL,
    created_at     TIMESTAMPTZ   NOT NULL,
    backfill_state VARCHAR(16)   NOT NULL,
    backfill_done  BIGINT        NOT NULL,
    backfill_total BIGINT        NOT NULL,
    backfill_after VARCHAR(300),
    backfill_error TEXT
);
CREATE TABLE report_saved_funnel_entry (
    funnel   VARCHAR(64)  NOT NULL REFERENCES report_saved_funnel (id) ON DELETE CASCADE,
    person   VARCHAR(300) NOT NULL,
    day      DATE         NOT NULL,
    prev_day DATE         NOT NULL,
    depth    INTEGER      NOT NULL,
    PRIMARY KEY (funnel, person, day)
);
CREATE TABLE report_saved_funnel_rollup (
    funnel   VARCHAR(64) NOT NULL REFERENCES report_saved_funnel (id) ON DELETE CASCADE,
    day      DATE        NOT NULL,
    prev_day DATE        NOT NULL,
    depth    INTEGER     NOT NULL,
    n        BIGINT      NOT NULL,
    PRIMARY KEY (funnel, day, prev_day, depth)
);

-- Rebuild from the log: memberships and the derived events' new treatment need every event folded again.
TRUNCATE report_counter, report_person, report_user_day, report_user_step, report_affinity, report_product_day,
    report_product, report_search_day, report_reach, report_cohort, report_span, report_identity, report_user_product,
    report_user_search, report_funnel, report_funnel_entry;
DELETE FROM tokenentry WHERE processorname = 'reporting';
