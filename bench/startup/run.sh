#!/usr/bin/env bash
# Start-up benchmark: from `java -jar` to /actuator/health/readiness answering UP, and the idle RSS after it, with
# every flow (Metabase cards, Amazon, Telegram) configured against local fakes and every job scheduled for 03:00, so
# the hub is idle once up. Goals on an idle 2-core machine: <= 2.5 s with JDK 25's AOT cache, <= 8 s plain, idle
# RSS <= 300 MB. One line per variant, `start <variant>: median S s, RSS M MB`, then min/median/max, the CPU it took
# and the ratio to its goal:
#   plain-17   the fat jar on JDK 17 (what the build targets), no archive of any kind; the jar is built with -Paot
#              (pom.xml), so it starts from Spring AOT's bean definitions made for every flow on (the fakes' settings).
#              As any `java -jar` of it, it starts from the copy of its extracted layout that its first start made
#              (io.caravan.core.ExtractedLaunch; here in target/bench-startup/launch, made by the schema's migration run)
#   plain-17-first  the same, each run on an empty cache: a first start, which extracts the jar (about 90 MB) first
#   plain-17-nested  the fat jar started from its nested jars, -Dcaravan.launch.extract=false (every plain start
#              before ExtractedLaunch)
#   extracted-17  the extracted jar (docker/Dockerfile's layout: caravan.jar naming lib/*.jar) on JDK 17, no archive:
#              the same start without the fat jar's nested-jar class loading (docs/startup.md)
#   aot-25     the container's start: the extracted jar on JDK 25 with Spring AOT's bean definitions and the AOT
#              cache (JEP 483/514/515) of a training run: one start to ready and a stop under -XX:AOTCacheOutput
#              (docker/Dockerfile: the container's first run, start.sh)
#   plain-17-no-spring-aot, aot-25-no-spring-aot  the same with -Dspring.aot.enabled=false: from the configuration
#              classes, as every jar started before -Paot (run only when named in BENCH_VARIANTS)
#   cds-21     the extracted jar on JDK 21 with the class-data-sharing archive of a training run
#              (-XX:ArchiveClassesAtExit); where no JDK 21 can be found or installed it says so and cds-25 runs in
#              its place
#   cds-25     the same archive on JDK 25 (CDS without the AOT cache: what the cache adds over it)
#   dev        ./mvnw spring-boot:test-run on embedded PostgreSQL and Redis (CARAVAN_EMBEDDED=always), from the mvnw
#              command to ready; its first run creates the data folder, later ones continue on it
# The jar variants run in turns (plain, aot, cds, plain, ...), so each round's figures share the machine's load; all
# on one schema migrated before (Flyway only validates, as on a restart). JVM options as in the Dockerfile.
#
# The fakes run in a JVM of their own (BenchFakes.java) with the tests' PostgreSQL and Redis: the local ones,
# or embedded ones when none answers, so this runs on a machine with only JDKs and bash. Schemas bench_startup_*
# are dropped at the end. Needs a built tree or Maven Central (it runs ./mvnw package).
#
# Where the time goes: StartupSteps.java prints the slowest start-up steps (Spring's BufferingApplicationStartup):
#   java -cp "target/test-classes:target/classes:$(cat target/bench-startup/test.cp)" bench/startup/StartupSteps.java \
#     --spring.config.additional-location=file:target/bench-startup/fakes.properties --caravan.db.schema=bench_startup_steps \
#     --caravan.admin.token=x --server.port=0 --management.server.port=     (with the fakes running)
#
# Options (environment):
#   BENCH_RUNS        runs per jar variant (5)
#   BENCH_DEV_RUNS    spring-boot:test-run runs (2; 0 to skip)
#   BENCH_IDLE        seconds after ready before the RSS is read (10)
#   BENCH_RECORD_PRELOAD=true   only record the classes a start loads up to ready (the fat jar on JDK 17, preloading
#                     off) and write them to src/main/resources/META-INF/caravan/preload-classes.txt, the list
#                     io.caravan.core.ClassPreloader loads on a second thread at start (docs/startup.md); run it after
#                     a library update (ClassPreloaderTest says when)
#   BENCH_VARIANTS    jar variants to run ("plain-17 plain-17-first plain-17-nested extracted-17 aot-25 cds-21"; also
#                     plain-17-no-spring-aot, aot-25-no-spring-aot and cds-25)
#   BENCH_JAVA_OPTS   JVM options of every hub run (default: the Dockerfile's, see below)
#   JAVA17_HOME, JAVA21_HOME, JAVA25_HOME (or CARAVAN_JDK25_HOME)   the JDKs; else found under /usr/lib/jvm (and
#                     JDK 17 from PATH); a missing JDK 21 is installed from Debian's openjdk-21-jre-headless if the
#                     package exists and this runs as root
# The machine is shared: the load average is printed before and after; compare figures only at similar load.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${BENCH_RUNS:-5}"
DEV_RUNS="${BENCH_DEV_RUNS:-2}"
IDLE="${BENCH_IDLE:-10}"
VARIANTS="${BENCH_VARIANTS:-plain-17 plain-17-first plain-17-nested extracted-17 aot-25 cds-21}"
# The hub's production JVM options (docker/Dockerfile, which also adds the AOT cache).
JAVA_OPTS="${BENCH_JAVA_OPTS:--Xms128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
OUT=target/bench-startup
mkdir -p "$OUT"

