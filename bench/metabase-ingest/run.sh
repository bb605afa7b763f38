#!/usr/bin/env bash
# Metabase ingest benchmark, through the hub's real client and loader (HTTP stream → COPY → one replace transaction)
# in a JVM with -Xmx256m, against psql \copy of the same bytes in the same run, the order alternating pair by pair:
#   one card:    a 1,000,000-row x 12-column card                    → ratio sync / \copy (median, target <= 1.10)
#   eight cards: 8 such cards at once, max-parallel 8, pooled DB     → ratio 8 cards / 8 parallel \copy (throughput,
#                against 8 parallel psql \copy of the same file         median, goal >= 0.9), peak heap (<= 256 MiB)
#   10M card:    one card of 10,000,000 rows (the file ten times)    → peak heap MiB (<= 64: the export streams)
# Needs the local PostgreSQL the tests use (PGHOST/PGPORT/PGDATABASE/PGUSER), psql and python3.
# BENCH_PAIRS (default 3) pairs per case; BENCH_CASES (default one,eight,big) picks cases.
# Disk: the 125 MB CSV in target/bench (kept for the next run), at most ~3 GB of tables while it runs, all dropped.
# The machine may be shared: every figure comes with the load average; compare medians, not single runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=1000000
WORK="target/bench/metabase-ingest"
mkdir -p "$WORK"
PREFIX="$WORK/card-$ROWS"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGDATABASE="${PGDATABASE:-test}" PGUSER="${PGUSER:-postgres}"

if [ ! -s "$PREFIX.csv" ]; then
  echo "generating $ROWS rows ..."
  python3 bench/metabase-ingest/generate.py "$ROWS" "$PREFIX"
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 bench/metabase-ingest/serve.py "$PORT" "$PREFIX" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT

echo "load before: $(uptime)"
./mvnw -B -q test-compile >/dev/null
./mvnw -B -q surefire:test -Dtest=MetabaseIngestBench -Dsurefire.failIfNoSpecifiedTests=false -Dbench=true \
  -DargLine="-Xmx256m" -Dbench.url="http://127.0.0.1:$PORT" -Dbench.rows="$ROWS" -Dbench.csv="$PWD/$PREFIX.csv" \
  -Dbench.pairs="${BENCH_PAIRS:-3}" -Dbench.cases="${BENCH_CASES:-one,eight,big}" >/dev/null 2>&1 || status=$?
OUT=target/surefire-reports/io.caravan.metabase.MetabaseIngestBench-output.txt
grep -E '^(==|one card|eight cards|ratio|8 cards|10M)' "$OUT" || { echo "bench failed, see $OUT"; tail -40 "$OUT"; exit 1; }
echo "load after: $(uptime)"
exit "${status:-0}"
