-- A price-history chart: a deal's, rendered once when the deal is queued and uploaded once (the first send uploads
-- the PNG as multipart sendPhoto and keeps Telegram's file_id, every other chat gets that file_id), or one a bot
-- reply (/history, /track) shows. A message's payload names its chart by id (_chart).
CREATE TABLE telegram_charts (
    id          BIGSERIAL   PRIMARY KEY,
    deal_id     BIGINT      UNIQUE,
    png         BYTEA       NOT NULL,
    render_ms   INT         NOT NULL,
    file_id     TEXT,
    failed      TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
COMMENT ON TABLE telegram_charts IS 'Price-history chart (PNG) of a deal, rendered once, or of a bot reply; pruned with the deal''s posts by telegram-history-prune';
COMMENT ON COLUMN telegram_charts.file_id IS 'Telegram''s file_id after the first upload, reused for every other chat';
COMMENT ON COLUMN telegram_charts.failed IS 'Why Telegram refused the upload (413, 400): the deal''s other posts use the product photo or text';
