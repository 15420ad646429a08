-- A replay asked of an instance that does not fold the processor (ADR 0018): recorded here, carried out by the
-- instance that holds it (ReplayRequests), which marks it done in the transaction that resets the processor's token.
CREATE TABLE replay_request (
    processor     text        PRIMARY KEY,
    from_time     timestamptz,
    requested_at  timestamptz NOT NULL,
    requested_on  text        NOT NULL,
    done_at       timestamptz,
    done_by       text,
    outcome       text
);
