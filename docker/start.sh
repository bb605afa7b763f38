#!/bin/sh
# The container's entry point: the hub on JDK 25 with its ahead-of-time cache (JEP 483, 514, 515: classes loaded
# and linked, and their profiles, from a training run). Training needs what the start-up opens (PostgreSQL for
# Flyway and Quartz), which an image build does not have, so the container trains itself: a start without a cache
# records one (-XX:AOTCacheOutput) that the JVM writes when the hub stops (give it the time: compose's
# stop_grace_period); every later start maps it (-XX:AOTCache). A cache that is missing, partly written or made by
# another JDK build is reported and skipped (AOTMode auto): the hub then starts as without it.
# CARAVAN_AOT=off runs without cache and training; CARAVAN_AOT_CACHE moves the file (default /app/aot/caravan.aot).
# Spring AOT: the jar's bean definitions, made at image build for the flows of CARAVAN_AOT_SETTINGS, are used
# (-Dspring.aot.enabled=true) unless CARAVAN_SPRING_AOT=off; a hub whose flows, profiles or management port differ
# from the build's starts without them on its own (io.caravan.core.SpringAotGuard logs why).
set -eu
cache="${CARAVAN_AOT_CACHE:-/app/aot/caravan.aot}"
case "${CARAVAN_SPRING_AOT:-on}" in
  on) spring_aot="-Dspring.aot.enabled=true" ;;
  off) spring_aot="-Dspring.aot.enabled=false" ;;
  *) echo "CARAVAN_SPRING_AOT=${CARAVAN_SPRING_AOT}: expected on or off" >&2; exit 2 ;;
esac
case "${CARAVAN_AOT:-on}" in
  off) exec java "$spring_aot" -jar /app/caravan.jar "$@" ;;
  on) ;;
  *) echo "CARAVAN_AOT=${CARAVAN_AOT}: expected on or off" >&2; exit 2 ;;
esac
if [ -s "$cache" ]; then
  exec java -XX:AOTCache="$cache" "$spring_aot" -jar /app/caravan.jar "$@"
fi
echo "caravan: no AOT cache at $cache yet; this run trains one, written when the hub stops" >&2
exec java -XX:AOTCacheOutput="$cache" "$spring_aot" -jar /app/caravan.jar "$@"
