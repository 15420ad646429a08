-- Plugin host: configuration, state, models, dead letters and the results read model.

CREATE TABLE plugin_config (
    plugin_id  VARCHAR(64) PRIMARY KEY,
    enabled    BOOLEAN     NOT NULL DEFAULT TRUE,
    config     JSONB       NOT NULL DEFAULT '{}',
    updated_at TIMESTAMPTZ NOT NULL
);

-- Each plugin's durable key-value state; written in the same transaction as its position in the log.
CREATE TABLE plugin_state (
    plugin_id VARCHAR(64)  NOT NULL,
    key       VARCHAR(512) NOT NULL,
    value     BYTEA        NOT NULL,
    PRIMARY KEY (plugin_id, key)
);

CREATE TABLE plugin_model (
    plugin_id  VARCHAR(64) NOT NULL,
    version    INTEGER     NOT NULL,
    bytes      BYTEA       NOT NULL,
    metrics    JSONB       NOT NULL,
    metadata   JSONB       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (plugin_id, version)
);

-- Promotion history: the serving version is the latest row; rollback appends the previous one.
CREATE TABLE plugin_model_promotion (
    id          BIGSERIAL   PRIMARY KEY,
    plugin_id   VARCHAR(64) NOT NULL,
    version     INTEGER     NOT NULL,
    promoted_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX plugin_model_promotion_plugin ON plugin_model_promotion (plugin_id, id DESC);

-- Batches a plugin failed on (threw, timed out, exceeded its memory budget), parked for retry or drop.
CREATE TABLE plugin_dead_letter (
    id             BIGSERIAL     PRIMARY KEY,
    plugin_id      VARCHAR(64)   NOT NULL,
    positions      BIGINT[]      NOT NULL,
    first_position BIGINT        NOT NULL,
    last_position  BIGINT        NOT NULL,
    error          VARCHAR(1000) NOT NULL,
    attempts       INTEGER       NOT NULL DEFAULT 1,
    status         VARCHAR(20)   NOT NULL DEFAULT 'PARKED',
    created_at     TIMESTAMPTZ   NOT NULL,
    updated_at     TIMESTAMPTZ   NOT NULL
);
CREATE INDEX plugin_dead_letter_plugin ON plugin_dead_letter (plugin_id, status, id);

-- Latest result per plugin, type and key (projected from PluginResultRecorded events).
CREATE TABLE plugin_result (
    plugin_id   VARCHAR(64)  NOT NULL,
    result_type VARCHAR(40)  NOT NULL,
    result_key  VARCHAR(512) NOT NULL,
    user_id     VARCHAR(300),
    payload     JSONB        NOT NULL,
    position    BIGINT       NOT NULL,
    recorded_at TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (plugin_id, result_type, result_key)
);
CREATE INDEX plugin_result_user ON plugin_result (user_id);
