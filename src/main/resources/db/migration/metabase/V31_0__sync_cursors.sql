-- Incremental cards (caravan.metabase.cards[].cursor): each card's high-water mark, written in the same transaction
-- as the rows it covers, so a failed or rolled-back load leaves the mark where it was.
CREATE TABLE sync_cursors (
    card         text        PRIMARY KEY,
    mark         text,
    sync_run_id  bigint,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE sync_cursors IS 'High-water mark of each incremental Metabase card (see docs/metabase-cursor.md)';
COMMENT ON COLUMN sync_cursors.mark IS 'Highest cursor-column value loaded (ISO 8601 date/datetime or a number), as sent to the template tag';

ALTER TABLE sync_runs ADD COLUMN cursor_from text, ADD COLUMN cursor_to text, ADD COLUMN note text;
COMMENT ON COLUMN sync_runs.cursor_from IS 'Cursor value sent to the template tag (null: none, the card''s default)';
COMMENT ON COLUMN sync_runs.cursor_to IS 'The mark after this run';
COMMENT ON COLUMN sync_runs.note IS 'What the run wants an operator to know, e.g. that the export hit the row cap';
