-- The person keyer (ADR 0021, amendment 2026-12-01): the person key of every logged event, fixed once in log order so
-- that a processor can fold on several segments, each person on one segment.
--
-- Its identifier -> person-key map, with the Kafka relay's rules (PersonKeys) but a table of its own: the keyer folds the
-- log at its own pace and is started over independently. Cleared when its token is created anew; erasure deletes a
-- person's rows.
CREATE TABLE person_key (
    identifier  VARCHAR(300) PRIMARY KEY,   -- user:<id> or anon:<id>
    person_id   VARCHAR(300) NOT NULL,      -- the person it belongs to (one of its identifiers)
    person_key  VARCHAR(300),               -- on the person's own row: the key of the person's events
    since_index BIGINT       NOT NULL       -- log position of the event that last changed the row
);
CREATE INDEX person_key_person ON person_key (person_id);

-- One row per keyer batch: the log positions [first_position, last_position] it read, the positions of the events it
-- keyed (ascending) with a 64-bit hash of each one's key (no identifier is stored here), and the barrier positions: events
-- after which some identifiers have another key (merges of people with different keys, unlinks), or whose folding reads
-- rows of a person with another key (a device shared by two users).
CREATE TABLE person_key_batch (
    first_position BIGINT   PRIMARY KEY,
    last_position  BIGINT   NOT NULL,
    positions      BIGINT[] NOT NULL,
    key_hashes     BIGINT[] NOT NULL,
    barriers       BIGINT[] NOT NULL
);
CREATE UNIQUE INDEX person_key_batch_last ON person_key_batch (last_position);