# jdk VERSION [HOME...] -> the java binary of the first given home, else of PATH's java, else of /usr/lib/jvm/*,
# whose java.specification.version is VERSION
jdk() {
  local version=$1 home java; shift
  for home in "$@" "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")" /usr/lib/jvm/*; do
    java="$home/bin/java"
    [ -n "$home" ] && [ -x "$java" ] || continue
    if "$java" -XshowSettings:properties -version 2>&1 | grep -q "java.specification.version = $version\$"; then
      echo "$java"; return 0
    fi
  done
  return 1
}
J17="$(jdk 17 "${JAVA17_HOME:-}")" || { echo "bench/startup needs a JDK 17 (JAVA17_HOME, PATH or /usr/lib/jvm)" >&2; exit 1; }
J25="$(jdk 25 "${JAVA25_HOME:-}" "${CARAVAN_JDK25_HOME:-}")" || J25=
J21="$(jdk 21 "${JAVA21_HOME:-}")" || J21=
if [ -z "$J21" ] && [[ " $VARIANTS " == *" cds-21 "* ]] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null \
    && [ -n "$(apt-cache madison openjdk-21-jre-headless 2>/dev/null)" ]; then
  echo "Installing a JDK 21 for cds-21 (Debian package openjdk-21-jre-headless)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-21-jre-headless \
    >"$OUT/apt-jdk21.log" 2>&1 || echo "  could not install it; see $OUT/apt-jdk21.log"
  J21="$(jdk 21)" || J21=
fi
echo "JDK 17: $J17"; echo "JDK 21: ${J21:-none}"; echo "JDK 25: ${J25:-none}"

echo "uptime before: $(uptime)"
# -Paot: Spring AOT's bean definitions for every flow on (pom.xml caravan.aot.settings), used by every variant but
# the *-no-spring-aot ones (the jar's spring.properties turns them on; the fakes configure every flow).
./mvnw -B -q -Paot package -DskipTests
JAR="$(ls target/caravan-*.jar | grep -v -- '-plain' | head -1)"
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/test.cp" >/dev/null

rm -f "$OUT/fakes.properties"
"$J17" -cp "target/test-classes:target/classes:$(cat "$OUT/test.cp")" bench/startup/BenchFakes.java "$OUT/fakes.properties" \
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

# Under Linux's ephemeral range (32768+): a port a client connection uses answers no connect but cannot be bound.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
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

# ready PORT -> whether /actuator/health/readiness answers UP. Bash's own /dev/tcp and read, no process per poll: a
# curl and a sleep every 50 ms took ~30 ms of CPU per poll, a third of a core competing with the start it measured
# (its main thread waited 0.7 s for a core; aot-25 read 3.9 s with curl, 3.1 s with this, docs/startup.md).
ready() {
  local resp=
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'GET /actuator/health/readiness HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 || { exec 3>&-; return 1; }
  IFS= read -r -d '' -t 5 resp <&3 || true
  exec 3>&-
  [[ $resp == *'"status":"UP"'* ]]
}

