#!/usr/bin/env bash
# Checks the Prometheus configuration and alert rules with promtool (Debian package: prometheus).
set -euo pipefail
cd "$(dirname "$0")"
promtool check config prometheus.yml
for rules in prometheus/*.yml; do
  promtool check rules "$rules"
done
if compgen -G "prometheus/tests/*.yml" >/dev/null; then
  promtool test rules prometheus/tests/*.yml
fi
