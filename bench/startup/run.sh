#!/usr/bin/env bash
# Start-up benchmark (issue 13): from `java -jar` to /actuator/health/readiness answering UP, and the idle RSS after
# it, with every flow (Metabase cards, Amazon, Telegram) configured against local fakes and every job scheduled for
# 03:00, so the hub is idle once up. Target: <= 5 s to ready and <= 350 MB idle RSS on an idle 2-core machine.
#
# Cases, each BENCH_RUNS times (min / median / max):
#   jar, JVM defaults        the migrated case with the JVM's own defaults (G1, C2), for comparison
#   jar, fresh database      a new schema each run: Flyway migrates everything, Quartz's tables included
#   jar, migrated database   one schema migrated before: Flyway only validates
#   jar + CDS                as above with the class-data-sharing archive of a training run: one start to ready
#                            and a stop under -XX:ArchiveClassesAtExit (docker/Dockerfile: the container's first
#                            run, -XX:+AutoCreateSharedArchive)
#   spring-boot:test-run     dev mode on embedded PostgreSQL and Redis (CARAVAN_EMBEDDED=always), from the mvnw
#                            command to ready; its first run creates the data folder, later ones continue on it
#
# The fakes run in a JVM of their own (BenchFakes.java) with the tests' PostgreSQL and Redis: the local ones,
# or embedded ones when none answers, so this runs on a machine with only a JDK (and curl). Schemas bench_startup_*
# are dropped at the end. Needs a built tree or Maven Central (it runs ./mvnw package).
#
# Where the time goes: StartupSteps.java prints the slowest start-up steps (Spring's BufferingApplicationStartup):
#   java -cp "target/test-classes:target/classes:$(cat target/bench-startup/test.cp)" bench/startup/StartupSteps.java \
#     --spring.config.additional-location=file:target/bench-startup/fakes.properties --caravan.db.schema=bench_startup_steps \
#     --caravan.admin.token=x --server.port=0 --management.server.port=     (with the fakes running)
#
# Options (environment):
#   BENCH_RUNS       runs per case (5)
#   BENCH_DEV_RUNS   spring-boot:test-run runs (2; 0 to skip)
#   BENCH_IDLE       seconds after ready before the RSS is read (10)
#   BENCH_BASELINE   1 (default) to include the JVM-defaults case, 0 to skip it
#   BENCH_PLAIN      1 (default) to include the jar without CDS, 0 to skip it
#   BENCH_JAVA_OPTS  JVM options of every hub run (default: the Dockerfile's, see below)
# The machine is shared: the load average is printed before and after; compare figures only at similar load.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${BENCH_RUNS:-5}"
DEV_RUNS="${BENCH_DEV_RUNS:-2}"
IDLE="${BENCH_IDLE:-10}"
# The hub's production JVM options (docker/Dockerfile, which also adds class-data sharing).
JAVA_OPTS="${BENCH_JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
OUT=target/bench-startup
mkdir -p "$OUT"
command -v curl >/dev/null || { echo "bench/startup needs curl" >&2; exit 1; }

echo "uptime before: $(uptime)"
./mvnw -B -q package -DskipTests
JAR="$(ls target/caravan-*.jar | grep -v -- '-plain' | head -1)"
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/test.cp" >/dev/null

rm -f "$OUT/fakes.properties"
java -cp "target/test-classes:target/classes:$(cat "$OUT/test.cp")" bench/startup/BenchFakes.java "$OUT/fakes.properties" \
  >"$OUT/fakes.log" 2>&1 &
