-- Every instance announces itself here (ClusterInstances): its roles, the processors it runs, and a heartbeat.
-- The token store shows only who holds a processor; an instance that holds nothing yet (just started) is visible
-- only here, and the processor balancer (ADR 0018) needs it to hand processors over.
CREATE TABLE cluster_instance (
    node        text        PRIMARY KEY,
    roles       text        NOT NULL,
    processors  text        NOT NULL DEFAULT '',
    started_at  timestamptz NOT NULL,
    seen_at     timestamptz NOT NULL
);
