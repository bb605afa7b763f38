#!/usr/bin/env sh
# Price pipeline benchmark: 100,000 products, claim → getItems (local fake that answers at once) → history → deals.
# Target (issue 4): >= 10,000 items/s with the limiter off, exactly 10.0 items per request, 0 over-quota requests
# with the limiter on.
#
# Needs the local PostgreSQL the tests use (PGHOST/PGPORT/PGDATABASE/PGUSER). Prints items/s, items per request,
# the load average before and after the run (the machine is shared; compare figures only at similar load), the CPU
# time per item of the JVM, the PostgreSQL backends and the fake (less sensitive to the load than items/s), the rows/s
# of a bare UPDATE of the same shape as the physical limit of the write and the pipeline's share of it, Camel's own share
# of the route threads' CPU (stack sampling), and, with the
# limiter on, the fake's count of over-quota requests and the daily count kept in amazon_quota.
#
# Options (environment):
#   BENCH_PRODUCTS        products due (100000)
#   BENCH_THREADS         workers running the amazon-prices route at once (its quartz: replaced by direct:), like
#                         instances or overlapping job runs (4)
#   BENCH_CLAIM_SIZE      caravan.amazon.checks.claim-size: products claimed and written per transaction (1000)
#   BENCH_CONCURRENCY     caravan.amazon.checks.concurrency: getItems calls in flight per instance (16)
#   BENCH_RATE            requests/s with the limiter on (20)
#   BENCH_LIMITED_SECONDS how long the limiter-on phase runs (10)
#   BENCH_WARMUP          products of another marketplace checked in rounds before the measured run, until the JIT
#                         is busy less than a fifth of a round (20000; 0 to measure cold)
#   BENCH_WARMUP_ROUNDS   at most this many warm-up rounds (3)
# The defaults are the best of a sweep on the shared 2-core machine (see docs/price-radar.md, "Price checks in chunks"); the hub's
# own defaults (claim-size 500, concurrency 8) suit Amazon's real rate of 1-10 requests/s.
set -e
cd "$(dirname "$0")/../.."
echo "uptime before: $(uptime)"
./mvnw -B -q test -Dtest=PricePipelineBench -Dsurefire.failIfNoSpecifiedTests=false -DargLine= \
  -Dbench=true \
  -Dbench.products="${BENCH_PRODUCTS:-100000}" \
  -Dbench.threads="${BENCH_THREADS:-4}" \
  -Dbench.claim-size="${BENCH_CLAIM_SIZE:-1000}" \
  -Dbench.concurrency="${BENCH_CONCURRENCY:-16}" \
  -Dbench.rate="${BENCH_RATE:-20}" \
  -Dbench.limited-seconds="${BENCH_LIMITED_SECONDS:-10}" \
  -Dbench.warmup="${BENCH_WARMUP:-20000}" \
  -Dbench.warmup-rounds="${BENCH_WARMUP_ROUNDS:-3}" >/dev/null 2>&1 || status=$?
echo "uptime after:  $(uptime)"
# Surefire sends test output to its report file.
grep -E '^(==|checked|throughput|items per|request sizes|history|over-quota|load average|bare UPDATE|daily count|cpu per item|cpu by thread|cpu camel share)' \
  target/surefire-reports/io.caravan.amazon.PricePipelineBench-output.txt
exit "${status:-0}"
