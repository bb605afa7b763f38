-- One row per sync of a Metabase card: what was loaded where, how much, how long, and why it failed.
CREATE TABLE sync_runs (
    id           bigserial PRIMARY KEY,
    card         text        NOT NULL,
    card_id      bigint      NOT NULL,
    job_run_id   bigint,
    table_name   text        NOT NULL,
    mode         text        NOT NULL CHECK (mode IN ('replace', 'upsert', 'append')),
    rows         bigint,
    bytes        bigint,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    duration_ms  bigint,
    status       text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    error        text,
    columns      jsonb,
    instance     text
);

CREATE INDEX sync_runs_card_started ON sync_runs (card, started_at DESC);
CREATE INDEX sync_runs_last_success ON sync_runs (card, finished_at DESC) WHERE status = 'succeeded';

COMMENT ON TABLE sync_runs IS 'Every sync of a Metabase card into PostgreSQL (see caravan.metabase.cards)';
COMMENT ON COLUMN sync_runs.card IS 'Card name from the configuration; the job is metabase-<card>';
COMMENT ON COLUMN sync_runs.card_id IS 'The card''s id in Metabase';
COMMENT ON COLUMN sync_runs.table_name IS 'Target table, schema-qualified';
COMMENT ON COLUMN sync_runs.rows IS 'Rows received from Metabase (for upsert: rows after de-duplication on the key)';
COMMENT ON COLUMN sync_runs.bytes IS 'Bytes of the CSV export received';
COMMENT ON COLUMN sync_runs.columns IS 'The loaded columns: [{name, title, type}]';