# wait_ready PORT PID START_MS -> prints "ms-to-ready cpu-ms-to-ready" (or fails)
wait_ready() {
  local port=$1 pid=$2 start=$3 nap
  trap '' PIPE # a hub that drops a poll's connection fails that poll, not this (sub)shell
  exec {nap}<> <(:) # a pipe nobody writes: read -t on it sleeps without starting a process
  for _ in $(seq 1 2400); do
    if ready "$port"; then
      echo "$(( $(now_ms) - start )) $(cpu_ms "$pid")"; return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    read -r -t 0.05 -u "$nap" _ || true
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

# hub JAVA JAR LOG [JVM options...] -> "ms cpu_ms rss_mb" of a start on the migrated schema
hub() {
  local java=$1 jar=$2 log=$3; shift 3
  local port; port=$(free_port)
  local start; start=$(now_ms)
  # shellcheck disable=SC2086
  "$java" $JAVA_OPTS "$@" -jar "$jar" --spring.config.additional-location="file:$OUT/fakes.properties" \
    --caravan.db.schema=bench_startup_migrated --caravan.admin.token=bench --caravan.instance-name=bench-startup \
    --server.port="$port" --management.server.port= >"$log" 2>&1 &
  HUB=$!; echo "$HUB" >"$OUT/hub.pid"
  local ready; if ! ready=$(wait_ready "$port" "$HUB" "$start"); then echo "hub did not get ready; see $log" >&2; tail -30 "$log" >&2; exit 1; fi
  sleep "$IDLE"
  local rss; rss=$(rss_mb "$HUB")
  # A training run writes its cache or archive at exit: wait for it (the AOT cache is assembled in a child JVM).
  kill "$HUB"; wait "$HUB" 2>/dev/null || true; HUB=; rm -f "$OUT/hub.pid"
  echo "$ready $rss"
}

declare -A TIMES CPUS RSS GOAL CDS_JAVA
GOAL[plain-17]=8000; GOAL[plain-17-first]=8000; GOAL[plain-17-nested]=8000; GOAL[extracted-17]=8000; GOAL[plain-17-no-preload]=8000; GOAL[extracted-17-no-preload]=8000; GOAL[aot-25-no-preload]=2500; GOAL[aot-25]=2500; GOAL[aot-25-no-spring-aot]=2500; GOAL[plain-17-no-spring-aot]=8000; GOAL[cds-21]=8000; GOAL[cds-25]=8000; GOAL[dev]=
RSS_GOAL=300

report() { # variant, then "ms cpu rss" triples in TIMES/CPUS/RSS
  local variant=$1
  read -r -a t <<<"${TIMES[$variant]}"; read -r -a c <<<"${CPUS[$variant]}"; read -r -a r <<<"${RSS[$variant]}"
  local mt; mt=$(median "${t[@]}"); local mr; mr=$(median "${r[@]}")
  printf 'start %s: median %s s, RSS %s MB\n' "$variant" "$(awk -v ms="$mt" 'BEGIN { printf "%.1f", ms / 1000 }')" "$mr"
  stats "$variant: ms to ready" "${t[@]}"
  stats "$variant: CPU ms to ready" "${c[@]}"
  stats "$variant: idle RSS MB" "${r[@]}"
  local goal=${GOAL[$variant]:-}
  if [ -n "$goal" ]; then
    printf '  %-34s %s (goal %s ms), RSS %s (goal %s MB)\n' "$variant: ratio to goal" \
      "$(awk -v a="$mt" -v b="$goal" 'BEGIN { printf "%.2f", a / b }')" "$goal" \
      "$(awk -v a="$mr" -v b="$RSS_GOAL" 'BEGIN { printf "%.2f", a / b }')" "$RSS_GOAL"
  fi
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

skip() { printf 'start %s: skipped (%s)\n' "$1" "$2"; }

# Migrate the schema every variant starts on (the first start on a fresh schema also creates Quartz's tables); as the
# jar's first start it also makes the extracted copy plain-17 starts from.
rm -rf "$OUT/launch" "$OUT"/launch-first-*
JAVA_OPTS="$JAVA_OPTS -Dcaravan.launch.cache=$OUT/launch"
hub "$J17" "$JAR" "$OUT/hub-migrate.log" >/dev/null

if [ "${BENCH_RECORD_PRELOAD:-false}" = true ]; then
  # A restart's classes up to ready, in load order: from the application's jars and the JDK's modules (not the JDK's
  # CDS archive, nor classes made at run time: CGLIB proxies, lambdas, hidden classes).
  rm -f "$OUT/class-load.log"
  hub "$J17" "$JAR" "$OUT/hub-record.log" -Dcaravan.preload=false -Dcaravan.launch.extract=false -Xlog:class+load=info:file="$OUT/class-load.log":uptime >/dev/null
  ready_s=$(sed -n 's/.*Started CaravanApplication in .* (process running for \([0-9.]*\)).*/\1/p' "$OUT/hub-record.log" | head -1)
  [ -n "$ready_s" ] || { echo "no 'Started CaravanApplication' in $OUT/hub-record.log" >&2; exit 1; }
  list=src/main/resources/META-INF/caravan/preload-classes.txt
  {
    echo "# The classes a start of the hub loads up to ready, in load order (io.caravan.core.ClassPreloader)."
    echo "# Made by BENCH_RECORD_PRELOAD=true bench/startup/run.sh (a -Paot jar, every flow on); do not edit."
    awk -v ready="$ready_s" '{ t = substr($1, 2) + 0 } t <= ready && ($NF ~ /^jar:nested:/ || $NF ~ /^jrt:\//) { print $(NF - 2) }' \
      "$OUT/class-load.log" | grep -v -e '[$][$]' -e '/'
  } >"$list"
  echo "wrote $(grep -vc '^#' "$list") class names to $list (loaded up to ready at ${ready_s} s)"
  exit 0
fi

# The AOT cache and the CDS archive need the extracted jar (a plain class path of lib/*.jar, not nested jars).
rm -rf "$OUT/extracted"
"$J17" -Djarmode=tools -jar "$JAR" extract --destination "$OUT/extracted" >/dev/null
XJAR="$(ls "$OUT"/extracted/caravan-*.jar)"
RUNNING=()
for variant in $VARIANTS; do
  case "$variant" in
    plain-17|plain-17-first|plain-17-nested|extracted-17|plain-17-no-spring-aot|plain-17-no-preload|extracted-17-no-preload) RUNNING+=("$variant") ;;
    aot-25-no-preload) case " $VARIANTS " in *" aot-25 "*) ;; *) echo "aot-25-no-preload needs aot-25 in BENCH_VARIANTS (its cache)" >&2; exit 2 ;; esac ;;
    aot-25)
      if [ -z "$J25" ]; then skip aot-25 "no JDK 25: JAVA25_HOME, CARAVAN_JDK25_HOME or /usr/lib/jvm"; continue; fi
      # Training: one whole start to ready, then a normal stop, which writes the cache. It holds every class of the
      # start-up, Camel's routes and Tomcat's start included, which a -Dspring.context.exit=onRefresh run stops before.
      rm -f "$OUT/caravan.aot"
      hub "$J25" "$XJAR" "$OUT/aot-training.log" -XX:AOTCacheOutput="$OUT/caravan.aot" -Dspring.aot.enabled=true >/dev/null
      grep -q "Starting AOT-processed" "$OUT/aot-training.log" \
        || echo "aot-25: the hub started without Spring AOT's beans (SpringAotGuard's warning in $OUT/aot-training.log)" >&2
      if [ -s "$OUT/caravan.aot" ]; then
        RUNNING+=("$variant"); case " $VARIANTS " in *" aot-25-no-preload "*) RUNNING+=(aot-25-no-preload) ;; esac
      else skip aot-25 "the training run wrote no cache; see $OUT/aot-training.log"; fi ;;
    aot-25-no-spring-aot)
      if [ -z "$J25" ]; then skip "$variant" "no JDK 25: JAVA25_HOME, CARAVAN_JDK25_HOME or /usr/lib/jvm"; continue; fi
      rm -f "$OUT/caravan-no-spring-aot.aot"
      hub "$J25" "$XJAR" "$OUT/aot-no-spring-aot-training.log" -XX:AOTCacheOutput="$OUT/caravan-no-spring-aot.aot" \
        -Dspring.aot.enabled=false >/dev/null
      if [ -s "$OUT/caravan-no-spring-aot.aot" ]; then RUNNING+=("$variant"); else skip "$variant" "the training run wrote no cache; see $OUT/aot-no-spring-aot-training.log"; fi ;;
    cds-21|cds-25)
      if [ "$variant" = cds-21 ] && [ -z "$J21" ]; then
        skip cds-21 "no JDK 21: JAVA21_HOME or /usr/lib/jvm, and Debian has no openjdk-21-jre-headless here"
        # The same mechanism on JDK 25, so the CDS start is still measured (and its training checked).
        [[ " $VARIANTS " == *" cds-25 "* ]] && continue
        echo "  cds-25 runs in its place: the same archive on JDK 25"; variant=cds-25
      fi
      CDS_JAVA[$variant]="$J21"; [ "$variant" = cds-25 ] && CDS_JAVA[$variant]="$J25"
      if [ -z "${CDS_JAVA[$variant]}" ]; then skip cds-25 "no JDK 25: JAVA25_HOME, CARAVAN_JDK25_HOME or /usr/lib/jvm"; continue; fi
      rm -f "$OUT/caravan-$variant.jsa"
      hub "${CDS_JAVA[$variant]}" "$XJAR" "$OUT/$variant-training.log" -XX:ArchiveClassesAtExit="$OUT/caravan-$variant.jsa" >/dev/null
      if [ -s "$OUT/caravan-$variant.jsa" ]; then RUNNING+=("$variant"); else skip "$variant" "the training run wrote no archive; see $OUT/$variant-training.log"; fi ;;
    *) echo "BENCH_VARIANTS: unknown variant $variant (plain-17, plain-17-first, plain-17-nested, plain-17-no-spring-aot, extracted-17, aot-25, aot-25-no-spring-aot, cds-21, cds-25)" >&2; exit 2 ;;
  esac
