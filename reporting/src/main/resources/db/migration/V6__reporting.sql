-- Reporting read models (module reporting/, processor "reporting"): pre-aggregated from the log so that reports
-- never scan the log. People are identifiers: user:<userId>, or anon:<anonymousId> for events without a user.
-- Days are UTC dates of the event time. See docs/reporting.md.

-- Per-day counters: metric 'type' (events by type label; key = label), 'rec_impression' (key ''),
-- 'rec_click' (key = product id).
CREATE TABLE report_counter (
    day    DATE         NOT NULL,
    metric VARCHAR(40)  NOT NULL,
    key    VARCHAR(300) NOT NULL,
    n      BIGINT       NOT NULL,
    PRIMARY KEY (day, metric, key)
);

-- One row per person: first seen (new vs returning, cohorts) and what the fold needs between events.
CREATE TABLE report_person (
    person        VARCHAR(300) PRIMARY KEY,
    first_day     DATE         NOT NULL,
    first_at      TIMESTAMPTZ  NOT NULL,
    last_at       TIMESTAMPTZ  NOT NULL,
    session_id    TEXT,
    pending_query VARCHAR(200),
    pending_at    TIMESTAMPTZ
);
CREATE INDEX report_person_first_day ON report_person (first_day);

-- Activity per person and day: DAU/WAU/MAU, sessions, cohort activity.
CREATE TABLE report_user_day (
    day      DATE         NOT NULL,
    person   VARCHAR(300) NOT NULL,
    events   BIGINT       NOT NULL,
    sessions BIGINT       NOT NULL,
    PRIMARY KEY (day, person)
);
CREATE INDEX report_user_day_person ON report_user_day (person, day);

-- Per person, event type and day: first and last occurrence and count. Answers funnels of any steps.
CREATE TABLE report_user_step (
    person     VARCHAR(300) NOT NULL,
    event_type VARCHAR(200) NOT NULL,
    day        DATE         NOT NULL,
    first_at   TIMESTAMPTZ  NOT NULL,
    last_at    TIMESTAMPTZ  NOT NULL,
    n          BIGINT       NOT NULL,
    PRIMARY KEY (person, event_type, day)
);
CREATE INDEX report_user_step_type_day ON report_user_step (event_type, day);

-- Category (dimension 'c') and brand ('b') interactions per person and day: affinity by segment.
CREATE TABLE report_affinity (
    dimension CHAR(1)      NOT NULL,
    value     VARCHAR(200) NOT NULL,
    day       DATE         NOT NULL,
    person    VARCHAR(300) NOT NULL,
    n         BIGINT       NOT NULL,
    PRIMARY KEY (dimension, value, day, person)
);
CREATE INDEX report_affinity_person ON report_affinity (person);

-- Product counters per day, and the catalogue details last seen.
CREATE TABLE report_product_day (
    day        DATE         NOT NULL,
    product_id VARCHAR(300) NOT NULL,
    views      BIGINT       NOT NULL,
    carts      BIGINT       NOT NULL,
    purchases  BIGINT       NOT NULL,
    PRIMARY KEY (day, product_id)
);
CREATE TABLE report_product (
    product_id VARCHAR(300) PRIMARY KEY,
    name       TEXT,
    category   VARCHAR(200),
    brand      VARCHAR(200)
);

-- Searches per normalised query and day: all, without results, without a following click.
CREATE TABLE report_search_day (
    day       DATE         NOT NULL,
    query     VARCHAR(200) NOT NULL,
    searches  BIGINT       NOT NULL,
    no_result BIGINT       NOT NULL,
    no_click  BIGINT       NOT NULL,
    PRIMARY KEY (day, query)
);
