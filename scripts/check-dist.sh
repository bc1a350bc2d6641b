#!/usr/bin/env bash
# Fails when a committed action bundle differs from what its sources build to, and says where:
# the files that differ and, for each, the first differing byte with the text around it in both
# (the bundles are minified to a few long lines, so a line diff would print whole bundles).
#   scripts/check-dist.sh            every action
#   scripts/check-dist.sh NAME...    only these actions
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
if ! bash "$ROOT/scripts/build-actions.sh" --out "$tmp" "$@"; then
  echo "::error::the action bundles did not build (output above); nothing was compared. Fix the build, then run: bash scripts/check-dist.sh" >&2
  exit 1
fi

# Prints the first difference of two files: its byte offset and up to 160 bytes from 80 before it.
first_difference() {
  local built="$1" committed="$2" offset
  offset="$(cmp "$built" "$committed" 2>/dev/null | awk '{print $5}' | tr -d ,)" || true
  if [[ -z "$offset" ]]; then
    # cmp says "EOF on <file>" when one is a prefix of the other.
    echo "    one is a prefix of the other: built $(stat -c %s "$built") bytes, committed $(stat -c %s "$committed") bytes" >&2
    return
  fi
  local from=$((offset > 80 ? offset - 80 : 1))
  echo "    first difference at byte $offset (sizes: built $(stat -c %s "$built"), committed $(stat -c %s "$committed"))" >&2
  echo "    built:     $(tail -c +"$from" "$built" | head -c 160 | tr '\n' ' ')" >&2
  echo "    committed: $(tail -c +"$from" "$committed" | head -c 160 | tr '\n' ' ')" >&2
}

stale=0
for built in "$tmp"/*/; do
  name="$(basename "$built")"
  committed="$ROOT/actions/$name/dist"
  if differences="$(diff -rq "$built/dist" "$committed" 2>&1)"; then continue; fi
  echo "::error file=actions/$name/dist/index.js::actions/$name/dist is out of date with its sources. Run: bash scripts/build-actions.sh $name, then commit actions/$name/dist." >&2
  while IFS= read -r line; do
    echo "  $line" >&2
    if [[ $line =~ ^Files\ (.+)\ and\ (.+)\ differ$ ]]; then first_difference "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"; fi
  done <<<"$differences"
  stale=1
done
exit "$stale"
