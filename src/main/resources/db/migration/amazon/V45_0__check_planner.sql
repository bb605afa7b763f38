-- The check planner's belief per product (io.caravan.amazon.CheckBelief): a Gamma posterior on how often the product's
-- deals start and how long they last, from the hub's own checks. Priors per category and the price of a check are
-- derived from these columns, so nothing else needs keeping.
ALTER TABLE products ADD COLUMN plan_deals        DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN plan_exposure     DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN plan_deal_seconds DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN plan_deals_ended  DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN plan_moves        DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN plan_deal_since   TIMESTAMPTZ;
ALTER TABLE products ADD COLUMN plan_last_price   NUMERIC(14, 2);
ALTER TABLE products ADD COLUMN plan_tier         SMALLINT NOT NULL DEFAULT 0;
COMMENT ON COLUMN products.plan_deals IS 'Deal onsets the checks saw, faded by caravan.amazon.checks.memory';
COMMENT ON COLUMN products.plan_exposure IS 'Seconds of effective exposure: how long a deal could have started and still been seen';
COMMENT ON COLUMN products.plan_deal_seconds IS 'Summed durations of the deals seen ending, faded';
COMMENT ON COLUMN products.plan_deals_ended IS 'Deals seen ending, faded';
COMMENT ON COLUMN products.plan_moves IS 'Price moves of at least caravan.amazon.checks.noise outside deals, faded';
COMMENT ON COLUMN products.plan_deal_since IS 'Estimated start of the running deal as the checks saw it; null when none runs';
COMMENT ON COLUMN products.plan_last_price IS 'The last price that counted as a move (changes under the noise threshold do not)';
COMMENT ON COLUMN products.plan_tier IS 'Claim order before priority: 2 a running deal (expiry latency), 1 tracked or a channel''s category (max-interval), 0 the rest';
COMMENT ON COLUMN products.check_interval IS 'Chosen by the check planner (io.caravan.amazon.CheckPlanner) at the last check';
CREATE INDEX products_tier_due_idx ON products (plan_tier DESC, priority DESC, next_check_at) WHERE status <> 'inaccessible';
