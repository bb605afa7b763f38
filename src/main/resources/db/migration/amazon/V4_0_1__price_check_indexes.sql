-- Price checks update every product twice per check (the claim's lease, then the result), and both updates change
-- next_check_at, so neither can be a HOT update: each writes a new entry into every index on products. Three of the
-- six indexes served no query (bench/price-pipeline: a chunk's claim and write cost about a third less without them):
--   products_asin_idx    the primary key (asin, marketplace) already starts with asin
--   products_due_idx     the claim orders by priority first and uses products_priority_due_idx
--   products_status_idx  three values; the claim's partial index already excludes 'inaccessible'
-- Numbered after V4_0 (not V3_2) so databases that already applied the Telegram migration take it in order.
DROP INDEX IF EXISTS products_asin_idx;
DROP INDEX IF EXISTS products_due_idx;
DROP INDEX IF EXISTS products_status_idx;
