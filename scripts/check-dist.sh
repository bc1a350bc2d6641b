#!/usr/bin/env bash
# Fails when a committed action bundle differs from what its sources build to.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
bash "$ROOT/scripts/build-actions.sh" --out "$tmp"
stale=0
for built in "$tmp"/*/; do
  name="$(basename "$built")"
  if ! diff -rq "$built/dist" "$ROOT/actions/$name/dist" >/dev/null 2>&1; then
    echo "::error file=actions/$name/dist/index.js::actions/$name/dist is out of date with its sources. Run: pnpm build, then commit actions/$name/dist." >&2
    diff -rq "$built/dist" "$ROOT/actions/$name/dist" >&2 || true
    stale=1
  fi
done
exit "$stale"
