-- Training runs, visible from every instance (TrainingJobs). A run asked of an instance that does not fold the plugin
-- is recorded as REQUESTED and carried out by the instance that does, like a replay request (V17). At most one run per
-- plugin is requested or running at a time, across instances: the partial unique index says so.
CREATE TABLE training_job (
    id               text             PRIMARY KEY,
    plugin_id        text             NOT NULL,
    cutoff           timestamptz      NOT NULL,
    status           text             NOT NULL,
    progress         double precision NOT NULL DEFAULT 0,
    message          text,
    report           jsonb,
    requested_at     timestamptz      NOT NULL,
    requested_on     text             NOT NULL,
    started_at       timestamptz,
    run_by           text,
    heartbeat_at     timestamptz,
    finished_at      timestamptz,
    cancel_requested boolean          NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX training_job_one_active ON training_job (plugin_id) WHERE status IN ('REQUESTED', 'RUNNING');
CREATE INDEX training_job_plugin ON training_job (plugin_id, requested_at DESC);
