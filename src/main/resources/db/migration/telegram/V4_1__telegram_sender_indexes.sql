-- The sender's look-ups, which would otherwise scan telegram_outgoing (it keeps every message ever queued):
-- a subscriber's deal and watch messages today (the daily cap, counted for every deal of a subscribed category) ...
CREATE INDEX telegram_outgoing_capped_idx ON telegram_outgoing (chat_id, created_at)
    WHERE purpose IN ('subscriber_deal', 'watch_hit');
-- ... and the posts of a deal that deal.expired edits.
CREATE INDEX telegram_outgoing_deal_idx ON telegram_outgoing (deal_id) WHERE deal_id IS NOT NULL;
