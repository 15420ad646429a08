-- Dead letters of the projections (ADR 0023): an event that a projection fails on every time, isolated by dry runs of
-- the failed batch, is parked here and skipped by the projection, so one poison event no longer stops it for good.
-- A replay of the projection tries every parked event again (status REPLAYED); DROPPED only records that an operator
-- has seen the letter and accepts the gap.
CREATE TABLE projection_dead_letter (
    id          BIGSERIAL     PRIMARY KEY,
    processor   VARCHAR(100)  NOT NULL,
    position    BIGINT        NOT NULL,
    event_id    VARCHAR(100)  NOT NULL,
    event_type  VARCHAR(200)  NOT NULL,
    error       VARCHAR(1000) NOT NULL,
    status      VARCHAR(20)   NOT NULL DEFAULT 'PARKED',
    created_at  TIMESTAMPTZ   NOT NULL,
    updated_at  TIMESTAMPTZ   NOT NULL
);
-- at most one letter per processor and position that the processor skips
CREATE UNIQUE INDEX projection_dead_letter_skipped ON projection_dead_letter (processor, position)
    WHERE status IN ('PARKED', 'DROPPED');
CREATE INDEX projection_dead_letter_list ON projection_dead_letter (processor, status, id);
