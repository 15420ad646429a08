-- The Kafka relay's own identifier -> person-key map (ADR 0017, amendment 2026-11-30; docs/kafka-relay.md): the key of a
-- relayed event follows identity stitching in log order. Written only by the relay, in the transaction of its token;
-- cleared when the relay's token is created anew; erasure deletes a person's rows.
CREATE TABLE relay_person_key (
    identifier  VARCHAR(300) PRIMARY KEY,   -- user:<id> or anon:<id>
    person_id   VARCHAR(300) NOT NULL,      -- the person it belongs to (one of its identifiers, as in identity_link)
    person_key  VARCHAR(300),               -- on the person's own row: the Kafka key of the person's later events
    since_index BIGINT       NOT NULL       -- log position of the event that last changed the row
);
CREATE INDEX relay_person_key_person ON relay_person_key (person_id);
