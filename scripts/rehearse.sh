#!/usr/bin/env bash
# The main job: rehearse the pipeline on this machine against the embedded local AWS.
# Installs what it needs first. See docs/local-rehearsal.md for flags.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/bootstrap.sh >&2
export PATH="$ROOT/.tools/bin:$PATH"
if [[ -f tools/rehearse/src/cli.ts ]]; then
  exec node24 tools/rehearse/bin/rehearse.js "$@"
fi
echo "The full rehearsal (act running .github/workflows/pipeline.yml) has not landed yet." >&2
echo "Running what exists: the local AWS smoke test." >&2
exec node24 node_modules/jest/bin/jest.js --ci tools/testkit
