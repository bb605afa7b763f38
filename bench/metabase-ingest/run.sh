#!/usr/bin/env bash
# Metabase ingest benchmark: one sync of a 1,000,000-row x 12-column card served as a Metabase CSV export by a local
# process, through the hub's real client and loader (HTTP stream → COPY staging → one replace transaction) in a JVM
# with -Xmx256m, against psql \copy of the same bytes into an equal table in the same run.
# Needs the local PostgreSQL the tests use (PGHOST/PGPORT/PGDATABASE/PGUSER) and python3. BENCH_ROWS changes the size.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS="${BENCH_ROWS:-1000000}"
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

./mvnw -B -q test-compile >/dev/null
./mvnw -B -q surefire:test -Dtest=MetabaseIngestBench -Dsurefire.failIfNoSpecifiedTests=false -Dbench=true \
  -DargLine="-Xmx256m" -Dbench.url="http://127.0.0.1:$PORT" -Dbench.rows="$ROWS" >/dev/null 2>&1 || status=$?
OUT=target/surefire-reports/io.caravan.metabase.MetabaseIngestBench-output.txt
grep -E '^(==|sync|peak|bytes|rows)' "$OUT" || { echo "bench failed, see $OUT"; tail -40 "$OUT"; exit 1; }
SYNC_MS=$(grep -E "^sync ms [0-9]" "$OUT" | awk "{print \$3}")

# The physical limit: psql \copy of the same bytes into an equal (logged) table, no hub in between.
psql -q -v ON_ERROR_STOP=1 <<SQL >/dev/null
DROP SCHEMA IF EXISTS bench_copy CASCADE;
CREATE SCHEMA bench_copy;
CREATE TABLE bench_copy.orders (order_id bigint, vendor_id bigint, vendor_name text, city text, amount numeric,
  discount double precision, status text, delivered boolean, ordered_at timestamptz, order_day date, note text, items bigint);
SQL
START=$(date +%s%N)
psql -q -v ON_ERROR_STOP=1 -c "\\copy bench_copy.orders FROM '$PREFIX.csv' WITH (FORMAT csv, HEADER true)"
END=$(date +%s%N)
COPY_MS=$(( (END - START) / 1000000 ))
psql -q -c "DROP SCHEMA bench_copy CASCADE" >/dev/null
echo "psql \\copy ms: $COPY_MS"
awk -v s="$SYNC_MS" -v c="$COPY_MS" 'BEGIN { printf "ratio sync / \\copy: %.2f (target <= 1.10, issue 11)\n", s / c }'
exit "${status:-0}"