done

for i in $(seq 1 "$RUNS"); do
  for variant in ${RUNNING[@]+"${RUNNING[@]}"}; do
    case "$variant" in
      plain-17) result=$(hub "$J17" "$JAR" "$OUT/hub-$variant-$i.log") ;;
      plain-17-first) result=$(hub "$J17" "$JAR" "$OUT/hub-$variant-$i.log" -Dcaravan.launch.cache="$OUT/launch-first-$i")
        rm -rf "$OUT/launch-first-$i" ;;
      plain-17-nested) result=$(hub "$J17" "$JAR" "$OUT/hub-$variant-$i.log" -Dcaravan.launch.extract=false) ;;
      plain-17-no-spring-aot) result=$(hub "$J17" "$JAR" "$OUT/hub-$variant-$i.log" -Dspring.aot.enabled=false) ;;
      extracted-17) result=$(hub "$J17" "$XJAR" "$OUT/hub-$variant-$i.log") ;;
      plain-17-no-preload) result=$(hub "$J17" "$JAR" "$OUT/hub-$variant-$i.log" -Dcaravan.preload=false) ;;
      extracted-17-no-preload) result=$(hub "$J17" "$XJAR" "$OUT/hub-$variant-$i.log" -Dcaravan.preload=false) ;;
      aot-25-no-preload) result=$(hub "$J25" "$XJAR" "$OUT/hub-$variant-$i.log" -XX:AOTCache="$OUT/caravan.aot" -Dspring.aot.enabled=true \
        -Dcaravan.preload=false) ;;
      aot-25) result=$(hub "$J25" "$XJAR" "$OUT/hub-$variant-$i.log" -XX:AOTCache="$OUT/caravan.aot" -Dspring.aot.enabled=true) ;;
      aot-25-no-spring-aot) result=$(hub "$J25" "$XJAR" "$OUT/hub-$variant-$i.log" -XX:AOTCache="$OUT/caravan-no-spring-aot.aot" \
        -Dspring.aot.enabled=false) ;;
      cds-21|cds-25) result=$(hub "${CDS_JAVA[$variant]}" "$XJAR" "$OUT/hub-$variant-$i.log" -XX:SharedArchiveFile="$OUT/caravan-$variant.jsa") ;;
    esac
    read -r t c r <<<"$result"
    TIMES[$variant]+="$t "; CPUS[$variant]+="$c "; RSS[$variant]+="$r "
  done
