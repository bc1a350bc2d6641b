#!/usr/bin/env bash
# Builds every action's ncc bundle: src/index.ts -> dist/index.js and, where the action has a post
# step, src/post.ts -> dist/post/index.js. Always with the pinned Node 24 and ncc from the
# lockfile, so the bundle is the same on every machine (ncc output varies across Node versions).
#   scripts/build-actions.sh              build into each actions/<name>/dist
#   scripts/build-actions.sh --out DIR    build into DIR/<name>/dist (for the staleness check)
#   scripts/build-actions.sh NAME...      build only these actions
# Each action's tsconfig.json sets "module": "esnext" (with "moduleResolution": "bundler") for
# this build only: ncc then sees real ES modules, so an `await import(...)` becomes a chunk of its
# own (dist/<n>.index.js) that loads only on the path that needs it (with CommonJS output TypeScript
# turns it into a require(), and the whole AWS SDK lands in dist/index.js, loaded by every run),
# and webpack concatenates the modules instead of wrapping each one. Type checking and the tests
# still see CommonJS (the root tsconfig, swc).
# ncc runs with --no-cache: its default webpack cache (~/.cache/ncc, keyed by the directory) would
# let state left by an earlier build on this machine into the bundle, so a build here and on a fresh
# machine could differ; without it a build takes as long (about 90 s for all ten, measured).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT=""
if [[ "${1:-}" == "--out" ]]; then OUT="$2"; shift 2; fi
ONLY=("$@")
NODE="$ROOT/.tools/bin/node24"
NCC="$ROOT/node_modules/@vercel/ncc/dist/ncc/cli.js"
TERSER="$ROOT/node_modules/terser/bin/terser"
[[ -x "$NODE" && -f "$NCC" ]] || { echo "missing node24 or ncc: run bash scripts/bootstrap.sh" >&2; exit 1; }

# ncc and terser run with an environment of their own (no NODE_OPTIONS, NODE_PATH, NODE_ENV or
# anything else of the caller's), so that a developer's shell and CI build the same bytes.
clean() { env -i PATH=/usr/bin:/bin HOME="${HOME:-/root}" LANG=C.UTF-8 TMPDIR="${TMPDIR:-/tmp}" "$@"; }

for dir in "$ROOT"/actions/*/; do
  name="$(basename "$dir")"
  [[ -f "$dir/action.yml" && -f "$dir/src/index.ts" ]] || continue
  if ((${#ONLY[@]})) && [[ ! " ${ONLY[*]} " == *" $name "* ]]; then continue; fi
  dest="${OUT:+$OUT/$name/dist}"; dest="${dest:-$dir/dist}"
  rm -rf "$dest"
  (cd "$dir" && clean "$NODE" "$NCC" build src/index.ts -o "$dest" --quiet --no-cache --target es2022 --license licenses.txt)
  # Minified by terser here, not by ncc --minify: ncc's minifier leaves code nothing uses in
  # dist/index.js (all 48 of zod's message locales: about 300 KB where terser's compress leaves
  # 90 KB), and does not touch the lazily loaded chunks (dist/<n>.index.js) at all. Same pinned
  # Node and terser everywhere, so the output is the same.
  for file in "$dest"/*.js; do
    clean "$NODE" "$TERSER" "$file" --compress --mangle --comments false --output "$file.min" && mv "$file.min" "$file"
  done
  if [[ -f "$dir/src/post.ts" ]]; then
    (cd "$dir" && clean "$NODE" "$NCC" build src/post.ts -o "$dest/post" --quiet --no-cache --minify --target es2022 --license licenses.txt)
  fi
done
