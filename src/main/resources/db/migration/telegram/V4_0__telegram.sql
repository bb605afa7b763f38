-- Telegram: who hears about deals (channels from categories, subscribers of the bot) and everything sent to them.
-- Every outgoing message is a row in telegram_outgoing first: it is written in the same transaction as the event
-- or bot command that causes it, so a crash loses nothing, and the sender drains it through the rate gate.

CREATE TABLE subscribers (
    chat_id    BIGINT PRIMARY KEY,
    username   TEXT,
    first_name TEXT,
    language   TEXT        NOT NULL DEFAULT 'en',           -- en | tr, from the user's language_code
    status     TEXT        NOT NULL DEFAULT 'active',       -- active | stopped (/stop) | blocked (403 from Telegram)
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT subscribers_status_ck CHECK (status IN ('active', 'stopped', 'blocked'))
);
COMMENT ON TABLE subscribers IS 'Private chats with the bot; only active ones receive messages';

CREATE TABLE subscriptions (
    chat_id          BIGINT        NOT NULL REFERENCES subscribers (chat_id) ON DELETE CASCADE,
    category_id      BIGINT        NOT NULL REFERENCES categories (id),
    min_discount_pct NUMERIC(5, 2),                          -- null: the category's own threshold
    created_at       TIMESTAMPTZ   NOT NULL DEFAULT now(),
    PRIMARY KEY (chat_id, category_id),
    CONSTRAINT subscriptions_min_ck CHECK (min_discount_pct IS NULL OR (min_discount_pct > 0 AND min_discount_pct < 100))
);
CREATE INDEX subscriptions_category_idx ON subscriptions (category_id);

-- Channels and groups the hub posts to; a row appears when something happens to one (disabled, migrated, paused).
CREATE TABLE telegram_chats (
    chat_id         TEXT PRIMARY KEY,                        -- numeric id or @channelname, as configured
    migrated_to     TEXT,                                    -- migrate_to_chat_id: sends go there from now on
    disabled_at     TIMESTAMPTZ,
    disabled_reason TEXT,
    paused_until    TIMESTAMPTZ,                             -- a 429's retry_after, shared by every instance
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE telegram_outgoing (
    id           BIGSERIAL PRIMARY KEY,
    chat_id      TEXT        NOT NULL,
    purpose      TEXT        NOT NULL,   -- deal_post | deal_expired | subscriber_deal | watch_hit | bot_reply | admin_alert
    method       TEXT        NOT NULL,   -- Bot API method: sendPhoto | sendMessage | editMessageCaption | editMessageText | answerCallbackQuery
    payload      JSONB       NOT NULL,   -- the Bot API request body without chat_id (added at send time, after migrations)
    event_id     BIGINT,                 -- the outbox event that caused it; with chat_id and purpose, the retry key
    deal_id      BIGINT,
    status       TEXT        NOT NULL DEFAULT 'pending', -- pending | sent | failed | dropped
    attempts     INT         NOT NULL DEFAULT 0,
    available_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_error   TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at      TIMESTAMPTZ,
    CONSTRAINT telegram_outgoing_status_ck CHECK (status IN ('pending', 'sent', 'failed', 'dropped'))
);
CREATE UNIQUE INDEX telegram_outgoing_event_idx ON telegram_outgoing (event_id, chat_id, purpose) WHERE event_id IS NOT NULL;
CREATE INDEX telegram_outgoing_due_idx ON telegram_outgoing (available_at, id) WHERE status = 'pending';
COMMENT ON TABLE telegram_outgoing IS 'Every message to Telegram, queued in the transaction that caused it and drained through the rate gate';

CREATE TABLE telegram_posts (
    id          BIGSERIAL PRIMARY KEY,
    outgoing_id BIGINT      REFERENCES telegram_outgoing (id),
    event_id    BIGINT,
    chat_id     TEXT        NOT NULL,
    message_id  BIGINT,                  -- null in dry-run
    kind        TEXT        NOT NULL,    -- photo | text: decides editMessageCaption or editMessageText
    deal_id     BIGINT,
    photo_file_id TEXT,                  -- Telegram's file_id, reused for the same photo to other chats
    dry_run     BOOLEAN     NOT NULL DEFAULT FALSE,
    sent_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    expired_at  TIMESTAMPTZ,
    CONSTRAINT telegram_posts_kind_ck CHECK (kind IN ('photo', 'text'))
);
CREATE UNIQUE INDEX telegram_posts_outgoing_idx ON telegram_posts (outgoing_id);
CREATE INDEX telegram_posts_deal_idx ON telegram_posts (deal_id);
COMMENT ON TABLE telegram_posts IS 'What Telegram accepted: the message ids a deal''s expiry edits';

CREATE TABLE bot_state (
    key        TEXT PRIMARY KEY,         -- e.g. updates.offset
    value      TEXT        NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Updates already handled: Telegram re-sends unconfirmed ones after a restart, and webhooks retry.
CREATE TABLE telegram_updates (
    update_id   BIGINT PRIMARY KEY,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Wake the senders of this schema when a message is queued (NOTIFY is delivered on commit).
CREATE FUNCTION telegram_outgoing_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(current_schema() || '_telegram', '');
    RETURN NULL;
END $$;
CREATE TRIGGER telegram_outgoing_notify AFTER INSERT ON telegram_outgoing FOR EACH STATEMENT EXECUTE FUNCTION telegram_outgoing_notify();