done
for variant in ${RUNNING[@]+"${RUNNING[@]}"}; do report "$variant"; done

if [ "$DEV_RUNS" -gt 0 ]; then
  rm -rf "$OUT/dev-postgres" "$OUT/dev-postgres.log"
  for i in $(seq 1 "$DEV_RUNS"); do
    port=$(free_port); start=$(now_ms)
    CARAVAN_EMBEDDED=always ./mvnw -B -o -q spring-boot:test-run \
      -Dspring-boot.run.arguments="--server.port=$port --management.server.port= --caravan.embedded.data-dir=$OUT/dev-postgres" \
      >"$OUT/dev-$i.log" 2>&1 &
    HUB=$!
    if ! ready=$(wait_ready "$port" "$HUB" "$start"); then echo "dev hub did not get ready; see $OUT/dev-$i.log" >&2; exit 1; fi
    sleep "$IDLE"
    RSS[dev]+="$(rss_mb "$HUB") "; TIMES[dev]+="${ready% *} "; CPUS[dev]+="${ready#* } "
    pkill -TERM -P "$HUB" 2>/dev/null || true; kill "$HUB" 2>/dev/null || true; wait "$HUB" 2>/dev/null || true; HUB=
  done
  report dev
  echo "  (dev: mvnw's JVM and the hub's, RSS of both)"
else
  skip dev "BENCH_DEV_RUNS=0"
fi
echo "uptime after:  $(uptime)"
