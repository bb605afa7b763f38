-- What Amazon's dealDetails (Creators API offersV2) tell the check planner (io.caravan.amazon.CheckBelief): the running
-- deal's announced end, so the product is checked again just after it, and how many of the product's deals were timed
-- deals (with start and end) and Lightning Deals (listing type LIGHTNING_DEAL), so such products draw their prior from
-- each other.
-- plan_deal_since now holds Amazon's start when dealDetails gave one, else the check that first saw the deal.
ALTER TABLE products ADD COLUMN plan_deal_end    TIMESTAMPTZ;
ALTER TABLE products ADD COLUMN plan_timed_deals DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN plan_lightning_deals DOUBLE PRECISION NOT NULL DEFAULT 0;
COMMENT ON COLUMN products.plan_deal_end IS 'End of the running deal as Amazon announced it (dealDetails.endTime); null when unknown or none runs';
COMMENT ON COLUMN products.plan_timed_deals IS 'Deals seen with dealDetails start and end (Lightning, limited-time), faded by caravan.amazon.checks.memory';
COMMENT ON COLUMN products.plan_lightning_deals IS 'Of the timed deals, those whose listing type was LIGHTNING_DEAL, faded';
COMMENT ON COLUMN products.plan_deal_since IS 'Start of the running deal: dealDetails.startTime when Amazon gave it, else the check that first saw it; null when none runs';
