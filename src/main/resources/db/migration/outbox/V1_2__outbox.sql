-- Events committed in the same transaction as the data they describe; the dispatcher delivers them.
CREATE TABLE outbox (
    id           BIGSERIAL PRIMARY KEY,
    type         TEXT        NOT NULL,
    payload      JSONB       NOT NULL DEFAULT '{}'::jsonb,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    available_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts     INT         NOT NULL DEFAULT 0,
    last_error   TEXT,
    done_at      TIMESTAMPTZ
);
-- The dispatcher only ever looks at pending rows.
CREATE INDEX outbox_pending_idx ON outbox (available_at, id) WHERE done_at IS NULL;
COMMENT ON TABLE outbox IS 'Transactional outbox; id is the event id consumers de-duplicate on';

CREATE TABLE dead_letters (
    id          BIGSERIAL PRIMARY KEY,
    event_id    BIGINT      NOT NULL,
    type        TEXT        NOT NULL,
    payload     JSONB       NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    failed_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts    INT         NOT NULL,
    last_error  TEXT,
    replayed_at TIMESTAMPTZ
);
CREATE INDEX dead_letters_failed_idx ON dead_letters (failed_at DESC);
COMMENT ON TABLE dead_letters IS 'Outbox events that failed every attempt; POST /api/dead-letters/{id}/replay puts one back';

-- Wake the dispatchers of this schema as soon as an event is committed (NOTIFY is delivered on commit).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(current_schema() || '_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
