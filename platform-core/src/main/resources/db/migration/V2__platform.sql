-- Sources: who may send events. Write keys are stored only as SHA-256 hashes.
CREATE TABLE source (
    id             VARCHAR(64)  PRIMARY KEY,
    name           VARCHAR(200) NOT NULL,
    write_key_hash VARCHAR(64)  NOT NULL UNIQUE,
    created_at     TIMESTAMPTZ  NOT NULL,
    enabled        BOOLEAN      NOT NULL DEFAULT TRUE
);

-- Local accounts for the embedded default (bcrypt hashes, comma-separated roles).
CREATE TABLE account (
    username      VARCHAR(100) PRIMARY KEY,
    password_hash VARCHAR(100) NOT NULL,
    roles         VARCHAR(200) NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL
);

-- One AES-256 key per person identifier. Deleting a row makes that person's sealed data unreadable.
CREATE TABLE subject_key (
    subject    VARCHAR(300) PRIMARY KEY,
    key_bytes  BYTEA        NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL
);

-- Events the collectors rejected, with the raw payload and a typed reason; re-processable.
CREATE TABLE failed_event (
    id          BIGSERIAL    PRIMARY KEY,
    source_id   VARCHAR(64),
    received_at TIMESTAMPTZ  NOT NULL,
    reason      VARCHAR(40)  NOT NULL,
    field       VARCHAR(200),
    message     VARCHAR(1000) NOT NULL,
    subject     VARCHAR(300),
    raw         TEXT         NOT NULL,
    status      VARCHAR(20)  NOT NULL DEFAULT 'OPEN',
    resolved_at TIMESTAMPTZ
);
CREATE INDEX failed_event_status ON failed_event (status, id);
CREATE INDEX failed_event_subject ON failed_event (subject);

-- Identifiers whose person was erased: projections skip their events, now and on every replay.
CREATE TABLE erased_subject (
    identifier VARCHAR(300) PRIMARY KEY,
    erased_at  TIMESTAMPTZ  NOT NULL
);
