-- Read models projected from the log. All of it can be dropped and rebuilt by replay.

-- Which person each identifier (user:<id>, anon:<id>) belongs to.
CREATE TABLE identity_link (
    identifier VARCHAR(300) PRIMARY KEY,
    person_id  VARCHAR(300) NOT NULL,
    linked_at  TIMESTAMPTZ  NOT NULL
);
CREATE INDEX identity_link_person ON identity_link (person_id);

-- The live profile of each person, as JSON.
CREATE TABLE profile (
    person_id  VARCHAR(300) PRIMARY KEY,
    user_id    VARCHAR(300),
    last_seen  TIMESTAMPTZ,
    state      JSONB        NOT NULL,
    version    BIGINT       NOT NULL DEFAULT 0
);
CREATE INDEX profile_user ON profile (user_id);

-- Each identifier's events, by position in the log: the index behind timelines, merges and as-of profiles.
CREATE TABLE profile_timeline (
    identifier   VARCHAR(300) NOT NULL,
    global_index BIGINT       NOT NULL,
    occurred_at  TIMESTAMPTZ  NOT NULL,
    event_type   VARCHAR(200) NOT NULL,
    PRIMARY KEY (identifier, global_index)
);
CREATE INDEX profile_timeline_time ON profile_timeline (identifier, occurred_at);
