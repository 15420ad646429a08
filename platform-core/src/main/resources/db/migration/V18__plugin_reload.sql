-- POST /api/v1/plugins/reload reaches every instance (PluginReloads): the instance asked bumps the generation and
-- loads new plugin directories; every other instance does the same when it sees a newer generation.
CREATE TABLE plugin_reload (
    id            integer     PRIMARY KEY CHECK (id = 1),
    generation    bigint      NOT NULL,
    requested_at  timestamptz NOT NULL,
    requested_on  text        NOT NULL
);
INSERT INTO plugin_reload (id, generation, requested_at, requested_on) VALUES (1, 0, now(), '');
