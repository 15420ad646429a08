-- Reporting rollups (issue 8): reports read these small tables instead of counting distinct people over per-person
-- rows on request; identity stitching; per-person product and search rows for the segment filter. See
-- docs/reporting.md. The reporting read model is rebuilt from the log: every report table is emptied here and the
-- processor's token removed, so the processor starts again at the start of the log when the app starts.

-- Distinct people per scope, exactly, for any range of days. For every person and scope, each day on which the person
-- was in the scope is one row (day, the person's previous day in that scope); summed up here per (day, prev_day).
-- People in the scope during [a, b] = sum(n) over day in [a, b] with prev_day < a; new people = prev_day = 0001-01-01
-- (the first day). Scopes: dimension 'a' (active people, value ''), 'c' categories and 'b' brands (value '' = any
-- category or brand; otherwise that category or brand).
CREATE TABLE report_reach (
    dimension CHAR(1)      NOT NULL,
    day       DATE         NOT NULL,
    value     VARCHAR(200) NOT NULL,
    prev_day  DATE         NOT NULL,
    n         BIGINT       NOT NULL,
    PRIMARY KEY (dimension, day, value, prev_day)
);

-- Retention cohorts: people by first day, counted once per ISO week they were active, on their first day active in
-- that week (so a range ending mid-week counts the week's activity up to its end exactly).
CREATE TABLE report_cohort (
    first_day DATE   NOT NULL,
    day       DATE   NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (first_day, day)
);

-- First and last day of a person in a category or brand scope (value '' = any): lets the fold place a new day
-- without reading the person's days, except for late events between the two.
CREATE TABLE report_span (
    person    VARCHAR(300) NOT NULL,
    dimension CHAR(1)      NOT NULL,
    value     VARCHAR(200) NOT NULL,
    first_day DATE         NOT NULL,
    last_day  DATE         NOT NULL,
    PRIMARY KEY (person, dimension, value)
);

-- Identity stitching: an identifier whose history was merged into another person (anon:<id> into user:<id> at
-- login, or the previous id of an alias). Identifiers without a row are their own person.
CREATE TABLE report_identity (
    identifier VARCHAR(300) PRIMARY KEY,
    person     VARCHAR(300) NOT NULL
);
CREATE INDEX report_identity_person ON report_identity (person);

-- Per person, day and product / query: the segment filter of top products and searches.
CREATE TABLE report_user_product (
    person     VARCHAR(300) NOT NULL,
    day        DATE         NOT NULL,
    product_id VARCHAR(300) NOT NULL,
    views      BIGINT       NOT NULL,
    carts      BIGINT       NOT NULL,
    purchases  BIGINT       NOT NULL,
    PRIMARY KEY (person, day, product_id)
);
CREATE TABLE report_user_search (
    person    VARCHAR(300) NOT NULL,
    day       DATE         NOT NULL,
    query     VARCHAR(200) NOT NULL,
    searches  BIGINT       NOT NULL,
    no_result BIGINT       NOT NULL,
    no_click  BIGINT       NOT NULL,
    PRIMARY KEY (person, day, query)
);

-- The default funnel (Products Searched → Product Viewed → Product Added → Checkout Started → Order Completed, 7 days):
-- every day with a step-1 occurrence of a person is an entry (that day, the person's previous such day, how many steps
-- the person reached from that day's first step 1 within the window); report_funnel sums them. The funnel of [a, b]
-- is the entries of days in [a, b] whose previous day is before a, per depth.
CREATE TABLE report_funnel_entry (
    person   VARCHAR(300) NOT NULL,
    day      DATE         NOT NULL,
    prev_day DATE         NOT NULL,
    depth    INTEGER      NOT NULL,
    PRIMARY KEY (person, day)
);
CREATE TABLE report_funnel (
    day      DATE    NOT NULL,
    prev_day DATE    NOT NULL,
    depth    INTEGER NOT NULL,
    n        BIGINT  NOT NULL,
    PRIMARY KEY (day, prev_day, depth)
);

-- Affinity rows are now read per person (segment filter, merges, late events), never per category on request.
ALTER TABLE report_affinity DROP CONSTRAINT report_affinity_pkey;
DROP INDEX report_affinity_person;
ALTER TABLE report_affinity ADD PRIMARY KEY (person, dimension, value, day);

-- Rebuild from the log with the new definitions (stitched people).
TRUNCATE report_counter, report_person, report_user_day, report_user_step, report_affinity, report_product_day,
    report_product, report_search_day;
DELETE FROM tokenentry WHERE processorname = 'reporting';
