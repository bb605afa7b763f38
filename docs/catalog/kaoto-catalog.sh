#!/usr/bin/env bash
# Builds a Kaoto catalog library that knows Caravan's six endpoints: Kaoto's default catalog (npm package
# @kaoto/camel-catalog) with kaoto-components.json (generated beside this script by RouteEndpointsCatalogTest) merged
# into the components of each Camel Spring Boot 4.x runtime. Point Kaoto at the result: setting kaoto.catalog.url =
# the printed index.json (a file: URL, or serve the folder over HTTP).
# Usage: docs/catalog/kaoto-catalog.sh OUT_DIR   (needs npm and jq)
set -euo pipefail
out=${1:?usage: $0 OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
version=${KAOTO_CATALOG_VERSION:-0.10.4}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "@kaoto/camel-catalog@$version" --silent >/dev/null && tar xzf kaoto-camel-catalog-*.tgz)
mkdir -p "$out"
cp -R "$work/package/dist/camel-catalog/." "$out/"
for index in "$out"/camel-springboot/4.*/index-*.json; do
  dir=$(dirname "$index")
  components="$dir/$(jq -r '.catalogs.components.file' "$index")"
  jq -s '.[0] * .[1]' "$components" "$here/kaoto-components.json" > "$components.new" && mv "$components.new" "$components"
  echo "added Caravan's endpoints to $(basename "$dir") ($(jq 'length' "$components") components)"
done
echo "kaoto.catalog.url: file://$(cd "$out" && pwd)/index.json"
