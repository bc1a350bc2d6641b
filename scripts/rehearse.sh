#!/usr/bin/env bash
# The main job: rehearse the pipeline on this machine against the embedded local AWS.
# Installs what it needs first. See docs/local-rehearsal.md for flags and exit codes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/bootstrap.sh >&2
export PATH="$ROOT/.tools/bin:$PATH"
exec node24 tools/rehearse/bin/rehearse.js "$@"
