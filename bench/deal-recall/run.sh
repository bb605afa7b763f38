#!/usr/bin/env sh
# Deal-recall benchmark (issue 26): a seeded simulated catalogue (stable products, algorithmic repricers with cent
# jitter, deal-prone products with their own deal rates and durations, lightning-deal products, stock-outs; the model
# is in docs/price-planner.md) checked under one quota by four policies on a simulated clock: round-robin, the old
# doubling rule, the hub's CheckPlanner (the same class the amazon-prices route uses) and an oracle that knows each
# product's true deal rate and duration. Prints recall, median and p90 detection latency, requests, expiry latency and
# deals caught per 1,000 requests side by side; the last line reads
#   deal recall: planner P %, round-robin R %, oracle O % (gap closed G %), over quota N
# Goal: gap closed >= 80 % where oracle >= 1.5 x round-robin, over quota 0, planner's median latency <= round-robin's.
#
# Needs no database: a plain Java main in test scope. Options (environment), all printed in the output:
#   SEED (20261206), PRODUCTS (10000), CATEGORIES (20), DAYS (42), WARMUP_DAYS (14, deals starting before are not
#   counted: the planner's learning time), PER_SECOND (1), PER_DAY (1600), NOISE (0.02), EXPLORE_INTERVAL (604800 s),
#   SALT (0: varies only the planner's and oracle's random draws, to see how much of a difference is chance), DEBUG
#   (false: true adds mu and backlog every 3 h and, per product kind, estimates against the truth and why each
#   measured check was due: batch fill, deal, cooldown, guarantee, explore-interval, optimistic sample, Lagrangian
#   interval), TIMED_SHARE (0.5:
#   share of deal-prone products whose deals carry dealDetails; lightning deals always do), ORACLE_DETAILS (true: the
#   oracle, too, re-checks a deal at its announced end), ONLY (empty: a policy's name runs only that one, for
#   diagnostics; no comparison line then), CLASS_ORACLE (false: true adds a fifth policy told each product's kind's mean
#   rate and duration, not its own: what knowing the class alone is worth)
set -e
cd "$(dirname "$0")/../.."
echo "uptime before: $(uptime)"
./mvnw -B -q test-compile >/dev/null
java -cp target/classes:target/test-classes \
  -Dseed="${SEED:-20261206}" -Dproducts="${PRODUCTS:-10000}" -Dcategories="${CATEGORIES:-20}" -Ddays="${DAYS:-42}" \
  -Dwarmup-days="${WARMUP_DAYS:-14}" -Dper-second="${PER_SECOND:-1}" -Dper-day="${PER_DAY:-1600}" \
  -Dnoise="${NOISE:-0.02}" -Dexplore-interval="${EXPLORE_INTERVAL:-604800}" -Dsalt="${SALT:-0}" -Ddebug="${DEBUG:-false}" \
  -Dtimed-share="${TIMED_SHARE:-0.5}" -Doracle-details="${ORACLE_DETAILS:-true}" -Donly="${ONLY:-}" -Dclass-oracle="${CLASS_ORACLE:-false}" \
  bench/deal-recall/DealRecall.java | tee /tmp/deal-recall.$$.out | grep -v '^deal recall:'
echo "uptime after:  $(uptime)"
grep '^deal recall:' /tmp/deal-recall.$$.out
rm -f /tmp/deal-recall.$$.out
