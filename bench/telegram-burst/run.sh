#!/usr/bin/env sh
# Telegram burst benchmark: 1,000 deals to 3 channels + 200 subscribers through a whole hub, against a local Bot API
# stub that enforces the limits configured for the run (429 and a count for anything over). Then a trickle under
# the limits for event-to-send latency. Needs the local PostgreSQL the tests use (PGHOST/PGPORT/PGDATABASE/PGUSER).
# Options (defaults): BENCH_DEALS (1000), BENCH_SUBSCRIBERS (200), BENCH_CAP (10 messages per subscriber per day),
# BENCH_GLOBAL (25/s), BENCH_GROUP_PER_MINUTE (600; Telegram's 20 would take 17 minutes for 333 posts a channel),
# BENCH_PRIVATE (1/s), BENCH_TRICKLE (30 deals), BENCH_CHARTS (true: every deal's product has history, so every
# post carries its price chart; prints render time p50/p99 and PNG bytes).
set -e
cd "$(dirname "$0")/../.."
./mvnw -B -q test -Dtest=TelegramBurstBench -Dsurefire.failIfNoSpecifiedTests=false -DargLine= \
  -Dbench=true \
  -Dbench.deals="${BENCH_DEALS:-1000}" \
  -Dbench.subscribers="${BENCH_SUBSCRIBERS:-200}" \
  -Dbench.cap="${BENCH_CAP:-10}" \
  -Dbench.global-per-second="${BENCH_GLOBAL:-25}" \
  -Dbench.group-per-minute="${BENCH_GROUP_PER_MINUTE:-600}" \
  -Dbench.private-per-second="${BENCH_PRIVATE:-1}" \
  -Dbench.trickle-deals="${BENCH_TRICKLE:-30}" \
  -Dbench.charts="${BENCH_CHARTS:-true}" >/dev/null 2>&1 || status=$?
# Surefire sends test output to its report file.
grep -E '^(==|limits|delivered|queued|ratio|per 10 s|charts|over-limit|lost|duplicated|not sent|event to send|tail split|tail by place|tail events)' \
  target/surefire-reports/io.caravan.telegram.TelegramBurstBench-output.txt
exit "${status:-0}"
