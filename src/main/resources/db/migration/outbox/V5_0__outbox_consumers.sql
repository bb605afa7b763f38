-- Which routes already handled an event of a type that several routes consume (from: outbox:<type>): a retry
-- runs only the routes that failed, so one failing consumer never repeats another's work.
CREATE TABLE outbox_consumed (
    event_id BIGINT      NOT NULL,
    consumer TEXT        NOT NULL,
    done_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, consumer)
);
COMMENT ON TABLE outbox_consumed IS 'Per-route delivery marks of outbox events with more than one consuming route';
