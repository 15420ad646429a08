-- Axon's (aggregateidentifier, sequencenumber) uniqueness, kept only for rows of an aggregate (ADR 0019).
-- Footfall appends no aggregate events: every row is a plain event whose aggregateidentifier is its own
-- eventidentifier and whose sequencenumber is 0, so for those rows the constraint repeats the unique event id
-- (domainevententry_event_id, the durable dedup) in a second index of random 36-character keys that every append
-- had to update: one of the three index insertions per stored event, and nothing ever read it. A partial index
-- keeps Axon's guarantee for aggregate events, should any ever be stored, at no cost for plain ones.
ALTER TABLE domainevententry DROP CONSTRAINT domainevententry_aggregate_seq;
CREATE UNIQUE INDEX domainevententry_aggregate_seq ON domainevententry (aggregateidentifier, sequencenumber)
    WHERE aggregateidentifier <> eventidentifier;
