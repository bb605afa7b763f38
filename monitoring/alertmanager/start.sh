#!/bin/sh
# Alertmanager takes no environment variables in its configuration: copy alertmanager.yml with every
# ${ALERTMANAGER_...} replaced by that variable's value, then start Alertmanager on the copy. Runs in the
# prom/alertmanager image (busybox sh and sed) and in check.sh (with alertmanager/example.env).
set -eu
source_file=${1:?usage: start.sh CONFIG [OUTPUT]}
output=${2:-/tmp/alertmanager.yml}
cp "$source_file" "$output"
for name in $(grep -o '\${ALERTMANAGER_[A-Z_]*}' "$source_file" | sort -u | tr -d '${}'); do
  value=$(printenv "$name" || true)
  # sed's replacement treats \ & and the delimiter | specially; a YAML single-quoted string doubles its '.
  escaped=$(printf '%s' "$value" | sed -e "s/'/''/g" -e 's/[\\&|]/\\&/g')
  sed -i "s|\${$name}|$escaped|g" "$output"
done
if [ $# -lt 2 ]; then
  exec /bin/alertmanager --config.file="$output" --storage.path=/alertmanager
fi
