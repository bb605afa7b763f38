-- What Amazon's dealDetails (Creators API offersV2) tell the check planner (io.caravan.amazon.CheckBelief): the running
-- deal's announced end, so the product is checked again just after it, and how many of the product's deals were
-- Lightning Deals (listing type LIGHTNING_DEAL), so such products draw their prior from each other.
-- plan_deal_since now holds Amazon's start for a Lightning Deal, else the check that first saw the deal.
ALTER TABLE products ADD COLUMN plan_deal_end        TIMESTAMPTZ;
ALTER TABLE products ADD COLUMN plan_lightning_deals DOUBLE PRECISION NOT NULL DEFAULT 0;
COMMENT ON COLUMN products.plan_deal_end IS 'End of the running deal as Amazon announced it (dealDetails.endTime); null when unknown or none runs';
COMMENT ON COLUMN products.plan_lightning_deals IS 'Deals seen whose listing type was LIGHTNING_DEAL, faded by caravan.amazon.checks.memory';
COMMENT ON COLUMN products.plan_deal_since IS 'Start of the running deal: dealDetails.startTime for a Lightning Deal, else the check that first saw it; null when none runs';
