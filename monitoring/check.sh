#!/usr/bin/env bash
# Checks the Prometheus configuration and alert rules with promtool (Debian package: prometheus), and
# Alertmanager's configuration with amtool (Debian package: prometheus-alertmanager).
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

# Alertmanager's configuration, rendered as docker compose renders it (Debian package: prometheus-alertmanager).
rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT
(set -a; . alertmanager/example.env; set +a; sh alertmanager/start.sh alertmanager.yml "$rendered")
amtool check-config "$rendered"
# Routing by severity: a hub down pages by Slack and e-mail, a degraded hub by Slack only.
route() { amtool config routes test --config.file="$rendered" --verify.receivers="$1" "${@:2}" >/dev/null 2>&1 \
  || { echo "alertmanager.yml: ${*:2} should go to $1" >&2; exit 1; }; }
route slack-and-email severity=critical alertname=CaravanHubDown
route slack severity=warning alertname=CaravanJobFailing
route slack alertname=SomethingWithoutSeverity
echo "alertmanager.yml routes: critical → slack-and-email, warning → slack"
