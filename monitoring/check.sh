#!/usr/bin/env bash
# Checks the Prometheus configuration and alert rules with promtool (Debian package: prometheus).
set -euo pipefail
cd "$(dirname "$0")"
# prometheus.yml reads the hub's scrape token from the file docker/compose.yml writes at start; promtool wants the
# file to exist, so a placeholder stands in for the check when there is none.
token=/tmp/caravan-scrape-token
if [ ! -e "$token" ]; then
  printf 'placeholder' > "$token"
  trap 'rm -f "$token"' EXIT
fi
promtool check config prometheus.yml
for rules in prometheus/*.yml; do
  promtool check rules "$rules"
done
if compgen -G "prometheus/tests/*.yml" >/dev/null; then
  promtool test rules prometheus/tests/*.yml
fi
