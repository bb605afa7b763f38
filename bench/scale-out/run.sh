#!/usr/bin/env sh
# Scale-out benchmark: the same work through 1, 2 and 3 hubs on one PostgreSQL schema and one Redis, printing
# throughput per hub count, the ratio to one hub, over-limit counts (must be 0) and CPU per item.
# Hubs run in one JVM (each a whole Spring context with its own pools, scheduler and gate); on a 2-core machine the
# CPU caps the gain, so read the CPU column beside the throughput. Needs the local PostgreSQL and Redis the tests use.
# Options (defaults): BENCH_HUBS (3), BENCH_DEALS (600), BENCH_SUBSCRIBERS (100), BENCH_GLOBAL (400 msg/s).
set -e
cd "$(dirname "$0")/../.."
./mvnw -B -q test -Dtest=TelegramScaleOutBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench=true \
  -Dbench.hubs="${BENCH_HUBS:-3}" \
  -Dbench.deals="${BENCH_DEALS:-600}" \
  -Dbench.subscribers="${BENCH_SUBSCRIBERS:-100}" \
  -Dbench.global-per-second="${BENCH_GLOBAL:-400}" >/dev/null 2>&1 || status=$?
sed -n '/^== scale-out/,$p' target/surefire-reports/io.caravan.telegram.TelegramScaleOutBench-output.txt \
  | grep -E '^(== scale|hubs |[0-9]+ +[0-9]|machine )'
exit "${status:-0}"