FAKES=$!
HUB=
cleanup() {
  set +e
  [ -n "$HUB" ] && kill "$HUB" 2>/dev/null && wait "$HUB" 2>/dev/null
  # a hub started inside $(...) is known only by its pid file
  [ -f "$OUT/hub.pid" ] && kill "$(cat "$OUT/hub.pid")" 2>/dev/null
  rm -f "$OUT/hub.pid"
  kill "$FAKES" 2>/dev/null; wait "$FAKES" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
for _ in $(seq 1 600); do [ -f "$OUT/fakes.properties" ] && break; kill -0 "$FAKES" || { cat "$OUT/fakes.log"; exit 1; }; sleep 0.1; done
[ -f "$OUT/fakes.properties" ] || { echo "fakes did not come up; see $OUT/fakes.log" >&2; exit 1; }
grep -h "Tests use" "$OUT/fakes.log" || true

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

now_ms() { date +%s%3N; }

TICK="$(getconf CLK_TCK)"
# cpu_ms PID -> user+system CPU the process and its children used so far (a figure the machine's load hardly moves)
cpu_ms() {
  local total=0 p
  for p in $1 $(pgrep -P "$1" 2>/dev/null) $(for c in $(pgrep -P "$1" 2>/dev/null); do pgrep -P "$c"; done); do
    [ -r "/proc/$p/stat" ] || continue
    total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat") ))
  done
  echo $(( total * 1000 / TICK ))
}

# wait_ready PORT PID START_MS -> prints "ms-to-ready cpu-ms-to-ready" (or fails)
wait_ready() {
  local port=$1 pid=$2 start=$3
  for _ in $(seq 1 2400); do
    if curl -sf "http://127.0.0.1:$port/actuator/health/readiness" 2>/dev/null | grep -q '"status":"UP"'; then
      echo "$(( $(now_ms) - start )) $(cpu_ms "$pid")"; return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# rss_mb PID -> resident set of the process and its children (mvnw's forked JVM), MB
rss_mb() {
  local total=0 p
  for p in $1 $(pgrep -P "$1" 2>/dev/null) $(for c in $(pgrep -P "$1" 2>/dev/null); do pgrep -P "$c"; done); do
    total=$(( total + $(ps -o rss= -p "$p" 2>/dev/null || echo 0) ))
  done
  echo $(( total / 1024 ))
}

stats() { # label, then numbers
  local label=$1; shift
  local sorted; sorted=$(printf '%s\n' "$@" | sort -n)
  local n=$#; local min; min=$(echo "$sorted" | head -1); local max; max=$(echo "$sorted" | tail -1)
  local median; median=$(echo "$sorted" | sed -n "$(( (n + 1) / 2 ))p")
  printf '  %-34s min %6s  median %6s  max %6s\n' "$label" "$min" "$median" "$max"
}

# hub LOG SCHEMA [JVM options...] -> "ms cpu_ms rss_mb"
hub() {
  local log=$1 schema=$2; shift 2
  local port; port=$(free_port)
  local start; start=$(now_ms)
  # shellcheck disable=SC2086
  java $JAVA_OPTS "$@" -jar "$JAR" --spring.config.additional-location="file:$OUT/fakes.properties" \
    --caravan.db.schema="$schema" --caravan.admin.token=bench --caravan.instance-name="bench-$schema" \
    --server.port="$port" --management.server.port= >"$log" 2>&1 &
  HUB=$!; echo "$HUB" >"$OUT/hub.pid"
  local ms; if ! ms=$(wait_ready "$port" "$HUB" "$start"); then echo "hub did not get ready; see $log" >&2; tail -30 "$log" >&2; exit 1; fi
  sleep "$IDLE"
  local rss; rss=$(rss_mb "$HUB")
  kill "$HUB"; wait "$HUB" 2>/dev/null || true; HUB=; rm -f "$OUT/hub.pid"
  echo "$ms $rss"
}

run_case() { # label, schema-kind (fresh|migrated), JVM options...
  local label=$1 kind=$2; shift 2
  local times=() cpus=() rss=() i result
  for i in $(seq 1 "$RUNS"); do
    local schema="bench_startup_migrated"
    [ "$kind" = fresh ] && schema="bench_startup_$(date +%s%N | tail -c 9)"
    result=$(hub "$OUT/hub-${label// /_}-$i.log" "$schema" "$@")
    read -r t c r <<<"$result"
    times+=("$t"); cpus+=("$c"); rss+=("$r")
  done
  stats "$label: ms to ready" "${times[@]}"
  stats "$label: CPU ms to ready" "${cpus[@]}"
  stats "$label: idle RSS MB" "${rss[@]}"
}

hub "$OUT/hub-migrate.log" bench_startup_migrated >/dev/null # migrate the schema the "migrated" cases use
if [ "${BENCH_BASELINE:-1}" = 1 ]; then
  echo "== jar, JVM defaults (G1, C2), for comparison"
  OPTS_SAVED="$JAVA_OPTS"; JAVA_OPTS=""
  run_case "defaults, migrated database" migrated
  JAVA_OPTS="$OPTS_SAVED"
fi
if [ "${BENCH_PLAIN:-1}" = 1 ]; then
  echo "== jar, JVM options: $JAVA_OPTS"
  run_case "fresh database" fresh
  run_case "migrated database" migrated
fi

echo "== jar with class-data sharing"
rm -rf "$OUT/cds"
java -Djarmode=tools -jar "$JAR" extract --destination "$OUT/cds" >/dev/null
CDS_JAR="$(ls "$OUT"/cds/caravan-*.jar)"
JAR_PLAIN="$JAR"; JAR="$CDS_JAR"
# Training: one whole start to ready, then a normal stop, which writes the archive. It holds every class of the
# start-up, Camel's routes and Tomcat's start included, which a -Dspring.context.exit=onRefresh run stops before.
hub "$OUT/cds-training.log" bench_startup_migrated -XX:ArchiveClassesAtExit="$OUT/cds/caravan.jsa" >/dev/null
[ -f "$OUT/cds/caravan.jsa" ] || { echo "the training run wrote no archive; see $OUT/cds-training.log" >&2; exit 1; }
run_case "CDS, fresh database" fresh -XX:SharedArchiveFile="$OUT/cds/caravan.jsa"
run_case "CDS, migrated database" migrated -XX:SharedArchiveFile="$OUT/cds/caravan.jsa"
JAR="$JAR_PLAIN"

if [ "$DEV_RUNS" -gt 0 ]; then
  echo "== ./mvnw spring-boot:test-run on embedded PostgreSQL and Redis (CARAVAN_EMBEDDED=always)"
  rm -rf "$OUT/dev-postgres" "$OUT/dev-postgres.log"
  times=(); cpus=(); rss=()
  for i in $(seq 1 "$DEV_RUNS"); do
    port=$(free_port); start=$(now_ms)
    CARAVAN_EMBEDDED=always ./mvnw -B -o -q spring-boot:test-run \
      -Dspring-boot.run.arguments="--server.port=$port --management.server.port= --caravan.embedded.data-dir=$OUT/dev-postgres" \
      >"$OUT/dev-$i.log" 2>&1 &
    HUB=$!
    if ! ready=$(wait_ready "$port" "$HUB" "$start"); then echo "dev hub did not get ready; see $OUT/dev-$i.log" >&2; exit 1; fi
    sleep "$IDLE"
    rss+=("$(rss_mb "$HUB")"); times+=("${ready% *}"); cpus+=("${ready#* }")
    pkill -TERM -P "$HUB" 2>/dev/null || true; kill "$HUB" 2>/dev/null || true; wait "$HUB" 2>/dev/null || true; HUB=
    grep -h "dev mode: embedded" "$OUT/dev-$i.log" | sed 's/^.*dev mode: /    /' | head -2
  done
  stats "test-run: ms to ready" "${times[@]}"
  stats "test-run: CPU ms (mvnw + hub)" "${cpus[@]}"
  stats "test-run: RSS MB (mvnw + hub)" "${rss[@]}"
fi
echo "uptime after:  $(uptime)"
