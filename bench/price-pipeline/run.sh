#!/usr/bin/env sh
# Price pipeline benchmark: 100,000 products, claim → getItems (local fake that answers at once) → history → deals.
# Needs the local PostgreSQL the tests use (PGHOST/PGPORT/PGDATABASE/PGUSER). Prints items/s, items per request and
# the fake's count of over-quota requests. Options: BENCH_PRODUCTS, BENCH_THREADS, BENCH_RATE (requests/s with the
# limiter on), BENCH_LIMITED_SECONDS.
set -e
cd "$(dirname "$0")/../.."
./mvnw -B -q test -Dtest=PricePipelineBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench=true \
  -Dbench.products="${BENCH_PRODUCTS:-100000}" \
  -Dbench.threads="${BENCH_THREADS:-12}" \
  -Dbench.rate="${BENCH_RATE:-20}" \
  -Dbench.limited-seconds="${BENCH_LIMITED_SECONDS:-10}" >/dev/null 2>&1 || status=$?
# Surefire sends test output to its report file.
grep -E '^(==|checked|throughput|items per|history|over-quota)' target/surefire-reports/io.caravan.amazon.PricePipelineBench-output.txt
exit "${status:-0}"
