-- Failed password checks of local accounts, shared by every instance (SignInThrottle): after ten in a row for one
-- account from one client address, that pair waits 5 s, doubling up to 5 minutes. The pair is kept only as the SHA-256
-- of the lower-cased account name and the address: the table names neither. An address has a row of its own too
-- (over every account: password spraying, 50 in a row). A series quiet for 15 minutes starts over, and such rows are
-- deleted as new failures come in.
CREATE TABLE sign_in_failure (
    pair          BYTEA       PRIMARY KEY,
    failures      INT         NOT NULL,
    last_at       TIMESTAMPTZ NOT NULL,
    blocked_until TIMESTAMPTZ NOT NULL
);
CREATE INDEX sign_in_failure_last_at ON sign_in_failure (last_at);
