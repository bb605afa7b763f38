-- Daily request budget per Creators API credential, shared by every hub instance and surviving restarts.
CREATE TABLE amazon_quota (
    credential TEXT    NOT NULL,
    day        DATE    NOT NULL,
    used       INT     NOT NULL DEFAULT 0,
    PRIMARY KEY (credential, day)
);
COMMENT ON TABLE amazon_quota IS 'Creators API requests made per credential (client id) and UTC day; caravan.amazon.requests-per-day caps it';

ALTER TABLE products ADD COLUMN saving_basis_type TEXT;
ALTER TABLE products ADD COLUMN last_error TEXT;
COMMENT ON COLUMN products.list_price IS 'Amazon''s savingBasis (offersV2.listings[].price.savingBasis.money) at the last check; not trusted alone as a reference price';
COMMENT ON COLUMN products.saving_basis_type IS 'LIST_PRICE, WAS_PRICE, LOWEST_PRICE or LOWEST_PRICE_STRIKETHROUGH';
COMMENT ON COLUMN products.status IS 'active: offer seen; unavailable: no offer or out of stock; inaccessible: Amazon answered an item error (kept, not deleted)';
COMMENT ON COLUMN products.check_interval IS 'Adaptive: shortened to caravan.amazon.checks.min-interval on change or near a deal, doubled up to max-interval when quiet';
COMMENT ON COLUMN products.next_check_at IS 'Due time; a worker claims a product by pushing this forward (lease) with FOR UPDATE SKIP LOCKED';
COMMENT ON COLUMN products.last_error IS 'Amazon''s per-item error (code: message) that made the product inaccessible';
COMMENT ON COLUMN deals.reference_price IS 'Time-weighted 30-day median of our own observations, or the lower of it and a corroborated savingBasis when history is short';
COMMENT ON COLUMN deals.end_reason IS 'price-rose or offer-gone';

-- The price job's claim: most due first by priority.
CREATE INDEX products_priority_due_idx ON products (priority DESC, next_check_at) WHERE status <> 'inaccessible';
CREATE INDEX products_asin_idx ON products (asin);
-- Cooldown lookup: when did the product's last deal end.
CREATE INDEX deals_product_ended_idx ON deals (asin, marketplace, ended_at DESC);

CREATE VIEW active_deals AS
SELECT d.id            AS deal_id,
       d.asin,
       d.marketplace,
       p.title,
       p.url,
       p.image_url,
       d.price,
       d.reference_price,
       d.discount_pct,
       d.currency,
       c.id            AS category_id,
       c.slug          AS category_slug,
       c.channel_chat_id,
       d.started_at
FROM deals d
         JOIN products p ON p.asin = d.asin AND p.marketplace = d.marketplace
         LEFT JOIN categories c ON c.id = p.category_id
WHERE d.status = 'active';
COMMENT ON VIEW active_deals IS 'Deals running now, with what a post needs (title, link with partner tag, image, channel)';

CREATE VIEW product_price_stats AS
SELECT asin,
       marketplace,
       min(price) FILTER (WHERE observed_at > now() - interval '30 days')                                    AS min_30d,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY price) FILTER (WHERE observed_at > now() - interval '30 days') AS median_30d,
       max(price) FILTER (WHERE observed_at > now() - interval '30 days')                                    AS max_30d,
       min(price)                                                                                            AS min_90d,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY price)                                                    AS median_90d,
       max(price)                                                                                            AS max_90d,
       count(*)                                                                                              AS changes_90d,
       max(observed_at)                                                                                      AS last_change_at
FROM price_history
WHERE price IS NOT NULL
  AND observed_at > now() - interval '90 days'
GROUP BY asin, marketplace;
COMMENT ON VIEW product_price_stats IS 'Per product over 30 and 90 days: min, median, max of observed price changes (each change counts once)';
