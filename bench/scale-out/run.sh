#!/usr/bin/env sh
# Scale-out benchmark: the same work through 1, 2 and 3 hubs on one PostgreSQL schema and one Redis, printing
# throughput per hub count, the ratio to one hub, over-limit counts (must be 0) and CPU per item. Hubs are separate
# processes (java -cp <test classpath>, as support/HubProcess starts them):
#  - price checks: each hub starts amazon-prices through the job API whenever the job's cluster-wide lock is free,
#    against a Creators API fake that answers at once;
#  - Telegram: a burst of deals to 3 channels and subscribers, written into the outbox in one transaction, against a
#    Bot API stub that counts what Telegram would refuse.
# On a 2-core machine the CPU caps the gain, so read the CPU column beside the throughput. Needs the PostgreSQL and
# Redis the tests use (or none: the tests then start embedded ones). Takes 5-8 minutes.
# Options (defaults): BENCH_HUBS (3), BENCH_PRODUCTS (10000), BENCH_RATE (100 requests/s, the highest allowed),
# BENCH_DEALS (600), BENCH_SUBSCRIBERS (100), BENCH_GLOBAL (400 msg/s).
set -e
cd "$(dirname "$0")/../.."
./mvnw -B -q test -Dtest='PriceScaleOutBench,TelegramScaleOutBench' -Dsurefire.failIfNoSpecifiedTests=false -DargLine= \
  -Dbench=true \
  -Dbench.hubs="${BENCH_HUBS:-3}" \
  -Dbench.products="${BENCH_PRODUCTS:-10000}" \
  -Dbench.rate="${BENCH_RATE:-100}" \
  -Dbench.deals="${BENCH_DEALS:-600}" \
  -Dbench.subscribers="${BENCH_SUBSCRIBERS:-100}" \
  -Dbench.global-per-second="${BENCH_GLOBAL:-400}" >/dev/null 2>&1 || status=$?
for bench in io.caravan.amazon.PriceScaleOutBench io.caravan.telegram.TelegramScaleOutBench; do
  out="target/surefire-reports/$bench-output.txt"
  if [ -f "$out" ]; then
    sed -n '/^== scale-out/,$p' "$out" | grep -E '^(== scale|hubs |[0-9]+ +[0-9]|machine )'
  else
    echo "$bench: no output (see target/surefire-reports)"
  fi
done
exit "${status:-0}"
