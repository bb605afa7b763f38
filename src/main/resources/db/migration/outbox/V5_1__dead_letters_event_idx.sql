-- The dead-letter listing says what became of a replayed event: whether a later dead letter holds the same event.
-- Without this, every listed row scanned the whole table for it.
CREATE INDEX dead_letters_event_idx ON dead_letters (event_id, id);
