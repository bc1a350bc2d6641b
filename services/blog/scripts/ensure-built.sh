#!/usr/bin/env bash
# Builds the site into public/ unless public/ was built from the sources as they are now (a stamp
# holds the sha256 of the site's inputs: a build from older sources is rebuilt, so a test never
# checks a stale site). Tests of several packages need the built site and run in parallel: the
# lock makes the second wait for the first build, not race it.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$HERE"
exec 9>"$HERE/.build.lock"
flock 9
sources=()
for path in src content static gatsby-config.js gatsby-node.js package.json ../../pnpm-lock.yaml; do
  [[ -e "$path" ]] && sources+=("$path")
done
inputs="$(find "${sources[@]}" -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)"
stamp="$HERE/.built-from"
if [[ ! -f "$HERE/public/index.html" || "$(cat "$stamp" 2>/dev/null)" != "$inputs" ]]; then
  echo "building the blog (public/ is missing or was built from other sources)" >&2
  GATSBY_TELEMETRY_DISABLED=1 CI=true pnpm run build >&2
  echo "$inputs" >"$stamp"
fi
