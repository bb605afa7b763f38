-- Every run of every job: what ran, where, how it ended.
CREATE TABLE job_runs (
    id          BIGSERIAL PRIMARY KEY,
    job         TEXT        NOT NULL,
    trigger     TEXT        NOT NULL,            -- schedule | manual
    scheduled_for TIMESTAMPTZ,                   -- the Quartz fire time a scheduled run belongs to
    instance    TEXT        NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ,
    status      TEXT        NOT NULL,            -- running | succeeded | failed | skipped | abandoned
    rows        BIGINT,
    error       TEXT,
    CONSTRAINT job_runs_status_ck CHECK (status IN ('running', 'succeeded', 'failed', 'skipped', 'abandoned'))
);
CREATE INDEX job_runs_job_started_idx ON job_runs (job, started_at DESC);
CREATE INDEX job_runs_started_idx ON job_runs (started_at DESC);
COMMENT ON TABLE job_runs IS 'One row per run of a Caravan job; error holds a secret-free message';

-- Pause state lives here rather than in Quartz so it survives restarts and holds on every instance.
CREATE TABLE job_state (
    job        TEXT PRIMARY KEY,
    paused     BOOLEAN     NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by TEXT
);
