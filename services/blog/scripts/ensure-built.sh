#!/usr/bin/env bash
# Builds the site into public/ unless it is there already. Tests of several packages need the
# built site and run in parallel: the lock makes the second wait for the first build, not race it.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec 9>"$HERE/.build.lock"
flock 9
if [[ ! -f "$HERE/public/index.html" ]]; then
  echo "building the blog (public/ is missing)" >&2
  (cd "$HERE" && GATSBY_TELEMETRY_DISABLED=1 CI=true pnpm run build >&2)
fi
