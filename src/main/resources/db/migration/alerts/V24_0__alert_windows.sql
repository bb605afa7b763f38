-- The repeat window of admin alerts: per channel and alert key, when one last went out and how many were held back
-- since. Every hub shares it, so two hubs never both send the same alert inside caravan.alerts.repeat-after.
CREATE TABLE alert_windows (
    channel    text        NOT NULL,
    alert_key  text        NOT NULL,
    sent_at    timestamptz NOT NULL,
    held_back  integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (channel, alert_key)
);

-- The next moment a channel with a rate limit (Slack's webhooks: about one message a second) may be sent to, shared
-- by every hub; a 429 pushes it past the answer's Retry-After.
CREATE TABLE alert_pace (
    channel text        PRIMARY KEY,
    next_at timestamptz NOT NULL DEFAULT 'epoch'
);

-- Telegram kept the window in bot_state before alerts had their own tables.
DELETE FROM bot_state WHERE key LIKE 'admin-alert:%';
